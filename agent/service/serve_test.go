package service

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// When Run fails by itself, Serve returns its error without waiting for a
// signal.
func TestServeReturnsWhenRunFails(t *testing.T) {
	boom := errors.New("listen on 127.0.0.1:17321: address in use")
	done := make(chan error, 1)
	go func() {
		done <- Serve(&Program{Run: func(context.Context) error { return boom }}, Options{Stderr: new(bytes.Buffer)})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Fatalf("Serve: %v, want %v", err, boom)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Run failed")
	}
}

func TestGuard(t *testing.T) {
	newGuard := func() (*guard, *bytes.Buffer, chan int) {
		var out bytes.Buffer
		exits := make(chan int, 1)
		g := &guard{p: &Program{StopTimeout: 50 * time.Millisecond}, stderr: &out, name: "kiosk-agent",
			exit: func(code int) { exits <- code }, disarmed: make(chan struct{})}
		return g, &out, exits
	}

	g, out, exits := newGuard()
	sig := make(chan os.Signal, 1)
	sig <- os.Interrupt
	g.afterStop(sig)
	if code := <-exits; code != 1 || !strings.Contains(out.String(), "again: stopping at once") {
		t.Errorf("second signal: exit %d, %q", code, out)
	}

	g, out, exits = newGuard()
	begin := time.Now()
	g.afterStop(nil)
	if code := <-exits; code != 1 || !strings.Contains(out.String(), "shutdown took too long") || time.Since(begin) < 100*time.Millisecond {
		t.Errorf("deadline: exit %d after %v, %q", code, time.Since(begin), out)
	}

	g, _, exits = newGuard()
	close(g.disarmed)
	g.afterStop(nil)
	select {
	case code := <-exits:
		t.Errorf("disarmed guard exited %d", code)
	default:
	}
}
