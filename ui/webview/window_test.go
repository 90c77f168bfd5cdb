//go:build webview && cgo && linux

package webview

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/ui/webview/webviewtest"
)

// The window tests run a real window (this test binary, as a helper
// process: webview_go wants the main thread) on a virtual display, on a
// page of the test's that tries everything a kiosk page must not manage.

func init() {
	windowHelper = func() int {
		var o Options
		if err := json.Unmarshal([]byte(os.Getenv("WEBVIEW_TEST_OPTIONS")), &o); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return ExitUsage
		}
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		defer cancel()
		if err := Open(ctx, o); err != nil {
			fmt.Fprintln(os.Stderr, "window:", err)
			if e, ok := err.(*ExitError); ok {
				return e.Code
			}
			return 1
		}
		return 0
	}
}

// lockedBuffer collects a helper's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// hostilePage is the test's "agent page": once loaded it tries to leave
// the agent's origin in every way a page can, to open a window and a
// dialog, then goes to a second page of its own origin (allowed).
const hostilePage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>锁定测试</title></head>
<body style="margin:0;font-size:48px;font-family:sans-serif">
<h1>锁定测试页面</h1>
<form id="f" action="FOREIGN/form" method="get"><input name="q" value="1"></form>
<script>
const steps = [
  () => { location.href = "FOREIGN/location"; },
  () => { window.open("FOREIGN/open"); },
  () => { document.getElementById("f").submit(); },
  () => { const m = document.createElement("meta"); m.httpEquiv = "refresh"; m.content = "0;url=FOREIGN/refresh"; document.head.appendChild(m); },
  () => { location.href = "data:text/html,<h1>data</h1>"; },
  () => { location.href = "file:///etc/passwd"; },
  () => { const i = document.createElement("iframe"); i.src = "FOREIGN/frame"; document.body.appendChild(i); },
  () => { alert("不许弹窗"); confirm("真的？"); },
  () => { location.href = "/second"; },
];
addEventListener("load", () => steps.forEach((f, i) => setTimeout(f, 200 * (i + 1))));
</script>
</body></html>`

// secondPage has a link that opens a new window, for a real click.
const secondPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>第二页</title></head>
<body style="margin:0;font-size:48px;font-family:sans-serif">
<a id="a" href="FOREIGN/blank" target="_blank" style="display:block;position:absolute;left:0;top:0;width:600px;height:300px;background:#ddd">新窗口链接</a>
<p style="position:absolute;top:400px;left:40px">这是第二页</p>
</body></html>`

func TestWindowKioskLock(t *testing.T) {
	webviewtest.Need(t, webviewtest.XdotoolPath)
	display := webviewtest.Xvfb(t, 1280, 800)

	// Everything that reaches the foreign server is a hole in the lock.
	var foreign atomic.Int32
	var foreignPaths sync.Map
	fsrv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreign.Add(1)
		foreignPaths.Store(r.URL.Path, true)
		fmt.Fprint(w, "<h1>escaped</h1>")
	})}
	fl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go fsrv.Serve(fl)
	t.Cleanup(func() { fsrv.Close() })
	foreignURL := "http://" + fl.Addr().String()

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.ReplaceAll(hostilePage, "FOREIGN", foreignURL))
	})
	mux.HandleFunc("/second", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.ReplaceAll(secondPage, "FOREIGN", foreignURL))
	})
	al, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	agentAddr := al.Addr().String()
	asrv := &http.Server{Handler: mux}
	go asrv.Serve(al)
	t.Cleanup(func() { asrv.Close() })
	pageURL := "http://" + agentAddr + "/"

	dir := t.TempDir()
	w := startWindow(t, display, Options{URL: pageURL, Fullscreen: true, Monitor: -1, Watchdog: 4 * time.Second,
		Report: filepath.Join(dir, "report.json"), Start: 1})
	cmd, log, wait := w.cmd, w.log, w.wait
	xdo := func(args ...string) {
		t.Helper()
		c := exec.Command(webviewtest.XdotoolPath, args...)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
	}

	// The hostile page tried everything, and ended on its second page.
	r := wait("the second page", func(r Report) bool { return r.Href == pageURL+"second" && r.Probe != nil })
	if n := foreign.Load(); n != 0 {
		var paths []string
		foreignPaths.Range(func(k, _ any) bool { paths = append(paths, k.(string)); return true })
		t.Fatalf("the page reached another origin %d times: %v", n, paths)
	}
	// (window.open without a tap is refused by WebKit's settings before
	// any policy is asked, and file: by WebKit itself: neither is counted.)
	if r.Blocked["navigation"] < 4 || r.Blocked["dialog"] < 2 {
		t.Errorf("refusals: %v, want ≥4 navigations (location, form, refresh, data:, the frame), 2 dialogs", r.Blocked)
	}
	if r.Probe.Width != 1280 || r.Probe.Height != 800 {
		t.Errorf("viewport %dx%d, want the whole 1280x800 screen", r.Probe.Width, r.Probe.Height)
	}

	// By hand: a click on a target=_blank link, a right click, zoom by
	// keys and by wheel, mouse back.
	xdo("mousemove", "300", "150", "click", "1")
	xdo("mousemove", "900", "600", "click", "3")
	xdo("key", "ctrl+plus", "ctrl+plus", "ctrl+minus", "ctrl+0")
	xdo("keydown", "ctrl", "click", "4", "click", "4", "click", "5", "keyup", "ctrl")
	xdo("key", "alt+Left")
	xdo("click", "8")
	before := r.Seq
	r = wait("the refusals by hand", func(r Report) bool {
		return r.Seq > before+1 && r.Blocked["newWindow"] >= 1 && r.Blocked["zoom"] >= 7 && r.Blocked["key"] >= 2
	})
	if r.Refused["contextmenu"] < 1 && r.Blocked["contextMenu"] < 1 {
		t.Errorf("the right click was not refused: %v %v", r.Blocked, r.Refused)
	}
	if r.Zoom != 1 || r.Probe.Width != 1280 || r.Probe.Scale != 1 || r.Href != pageURL+"second" {
		t.Errorf("after zooming and going back: zoom %v, viewport width %d, scale %v, at %s", r.Zoom, r.Probe.Width, r.Probe.Scale, r.Href)
	}
	if n := foreign.Load(); n != 0 {
		t.Fatalf("the link reached another origin (%d requests)", n)
	}

	// The web process crashes: the page comes back.
	webProc := func() int {
		t.Helper()
		pids := webviewtest.Children(cmd.Process.Pid, "WebKitWebProces")
		if len(pids) != 1 {
			t.Fatalf("web processes of the window: %v", pids)
		}
		return pids[0]
	}
	syscall.Kill(webProc(), syscall.SIGKILL)
	r = wait("the page after a crash", func(r Report) bool { return r.WebProcessRestarts == 1 && r.Page == PageShown && r.Href != "" })
	if !strings.Contains(log.String(), "the page's web process crashed") {
		t.Error("the crash was not logged")
	}

	// The web process hangs: the watchdog kills it, the page comes back.
	syscall.Kill(webProc(), syscall.SIGSTOP)
	r = wait("the page after a hang", func(r Report) bool { return r.WebProcessRestarts == 2 && r.Page == PageShown })
	if !strings.Contains(log.String(), "no heartbeat from the page for 4s") {
		t.Error("the hang was not logged")
	}

	// The agent goes away and F5 is pressed: the waiting page; the agent
	// comes back: its page.
	asrv.Close()
	wait("the agent's page again before F5", func(r Report) bool { return strings.HasPrefix(r.Href, pageURL) })
	xdo("key", "F5")
	r = wait("the waiting page", func(r Report) bool {
		return r.Page == PageWaiting && r.Href == "about:blank" && r.Probe != nil && r.Probe.Text != nil
	})
	time.Sleep(time.Second) // the first paint can lag the load
	shot := webviewtest.Screenshot(t, display, filepath.Join(dir, "waiting.png"))
	tb := r.Probe.Text
	if err := webviewtest.CheckGlyphs(shot, webviewtest.TextRect(tb.X, tb.Y, tb.W, tb.H), tb.S); err != nil {
		t.Errorf("waiting page: %v", err)
	}
	al, err = net.Listen("tcp", agentAddr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", agentAddr, err)
	}
	asrv = &http.Server{Handler: mux}
	go asrv.Serve(al)
	wait("the agent's page after the wait", func(r Report) bool { return r.Page == PageShown && strings.HasPrefix(r.Href, pageURL) })
	if n := foreign.Load(); n != 0 {
		t.Fatalf("the page reached another origin (%d requests)", n)
	}

	// SIGTERM ends the window cleanly, and its WebKit processes with it.
	w.stop(t)
}

// aWindow is a window helper process.
type aWindow struct {
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan error
	wait   func(what string, ok func(Report) bool) Report
}

// startWindow runs a window with o on display, in a helper process with
// env added to its environment.
func startWindow(t *testing.T, display string, o Options, env ...string) *aWindow {
	t.Helper()
	opts, _ := json.Marshal(o)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), helperEnv+"=window", "WEBVIEW_TEST_OPTIONS="+string(opts), "DISPLAY="+display), env...)
	w := &aWindow{cmd: cmd, log: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = w.log, w.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		for _, pid := range webviewtest.Children(cmd.Process.Pid, "") {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		cmd.Process.Kill()
		err := <-w.exited
		w.exited <- err
		if t.Failed() {
			t.Logf("window's log:\n%s", w.log.String())
		}
	})
	w.wait = func(what string, ok func(Report) bool) Report {
		t.Helper()
		var r Report
		webviewtest.Wait(t, 30*time.Second, what, func() (bool, string) {
			var err error
			r, err = ReadReport(o.Report)
			return err == nil && ok(r), fmt.Sprintf("%+v (%v)", r, err)
		})
		return r
	}
	return w
}

// stop ends the window with SIGTERM and checks that it exits 0 and that
// its WebKit processes end with it.
func (w *aWindow) stop(t *testing.T) {
	t.Helper()
	webkit := webviewtest.Children(w.cmd.Process.Pid, "WebKit")
	if len(webkit) == 0 {
		t.Error("the window has no WebKit processes")
	}
	w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-w.exited:
		w.exited <- err // for the cleanup
		if err != nil {
			t.Fatalf("the window ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the window did not end on SIGTERM")
	}
	webviewtest.Wait(t, 10*time.Second, "the WebKit processes to end", func() (bool, string) {
		var left []int
		for _, pid := range webkit {
			if webviewtest.Alive(pid) {
				left = append(left, pid)
			}
		}
		return len(left) == 0, fmt.Sprintf("still running: %v", left)
	})
}

// Chinese text drawn without a CJK font vanishes; the checks the kiosk
// test relies on must see that. (The window gets a fontconfig file that
// lists DejaVu only.)
func TestWindowWithoutACJKFontIsCaught(t *testing.T) {
	display := webviewtest.Xvfb(t, 1024, 768)
	dir := t.TempDir()
	conf := filepath.Join(dir, "fonts.conf")
	os.WriteFile(conf, []byte(`<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>`+filepath.Join(dir, "cache")+`</cachedir></fontconfig>`), 0o600)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body style="margin:40px;font-size:64px">`+
			`<p>请将身份证放在读卡区</p><p style="font-size:32px">Latin text stays</p></body></html>`)
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	report := filepath.Join(dir, "report.json")
	w := startWindow(t, display, Options{URL: "http://" + l.Addr().String() + "/", Fullscreen: true, Monitor: -1,
		Watchdog: 10 * time.Second, Report: report}, "FONTCONFIG_FILE="+conf)
	r := w.wait("the page", func(r Report) bool { return r.Page == PageShown && r.Probe != nil && r.Probe.Chars > 0 })
	time.Sleep(time.Second)
	seq := r.Seq
	r = w.wait("a later report", func(n Report) bool { return n.Seq > seq })
	if tb := r.Probe.Text; tb != nil {
		shot := webviewtest.Screenshot(t, display, filepath.Join(dir, "nofont.png"))
		if err := webviewtest.CheckGlyphs(shot, webviewtest.TextRect(tb.X, tb.Y, tb.W, tb.H), tb.S); err == nil {
			t.Fatalf("glyphs found for %q without a CJK font", tb.S)
		}
	}
	t.Logf("without a CJK font: %d Chinese characters, text box %+v", r.Probe.Chars, r.Probe.Text)
	w.stop(t)
}
