package filelock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestLockAcrossProcesses holds the lock in a child process and checks
// that this process can neither take it nor wait past it, and takes it once
// the child dies (the kernel releases it even without Unlock).
func TestLockAcrossProcesses(t *testing.T) {
	if os.Getenv("FILELOCK_CHILD") != "" {
		f, err := os.OpenFile(os.Getenv("FILELOCK_CHILD"), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			os.Exit(3)
		}
		if err := Lock(f); err != nil {
			os.Exit(4)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Hour) // killed by the parent
		return
	}
	path := filepath.Join(t.TempDir(), "lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockAcrossProcesses$")
	cmd.Env = append(os.Environ(), "FILELOCK_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child did not lock: %q %v", buf, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := TryLock(f); !errors.Is(err, ErrLocked) {
		t.Fatalf("TryLock while the child holds the lock: %v, want ErrLocked", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if err := TryLock(f); err != nil {
		t.Fatalf("TryLock after the child died: %v", err)
	}
	if err := Unlock(f); err != nil {
		t.Fatal(err)
	}
}

// TestLockInProcess checks that a second open file of the same path is
// refused while the first holds the lock (flock locks belong to the open
// file, not the process).
func TestLockInProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	a, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := Lock(a); err != nil {
		t.Fatal(err)
	}
	if err := TryLock(b); !errors.Is(err, ErrLocked) {
		t.Fatalf("second TryLock: %v, want ErrLocked", err)
	}
	if err := Unlock(a); err != nil {
		t.Fatal(err)
	}
	if err := TryLock(b); err != nil {
		t.Fatalf("TryLock after Unlock: %v", err)
	}
}
