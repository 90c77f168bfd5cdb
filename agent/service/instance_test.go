package service

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A second agent on the same state directory, in another process, is
// refused with the first one's pid, and gets the lock once the first dies.
func TestAcquireInstanceAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("KIOSK_INSTANCE_CHILD"); dir != "" {
		if _, err := AcquireInstance(dir); err != nil {
			os.Stdout.WriteString("error: " + err.Error() + "\n")
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Hour) // killed by the parent
		return
	}
	dir := filepath.Join(t.TempDir(), "state", "kiosk-agent")
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcquireInstanceAcrossProcesses$")
	cmd.Env = append(os.Environ(), "KIOSK_INSTANCE_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child: %q %v", line, err)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("state directory: %v %v, want mode 0700", fi.Mode(), err)
		}
	}

	_, err = AcquireInstance(dir)
	var running *RunningError
	if !errors.As(err, &running) {
		t.Fatalf("second instance: %v, want a *RunningError", err)
	}
	if runtime.GOOS != "windows" { // Windows' lock keeps us from reading the pid
		want := "another kiosk-agent is running (pid " + strconv.Itoa(cmd.Process.Pid) + ")"
		if err.Error() != want {
			t.Fatalf("second instance: %q, want %q", err, want)
		}
	} else if !strings.HasPrefix(err.Error(), "another kiosk-agent is running") {
		t.Fatalf("second instance: %q", err)
	}

	cmd.Process.Kill()
	cmd.Wait()
	release, err := AcquireInstance(dir)
	if err != nil {
		t.Fatalf("after the first agent died: %v", err)
	}
	release()
	release() // twice is harmless
}

func TestAcquireInstanceInProcess(t *testing.T) {
	dir := t.TempDir()
	release, err := AcquireInstance(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, InstanceLockName))
	if runtime.GOOS != "windows" && (err != nil || string(b) != strconv.Itoa(os.Getpid())+"\n") {
		t.Fatalf("lock file holds %q (%v), want our pid", b, err)
	}
	if _, err := AcquireInstance(dir); !errors.As(err, new(*RunningError)) {
		t.Fatalf("second acquire: %v", err)
	}
	release()
	release2, err := AcquireInstance(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	release2()
	if _, err := AcquireInstance(""); err == nil {
		t.Fatal("no state directory accepted")
	}
}
