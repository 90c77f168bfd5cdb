//go:build !windows

package service

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// notifySocket listens on a real unixgram socket at name (a path, or
// "@name" in the abstract namespace), points $NOTIFY_SOCKET at it and
// returns a function that reads the next datagram.
func notifySocket(t *testing.T, name string) (next func(timeout time.Duration) (string, bool)) {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	t.Setenv("NOTIFY_SOCKET", name)
	return func(timeout time.Duration) (string, bool) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(timeout))
		b := make([]byte, 4096)
		n, err := c.Read(b)
		if err != nil {
			return "", false
		}
		return string(b[:n]), true
	}
}

func TestNotifyUnset(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	for _, f := range []func() (bool, error){Ready, Stopping, Watchdog} {
		if sent, err := f(); sent || err != nil {
			t.Fatalf("without NOTIFY_SOCKET: sent %v, err %v", sent, err)
		}
	}
}

func TestNotifyPathSocket(t *testing.T) {
	next := notifySocket(t, filepath.Join(t.TempDir(), "notify.sock"))
	for _, c := range []struct {
		send func() (bool, error)
		want string
	}{
		{Ready, "READY=1"},
		{Watchdog, "WATCHDOG=1"},
		{func() (bool, error) { return Status("reader\nconnected") }, "STATUS=reader connected"},
		{Stopping, "STOPPING=1"},
		{func() (bool, error) { return Notify("RELOADING=1\nMONOTONIC_USEC=1") }, "RELOADING=1\nMONOTONIC_USEC=1"},
	} {
		sent, err := c.send()
		if !sent || err != nil {
			t.Fatalf("%q: sent %v, err %v", c.want, sent, err)
		}
		if got, ok := next(time.Second); !ok || got != c.want {
			t.Fatalf("received %q (%v), want %q", got, ok, c.want)
		}
	}
}

func TestNotifyAbstractSocket(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the abstract socket namespace is Linux's")
	}
	next := notifySocket(t, fmt.Sprintf("@kiosk-agent-test/%d/%d", os.Getpid(), time.Now().UnixNano()))
	if sent, err := Ready(); !sent || err != nil {
		t.Fatalf("sent %v, err %v", sent, err)
	}
	if got, ok := next(time.Second); got != "READY=1" {
		t.Fatalf("received %q (%v)", got, ok)
	}
}

func TestNotifyErrors(t *testing.T) {
	for _, addr := range []string{filepath.Join(t.TempDir(), "nobody-listens"), "relative.sock"} {
		t.Setenv("NOTIFY_SOCKET", addr)
		if sent, err := Ready(); sent || err == nil {
			t.Errorf("NOTIFY_SOCKET=%s: sent %v, err %v; want an error", addr, sent, err)
		}
	}
}

func TestWatchdogInterval(t *testing.T) {
	me := strconv.Itoa(os.Getpid())
	for _, c := range []struct {
		usec, pid string
		want      time.Duration
		ok        bool
	}{
		{"", "", 0, false},
		{"0", "", 0, false},
		{"x", "", 0, false},
		{"-5", "", 0, false},
		{"30000000", "", 30 * time.Second, true},
		{"30000000", me, 30 * time.Second, true},
		{"30000000", "1", 0, false},
		{"30000000", "x", 0, false},
	} {
		t.Setenv("WATCHDOG_USEC", c.usec)
		t.Setenv("WATCHDOG_PID", c.pid)
		if d, ok := WatchdogInterval(); d != c.want || ok != c.ok {
			t.Errorf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: %v %v, want %v %v", c.usec, c.pid, d, ok, c.want, c.ok)
		}
	}
}

// RunWatchdog pings every half interval while healthy, stops pinging
// while not, and returns when its context ends.
func TestRunWatchdog(t *testing.T) {
	next := notifySocket(t, filepath.Join(t.TempDir(), "notify.sock"))
	t.Setenv("WATCHDOG_USEC", "100000") // 100 ms: a ping every 50 ms
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	var healthy atomic.Bool
	healthy.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- RunWatchdog(ctx, healthy.Load) }()

	start := time.Now()
	for i := range 4 {
		if got, ok := next(time.Second); got != "WATCHDOG=1" {
			t.Fatalf("ping %d: %q (%v)", i, got, ok)
		}
	}
	if d := time.Since(start); d < 120*time.Millisecond || d > 900*time.Millisecond {
		t.Errorf("4 pings took %v, want about 150 ms", d)
	}
	healthy.Store(false)
	for { // drain a ping that may have been on its way
		if _, ok := next(120 * time.Millisecond); !ok {
			break
		}
	}
	if got, ok := next(300 * time.Millisecond); ok {
		t.Fatalf("pinged %q while unhealthy", got)
	}
	healthy.Store(true)
	if got, ok := next(time.Second); got != "WATCHDOG=1" {
		t.Fatalf("no ping after recovering: %q (%v)", got, ok)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Second):
		t.Fatal("RunWatchdog did not return after its context ended")
	}
}

func TestRunWatchdogWithoutWatchdog(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "")
	done := make(chan error, 1)
	go func() { done <- RunWatchdog(context.Background(), nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Second):
		t.Fatal("RunWatchdog waited although no watchdog is wanted")
	}
}
