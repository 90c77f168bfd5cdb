package webview

import (
	"errors"
	"runtime"
)

// ErrNoDisplay: there is no display to open the window on.
var ErrNoDisplay = errors.New("no display: DISPLAY and WAYLAND_DISPLAY are not set " +
	"(start the window in the kiosk's graphical session, e.g. from its autostart)")

// CheckDisplay reports whether a window can be opened. On Linux and the
// BSDs that needs an X11 or Wayland display in the environment (getenv is
// os.Getenv): WebKitGTK does not fail without one, it crashes.
func CheckDisplay(getenv func(string) string) error {
	if needsDisplay() && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return ErrNoDisplay
	}
	return nil
}

// needsDisplay: GTK platforms need a display server.
func needsDisplay() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true
	}
	return false
}
