package webview

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"syscall"
	"time"
)

// Supervisor runs the window process and starts it again whenever it
// ends, whatever the reason (a crash in GTK or WebKit, a kill, ExitRestart,
// a lost display), with a back-off. It is the process a technician starts
// ("kiosk-agent kiosk"); the window runs in a child so that nothing in the
// window can take the supervisor down with it.
type Supervisor struct {
	// Command returns the window process's command for its n-th start
	// (1, 2, ...). Its SysProcAttr may be replaced (see Run).
	Command func(n int) *exec.Cmd
	Log     *slog.Logger
	// The pause before a restart starts at MinBackoff and doubles up to
	// MaxBackoff; a window that ran StableAfter resets it.
	MinBackoff, MaxBackoff, StableAfter time.Duration
	// StopTimeout is how long a window asked to stop (SIGTERM) gets before
	// it is killed.
	StopTimeout time.Duration
}

// NewSupervisor returns a supervisor with the usual timings: 1 s to 30 s of
// back-off, reset after a minute, 5 s to stop.
func NewSupervisor(command func(n int) *exec.Cmd, log *slog.Logger) *Supervisor {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Supervisor{Command: command, Log: log, MinBackoff: time.Second, MaxBackoff: 30 * time.Second,
		StableAfter: time.Minute, StopTimeout: 5 * time.Second}
}

// ErrUsage is Run's error when the window process exits with ExitUsage:
// its command line or configuration is wrong, and starting it again would
// not help.
var ErrUsage = errors.New("the kiosk window refused its command line or configuration")

// Run starts the window and keeps it running until ctx ends, then stops
// it and returns nil. It returns early only when the window cannot be
// started at all, or exits with ExitUsage (ErrUsage). On Linux the window
// gets SIGTERM should the supervisor die.
func (s *Supervisor) Run(ctx context.Context) error {
	backoff := s.MinBackoff
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			return nil
		}
		cmd := s.Command(n)
		setDeathSignal(cmd)
		started := time.Now()
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start the kiosk window: %w", err)
		}
		s.Log.Info("kiosk window started", "pid", cmd.Process.Pid, "start", n)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-ctx.Done():
			s.stop(cmd, done)
			return nil
		}
		ran := time.Since(started)
		if exitCode(err) == ExitUsage {
			return ErrUsage
		}
		if ran >= s.StableAfter {
			backoff = s.MinBackoff
		}
		s.Log.Warn("kiosk window ended; starting it again", "pid", cmd.Process.Pid, "how", describeExit(err),
			"ran", ran.Round(time.Millisecond), "after", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, s.MaxBackoff)
	}
}

// stop asks the window to end (SIGTERM; a kill where there are no
// signals), then kills it after StopTimeout.
func (s *Supervisor) stop(cmd *exec.Cmd, done <-chan error) {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		cmd.Process.Kill()
	}
	select {
	case err := <-done:
		s.Log.Info("kiosk window stopped", "how", describeExit(err))
	case <-time.After(s.StopTimeout):
		s.Log.Warn("kiosk window did not stop; killing it", "pid", cmd.Process.Pid)
		cmd.Process.Kill()
		<-done
	}
}

// exitCode is a process's exit status, or -1 when it did not exit (a
// signal) or could not be waited for.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// describeExit says how a process ended, in words.
func describeExit(err error) string {
	switch code := exitCode(err); {
	case err == nil:
		return "exit 0"
	case code == ExitRestart:
		return "exit 3 (the window gave up on itself; see its log)"
	case code == ExitNoDisplay:
		return "exit 4 (no display)"
	case code >= 0:
		return fmt.Sprintf("exit %d", code)
	}
	return err.Error() // "signal: killed", "signal: segmentation fault" ...
}
