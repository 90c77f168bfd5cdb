// Package filelock takes an exclusive, advisory lock on a file that other
// processes of the agent respect: the running agent and a technician's
// "kiosk-agent pair add" append to the same audit file and rewrite the same
// pairing file, and a second agent must not start beside the first.
//
// The lock belongs to the open file: it is released by Unlock, by closing
// the file, and by the kernel when the process dies (also on kill -9), so
// a crash never leaves a stale lock behind.
package filelock

import (
	"errors"
	"os"
)

// ErrLocked is returned by TryLock when another process holds the lock.
var ErrLocked = errors.New("file is locked by another process")

// Lock blocks until it holds the exclusive lock on f.
func Lock(f *os.File) error { return lock(f, true) }

// TryLock takes the exclusive lock on f, or returns ErrLocked at once.
func TryLock(f *os.File) error { return lock(f, false) }

// Unlock releases the lock on f.
func Unlock(f *os.File) error { return unlock(f) }
