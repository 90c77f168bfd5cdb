//go:build webview && cgo && linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/ui/webview"
	"github.com/kiosk-agent/kiosk-agent/ui/webview/webviewtest"
)

// syncBuf collects a process's output.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The kiosk window as a technician starts it ("kiosk-agent kiosk"), on the
// agent as it runs with --simulate, on a 1920×1080 screen: it shows the
// agent's page full screen, with its Chinese text drawn, and comes back
// when its process is killed. The screenshot is kept in artifacts/.
func TestKioskWindowShowsTheAgentsPage(t *testing.T) {
	webviewtest.Need(t, webviewtest.XvfbPath, webviewtest.ImportPath)
	dir := t.TempDir()
	bin := filepath.Join(dir, "kiosk-agent")
	if out, err := exec.Command("go", "build", "-tags", "webview", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	agent := exec.Command(bin, "--simulate", "--listen", "127.0.0.1:0", "--state-dir", filepath.Join(dir, "state"), "--config", "")
	agentErr, _ := agent.StderrPipe()
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { agent.Process.Kill(); agent.Wait() })
	addrRE := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
	sc := bufio.NewScanner(agentErr)
	addr := ""
	for addr == "" && sc.Scan() {
		if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatal("the agent did not say its address")
	}
	go io.Copy(io.Discard, agentErr)
	pageURL := "http://" + addr + "/"

	display := webviewtest.Xvfb(t, 1920, 1080)
	report := filepath.Join(dir, "report.json")
	kiosk := exec.Command(bin, "kiosk", "--url", pageURL, "--config", "", "--report", report)
	kiosk.Env = append(os.Environ(), "DISPLAY="+display)
	var log syncBuf
	kiosk.Stdout, kiosk.Stderr = &log, &log
	if err := kiosk.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- kiosk.Wait() }()
	t.Cleanup(func() {
		for _, pid := range webviewtest.Children(kiosk.Process.Pid, "") {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		kiosk.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("kiosk's log:\n%s", log.String())
		}
	})
	var r webview.Report
	wait := func(what string, ok func(webview.Report) bool) {
		t.Helper()
		webviewtest.Wait(t, 60*time.Second, what, func() (bool, string) {
			var err error
			r, err = webview.ReadReport(report)
			return err == nil && ok(r), fmt.Sprintf("%+v (%v)", r, err)
		})
	}
	shown := func(start int) func(webview.Report) bool {
		return func(r webview.Report) bool {
			return r.Start == start && r.Page == webview.PageShown && r.Href == pageURL && r.Probe != nil && r.Probe.Text != nil
		}
	}
	wait("the agent's page", func(r webview.Report) bool {
		return r.Start == 1 && r.Page == webview.PageShown && r.Href == pageURL && r.Probe != nil && r.Probe.Chars > 0
	})
	// Chinese in the page but none of it with a size: no CJK font.
	webviewtest.Wait(t, 10*time.Second, "Chinese text drawn with a size", func() (bool, string) {
		r, _ = webview.ReadReport(report)
		return shown(1)(r), fmt.Sprintf("%d Chinese characters in the page, none drawn: is a CJK font installed (fonts-noto-cjk)?", r.Probe.Chars)
	})

	// The first paint can lag the load: wait until two reports a second
	// apart name the same text at the same place, take the screenshot,
	// and check that the page still says the same afterwards.
	var box *webview.TextBox
	webviewtest.Wait(t, 30*time.Second, "the page to settle", func() (bool, string) {
		prev := *r.Probe.Text
		time.Sleep(time.Second)
		wait("the agent's page", shown(1))
		box = r.Probe.Text
		return *box == prev, fmt.Sprintf("%+v then %+v", prev, *box)
	})
	png := filepath.Join(artifactsDir(t), "webview-1920x1080.png")
	shot := webviewtest.Screenshot(t, display, png)
	wait("the agent's page", shown(1))
	if *r.Probe.Text != *box {
		t.Fatalf("the page changed while the screenshot was taken: %+v, then %+v", *box, *r.Probe.Text)
	}
	t.Logf("screenshot %s; text %q at %.0f,%.0f %.0fx%.0f", png, box.S, box.X, box.Y, box.W, box.H)
	if r.Probe.Width != 1920 || r.Probe.Height != 1080 || r.Probe.DPR != 1 || r.Zoom != 1 {
		t.Errorf("not full screen at zoom 1: viewport %dx%d, device pixel ratio %v, zoom %v", r.Probe.Width, r.Probe.Height, r.Probe.DPR, r.Zoom)
	}
	if err := webviewtest.CheckPage(shot); err != nil {
		t.Error(err)
	}
	if err := webviewtest.CheckGlyphs(shot, webviewtest.TextRect(box.X, box.Y, box.W, box.H), box.S); err != nil {
		t.Error(err)
	}

	// The window process dies: the supervisor starts a new one.
	children := webviewtest.Children(kiosk.Process.Pid, "kiosk-agent")
	if len(children) != 1 {
		t.Fatalf("window processes: %v", children)
	}
	syscall.Kill(children[0], syscall.SIGKILL)
	wait("the page in a new window", shown(2))
	if !strings.Contains(log.String(), "signal: killed") {
		t.Error("the supervisor did not log how the window ended")
	}

	// SIGTERM stops the supervisor, its window and the window's WebKit
	// processes.
	window := webviewtest.Children(kiosk.Process.Pid, "kiosk-agent")
	var webkit []int
	for _, pid := range window {
		webkit = append(webkit, webviewtest.Children(pid, "WebKit")...)
	}
	if len(window) != 1 || len(webkit) == 0 {
		t.Fatalf("window %v, its WebKit processes %v", window, webkit)
	}
	kiosk.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Fatalf("kiosk ended with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("kiosk did not stop on SIGTERM")
	}
	webviewtest.Wait(t, 10*time.Second, "the window and WebKit to end", func() (bool, string) {
		var left []int
		for _, pid := range append(window, webkit...) {
			if webviewtest.Alive(pid) {
				left = append(left, pid)
			}
		}
		return len(left) == 0, fmt.Sprintf("still running: %v", left)
	})
	if !strings.Contains(log.String(), "kiosk window supervisor stopped") {
		t.Error("no stop line in the log")
	}
}

// A second supervisor on the same display refuses to start.
func TestKioskOneWindowPerDisplay(t *testing.T) {
	display := fmt.Sprintf(":kiosk-test-%d", os.Getpid())
	t.Setenv("DISPLAY", display)
	release, err := lockDisplay()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var out, errb bytes.Buffer
	if code := run([]string{"kiosk", "--url", "http://127.0.0.1:1/", "--config", ""}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "a kiosk window already runs on display") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

func TestKioskCommandUsage(t *testing.T) {
	t.Setenv("DISPLAY", ":0")
	for _, args := range [][]string{
		{"kiosk", "--url", "http://example.com:80/"},
		{"kiosk", "--url", "https://127.0.0.1:17321/"},
		{"kiosk", "--config", "", "--listen", "x"},
		{"kiosk", "--size", "10x10", "--config", ""},
		{"kiosk", "--config", filepath.Join(t.TempDir(), "missing.toml")},
		{"kiosk", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != webview.ExitUsage || errb.Len() == 0 {
			t.Errorf("%v: exit %d, %q", args, code, errb.String())
		}
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	var out, errb bytes.Buffer
	if code := run([]string{"kiosk", "--config", ""}, &out, &errb); code != webview.ExitNoDisplay || !strings.Contains(errb.String(), "no display") {
		t.Errorf("no display: exit %d, %q", code, errb.String())
	}
}

// artifactsDir is $KIOSK_ARTIFACTS, or artifacts/ at the repository root.
func artifactsDir(t *testing.T) string {
	d := os.Getenv("KIOSK_ARTIFACTS")
	if d == "" {
		d = filepath.Join("..", "..", "..", "artifacts")
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}
