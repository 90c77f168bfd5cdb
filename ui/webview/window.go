//go:build webview && cgo

package webview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	webview "github.com/webview/webview_go"
)

// Built reports whether this binary has the kiosk window (built with cgo
// and -tags webview).
const Built = true

// HangTimeout is how long the GTK main loop may leave a tick unrun before
// the window process gives up on itself (ExitRestart).
const HangTimeout = 30 * time.Second

// ExitError is Open's error when the window ends itself so that the
// supervisor starts a new one; Code is the process's exit status.
type ExitError struct {
	Code   int
	Reason string
}

func (e *ExitError) Error() string { return e.Reason }

// current is the window of this process (one at most); the native
// callbacks find it here. Only the main thread touches it after Open set
// it.
var current *window

type window struct {
	wv     webview.WebView
	o      Options
	origin string
	ctl    *Controller
	log    *slog.Logger
	seq    int
	exit   error
	client *http.Client
}

// Open shows the agent's page (o.URL) in a kiosk-locked window and runs
// the window until ctx ends (nil) or the window gives up on itself (an
// *ExitError with ExitRestart). It must be called from the main goroutine
// (webview_go keeps it on the main thread), once per process. Without a
// display it returns ErrNoDisplay.
func Open(ctx context.Context, o Options) error {
	if err := CheckURL(o.URL); err != nil {
		return err
	}
	if err := CheckDisplay(os.Getenv); err != nil {
		return err
	}
	if current != nil {
		return errors.New("a kiosk window is already open in this process")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Title == "" {
		o.Title = "kiosk-agent"
	}
	if err := nativeInit(); err != nil {
		return err
	}
	wv := webview.New(o.Debug)
	defer wv.Destroy()
	w := &window{
		wv: wv, o: o, origin: Origin(o.URL), ctl: NewController(o.URL, o.Watchdog), log: o.Log,
		client: &http.Client{Timeout: 3 * time.Second},
	}
	current = w
	defer func() { current = nil }()

	wv.SetTitle(o.Title)
	if err := nativeLock(wv.Window(), o); err != nil {
		return err
	}
	if err := wv.Bind(BeatFunction, w.beat); err != nil {
		return err
	}
	wv.Init(Script(o.Report != ""))

	stop := make(chan struct{})
	defer close(stop)
	go w.ticker(ctx, stop)
	w.log.Info("kiosk window open", "url", o.URL, "fullscreen", o.Fullscreen, "watchdog", o.Watchdog)
	w.do(w.ctl.Start(time.Now()))
	wv.Run()
	return w.exit
}

// ticker feeds the controller the time from outside the main loop, and
// ends the process when the main loop stops running ticks. It also ends
// the window when ctx ends, or when the supervisor that started it is
// gone.
func (w *window) ticker(ctx context.Context, stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	parent := os.Getppid()
	var pending atomic.Int64 // when the tick not yet run was posted
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			w.log.Info("kiosk window closing")
			w.wv.Terminate()
			return
		case now := <-t.C:
			if w.o.Start > 0 && os.Getppid() != parent {
				w.log.Warn("the supervisor is gone; closing the kiosk window")
				w.wv.Terminate()
				return
			}
			if p := pending.Load(); p != 0 {
				if since := now.Sub(time.Unix(0, p)); since > HangTimeout {
					w.log.Error("the window's main loop hangs; ending the window so that it starts again", "for", since.Round(time.Second))
					os.Exit(ExitRestart)
				}
				continue
			}
			pending.Store(now.UnixNano())
			w.wv.Dispatch(func() {
				pending.Store(0)
				w.do(w.ctl.Tick(time.Now()))
			})
		}
	}
}

// do carries out the controller's actions (on the main thread).
func (w *window) do(actions []Action) {
	for _, a := range actions {
		switch a.Kind {
		case Navigate:
			w.log.Info("loading the agent's page", "url", a.URL)
			w.wv.Navigate(a.URL)
		case ShowWaiting:
			w.log.Info("the agent does not answer; showing the waiting page", "url", w.o.URL)
			w.wv.SetHtml(WaitingPage)
		case ProbeAgent:
			go func() {
				up := w.answers()
				w.wv.Dispatch(func() { w.do(w.ctl.AgentUp(up, time.Now())) })
			}()
		case KillWebProcess:
			w.log.Warn("the page stopped answering; killing its web process", "why", a.Reason)
			if !nativeKillWebProcess() {
				w.do([]Action{{Kind: Exit, Code: ExitRestart, Reason: a.Reason + " (this WebKit cannot kill its web process)"}})
			}
		case Exit:
			w.log.Error("ending the kiosk window so that it starts again", "why", a.Reason)
			w.exit = &ExitError{Code: a.Code, Reason: a.Reason}
			w.wv.Terminate()
		}
	}
}

// answers reports whether the agent serves its page.
func (w *window) answers() bool {
	resp, err := w.client.Get(w.o.URL)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// The callbacks below run on the main thread (WebKit's signals, webview_go's
// bindings).

func (w *window) beat(b Beat) {
	w.ctl.Beat(b, time.Now())
	if w.o.Report == "" {
		return
	}
	w.seq++
	r := w.ctl.Report()
	r.Seq, r.Time, r.Start, r.Zoom = w.seq, time.Now(), w.o.Start, nativeZoom()
	if err := WriteReport(w.o.Report, r); err != nil {
		w.log.Warn("cannot write the report", "file", w.o.Report, "err", err)
	}
}

func (w *window) loadFinished(uri string) {
	w.log.Debug("page loaded", "uri", uri)
	w.ctl.LoadFinished(uri, time.Now())
}

func (w *window) loadFailed(uri, msg string) {
	w.log.Warn("the page did not load", "uri", uri, "err", msg)
	w.do(w.ctl.LoadFailed(uri, time.Now()))
}

func (w *window) webProcessGone(why string) {
	w.log.Warn(fmt.Sprintf("the page's web process %s; loading the page again", why))
	w.do(w.ctl.WebProcessGone(why, time.Now()))
}

// quietRefusals are what people do by hand (and may do often); the rest is
// the page misbehaving, which a technician wants to see.
var quietRefusals = map[string]bool{"contextMenu": true, "zoom": true, "pinch": true, "key": true, "close": true}

func (w *window) blocked(what string) {
	level := slog.LevelWarn
	if quietRefusals[what] {
		level = slog.LevelDebug
	}
	w.log.Log(context.Background(), level, "kiosk lock refused", "what", what)
	w.ctl.Blocked(what)
}

func (w *window) reload() {
	w.log.Info("reload asked for (F5)")
	w.do(w.ctl.Reload(time.Now()))
}
