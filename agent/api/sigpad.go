package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Limits of sigpad.capture's params.
const (
	maxTitle   = 100  // characters
	maxSummary = 1000 // characters
	maxName    = 50   // characters
)

// registerSigpad adds the sigpad.* methods.
func (a *API) registerSigpad() {
	a.d.RPC.Handle(protocol.MethodSigpadCapture, a.sigpadCapture)
	a.d.RPC.Handle(protocol.MethodSigpadCancel, a.sigpadPress(sigpad.ButtonCancel))
	a.d.RPC.Handle(protocol.MethodSigpadClear, a.sigpadPress(sigpad.ButtonRetry))
	a.d.RPC.Handle(protocol.MethodSigpadButton, a.sigpadButton)
	a.d.RPC.Handle(protocol.MethodSigpadInput, a.sigpadInput)
}

// Owner names a connection as the holder of a capture.
func Owner(c *rpc.Conn) string { return "conn-" + strconv.FormatUint(c.ID, 10) }

func badField(field, format string, args ...any) *protocol.Error {
	e := protocol.Errorf(protocol.ReasonBadParams, format, args...)
	e.Data.Field = field
	return e
}

// checkText checks a text param: present if required, at most max
// characters, no control characters but line breaks where allowed.
func checkText(field, s string, required bool, max int, lines bool) *protocol.Error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return badField(field, "%s is required", field)
	case utf8.RuneCountInString(s) > max:
		return badField(field, "%s must be at most %d characters", field, max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && !(lines && r == '\n') || r == 0x7f }):
		return badField(field, "%s has control characters", field)
	}
	return nil
}

func (a *API) sigpadCapture(ctx context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.CaptureParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if e := checkText("document.title", p.Document.Title, true, maxTitle, false); e != nil {
		return nil, e
	}
	if e := checkText("document.summary", p.Document.Summary, false, maxSummary, true); e != nil {
		return nil, e
	}
	if e := checkText("signer.name", p.Signer.Name, true, maxName, false); e != nil {
		return nil, e
	}
	digest := strings.ToLower(p.Document.SHA256)
	if b, err := hex.DecodeString(digest); err != nil || len(b) != sha256.Size {
		return nil, badField("document.sha256", "document.sha256 must be the document's SHA-256 in 64 hex digits")
	}
	timeout := time.Duration(0)
	if p.TimeoutMs != nil {
		if ms := *p.TimeoutMs; ms < 1 || ms > sigpad.MaxTimeout.Milliseconds() {
			return nil, badField("timeoutMs", "timeoutMs must be between 1 and %d", sigpad.MaxTimeout.Milliseconds())
		}
		timeout = time.Duration(*p.TimeoutMs) * time.Millisecond
	}
	switch p.Source {
	case "", sigpad.SourcePad, sigpad.SourceScreen:
	default:
		return nil, badField("source", `source must be "pad" or "screen"`)
	}
	if a.d.Sigpad == nil {
		return nil, protocol.Errorf(protocol.ReasonDeviceNotFound, "signature capture is not configured")
	}
	fw := newForwarder(a.d.RPC, c)
	defer fw.close()
	var started sigpad.Started
	l := sigpad.Listener{
		Started: func(s sigpad.Started) {
			started = s
			a.d.RPC.Notify(c, protocol.EventSigpadStarted, protocol.StartedEvent{Source: s.Source, Model: s.Model,
				Width: s.Width, Height: s.Height, MaxPressure: s.MaxPressure, PromptSHA256: s.PromptSHA256})
		},
		Sample: fw.add,
		Pressed: func(b string) {
			fw.flush() // the ink before the press, then the press
			a.d.RPC.Notify(c, protocol.EventSigpadPressed, protocol.PressedEvent{Button: b})
		},
	}
	acc := web.AccessOf(c)
	b, err := a.d.Sigpad.Capture(ctx, sigpad.Request{Owner: Owner(c), Document: sigpad.Document{Title: p.Document.Title,
		Summary: p.Document.Summary, SHA256: digest}, Signer: p.Signer.Name, Timeout: timeout, Source: p.Source}, l)
	fw.close() // every live sample goes out before the answer
	rec := audit.Record{Event: audit.EventSignatureTaken, Origin: acc.Origin, Client: acc.Client(),
		Detail: map[string]string{"document": digest, "signer": MaskName(p.Signer.Name), "source": started.Source}}
	if d := a.d.Sigpad.Device(); d != nil {
		rec.Device = d.Info().ID
	}
	if err != nil {
		pe := protocolError(err)
		rec.Result, rec.Reason = "failed", string(pe.Data.Reason)
		if ctx.Err() == nil { // not just a client that went away
			a.audit(rec)
		}
		return nil, pe
	}
	raw, err := evidence.Marshal(b)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	rec.Result = "ok"
	rec.Detail["bundle"] = hex.EncodeToString(sum[:])
	a.audit(rec)
	return protocol.CaptureResult{Bundle: json.RawMessage(raw)}, nil
}

// sigpadPress answers sigpad.cancel and sigpad.clear.
func (a *API) sigpadPress(button string) rpc.Handler {
	return func(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		if err := noParams(params); err != nil {
			return nil, err
		}
		return a.press(c, button)
	}
}

func (a *API) sigpadButton(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.ButtonParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	switch p.Button {
	case sigpad.ButtonConfirm, sigpad.ButtonRetry, sigpad.ButtonCancel:
	default:
		return nil, badField("button", `button must be "confirm", "retry" or "cancel"`)
	}
	return a.press(c, p.Button)
}

func (a *API) press(c *rpc.Conn, button string) (any, error) {
	if a.d.Sigpad == nil {
		return nil, protocol.Errorf(protocol.ReasonNoCapture, "no signature capture is going on")
	}
	err := a.d.Sigpad.Press(Owner(c), button)
	if errors.Is(err, sigpad.ErrNoCapture) && flowAudience(c) != "" {
		// The kiosk's own page, signing in the application flow: the
		// capture is the flow's.
		err = a.d.Sigpad.Press(flow.Owner, button)
	}
	if err != nil {
		return nil, sigpadError(err)
	}
	return struct{}{}, nil
}

// maxInput bounds the samples of one sigpad.input.
const maxInput = 2000

func (a *API) sigpadInput(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.InputParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if len(p.Samples) > maxInput {
		return nil, badField("samples", "at most %d samples a call", maxInput)
	}
	if a.d.Sigpad == nil {
		return nil, protocol.Errorf(protocol.ReasonNoCapture, "no signature capture is going on")
	}
	err := a.d.Sigpad.Input(Owner(c), p.Samples, p.Width, p.Height)
	if errors.Is(err, sigpad.ErrNoCapture) && flowAudience(c) != "" {
		err = a.d.Sigpad.Input(flow.Owner, p.Samples, p.Width, p.Height)
	}
	if err != nil {
		return nil, sigpadError(err)
	}
	return struct{}{}, nil
}

// sigpadError turns a button or input failure into the protocol's error.
func sigpadError(err error) error {
	if errors.Is(err, sigpad.ErrBadInput) {
		field := "samples"
		if strings.Contains(err.Error(), "button") {
			field = "button"
		} else if strings.Contains(err.Error(), "width") {
			field = "width"
		}
		return badField(field, "%v", err)
	}
	return protocolError(err)
}

// MaskName masks a person's name as the kiosk shows it: the first and
// last characters kept, the ones between starred (王*兰, 欧阳**, 李*).
func MaskName(name string) string {
	rs := []rune(strings.TrimSpace(name))
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(rs[0]) + "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}

// forwarder sends a capture's live samples to its client as fast as the
// client takes them: each sample goes out at once when the connection is
// idle, and samples that pile up while a message is being written go out
// together in the next one. None is dropped.
type forwarder struct {
	rpc  *rpc.Server
	conn *rpc.Conn

	mu      sync.Mutex
	pending []protocol.SigpadSample

	wake      chan struct{}
	flushReq  chan chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	stopped   chan struct{}
}

func newForwarder(s *rpc.Server, c *rpc.Conn) *forwarder {
	f := &forwarder{rpc: s, conn: c, wake: make(chan struct{}, 1), flushReq: make(chan chan struct{}),
		done: make(chan struct{}), stopped: make(chan struct{})}
	go f.run()
	return f
}

// add queues a sample (from the capture's goroutine).
func (f *forwarder) add(p sigpad.Point) {
	f.mu.Lock()
	f.pending = append(f.pending, protocol.SigpadSample{T: p.T, X: p.X, Y: p.Y, P: p.P, SW: p.SW, NX: p.NX, NY: p.NY, NP: p.NP})
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// send sends what is pending, in one notification.
func (f *forwarder) send() {
	f.mu.Lock()
	batch := f.pending
	f.pending = nil
	f.mu.Unlock()
	if len(batch) > 0 {
		f.rpc.Notify(f.conn, protocol.EventSigpadSample, protocol.SampleEvent{Samples: batch})
	}
}

func (f *forwarder) run() {
	defer close(f.stopped)
	for {
		select {
		case <-f.wake:
			f.send()
		case reply := <-f.flushReq:
			f.send()
			close(reply)
		case <-f.done:
			f.send()
			return
		}
	}
}

// flush sends what is pending before it returns.
func (f *forwarder) flush() {
	reply := make(chan struct{})
	select {
	case f.flushReq <- reply:
		<-reply
	case <-f.stopped:
	}
}

// close sends what is pending and stops.
func (f *forwarder) close() {
	f.closeOnce.Do(func() { close(f.done) })
	<-f.stopped
}
