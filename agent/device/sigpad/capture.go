package sigpad

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Where a capture takes the signature.
const (
	SourcePad    = "pad"    // the signature pad
	SourceScreen = "screen" // the client's screen, samples sent with Input
)

// Timeouts of a capture.
const (
	DefaultTimeout = 180 * time.Second // flow-screens: 180 s a signer
	MaxTimeout     = 10 * time.Minute
)

// ScreenPressure is the largest pressure of on-screen samples.
const ScreenPressure = 1000

// screenPrompt is the size the prompt is drawn at for an on-screen
// capture (its hash goes into the bundle): the STU-540's.
var screenPrompt = image.Pt(800, 480)

// minInk is how many pen-down samples make a signature: a stray touch
// of one report is not one.
const minInk = 2

// Document is what is signed.
type Document struct {
	Title   string
	Summary string
	SHA256  string // hex, of the document itself
}

// Request asks for a signature.
type Request struct {
	// Owner holds the capture (and the pad): a client connection.
	Owner    string
	Document Document
	Signer   string
	// Timeout bounds the capture; 0 is DefaultTimeout.
	Timeout time.Duration
	// Source is SourcePad, SourceScreen, or "": the pad when one is
	// configured, else the screen.
	Source string
}

// Point is a live sample, in the ink's units: the signing box's, from
// its top left corner; T in ms from the capture's first sample. NX, NY
// and NP are X, Y and P scaled to 0..1 by the ink's range, for drawing.
type Point struct {
	T, X, Y, P int64
	SW         int
	NX, NY, NP float64
}

// Started says a capture is ready for the signer: where, on what, and
// the ink's range (Width, Height 0 on the screen: the client's canvas
// sets them).
type Started struct {
	Source, Model              string
	Width, Height, MaxPressure int64
	PromptSHA256               string
}

// Listener hears a capture as it goes. Its functions are called from the
// capture's goroutine, in order, and must not block; nil ones are skipped.
type Listener struct {
	Started func(Started)
	Sample  func(Point)
	Pressed func(button string)
}

type event struct {
	button        string
	input         [][5]int64
	width, height int64
}

// capture is one signature being taken.
type capture struct {
	req    Request
	source string
	prompt *Prompt // set under Service.mu
	events chan event
	done   chan struct{}
}

// post hands e to the capture, unless it has ended.
func (c *capture) post(e event) {
	select {
	case c.events <- e:
	case <-c.done:
	}
}

// Capture takes one signature and returns its evidence bundle once the
// signer confirms. It fails with ErrCancelled (取消, or Press "cancel"),
// ErrEmptySignature (签好了 with no ink), a device.Error of kind
// ErrTimeout (no confirmation in time), ErrBusy (the pad, or this owner,
// is in another capture), ErrDisconnected (the pad went away), or
// ErrNotFound (no pad), or ctx's error when the client goes.
func (s *Service) Capture(ctx context.Context, req Request, l Listener) (evidence.Bundle, error) {
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	source := req.Source
	if source == "" {
		source = SourceScreen
		if s.sup != nil {
			source = SourcePad
		}
	}
	if source == SourcePad && s.sup == nil {
		return evidence.Bundle{}, device.Errorf(s.cfg.ID, "capture", device.ErrNotFound, "no signature pad is configured (sigpad.port): capture on the screen")
	}
	if s.cfg.Signer == nil {
		return evidence.Bundle{}, errors.New("sigpad: no evidence key")
	}
	c := &capture{req: req, source: source, events: make(chan event, 64), done: make(chan struct{})}
	s.mu.Lock()
	if s.captures[req.Owner] != nil {
		s.mu.Unlock()
		return evidence.Bundle{}, device.Errorf(s.cfg.ID, "capture", device.ErrBusy, "this client is already taking a signature")
	}
	s.captures[req.Owner] = c
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.captures, req.Owner)
		s.mu.Unlock()
		close(c.done)
	}()
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errTimedOut)
	defer cancel()
	var (
		m   evidence.Manifest
		err error
	)
	if source == SourcePad {
		m, err = s.capturePad(ctx, c, l)
	} else {
		m, err = s.captureScreen(ctx, c, l)
	}
	if err == nil {
		err = ctxErr(ctx)
	}
	if err != nil {
		// A pad command cut short by the capture's time running out says
		// only "deadline exceeded": the cause says whose.
		if errors.Is(err, errTimedOut) || errors.Is(context.Cause(ctx), errTimedOut) {
			err = device.Errorf(s.cfg.ID, "capture", device.ErrTimeout, "the signer did not confirm within %v", timeout)
		}
		return evidence.Bundle{}, err
	}
	m.Document = evidence.Document{Title: req.Document.Title, SHA256: req.Document.SHA256}
	m.Signer = evidence.Signatory{Name: req.Signer}
	m.Agent = s.cfg.Agent
	// The strokes live on in the bundle only, which goes to the client:
	// the capture's own copy is wiped as it returns (recorder.reset).
	b, err := evidence.Build(m, s.cfg.Signer)
	if err != nil {
		return evidence.Bundle{}, &device.Error{Device: s.cfg.ID, Op: "sign the evidence", Kind: ErrEvidence, Err: err}
	}
	return b, nil
}

var errTimedOut = errors.New("capture timed out")

// ctxErr is ctx's cause once it has ended, else nil.
func ctxErr(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return context.Cause(ctx)
}

// recorder keeps the ink of a capture.
type recorder struct {
	samples []ink.Sample
	base    int64 // ms of the first sample
	last    int64
	pen     int // pen-down samples
}

// add records a sample at absolute time ms and returns it as recorded.
func (r *recorder) add(ms, x, y, p int64, sw bool) ink.Sample {
	if len(r.samples) == 0 {
		r.base, r.last = ms, 0
	}
	// Never backwards, whatever the clock did, and never past the longest
	// capture (a client's clock may jump).
	t := min(max(ms-r.base, r.last), MaxTimeout.Milliseconds())
	r.last = t
	s := ink.Sample{t, x, y, p, 0}
	if sw {
		s[ink.SampleSwitch] = 1
		r.pen++
	}
	if len(r.samples) < ink.MaxSamples {
		r.samples = append(r.samples, s)
	}
	return s
}

func (r *recorder) reset() {
	clear(r.samples)
	*r = recorder{samples: r.samples[:0]}
}

func (r *recorder) empty() bool { return r.pen < minInk }

func point(s ink.Sample, w, h, maxP int64) Point {
	return Point{T: s[ink.SampleT], X: s[ink.SampleX], Y: s[ink.SampleY], P: s[ink.SamplePressure], SW: int(s[ink.SampleSwitch]),
		NX: norm(s[ink.SampleX], w), NY: norm(s[ink.SampleY], h), NP: norm(s[ink.SamplePressure], maxP)}
}

// norm is v/r, within 0..1; 0 when r is.
func norm(v, r int64) float64 {
	if r <= 0 {
		return 0
	}
	return min(max(float64(v)/float64(r), 0), 1)
}

// inkColor is the pad's ink: a dark blue-black, like a signing pen.
var inkColor = color.RGBA{0x10, 0x1c, 0x4a, 0xff}

// capturePad takes the signature on the pad.
func (s *Service) capturePad(ctx context.Context, c *capture, l Listener) (evidence.Manifest, error) {
	var m evidence.Manifest
	release, err := s.sup.Acquire(ctx, c.req.Owner)
	if err != nil {
		return m, err
	}
	defer release()
	w := s.session()
	if w == nil {
		return m, s.sup.Unavailable("capture")
	}
	pad := w.pad
	caps, info := pad.Capabilities(), pad.Info()
	text := PromptText{Title: c.req.Document.Title, Summary: c.req.Document.Summary, Signer: c.req.Signer}
	hasScreen := caps.ScreenWidth > 0 && caps.ScreenHeight > 0 && caps.Encodings != 0
	size := screenPrompt
	if hasScreen {
		size = image.Pt(caps.ScreenWidth, caps.ScreenHeight)
	}
	prompt := RenderPrompt(s.cfg.Fonts, size.X, size.Y, caps.ColorDepth == 1, text)
	opts := sigpad.Options{Ink: &sigpad.Ink{Color: inkColor, Thickness: 1}}
	if hasScreen {
		if err := pad.ShowImage(ctx, prompt.Image); err != nil {
			return m, s.padError(w, "show the prompt", err)
		}
		opts.Area = prompt.Box
	} else {
		// A pad without a screen (or whose images we cannot send): the
		// whole tablet is the box and its own keys are the buttons; the
		// client shows the prompt.
		prompt.Box, prompt.Buttons = image.Rectangle{}, nil
	}
	sink := make(chan sigpad.Sample, samplesBuffer)
	w.attach(sink)
	defer w.detach()
	startDrops := dropped(pad)
	if err := pad.Start(ctx, opts); errors.Is(err, sigpad.ErrUnsupported) {
		opts.Ink = nil // a pad without ink settings signs in its own ink
		err = pad.Start(ctx, opts)
		if err != nil {
			return m, s.padError(w, "start", err)
		}
	} else if err != nil {
		return m, s.padError(w, "start", err)
	}
	defer func() {
		// Tidy the pad: inking off, screen cleared. Bounded, and not under
		// ctx, which may have ended.
		stopCtx, done := context.WithTimeout(context.Background(), 2*time.Second)
		defer done()
		if err := pad.Stop(stopCtx); err != nil && !errors.Is(err, transport.ErrDisconnected) && !errors.Is(err, transport.ErrClosed) {
			s.cfg.Log.Warn("signature pad not tidied after a capture", "err", err)
		}
	}()
	s.mu.Lock()
	c.prompt = prompt
	s.mu.Unlock()

	geo := newPadGeometry(caps, prompt, hasScreen)
	if l.Started != nil {
		l.Started(Started{Source: SourcePad, Model: info.Vendor + " " + info.Model,
			Width: geo.w, Height: geo.h, MaxPressure: int64(caps.MaxPressure), PromptSHA256: prompt.SHA256})
	}
	var rec recorder
	defer rec.reset()
	pressed := func(b string) {
		if l.Pressed != nil {
			l.Pressed(b)
		}
	}
	// act handles a button; done says the capture is over (err nil:
	// confirmed).
	act := func(b string) (done bool, err error) {
		switch b {
		case ButtonCancel:
			pressed(b)
			return true, ErrCancelled
		case ButtonRetry:
			rec.reset()
			geo.lift()
			pressed(b)
			if hasScreen {
				if err := s.wipeBox(ctx, pad, prompt); err != nil {
					return true, s.padError(w, "clear the ink", err)
				}
				// What the pen did while the box was being redrawn was
				// wiped from the screen: drop it from the ink too.
				drain(sink)
			}
		case ButtonConfirm:
			if rec.empty() {
				pressed(b)
				return true, ErrEmptySignature
			}
			pressed(b)
			return true, nil
		}
		return false, nil
	}
	for {
		var button string
		select {
		case <-ctx.Done():
			return m, context.Cause(ctx)
		case <-w.done:
			return m, &device.Error{Device: s.cfg.ID, Op: "capture", Kind: device.ErrDisconnected, Err: w.cause()}
		case e := <-c.events:
			button = e.button
		case smp := <-sink:
			var rs *ink.Sample
			rs, button = geo.feed(smp)
			if rs != nil {
				got := rec.add(smp.Time.UnixMilli(), rs[ink.SampleX], rs[ink.SampleY], rs[ink.SamplePressure], rs[ink.SampleSwitch] != 0)
				if l.Sample != nil {
					l.Sample(point(got, geo.w, geo.h, int64(caps.MaxPressure)))
				}
			}
		}
		if button == "" {
			continue
		}
		done, err := act(button)
		if !done {
			continue
		}
		if err != nil {
			return m, err
		}
		unit := "tablet"
		if caps.Resolution == 2540 {
			unit = "0.01mm"
		}
		m.Device = evidence.Device{Kind: evidence.DeviceSigpad, Model: info.Vendor + " " + info.Model, Serial: info.Serial}
		m.CapturedAt = s.cfg.Now()
		m.PromptSHA256 = prompt.SHA256
		m.Ink = evidence.Ink{Unit: unit, Width: geo.w, Height: geo.h, MaxPressure: int64(caps.MaxPressure),
			Dropped: int64(dropped(pad) - startDrops), Samples: append([]ink.Sample(nil), rec.samples...)}
		return m, nil
	}
}

// wipeBox draws the prompt's box afresh, taking the ink off the pad's
// screen: only the box where the pad can, else the whole prompt.
func (s *Service) wipeBox(ctx context.Context, pad sigpad.Pad, p *Prompt) error {
	if err := pad.ShowImage(ctx, p.Image.SubImage(p.Box)); err == nil {
		return nil
	}
	return pad.ShowImage(ctx, p.Image)
}

// padError names a failed pad command: the pad gone, or failing.
func (s *Service) padError(w *session, op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	kind := device.ErrDisconnected
	if !errors.Is(err, transport.ErrDisconnected) && !errors.Is(err, transport.ErrClosed) {
		kind = ErrPadFailed
	}
	return &device.Error{Device: s.cfg.ID, Op: op, Kind: kind, Err: err}
}

// ErrPadFailed: the pad is there but refused or did not finish a command.
var ErrPadFailed = errors.New("the signature pad failed")

// ErrEvidence: the ink could not be made into a signed bundle.
var ErrEvidence = errors.New("the evidence bundle could not be made")

func dropped(p sigpad.Pad) uint64 {
	if d, ok := p.(sigpad.DropCounter); ok {
		return d.Dropped()
	}
	return 0
}

func drain(ch chan sigpad.Sample) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// padGeometry turns pad samples into ink and button presses.
type padGeometry struct {
	caps   sigpad.Capabilities
	prompt *Prompt
	screen bool
	// The box in tablet units.
	x0, y0, w, h int64

	down   bool   // the tip is down
	downIn string // where it went down: "box", a button, or ""
	inkOn  bool   // a stroke has been recorded since the last retry
}

func newPadGeometry(c sigpad.Capabilities, p *Prompt, screen bool) *padGeometry {
	g := &padGeometry{caps: c, prompt: p, screen: screen, w: int64(c.TabletMaxX), h: int64(c.TabletMaxY)}
	if screen && c.ScreenWidth > 0 && c.ScreenHeight > 0 {
		b := p.Box
		g.x0 = int64(b.Min.X) * int64(c.TabletMaxX) / int64(c.ScreenWidth)
		g.y0 = int64(b.Min.Y) * int64(c.TabletMaxY) / int64(c.ScreenHeight)
		g.w = int64(b.Max.X)*int64(c.TabletMaxX)/int64(c.ScreenWidth) - g.x0
		g.h = int64(b.Max.Y)*int64(c.TabletMaxY)/int64(c.ScreenHeight) - g.y0
	}
	g.w, g.h = max(g.w, 1), max(g.h, 1)
	return g
}

// lift forgets the stroke in progress (after a retry).
func (g *padGeometry) lift() { g.down, g.downIn, g.inkOn = false, "", false }

// feed takes a pad sample. It returns the ink sample it makes (box
// units, clamped into the box) or nil, and a button that was pressed:
// the tip went down on the button and came up still on it, or a pad key.
func (g *padGeometry) feed(s sigpad.Sample) (rec *ink.Sample, button string) {
	switch s.Key {
	case sigpad.KeyConfirm:
		return nil, ButtonConfirm
	case sigpad.KeyResign:
		return nil, ButtonRetry
	}
	pt := g.caps.ScreenPoint(s.X, s.Y)
	where := ""
	switch {
	case !g.screen || pt.In(g.prompt.Box):
		where = "box"
	default:
		where = g.prompt.ButtonAt(pt)
	}
	mk := func(sw bool) *ink.Sample {
		x := min(max(int64(s.X)-g.x0, 0), g.w)
		y := min(max(int64(s.Y)-g.y0, 0), g.h)
		p := int64(0)
		if sw {
			p = min(max(int64(s.Pressure), 0), int64(g.caps.MaxPressure))
		}
		var swv int64
		if sw {
			swv = 1
		}
		return &ink.Sample{0, x, y, p, swv}
	}
	switch {
	case s.Touching && !g.down:
		g.down, g.downIn = true, where
		if where == "box" {
			g.inkOn = true
			return mk(true), ""
		}
	case s.Touching:
		if g.downIn == "box" {
			return mk(true), ""
		}
	case g.down: // the tip came up
		g.down = false
		from := g.downIn
		g.downIn = ""
		if from == "box" {
			return mk(false), ""
		}
		if from != "" && from == where {
			return nil, from
		}
	case g.inkOn && where == "box" && s.InProximity:
		// The pen in the air between strokes: kept, as the signer's
		// rhythm is part of the signature.
		return mk(false), ""
	}
	return nil, ""
}

// captureScreen takes the signature from the client's samples.
func (s *Service) captureScreen(ctx context.Context, c *capture, l Listener) (evidence.Manifest, error) {
	var m evidence.Manifest
	text := PromptText{Title: c.req.Document.Title, Summary: c.req.Document.Summary, Signer: c.req.Signer}
	prompt := RenderPrompt(s.cfg.Fonts, screenPrompt.X, screenPrompt.Y, false, text)
	if l.Started != nil {
		l.Started(Started{Source: SourceScreen, Model: "screen", MaxPressure: ScreenPressure, PromptSHA256: prompt.SHA256})
	}
	var rec recorder
	defer rec.reset()
	var w, h int64 // the canvas's size, from the first input
	for {
		select {
		case <-ctx.Done():
			return m, context.Cause(ctx)
		case e := <-c.events:
			if e.input != nil {
				if w == 0 {
					w, h = e.width, e.height
				}
				for _, in := range e.input {
					// A canvas resized mid-signature (a tablet turned) is
					// scaled back to the first size.
					x, y := in[1]*w/e.width, in[2]*h/e.height
					got := rec.add(in[0], x, y, in[3], in[4] != 0)
					if l.Sample != nil {
						l.Sample(point(got, w, h, ScreenPressure))
					}
				}
				continue
			}
			if l.Pressed != nil {
				l.Pressed(e.button)
			}
			switch e.button {
			case ButtonCancel:
				return m, ErrCancelled
			case ButtonRetry:
				rec.reset()
				continue
			}
			if rec.empty() {
				return m, ErrEmptySignature
			}
			m.Device = evidence.Device{Kind: evidence.DeviceScreen}
			m.CapturedAt = s.cfg.Now()
			m.PromptSHA256 = prompt.SHA256
			m.Ink = evidence.Ink{Unit: "px", Width: w, Height: h, MaxPressure: ScreenPressure,
				Samples: append([]ink.Sample(nil), rec.samples...)}
			return m, nil
		}
	}
}

// MaxInputSide is the largest canvas side on-screen samples may come
// from.
const MaxInputSide = 10000

// checkInput checks on-screen samples: inside the canvas, pressure 0 to
// ScreenPressure, sw 0 or 1, time not running backwards.
func checkInput(samples [][5]int64, width, height int64) error {
	if width < 1 || height < 1 || width > MaxInputSide || height > MaxInputSide {
		return fmt.Errorf("%w: width and height must be 1 to %d, not %d and %d", ErrBadInput, MaxInputSide, width, height)
	}
	for i, s := range samples {
		switch {
		case s[0] < 0 || (i > 0 && s[0] < samples[i-1][0]):
			return fmt.Errorf("%w: samples[%d]: t %d is negative or earlier than the sample before", ErrBadInput, i, s[0])
		case s[1] < 0 || s[1] > width || s[2] < 0 || s[2] > height:
			return fmt.Errorf("%w: samples[%d]: (%d, %d) is outside the %d×%d canvas", ErrBadInput, i, s[1], s[2], width, height)
		case s[3] < 0 || s[3] > ScreenPressure:
			return fmt.Errorf("%w: samples[%d]: pressure %d is outside 0…%d", ErrBadInput, i, s[3], ScreenPressure)
		case s[4] != 0 && s[4] != 1:
			return fmt.Errorf("%w: samples[%d]: sw %d is not 0 or 1", ErrBadInput, i, s[4])
		}
	}
	return nil
}
