package audit

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/filelock"
)

// lockFile takes the exclusive lock on f, giving up when ctx ends. Without
// a deadline or cancellation it blocks in the kernel; otherwise it tries
// every few milliseconds (the lock is held for one write and fsync).
func lockFile(ctx context.Context, f *os.File) error {
	if ctx.Done() == nil {
		return filelock.Lock(f)
	}
	delay := time.Millisecond
	for {
		err := filelock.TryLock(f)
		if !errors.Is(err, filelock.ErrLocked) {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}
