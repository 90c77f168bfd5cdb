package wacomstu

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

var fastCfg = Config{StatusRetries: 5, StatusInterval: time.Millisecond, PollPeriod: 10 * time.Millisecond}

func newPad(t *testing.T, f *fakeSTU, pid uint16) *Pad {
	t.Helper()
	cfg := fastCfg
	cfg.ProductID = pid
	p, err := New(context.Background(), f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	f.resetLog()
	return p
}

func TestNewSTU540(t *testing.T) {
	p := newPad(t, fake540(), 0x00A8)
	want := sigpad.Info{Vendor: "Wacom", Model: "STU-540", VendorID: 0x056A, ProductID: 0x00A8, Firmware: "1.00",
		Serial: "ESN1234567890", UID2: "5JZQS00099", ESerial: "ESN1234567890"}
	if p.Info() != want {
		t.Fatalf("got %+v", p.Info())
	}
	c := p.Capabilities()
	if c.TabletMaxX != 10800 || c.TabletMaxY != 6480 || c.MaxPressure != 1023 || c.ScreenWidth != 800 ||
		c.ScreenHeight != 480 || c.ReportRate != 200 || c.Resolution != 2540 || c.ColorDepth != 24 || !c.PadClock ||
		c.Encodings != sigpad.EncodingMono|sigpad.EncodingMonoZlib|sigpad.EncodingRGB565|sigpad.EncodingBGR24 {
		t.Fatalf("capabilities %+v", c)
	}
	if !strings.Contains(p.Info().String(), `Wacom STU-540 (056A:00A8) fw 1.00 serial "ESN1234567890"`) {
		t.Fatal(p.Info().String())
	}
}

// Without a PID the model comes from the name; a 430V has no Eserial and
// stalls the report, which is not an error.
func TestNew430VByName(t *testing.T) {
	p := newPad(t, fake430V(), 0)
	if p.Model().Name != "STU-430V" || p.Info().ProductID != 0x00A6 || p.Info().Serial != "5JZQS00032" || p.Info().ESerial != "" {
		t.Fatalf("%+v %+v", p.Model(), p.Info())
	}
	c := p.Capabilities()
	if c.ColorDepth != 1 || c.Encodings != sigpad.EncodingMono|sigpad.EncodingMonoZlib || c.TabletMaxX != 9600 {
		t.Fatalf("%+v", c)
	}
}

func TestNewEndsLeftovers(t *testing.T) {
	for _, tc := range []struct {
		state StatusCode
		want  []byte
	}{{StatusCapture, EncodeEndCapture()}, {StatusImage, EncodeEndImageData(false)}} {
		f := fake540()
		f.state = tc.state
		if _, err := New(context.Background(), f, fastCfg); err != nil {
			t.Fatal(err)
		}
		if len(f.sets) == 0 || !bytes.Equal(f.sets[0], tc.want) || f.state != StatusReady {
			t.Errorf("%v: sets % X, state %v", tc.state, f.sets, f.state)
		}
	}
}

func TestStartSequence(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	err := p.Start(context.Background(), sigpad.Options{
		Area:      image.Rect(0, 0, 800, 431),
		Ink:       &sigpad.Ink{Color: color.RGBA{0, 0, 0x80, 0xFF}, Thickness: 1},
		Threshold: &sigpad.Threshold{On: 21, Off: 16}, // the pad's already: not written
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []ReportID{ReportPenDataOptionMode, ReportHandwritingDisplayArea, ReportHandwritingThicknessColor24, ReportInkingMode}
	if got := f.setIDs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sets %v, want %v", got, want)
	}
	for id, w := range map[ReportID]string{
		ReportPenDataOptionMode:           "32 03",
		ReportHandwritingDisplayArea:      "2A 0000 0000 1F03 AE01",
		ReportHandwritingThicknessColor24: "2D 80 00 00 01",
		ReportInkingMode:                  "21 01",
	} {
		if got := f.lastSet(id); !bytes.Equal(got, hx(t, w)) {
			t.Errorf("%v: % X, want %s", id, got, w)
		}
	}
	// A different threshold is written; NoInking turns inking off.
	f.resetLog()
	if err := p.Start(context.Background(), sigpad.Options{NoInking: true, Threshold: &sigpad.Threshold{On: 30, Off: 20}}); err != nil {
		t.Fatal(err)
	}
	if got := f.lastSet(ReportInkThreshold); !bytes.Equal(got, hx(t, "22 1E00 1400")) {
		t.Fatalf("threshold % X", got)
	}
	if got := f.lastSet(ReportInkingMode); !bytes.Equal(got, hx(t, "21 00")) {
		t.Fatalf("inking % X", got)
	}
	// The whole screen when no area is given.
	if got := f.lastSet(ReportHandwritingDisplayArea); !bytes.Equal(got, hx(t, "2A 0000 0000 1F03 DF01")) {
		t.Fatalf("area % X", got)
	}
}

func TestStartRefusesBeforeSending(t *testing.T) {
	f := newFakeSTU([]byte{0x08, 'S', 'T', 'U', '-', '5', '0', '0', 0, 0, 1, 0, 0, 0, 0, 0, 0},
		hx(t, "09 2580 1770 01FF 0280 01E0"))
	p := newPad(t, f, 0x00A1)
	if err := p.Start(context.Background(), sigpad.Options{Area: image.Rect(0, 0, 10, 10)}); !errors.Is(err, sigpad.ErrUnsupported) {
		t.Fatalf("area on an STU-500: %v", err)
	}
	if err := p.Start(context.Background(), sigpad.Options{Ink: &sigpad.Ink{}}); !errors.Is(err, sigpad.ErrUnsupported) {
		t.Fatalf("ink on an STU-500: %v", err)
	}
	if n := len(f.setIDs()); n != 0 {
		t.Fatalf("%d reports sent", n)
	}
	// The STU-500 has no option mode: Start only turns inking on.
	if err := p.Start(context.Background(), sigpad.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := f.setIDs(); !reflect.DeepEqual(got, []ReportID{ReportInkingMode}) {
		t.Fatalf("%v", got)
	}
	p540 := newPad(t, fake540(), 0x00A8)
	if err := p540.Start(context.Background(), sigpad.Options{Area: image.Rect(700, 400, 900, 480)}); !errors.Is(err, sigpad.ErrOffScreen) {
		t.Fatalf("area off screen: %v", err)
	}
}

// On a mono pad the ink colour is not sent (its ink is black), the
// thickness is.
func TestStartInkOnMono(t *testing.T) {
	f := fake430V()
	p := newPad(t, f, 0x00A6)
	if err := p.Start(context.Background(), sigpad.Options{Ink: &sigpad.Ink{Color: color.RGBA{0xFF, 0, 0, 0xFF}, Thickness: 2}}); err != nil {
		t.Fatal(err)
	}
	if got := f.lastSet(ReportHandwritingThicknessColor24); !bytes.Equal(got, hx(t, "2D 00 00 00 02")) {
		t.Fatalf("% X", got)
	}
}

func TestStopSequence(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []ReportID{ReportInkingMode, ReportClearScreen, ReportPenDataOptionMode}
	if got := f.setIDs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
	if f.values[ReportPenDataOptionMode][1] != 0 || f.values[ReportInkingMode][1] != 0 {
		t.Fatal("option mode or inking still on")
	}
}

// ClearScreen puts the pad in the Image state for a while; the next report
// that needs Ready waits for it, polling Status.
func TestClearThenWait(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	if err := p.Clear(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.Clear(context.Background()); err != nil {
		t.Fatalf("second clear did not wait: %v", err)
	}
	if got := f.setIDs(); !reflect.DeepEqual(got, []ReportID{ReportClearScreen, ReportClearScreen}) {
		t.Fatalf("%v", got)
	}
}

func TestNotReady(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	f.state = StatusCalculation
	err := p.Clear(context.Background())
	var se *StateError
	if !errors.Is(err, sigpad.ErrNotReady) || !errors.As(err, &se) || se.Status != StatusCalculation || se.Report != ReportClearScreen {
		t.Fatalf("%v", err)
	}
	// The last Status said Ready, so the report went once; the pad's
	// wrong-state answer made the driver wait, and give up.
	if n := len(f.setIDs()); n != 1 {
		t.Fatalf("sent %d reports", n)
	}
	f.resetLog()
	if err := p.Clear(context.Background()); !errors.Is(err, sigpad.ErrNotReady) || len(f.setIDs()) != 0 {
		t.Fatalf("knowing the state, sent %d reports: %v", len(f.setIDs()), err)
	}
	// The wait ends with the context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Clear(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
}

func TestRejected(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	f.reject[ReportHandwritingDisplayArea] = ResultGraphicsArea
	err := p.Start(context.Background(), sigpad.Options{})
	var se *StateError
	if !errors.Is(err, sigpad.ErrRejected) || errors.Is(err, sigpad.ErrNotReady) || !errors.As(err, &se) || se.Result != ResultGraphicsArea {
		t.Fatalf("%v", err)
	}
	if !strings.Contains(err.Error(), "bad image or handwriting area") {
		t.Fatal(err)
	}
}

func TestDisconnected(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	f.gone = true
	for name, err := range map[string]error{
		"start": p.Start(context.Background(), sigpad.Options{}),
		"stop":  p.Stop(context.Background()),
		"image": p.ShowImage(context.Background(), image.NewRGBA(image.Rect(0, 0, 800, 480))),
	} {
		if !errors.Is(err, transport.ErrDisconnected) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := New(context.Background(), f, fastCfg); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("new: %v", err)
	}
}

func TestNVRAMReadBeforeWrite(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	wrote, err := p.SetBackgroundColor(context.Background(), color.White)
	if err != nil || wrote || len(f.setIDs()) != 0 {
		t.Fatalf("same colour: wrote %v, %v, sets %v", wrote, err, f.setIDs())
	}
	wrote, err = p.SetBackgroundColor(context.Background(), color.RGBA{0xEE, 0xEE, 0xFF, 0xFF})
	if err != nil || !wrote || !bytes.Equal(f.lastSet(ReportBackgroundColor24), hx(t, "2E FF EE EE")) {
		t.Fatalf("new colour: wrote %v, %v, % X", wrote, err, f.lastSet(ReportBackgroundColor24))
	}
	wrote, _ = p.SetBackgroundColor(context.Background(), color.RGBA{0xEE, 0xEE, 0xFF, 0xFF})
	if wrote {
		t.Fatal("wrote the same colour twice")
	}
	p430 := newPad(t, fake430V(), 0x00A6)
	if _, err := p430.SetBackgroundColor(context.Background(), color.White); !errors.Is(err, sigpad.ErrUnsupported) {
		t.Fatal(err)
	}
}

func testImage(r image.Rectangle) *image.RGBA {
	img := image.NewRGBA(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 0xFF}
			if (x/7+y/5)%2 == 0 {
				c = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func TestShowImageMonoZlib(t *testing.T) {
	f := fake430V()
	p := newPad(t, f, 0x00A6)
	img := testImage(image.Rect(0, 0, 320, 200))
	if err := p.ShowImage(context.Background(), img); err != nil {
		t.Fatal(err)
	}
	if len(f.images) != 1 || f.images[0].mode != Mode1bitZlib || f.images[0].area != nil {
		t.Fatalf("%+v", f.images)
	}
	if !bytes.Equal(f.images[0].data, PackMono(img, img.Bounds())) {
		t.Fatal("the pad got other pixels")
	}
	ids := f.setIDs()
	if ids[0] != ReportStartImageData || ids[len(ids)-1] != ReportEndImageData {
		t.Fatalf("%v … %v", ids[0], ids[len(ids)-1])
	}
}

// A pad that refuses the zlib data gets the image uncompressed, and from
// then on only uncompressed images.
func TestShowImageZlibFallback(t *testing.T) {
	f := fake430V()
	f.rejectZlib = true
	p := newPad(t, f, 0x00A6)
	img := testImage(image.Rect(0, 0, 320, 200))
	for range 2 {
		if err := p.ShowImage(context.Background(), img); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.images) != 2 || f.images[0].mode != Mode1bit || f.images[1].mode != Mode1bit {
		t.Fatalf("%+v", f.images)
	}
	starts := 0
	for _, id := range f.setIDs() {
		if id == ReportStartImageData {
			starts++
		}
	}
	if starts != 3 {
		t.Fatalf("%d uploads started, want 3 (zlib, 1-bit, 1-bit)", starts)
	}
}

func TestShowImageColourArea(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	img := testImage(image.Rect(100, 50, 120, 60))
	if err := p.ShowImage(context.Background(), img); err != nil {
		t.Fatal(err)
	}
	if len(f.images) != 1 || f.images[0].mode != Mode24bit {
		t.Fatalf("%+v", f.images)
	}
	if want := hx(t, "24 04 01 6400 3200 7700 3B00"); !bytes.Equal(f.images[0].area, want) {
		t.Fatalf("area % X", f.images[0].area)
	}
	if !bytes.Equal(f.images[0].data, PackBGR24(img, img.Bounds())) {
		t.Fatal("the pad got other pixels")
	}
	for _, r := range []image.Rectangle{image.Rect(790, 0, 810, 10), {}} {
		if err := p.ShowImage(context.Background(), image.NewRGBA(r)); !errors.Is(err, sigpad.ErrOffScreen) {
			t.Errorf("%v: %v", r, err)
		}
	}
}

// A context that ends half-way abandons the upload with 27 01.
func TestShowImageAbandon(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	ctx, cancel := context.WithCancel(context.Background())
	f.blocksUntilHook, f.hook = 10, cancel
	err := p.ShowImage(ctx, testImage(image.Rect(0, 0, 800, 480)))
	if !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if got := f.lastSet(ReportEndImageData); !bytes.Equal(got, hx(t, "27 01")) || len(f.images) != 0 || f.state != StatusReady {
		t.Fatalf("% X, %d images, state %v", got, len(f.images), f.state)
	}
	// The pad is usable afterwards.
	if err := p.ShowImage(context.Background(), testImage(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
}

func TestReadSample(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	host := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	now := host
	p.cfg.Now = func() time.Time { return now }
	if err := p.Start(context.Background(), sigpad.Options{}); err != nil {
		t.Fatal(err)
	}
	pen := PenData{Rdy: true, Sw: 1, Pressure: 300, X: 5000, Y: 3000}
	send := func(tc, seq uint16) {
		f.input <- EncodePenDataTimeCountSequence(PenDataTimeCountSequence{pen, tc, seq})
	}
	send(65530, 1)
	f.input <- []byte{0x50, 1, 2, 3} // an EncryptionStatus: skipped
	send(3, 2)                       // the count wrapped: 9 ms later
	send(13, 5)                      // two reports lost
	send(13, 5)                      // delivered twice: dropped
	f.input <- []byte{0x34, 1}       // malformed: skipped
	f.input <- EncodePenData(PenData{Rdy: true, X: 1, Y: 2})
	ctx := context.Background()
	want := []struct {
		at  time.Duration
		seq uint16
	}{{0, 1}, {9 * time.Millisecond, 2}, {19 * time.Millisecond, 5}}
	for _, w := range want {
		now = now.Add(time.Millisecond) // arrival times do not matter
		s, err := p.ReadSample(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !s.TimeFromPad || !s.HasSeq || s.Seq != w.seq || s.X != 5000 || s.Pressure != 300 || !s.Touching || !s.InProximity {
			t.Fatalf("%+v", s)
		}
		if got := s.Time.Sub(host.Add(time.Millisecond)); got != w.at {
			t.Fatalf("seq %d at %v, want %v", w.seq, got, w.at)
		}
	}
	now = now.Add(time.Second)
	s, err := p.ReadSample(ctx)
	if err != nil || s.TimeFromPad || s.HasSeq || !s.Time.Equal(now) || s.Touching || s.X != 1 {
		t.Fatalf("plain PenData: %+v %v", s, err)
	}
	st := p.Stats()
	if p.Dropped() != 2 || st.Reports != 7 || st.Samples != 4 || st.Ignored != 1 || st.Malformed != 1 || st.Duplicates != 1 {
		t.Fatalf("dropped %d, %+v", p.Dropped(), st)
	}
	// Start anchors the clock anew.
	if err := p.Start(ctx, sigpad.Options{}); err != nil {
		t.Fatal(err)
	}
	send(40000, 9)
	if s, _ := p.ReadSample(ctx); !s.Time.Equal(now) {
		t.Fatalf("after Start: %v, want %v", s.Time, now)
	}
	if p.Dropped() != 2 {
		t.Fatal("a new session's first sequence number counted as a gap")
	}
}

func TestReadSampleEnds(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := p.ReadSample(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
	close(f.input) // unplugged
	if _, err := p.ReadSample(context.Background()); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatal(err)
	}
	// Close ends a ReadSample in progress.
	g := fake540()
	q := newPad(t, g, 0x00A8)
	done := make(chan error, 1)
	go func() { _, err := q.ReadSample(context.Background()); done <- err }()
	time.Sleep(20 * time.Millisecond)
	q.Close()
	select {
	case err := <-done:
		if !errors.Is(err, transport.ErrClosed) {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ReadSample still running after Close")
	}
}

// Commands and ReadSample run concurrently (go test -race).
func TestConcurrentUse(t *testing.T) {
	f := fake540()
	p := newPad(t, f, 0x00A8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, err := p.ReadSample(ctx); err != nil {
				return
			}
		}
	}()
	for i := range 20 {
		f.input <- EncodePenDataTimeCountSequence(PenDataTimeCountSequence{PenData{Rdy: true}, uint16(i), uint16(i)})
		if err := p.Start(ctx, sigpad.Options{}); err != nil {
			t.Fatal(err)
		}
		_ = p.Stats()
		_ = p.Dropped()
	}
	cancel()
	<-done
}
