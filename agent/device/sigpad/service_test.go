package sigpad

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/stusim"
)

// simOpener opens the virtual pad the way the agent opens a real one: a
// new handle, the Wacom driver on it.
func simOpener(p *stusim.Pad) Opener {
	return func(ctx context.Context) (sigpad.Pad, string, error) {
		in := p.Info()
		pad, err := Drive(ctx, p.Device(), in.Vendor, in.Product)
		return pad, in.Path, err
	}
}

type rig struct {
	t    *testing.T
	pad  *stusim.Pad
	svc  *Service
	key  *evidence.Key
	stop context.CancelFunc
	done chan struct{}
}

func newRig(t *testing.T, cfg stusim.Config) *rig {
	t.Helper()
	if cfg.Speed == 0 {
		cfg.Speed = 8
	}
	key, err := evidence.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, pad: stusim.New(cfg), key: key, done: make(chan struct{})}
	r.svc = New(Config{Model: "sim", Port: "sim", Open: simOpener(r.pad), Fonts: testFonts(t), Signer: key,
		Agent: evidence.Agent{ID: "test", Version: "0"}, Backoff: device.Backoff{Initial: 20 * time.Millisecond, Max: 50 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.svc.Run(ctx); close(r.done) }()
	t.Cleanup(func() { cancel(); <-r.done })
	r.waitOpen()
	return r
}

func (r *rig) waitOpen() {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for r.svc.session() == nil {
		if time.Now().After(deadline) {
			r.t.Fatalf("the pad did not open: %+v", r.svc.Device().Status())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// listen records what a capture's listener hears.
type listen struct {
	mu      sync.Mutex
	started chan Started
	samples []Point
	pressed []string
}

func newListen() *listen { return &listen{started: make(chan Started, 1)} }

func (l *listen) listener() Listener {
	return Listener{
		Started: func(s Started) { l.started <- s },
		Sample: func(p Point) {
			l.mu.Lock()
			l.samples = append(l.samples, p)
			l.mu.Unlock()
		},
		Pressed: func(b string) {
			l.mu.Lock()
			l.pressed = append(l.pressed, b)
			l.mu.Unlock()
		},
	}
}

type result struct {
	b   evidence.Bundle
	err error
}

// start begins a capture by owner and waits until the pad shows it.
func (r *rig) start(owner string, l *listen, timeout time.Duration) (chan result, Started) {
	r.t.Helper()
	out := make(chan result, 1)
	go func() {
		b, err := r.svc.Capture(context.Background(), Request{Owner: owner, Document: Document{Title: commitment.Title,
			Summary: commitment.Summary, SHA256: sha("the document")}, Signer: commitment.Signer, Timeout: timeout}, l.listener())
		out <- result{b, err}
	}()
	select {
	case st := <-l.started:
		return out, st
	case res := <-out:
		r.t.Fatalf("capture ended before it started: %v", res.err)
	case <-time.After(5 * time.Second):
		r.t.Fatal("capture did not start")
	}
	return nil, Started{}
}

// press taps the prompt's button on the pad.
func (r *rig) press(button string) {
	r.t.Helper()
	_, buttons, ok := r.svc.PadCapture()
	if !ok {
		r.t.Fatal("no pad capture")
	}
	c := buttons[button].Min.Add(buttons[button].Size().Div(2))
	if err := r.pad.Press(context.Background(), c.X, c.Y); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) sign(text string) {
	r.t.Helper()
	if err := r.pad.Sign(context.Background(), text); err != nil {
		r.t.Fatal(err)
	}
}

func wait(t *testing.T, out chan result) result {
	t.Helper()
	select {
	case res := <-out:
		return res
	case <-time.After(10 * time.Second):
		t.Fatal("capture did not end")
	}
	return result{}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestPadCaptureEndToEnd(t *testing.T) {
	r := newRig(t, stusim.Config{Seed: 7})
	l := newListen()
	out, st := r.start("conn-1", l, 0)
	if st.Source != SourcePad || st.Model != "Wacom STU-540" || st.Width < 1000 || st.MaxPressure != 1023 {
		t.Errorf("started %+v", st)
	}
	// The pad shows what is signed: its screen outside the box is the
	// prompt, pixel for pixel.
	_, buttons, _ := r.svc.PadCapture()
	screen := r.pad.Screen()
	prompt := RenderPrompt(testFonts(t), 800, 480, false, commitment)
	if d := stusim.Differing(screen, prompt.Image, image.Rect(0, 0, 800, prompt.Box.Min.Y)); d > 0 {
		t.Errorf("the pad's screen above the box differs from the prompt in %d pixels", d)
	}
	if buttons[ButtonConfirm] != prompt.Buttons[ButtonConfirm] {
		t.Errorf("confirm button at %v, prompt has it at %v", buttons[ButtonConfirm], prompt.Buttons[ButtonConfirm])
	}
	if r.pad.HandwritingArea() != prompt.Box {
		t.Errorf("the pad inks in %v, the box is %v", r.pad.HandwritingArea(), prompt.Box)
	}
	r.sign("王秀兰")
	// The pad drew ink in the box, and nowhere else.
	if d := stusim.Differing(r.pad.Screen(), prompt.Image, prompt.Box); d < 200 {
		t.Errorf("only %d pixels of ink in the box on the pad's screen", d)
	}
	if img, ok := r.pad.Screen().(*image.RGBA); ok {
		save(t, "pad-screen-signed.png", encodePNG(img))
	}
	r.press(ButtonConfirm)
	res := wait(t, out)
	if res.err != nil {
		t.Fatal(res.err)
	}
	raw, err := evidence.Marshal(res.b)
	if err != nil {
		t.Fatal(err)
	}
	pub := r.key.Public()
	rep, err := evidence.Verify(raw, &pub)
	if err != nil {
		t.Fatalf("the bundle does not verify: %v", err)
	}
	m := rep.Manifest
	save(t, "signature-pad.png", m.PNG)
	save(t, "bundle-pad.json", raw)
	if img, ok := r.pad.Screen().(*image.RGBA); ok {
		save(t, "pad-screen.png", encodePNG(img))
	}
	if m.Device.Kind != "sigpad" || m.Device.Model != "Wacom STU-540" || m.Device.Serial == "" {
		t.Errorf("device %+v", m.Device)
	}
	if m.Signer.Name != "王秀兰" || m.Document.Title != "诚信承诺书" || m.PromptSHA256 != prompt.SHA256 || m.Ink.Unit != "0.01mm" {
		t.Errorf("manifest %+v %+v %s %s", m.Signer, m.Document, m.PromptSHA256, m.Ink.Unit)
	}
	down := 0
	for _, s := range m.Ink.Samples {
		down += int(s[4])
	}
	if down < 100 {
		t.Errorf("%d pen-down samples, want a signature's worth", down)
	}
	// The live stream carried exactly the ink, sample for sample.
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.samples) != len(m.Ink.Samples) {
		t.Fatalf("%d live samples, %d in the bundle", len(l.samples), len(m.Ink.Samples))
	}
	for i, p := range l.samples {
		if got := [5]int64{p.T, p.X, p.Y, p.P, int64(p.SW)}; got != m.Ink.Samples[i] {
			t.Fatalf("live sample %d is %v, bundle has %v", i, got, m.Ink.Samples[i])
		}
	}
	if len(l.pressed) != 1 || l.pressed[0] != ButtonConfirm {
		t.Errorf("pressed %v", l.pressed)
	}
	// After the capture the pad is tidy: inking off, the hold released.
	if r.pad.InkingMode() {
		t.Error("the pad still inks after the capture")
	}
	if h := r.svc.Device().Holder(); h != "" {
		t.Errorf("the pad is still held by %q", h)
	}
}

func TestRetryClearsInkOnPadAndInBundle(t *testing.T) {
	r := newRig(t, stusim.Config{Seed: 3})
	l := newListen()
	out, _ := r.start("c", l, 0)
	r.sign("张三")
	r.press(ButtonRetry)
	prompt := RenderPrompt(testFonts(t), 800, 480, false, commitment)
	// The ink is gone from the pad's screen once the retry is handled.
	deadline := time.Now().Add(3 * time.Second)
	for stusim.Differing(r.pad.Screen(), prompt.Image, prompt.Box) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("ink still on the pad after 重新签名: %d pixels", stusim.Differing(r.pad.Screen(), prompt.Image, prompt.Box))
		}
		time.Sleep(10 * time.Millisecond)
	}
	l.mu.Lock()
	before := len(l.samples)
	l.mu.Unlock()
	r.sign("李")
	r.press(ButtonConfirm)
	res := wait(t, out)
	if res.err != nil {
		t.Fatal(res.err)
	}
	l.mu.Lock()
	after := len(l.samples) - before
	pressed := append([]string(nil), l.pressed...)
	l.mu.Unlock()
	if got := len(res.b.Manifest.Ink.Samples); got != after {
		t.Errorf("the bundle has %d samples; the signature after 重新签名 had %d", got, after)
	}
	if len(pressed) != 2 || pressed[0] != ButtonRetry || pressed[1] != ButtonConfirm {
		t.Errorf("pressed %v", pressed)
	}
}

func TestCaptureEndsWithoutSignature(t *testing.T) {
	r := newRig(t, stusim.Config{Seed: 5})
	for _, tc := range []struct {
		name string
		act  func()
		want error
	}{
		{"cancel on the pad", func() { r.press(ButtonCancel) }, ErrCancelled},
		{"confirm with no ink", func() { r.press(ButtonConfirm) }, ErrEmptySignature},
		{"cancel from the client", func() {
			if err := r.svc.Press("c", ButtonCancel); err != nil {
				t.Error(err)
			}
		}, ErrCancelled},
		{"confirm from the client with no ink", func() { r.svc.Press("c", ButtonConfirm) }, ErrEmptySignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := r.start("c", newListen(), 0)
			tc.act()
			if res := wait(t, out); !errors.Is(res.err, tc.want) {
				t.Fatalf("got %v, want %v", res.err, tc.want)
			}
			if r.svc.capture("c") != nil || r.svc.Device().Holder() != "" {
				t.Error("the capture or the pad's hold outlived the capture")
			}
		})
	}
	if err := r.svc.Press("c", ButtonConfirm); !errors.Is(err, ErrNoCapture) {
		t.Errorf("press with no capture: %v", err)
	}
}

func TestPenOnButtonsIsNotInkAndInkIsNotAPress(t *testing.T) {
	r := newRig(t, stusim.Config{Seed: 9})
	l := newListen()
	out, _ := r.start("c", l, 0)
	// A tap on the title is neither ink nor a button.
	if err := r.pad.Press(context.Background(), 400, 20); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	n := len(l.samples)
	l.mu.Unlock()
	if n != 0 {
		t.Errorf("a tap outside the box made %d ink samples", n)
	}
	r.press(ButtonConfirm) // still no ink
	if res := wait(t, out); !errors.Is(res.err, ErrEmptySignature) {
		t.Fatalf("got %v, want EMPTY_SIGNATURE", res.err)
	}
}

func TestBusyTimeoutAndOwner(t *testing.T) {
	r := newRig(t, stusim.Config{Seed: 1})
	out, _ := r.start("a", newListen(), 2*time.Second)
	_, err := r.svc.Capture(context.Background(), Request{Owner: "b", Document: Document{Title: "x", SHA256: sha("")}, Signer: "y"}, Listener{})
	if !errors.Is(err, device.ErrBusy) {
		t.Errorf("a second client's capture: %v, want busy", err)
	}
	_, err = r.svc.Capture(context.Background(), Request{Owner: "a", Source: SourceScreen, Document: Document{Title: "x", SHA256: sha("")}, Signer: "y"}, Listener{})
	if !errors.Is(err, device.ErrBusy) {
		t.Errorf("the same client's second capture: %v, want busy", err)
	}
	if err := r.svc.Press("b", ButtonCancel); !errors.Is(err, ErrNoCapture) {
		t.Errorf("another client cancelling: %v, want no capture", err)
	}
	if res := wait(t, out); !errors.Is(res.err, device.ErrTimeout) {
		t.Fatalf("got %v, want a timeout", res.err)
	}
}

func TestUnplugMidCaptureLeaksNothing(t *testing.T) {
	r := newRig(t, stusim.Config{Seed: 11})
	// Warm up: one capture, so lazily started goroutines are counted.
	out, _ := r.start("c", newListen(), 0)
	r.svc.Press("c", ButtonCancel)
	wait(t, out)
	before := runtime.NumGoroutine()

	out, _ = r.start("c", newListen(), 0)
	signing := make(chan error, 1)
	go func() { signing <- r.pad.Sign(context.Background(), "王秀兰") }()
	time.Sleep(100 * time.Millisecond)
	r.pad.Unplug()
	res := wait(t, out)
	if !errors.Is(res.err, device.ErrDisconnected) {
		t.Fatalf("got %v, want DEVICE_DISCONNECTED", res.err)
	}
	<-signing
	if r.svc.capture("c") != nil || r.svc.Device().Holder() != "" {
		t.Error("the capture or the pad's hold outlived the unplug")
	}
	// Plugged back, the pad is opened again and signs.
	r.pad.Replug()
	r.waitOpen()
	out, _ = r.start("c", newListen(), 0)
	r.sign("李")
	r.press(ButtonConfirm)
	if res := wait(t, out); res.err != nil {
		t.Fatalf("after replugging: %v", res.err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before the unplug:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestScreenCapture(t *testing.T) {
	key, err := evidence.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := New(Config{Fonts: testFonts(t), Signer: key, Agent: evidence.Agent{ID: "t", Version: "0"}})
	l := newListen()
	out := make(chan result, 1)
	go func() {
		b, err := svc.Capture(context.Background(), Request{Owner: "c", Document: Document{Title: "授权书", SHA256: sha("")}, Signer: "王秀兰"}, l.listener())
		out <- result{b, err}
	}()
	st := <-l.started
	if st.Source != SourceScreen {
		t.Fatalf("with no pad the capture is on the %q", st.Source)
	}
	// Bad samples are refused with a reason and lose nothing.
	for _, bad := range [][][5]int64{
		{{0, 900, 10, 0, 1}},               // outside the canvas
		{{5, 1, 1, 0, 1}, {4, 1, 1, 0, 1}}, // backwards
		{{0, 1, 1, 5000, 1}},               // pressure
		{{0, 1, 1, 0, 2}},                  // sw
		{{-1, 1, 1, 0, 1}},                 // time
	} {
		if err := svc.Input("c", bad, 600, 300); !errors.Is(err, ErrBadInput) {
			t.Errorf("Input(%v) = %v, want bad input", bad, err)
		}
	}
	var stroke [][5]int64
	for i := range 40 {
		stroke = append(stroke, [5]int64{int64(1000 + 16*i), int64(50 + 10*i), int64(100 + 3*i), 0, 1})
	}
	stroke = append(stroke, [5]int64{1700, 450, 220, 0, 0})
	if err := svc.Input("c", stroke, 600, 300); err != nil {
		t.Fatal(err)
	}
	if err := svc.Press("c", ButtonConfirm); err != nil {
		t.Fatal(err)
	}
	res := wait(t, out)
	if res.err != nil {
		t.Fatal(res.err)
	}
	raw, _ := evidence.Marshal(res.b)
	pub := key.Public()
	rep, err := evidence.Verify(raw, &pub)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Manifest.Device.Kind != "screen" || rep.Manifest.Ink.Unit != "px" || rep.Manifest.Ink.Width != 600 || len(rep.Manifest.Ink.Samples) != 41 {
		t.Errorf("manifest %+v ink %s %d×%d %d samples", rep.Manifest.Device, rep.Manifest.Ink.Unit, rep.Manifest.Ink.Width, rep.Manifest.Ink.Height, len(rep.Manifest.Ink.Samples))
	}
	if s := rep.Manifest.Ink.Samples[1]; s[0] != 16 || s[1] != 60 {
		t.Errorf("sample 1 is %v: t from the first sample, x as sent", s)
	}
	if _, err := svc.Capture(context.Background(), Request{Owner: "c", Source: SourcePad, Document: Document{Title: "x", SHA256: sha("")}, Signer: "y"}, Listener{}); !errors.Is(err, device.ErrNotFound) {
		t.Errorf("a pad capture with no pad: %v", err)
	}
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// TestSignaturesLookLikeInk signs several names on the virtual pad and
// keeps the bundles' renderings under $SIGPAD_SAVE for people to look at;
// it checks each has ink in proportion to what was written.
func TestSignaturesLookLikeInk(t *testing.T) {
	for i, name := range []string{"王秀兰", "张建国", "欧阳明月", "Li Wei"} {
		r := newRig(t, stusim.Config{Seed: uint64(20 + i), Speed: 20})
		out, _ := r.start("c", newListen(), 0)
		r.sign(name)
		r.press(ButtonConfirm)
		res := wait(t, out)
		if res.err != nil {
			t.Fatalf("%s: %v", name, res.err)
		}
		m := res.b.Manifest
		save(t, fmt.Sprintf("signature-%d.png", i+1), m.PNG)
		img, err := png.Decode(bytes.NewReader(m.PNG))
		if err != nil {
			t.Fatal(err)
		}
		inked, all := 0, img.Bounds().Dx()*img.Bounds().Dy()
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				if _, _, _, a := img.At(x, y).RGBA(); a > 0x8000 {
					inked++
				}
			}
		}
		// Ink, but not a blot: a signature covers a few per cent of its box.
		if inked < all/200 || inked > all/5 {
			t.Errorf("%s: %d of %d pixels inked", name, inked, all)
		}
	}
}

// TestDroppedReportsAreCounted: reports the pad numbered but that never
// arrived show in the bundle's ink.dropped, as many as were lost.
func TestDroppedReportsAreCounted(t *testing.T) {
	r := newRig(t, stusim.Config{Seed: 4, Faults: stusim.Faults{Drop: 0.05}})
	out, _ := r.start("c", newListen(), 0)
	before := r.pad.Stats().Dropped
	r.sign("王秀兰")
	lost := r.pad.Stats().Dropped - before
	// The press's reports may be lost too; count only what the signature
	// lost, then confirm from the client so no press is needed.
	if err := r.svc.Press("c", ButtonConfirm); err != nil {
		t.Fatal(err)
	}
	res := wait(t, out)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if lost == 0 {
		t.Fatal("the fault dice dropped nothing: pick another seed")
	}
	// A report lost at the very end is not seen as a gap until the next
	// one arrives, so the count may trail by the reports after the last.
	if got := res.b.Manifest.Ink.Dropped; got < int64(lost)-2 || got > int64(lost) {
		t.Errorf("ink.dropped = %d, the pad lost %d reports", got, lost)
	}
}
