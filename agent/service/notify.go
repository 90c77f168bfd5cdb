package service

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Notify sends state (e.g. "READY=1", or several assignments separated by
// newlines) to the service manager over $NOTIFY_SOCKET, as sd_notify(3)
// does. A socket path beginning with '@' is in Linux's abstract namespace.
// Without $NOTIFY_SOCKET (not started by systemd with Type=notify), and
// always on Windows, it sends nothing and returns sent == false and a nil
// error.
func Notify(state string) (sent bool, err error) {
	addr := os.Getenv("NOTIFY_SOCKET")
	if !notifySupported || addr == "" {
		return false, nil
	}
	if err := notify(addr, state); err != nil {
		return false, fmt.Errorf("sd_notify %q to %s: %w", state, addr, err)
	}
	return true, nil
}

// Ready tells the service manager that the agent has started and serves
// (READY=1). Under Type=notify systemd counts the unit as started only now.
func Ready() (sent bool, err error) { return Notify("READY=1") }

// Stopping tells the service manager that the agent is shutting down
// (STOPPING=1).
func Stopping() (sent bool, err error) { return Notify("STOPPING=1") }

// Watchdog feeds the service manager's watchdog (WATCHDOG=1).
func Watchdog() (sent bool, err error) { return Notify("WATCHDOG=1") }

// Status sets the one-line status that "systemctl status" shows (STATUS=…).
// Newlines in text would start a new assignment, so they become spaces.
func Status(text string) (sent bool, err error) {
	b := []byte(text)
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	return Notify("STATUS=" + string(b))
}

// WatchdogInterval is how often the service manager expects WATCHDOG=1:
// $WATCHDOG_USEC, when it is set, positive, and $WATCHDOG_PID (if set) is
// this process. ok is false when no watchdog is wanted from this process,
// and always on Windows.
func WatchdogInterval() (d time.Duration, ok bool) {
	if !notifySupported {
		return 0, false
	}
	usec, err := strconv.ParseUint(os.Getenv("WATCHDOG_USEC"), 10, 63)
	if err != nil || usec == 0 {
		return 0, false
	}
	if p := os.Getenv("WATCHDOG_PID"); p != "" {
		pid, err := strconv.Atoi(p)
		if err != nil || pid != os.Getpid() {
			return 0, false
		}
	}
	return time.Duration(usec) * time.Microsecond, true
}

// RunWatchdog feeds the service manager's watchdog until ctx ends: every
// half [WatchdogInterval] it calls healthy (nil counts as healthy) and sends
// WATCHDOG=1 only when it returns true. An agent that is wedged, or whose
// healthy blocks, stops feeding it, and systemd restarts it. Without a
// watchdog it returns nil at once; it returns an error when a message
// cannot be sent.
func RunWatchdog(ctx context.Context, healthy func() bool) error {
	interval, ok := WatchdogInterval()
	if !ok {
		return nil
	}
	tick := time.NewTicker(interval / 2)
	defer tick.Stop()
	for {
		if healthy == nil || healthy() {
			if ctx.Err() != nil {
				return nil
			}
			if _, err := Watchdog(); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
