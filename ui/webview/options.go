package webview

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Options configure the window.
type Options struct {
	// URL is the agent's page: http on a loopback address with a port,
	// such as http://127.0.0.1:17321/ (see AgentURL and CheckURL). The
	// window may navigate within its origin only.
	URL string
	// Fullscreen covers the monitor; otherwise the window is Width×Height
	// with decorations (for technicians and development).
	Fullscreen    bool
	Width, Height int
	// Monitor is the monitor to cover (0, 1, ...); -1 is the primary one.
	Monitor int
	// HideCursor hides the mouse pointer over the page (touch screens).
	HideCursor bool
	// Watchdog is how long the page may go without a heartbeat before its
	// web process is killed and the page loaded again; 0 turns the
	// watchdog off.
	Watchdog time.Duration
	// Debug enables WebKit's inspector and context menu. Never on a kiosk
	// in service.
	Debug bool
	// Report, when not empty, is a file the window rewrites (atomically)
	// with a Report at every heartbeat: for tests and diagnosis.
	Report string
	// Start counts the window processes the supervisor has started (1 for
	// the first); it goes into the Report.
	Start int
	// Title is the window's title.
	Title string
	Log   *slog.Logger
}

// DefaultWatchdog is the heartbeat timeout unless told otherwise.
const DefaultWatchdog = 15 * time.Second

// Exit statuses of the window process ("kiosk-agent kiosk --supervise=false"),
// which the supervisor acts on.
const (
	// ExitUsage: the command line or the configuration is wrong; starting
	// again would not help, so the supervisor stops.
	ExitUsage = 2
	// ExitRestart: the window gave up on itself (crash loop, hung main
	// loop, a web process that does not come back); start a new one.
	ExitRestart = 3
	// ExitNoDisplay: there is no display to open a window on (no DISPLAY
	// or WAYLAND_DISPLAY); the supervisor keeps trying with its back-off,
	// since a display may come.
	ExitNoDisplay = 4
)

// ErrNotBuilt is Open's error in a binary built without the window
// (without the "webview" build tag or without cgo).
var ErrNotBuilt = errors.New("this kiosk-agent was built without the kiosk window " +
	"(build it with cgo and -tags webview; see the README, \"Kiosk window\")")

// AgentURL is the agent's page for a server.listen address: http on the
// listening address, or on 127.0.0.1 when the agent listens on every
// interface. A port of 0 (chosen at start) cannot be known beforehand.
func AgentURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("server.listen %q is not host:port", listen)
	}
	if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
		return "", fmt.Errorf("server.listen %q has no fixed port: give the window the page's URL (--url)", listen)
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	u := "http://" + net.JoinHostPort(host, port) + "/"
	if err := CheckURL(u); err != nil {
		return "", fmt.Errorf("server.listen %q: %w", listen, err)
	}
	return u, nil
}

// CheckURL reports why u cannot be the window's page: it must be the
// agent's own page on this machine, http://localhost or a loopback
// address, with an explicit port. (The agent treats exactly such pages as
// its own: they need no pairing, and no other machine can serve them.)
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("%q is not a URL", u)
	}
	if p.Scheme != "http" || p.User != nil || p.Port() == "" {
		return fmt.Errorf("%q is not the agent's own page: want http://127.0.0.1:PORT/ (http, a loopback address and a port)", u)
	}
	host := p.Hostname()
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%q is not on this machine: the window shows the local agent's own page only (127.0.0.1, ::1 or localhost)", u)
	}
	return nil
}

// Origin is the origin of u, "scheme://host:port" in lower case, or ""
// when u has none (about:, data:, a malformed URL).
func Origin(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Opaque != "" {
		return ""
	}
	scheme := strings.ToLower(p.Scheme)
	port := p.Port()
	if port == "" {
		switch scheme {
		case "http", "ws":
			port = "80"
		case "https", "wss":
			port = "443"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(p.Hostname()), port)
}

// Allowed reports whether the window may navigate (any frame) to target:
// pages of the agent's origin, and about:blank (WebKit's empty document,
// and the waiting page's address). Everything else is refused: other
// hosts, other ports of this host, https, file:, data:, blob: and
// javascript: documents.
func Allowed(target, origin string) bool {
	if target == "about:blank" {
		return true
	}
	o := Origin(target)
	return o != "" && origin != "" && o == Origin(origin)
}
