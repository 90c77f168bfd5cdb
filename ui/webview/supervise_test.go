package webview

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log the supervisor's goroutines may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testSupervisor supervises this test binary as a fake window that
// behaves as how(n) says on its n-th start.
func testSupervisor(t *testing.T, how func(n int) string) (*Supervisor, func() []int, *syncBuffer) {
	t.Helper()
	starts := filepath.Join(t.TempDir(), "starts")
	var log syncBuffer
	s := NewSupervisor(func(n int) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+how(n), "WEBVIEW_TEST_STARTS="+starts, "WEBVIEW_TEST_START="+strconv.Itoa(n))
		return cmd
	}, slog.New(slog.NewTextHandler(&log, nil)))
	s.MinBackoff, s.MaxBackoff, s.StableAfter, s.StopTimeout = 20*time.Millisecond, 80*time.Millisecond, time.Hour, 2*time.Second
	read := func() []int {
		b, _ := os.ReadFile(starts)
		var out []int
		for _, f := range strings.Fields(string(b)) {
			n, _ := strconv.Atoi(f)
			out = append(out, n)
		}
		return out
	}
	return s, read, &log
}

func TestSupervisorRestartsAWindowThatEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, starts, log := testSupervisor(t, func(n int) string {
		switch n {
		case 1:
			return "exit:1" // a crash
		case 2:
			return "exit:" + strconv.Itoa(ExitRestart) // gave up on itself
		case 3:
			return "exit:0" // ended by itself
		}
		return "run"
	})
	done := make(chan error, 1)
	begin := time.Now()
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(starts()) < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// The back-off doubled: 20 + 40 + 80 ms at least before the 4th start.
	if got := starts(); len(got) != 4 || time.Since(begin) < 140*time.Millisecond {
		t.Fatalf("starts %v after %v", got, time.Since(begin))
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the supervisor did not stop")
	}
	if got := starts(); !slicesEqual(got, []int{1, 2, 3, 4}) {
		t.Fatalf("starts %v", got)
	}
	l := log.String()
	for _, w := range []string{"exit 1", "exit 3 (the window gave up on itself", "exit 0", `msg="kiosk window stopped" how="exit 0"`} {
		if !strings.Contains(l, w) {
			t.Errorf("log lacks %q:\n%s", w, l)
		}
	}
}

func TestSupervisorStopsOnAUsageError(t *testing.T) {
	s, starts, _ := testSupervisor(t, func(int) string { return "exit:" + strconv.Itoa(ExitUsage) })
	err := s.Run(context.Background())
	if !errors.Is(err, ErrUsage) || len(starts()) != 1 {
		t.Fatalf("err %v, starts %v", err, starts())
	}
}

func TestSupervisorKillsAWindowThatWillNotStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, starts, log := testSupervisor(t, func(int) string { return "stubborn" })
	s.StopTimeout = 300 * time.Millisecond
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for len(starts()) < 1 {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the supervisor did not kill the window")
	}
	if !strings.Contains(log.String(), "did not stop; killing it") {
		t.Fatalf("log:\n%s", log.String())
	}
}

func TestSupervisorCannotStart(t *testing.T) {
	s := NewSupervisor(func(int) *exec.Cmd { return exec.Command(filepath.Join(t.TempDir(), "missing")) }, nil)
	if err := s.Run(context.Background()); err == nil {
		t.Fatal("no error for a window that cannot start")
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
