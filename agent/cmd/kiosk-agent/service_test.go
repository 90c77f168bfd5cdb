//go:build !windows

package main

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/service"
)

// The built binary under a pretend systemd: "run" takes the single-instance
// lock, says READY=1 on $NOTIFY_SOCKET once its port answers, feeds the
// watchdog, says STOPPING=1 on SIGTERM and exits 0 within 5 s. A second
// agent on the same state directory is refused.
func TestBinaryUnderServiceManager(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "kiosk-agent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "notify"), Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	next := func(timeout time.Duration) string {
		sock.SetReadDeadline(time.Now().Add(timeout))
		b := make([]byte, 512)
		n, err := sock.Read(b)
		if err != nil {
			return "(nothing: " + err.Error() + ")"
		}
		return string(b[:n])
	}
	stateDir := filepath.Join(dir, "state")
	args := []string{"run", "--simulate", "--listen", "127.0.0.1:0", "--state-dir", stateDir}

	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+filepath.Join(dir, "notify"), "WATCHDOG_USEC=400000", "WATCHDOG_PID=")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addrs := make(chan string, 1)
	var logged bytes.Buffer
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		re := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logged.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrs <- m[1]
			}
		}
	}()

	if got := next(20 * time.Second); got != "READY=1" {
		t.Fatalf("first message: %q, want READY=1", got)
	}
	// READY=1 came after the agent listens: its port answers now.
	var addr string
	select {
	case addr = <-addrs:
	case <-time.After(5 * time.Second):
		t.Fatal("the agent did not log its address")
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatalf("READY=1 sent, but the port does not answer: %v", err)
	}
	resp.Body.Close()
	// The watchdog is fed every 200 ms while the agent answers.
	for i := range 2 {
		if got := next(2 * time.Second); got != "WATCHDOG=1" {
			t.Fatalf("watchdog ping %d: %q", i, got)
		}
	}

	// A second agent on the same state directory is refused.
	second := exec.Command(bin, args...)
	second.Env = append(os.Environ(), "NOTIFY_SOCKET=")
	out, err := second.CombinedOutput()
	want := "another kiosk-agent is running (pid " + strconv.Itoa(cmd.Process.Pid) + ")"
	if err == nil || !strings.Contains(string(out), want) {
		t.Fatalf("second agent: %v\n%s\nwant a failure saying %q", err, out, want)
	}
	if b, err := os.ReadFile(filepath.Join(stateDir, service.InstanceLockName)); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(cmd.Process.Pid) {
		t.Errorf("lock file: %q %v", b, err)
	}

	begin := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	for {
		got := next(5 * time.Second)
		if got == "STOPPING=1" {
			break
		}
		if got != "WATCHDOG=1" {
			t.Fatalf("after SIGTERM: %q, want STOPPING=1", got)
		}
	}
	exited := make(chan error, 1)
	go func() { <-logDone; exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, logged.String())
		}
	case <-time.After(5*time.Second - time.Since(begin)):
		t.Fatalf("still running 5 s after SIGTERM\n%s", logged.String())
	}
	if !strings.Contains(logged.String(), "kiosk agent stopped") || strings.Contains(logged.String(), "took too long") {
		t.Errorf("log:\n%s", logged.String())
	}
}

func TestServiceCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"service", "unit", "--bin", "/opt/kiosk/kiosk-agent", "--config", "/etc/k.toml"}, &out, &errb); code != 0 {
		t.Fatalf("service unit: exit %d: %s", code, errb.String())
	}
	if out.String() != service.Unit(service.UnitOptions{Binary: "/opt/kiosk/kiosk-agent", Config: "/etc/k.toml"}) {
		t.Fatalf("service unit printed:\n%s", out.String())
	}
	for _, args := range [][]string{{"service"}, {"service", "frobnicate"}, {"service", "status", "extra"}, {"service", "install", "--bin", "x"}} {
		out.Reset()
		errb.Reset()
		if code := run(args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}
