package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/filelock"
)

// InstanceLockName is the lock file in the state directory.
const InstanceLockName = "kiosk-agent.lock"

// RunningError is AcquireInstance's error when another agent holds the
// state directory.
type RunningError struct {
	// PID is the other agent's process id as it wrote it, 0 when it could
	// not be read (on Windows the lock keeps others from reading the file).
	PID int
}

func (e *RunningError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("another kiosk-agent is running (pid %d)", e.PID)
	}
	return "another kiosk-agent is running"
}

// AcquireInstance makes this process the only agent on stateDir: it
// creates the directory (0700) if needed and takes the lock on
// <stateDir>/kiosk-agent.lock, writing this process's id into it. A second
// agent gets a *RunningError naming the first one's pid. The lock is
// released by release, and by the kernel when the process dies, so a crash
// leaves no stale lock.
func AcquireInstance(stateDir string) (release func(), err error) {
	if stateDir == "" {
		return nil, errors.New("single-instance lock: no state directory")
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, fmt.Errorf("single-instance lock: %w", err)
	}
	path := filepath.Join(stateDir, InstanceLockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("single-instance lock: %w", err)
	}
	if err := filelock.TryLock(f); err != nil {
		defer f.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return nil, &RunningError{PID: readPID(f)}
		}
		return nil, fmt.Errorf("single-instance lock: %w", err)
	}
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt(pid, 0)
	}
	if err != nil {
		filelock.Unlock(f)
		f.Close()
		return nil, fmt.Errorf("single-instance lock: write pid to %s: %w", path, err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			filelock.Unlock(f)
			f.Close()
		})
	}, nil
}

// readPID reads the holder's pid from the lock file; 0 when it cannot.
func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
