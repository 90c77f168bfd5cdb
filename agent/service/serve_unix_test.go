//go:build !windows

package service

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serveChild is the child process of TestServeSignals: Serve a Run that
// prints "running", then, once stopped, either returns or ("stuck") never
// does.
func serveChild(mode string) {
	p := &Program{StopTimeout: 300 * time.Millisecond, Run: func(ctx context.Context) error {
		fmt.Println("running")
		<-ctx.Done()
		if mode == "stuck" {
			select {}
		}
		return ctx.Err()
	}}
	if err := Serve(p, Options{}); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "stopped cleanly")
	os.Exit(0)
}

// The whole of Serve in a child process: SIGTERM stops it cleanly; a Run
// that will not stop is given up after the stop timeout (not by the
// guard's deadline); a second signal ends it at once.
func TestServeSignals(t *testing.T) {
	if mode := os.Getenv("KIOSK_SERVE_CHILD"); mode != "" {
		serveChild(mode)
		return
	}
	for _, c := range []struct {
		name, mode string
		signals    []os.Signal
		code       int
		stderr     string
		within     time.Duration
	}{
		{"SIGTERM", "clean", []os.Signal{syscall.SIGTERM}, 0, "stopped cleanly", 2 * time.Second},
		{"SIGINT", "clean", []os.Signal{os.Interrupt}, 0, "stopped cleanly", 2 * time.Second},
		{"stuck", "stuck", []os.Signal{syscall.SIGTERM}, 1, "did not stop within 300ms", 2 * time.Second},
		{"second signal", "stuck", []os.Signal{syscall.SIGTERM, os.Interrupt}, 1, "again: stopping at once", 250 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestServeSignals$")
			cmd.Env = append(os.Environ(), "KIOSK_SERVE_CHILD="+c.mode, "NOTIFY_SOCKET=")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			if line, err := bufio.NewReader(out).ReadString('\n'); line != "running\n" {
				t.Fatalf("child: %q %v", line, err)
			}
			go io.Copy(io.Discard, out)
			begin := time.Now()
			for _, s := range c.signals {
				cmd.Process.Signal(s)
				time.Sleep(20 * time.Millisecond)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("still running 5 s after the signal; stderr:\n%s", stderr.String())
			}
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			}
			if code != c.code || !strings.Contains(stderr.String(), c.stderr) || strings.Contains(stderr.String(), "took too long") {
				t.Errorf("exit %d after %v, stderr:\n%s\nwant exit %d and %q", code, time.Since(begin), stderr.String(), c.code, c.stderr)
			}
			if d := time.Since(begin); d > c.within {
				t.Errorf("took %v, want at most %v", d, c.within)
			}
		})
	}
}
