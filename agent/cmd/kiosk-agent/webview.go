//go:build webview && cgo

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/internal/filelock"
	"github.com/kiosk-agent/kiosk-agent/ui/webview"
)

// windowStartEnv tells a window process which start of the supervisor it
// is (for its report); it also marks it as supervised.
const windowStartEnv = "KIOSK_AGENT_WINDOW_START"

// kioskCommand is "kiosk-agent kiosk": the kiosk window on the agent's
// page, full screen and locked. By default it supervises: the window runs
// in a child process ("kiosk --supervise=false") that is started again
// whenever it ends. The agent itself is a separate process (the service):
// the window belongs to the graphical session, the agent to the system,
// and either may restart without the other.
func kioskCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kiosk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kiosk-agent kiosk [flags]\n\nThe kiosk window: the agent's page, full screen and locked, started again whenever it ends.\nThe agent runs separately (kiosk-agent run, or the service).")
		fs.PrintDefaults()
	}
	configPath := fs.String("config", config.DefaultPath(), "read the agent's address (server.listen) from `FILE` (\"\" for none)")
	pageURL := fs.String("url", "", "the agent's page, http://127.0.0.1:PORT/ (default: from the configuration's server.listen)")
	fullscreen := fs.Bool("fullscreen", true, "cover the monitor; --fullscreen=false: a window of --size with decorations")
	size := fs.String("size", "1280x800", "the window's size without full screen, `WxH`")
	monitor := fs.Int("monitor", -1, "the monitor to cover: 0, 1, ...; -1 for the primary one")
	hideCursor := fs.Bool("hide-cursor", false, "hide the mouse pointer over the page (touch screens)")
	watchdog := fs.Duration("watchdog", webview.DefaultWatchdog, "load the page again after this long without its heartbeat; 0 for never")
	debug := fs.Bool("debug", false, "enable WebKit's inspector and context menu (never on a kiosk in service)")
	report := fs.String("report", "", "write what the window shows to `FILE` (JSON) at every heartbeat, for tests and diagnosis")
	supervise := fs.Bool("supervise", true, "run the window in a child process and start it again whenever it ends; false: in this process, once")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return webview.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: unexpected argument %q\n", fs.Arg(0))
		return webview.ExitUsage
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: --log-level %q: want debug, info, warn or error\n", *logLevel)
		return webview.ExitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	named := false
	fs.Visit(func(f *flag.Flag) { named = named || f.Name == "config" })
	u, err := kioskURL(*pageURL, *configPath, named)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n", err)
		return webview.ExitUsage
	}
	w, h, err := parseSize(*size)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: --size: %v\n", err)
		return webview.ExitUsage
	}
	if err := webview.CheckDisplay(os.Getenv); err != nil {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n", err)
		return webview.ExitNoDisplay
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	if *supervise {
		return superviseWindow(ctx, args, u, log, stderr)
	}
	start, _ := strconv.Atoi(os.Getenv(windowStartEnv))
	err = webview.Open(ctx, webview.Options{
		URL: u, Fullscreen: *fullscreen, Width: w, Height: h, Monitor: *monitor, HideCursor: *hideCursor,
		Watchdog: *watchdog, Debug: *debug, Report: *report, Start: start, Title: "kiosk-agent", Log: log,
	})
	var exit *webview.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.Code
	case errors.Is(err, webview.ErrNoDisplay):
		fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n", err)
		return webview.ExitNoDisplay
	}
	fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n", err)
	return 1
}

// superviseWindow runs the window processes: this command again, with
// the same flags, the page's URL resolved, and --supervise=false.
func superviseWindow(ctx context.Context, args []string, u string, log *slog.Logger, stderr io.Writer) int {
	release, err := lockDisplay()
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n", err)
		return 1
	}
	defer release()
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n", err)
		return 1
	}
	childArgs := append([]string{"kiosk"}, args...)
	childArgs = append(childArgs, "--url", u, "--supervise=false")
	sup := webview.NewSupervisor(func(n int) *exec.Cmd {
		cmd := exec.Command(exe, childArgs...)
		cmd.Env = append(os.Environ(), windowStartEnv+"="+strconv.Itoa(n))
		cmd.Stdout, cmd.Stderr = stderr, stderr
		return cmd
	}, log)
	log.Info("kiosk window supervisor started", "url", u)
	if err := sup.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n", err)
		if errors.Is(err, webview.ErrUsage) {
			return webview.ExitUsage
		}
		return 1
	}
	log.Info("kiosk window supervisor stopped")
	return 0
}

// kioskURL is the page the window shows: --url, or the agent's address in
// the configuration file (a missing default file means the defaults).
func kioskURL(pageURL, configPath string, named bool) (string, error) {
	if pageURL != "" {
		return pageURL, webview.CheckURL(pageURL)
	}
	cfg := config.Default()
	if configPath != "" {
		c, err := config.Load(configPath)
		switch {
		case err == nil:
			cfg = c
		case errors.Is(err, fs.ErrNotExist) && !named:
		default:
			return "", fmt.Errorf("%v\n(the window reads only server.listen from it: give the page with --url http://127.0.0.1:PORT/ instead)", err)
		}
	}
	return webview.AgentURL(cfg.Server.Listen)
}

// parseSize parses "WxH".
func parseSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil || w < 200 || h < 200 {
		return 0, 0, fmt.Errorf("%q is not WxH with each at least 200, such as 1280x800", s)
	}
	return w, h, nil
}

// lockDisplay makes this the only kiosk window supervisor on its display.
func lockDisplay() (release func(), err error) {
	display := os.Getenv("DISPLAY")
	if display == "" {
		display = os.Getenv("WAYLAND_DISPLAY")
	}
	name := "kiosk-agent-kiosk-" + strconv.Itoa(os.Getuid()) + "-" + regexp.MustCompile(`[^A-Za-z0-9.-]`).ReplaceAllString(display, "_") + ".lock"
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("single-window lock: %w", err)
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return nil, fmt.Errorf("a kiosk window already runs on display %q (lock %s)", display, f.Name())
		}
		return nil, fmt.Errorf("single-window lock: %w", err)
	}
	return func() { f.Close() }, nil
}
