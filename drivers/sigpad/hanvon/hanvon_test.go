package hanvon

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

func hx(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The events of spec §2.1, behind report ID 2.
func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		report string
		want   Event
	}{
		{"02 88 00 74 00 14 65 00", Event{Type: EventHandshake}},
		{"02 55 05 11 70 FF FF FF", Event{Type: EventAck, Acked: CmdOpen}},
		{"02 55 05 22 70 FF FF FF", Event{Type: EventAck, Acked: CmdClose}},
		{"02 55 05 33 70 FF FF FF", Event{Type: EventAck, Acked: CmdResign}},
		{"02 55 01 02 03 04 00 00", Event{Type: EventKeyResign}},
		{"02 55 01 02 03 04 00 FF", Event{Type: EventKeyConfirm}},
		{"02 A0 34 12 78 56 00 02", Event{Type: EventMove, X: 0x1234, Y: 0x5678, Pressure: 0x200}},
		{"02 A1 00 18 00 20 00 04", Event{Type: EventMove, X: 0x1800, Y: 0x2000, Pressure: 0x400}},
		{"02 B0 10 00 20 00 30 00", Event{Type: EventDown, X: 0x10, Y: 0x20, Pressure: 0x30}},
		{"02 E0 10 00 20 00 00 00", Event{Type: EventUp, X: 0x10, Y: 0x20}},
		{"02 88 01 74 00 14 65 00", Event{Type: EventUnknown}}, // not 88 00
		{"02 55 05 44 70 FF FF FF", Event{Type: EventUnknown}}, // no such command
		{"02 C3 00 00 00 00 00 00 00 00", Event{Type: EventUnknown}},
	} {
		b := hx(t, tc.report)
		got, err := Decode(b)
		copy(tc.want.Raw[:], b[1:8])
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v %v, want %+v", tc.report, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "02", "02 A0 00 00 00 00 00", "05 A0 00 00 00 00 00 00"} {
		if _, err := Decode(hx(t, bad)); !errors.Is(err, sigpad.ErrBadReport) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if !bytes.Equal(CmdResign.Encode(), hx(t, "05 33 70")) || !bytes.Equal(CmdInit.Encode(), hx(t, "05 88 70")) {
		t.Fatal("command reports")
	}
}

func TestEventSample(t *testing.T) {
	for _, tc := range []struct {
		e    Event
		want sigpad.Sample
		ok   bool
	}{
		{Event{Type: EventDown, X: 1, Y: 2}, sigpad.Sample{X: 1, Y: 2, InProximity: true, Touching: true}, true},
		{Event{Type: EventMove, X: 1, Y: 2, Pressure: 9}, sigpad.Sample{X: 1, Y: 2, Pressure: 9, InProximity: true, Touching: true}, true},
		{Event{Type: EventMove, X: 1, Y: 2}, sigpad.Sample{X: 1, Y: 2, InProximity: true}, true},
		{Event{Type: EventUp, X: 1, Y: 2}, sigpad.Sample{X: 1, Y: 2}, true},
		{Event{Type: EventKeyConfirm}, sigpad.Sample{Key: sigpad.KeyConfirm}, true},
		{Event{Type: EventKeyResign}, sigpad.Sample{Key: sigpad.KeyResign}, true},
		{Event{Type: EventAck}, sigpad.Sample{}, false},
		{Event{Type: EventHandshake}, sigpad.Sample{}, false},
	} {
		got, ok := tc.e.Sample()
		if got != tc.want || ok != tc.ok {
			t.Errorf("%v: %+v %v", tc.e.Type, got, ok)
		}
	}
}

// fakePad answers commands the way the source says the ESP370U does.
type fakePad struct {
	mu       sync.Mutex
	sent     []Command
	silent   map[Command]bool // commands the pad does not answer
	needInit bool             // open is answered only after init
	gone     bool
	input    chan []byte
	closed   chan struct{}
	once     sync.Once
}

func newFake() *fakePad {
	return &fakePad{silent: map[Command]bool{}, input: make(chan []byte, 64), closed: make(chan struct{})}
}

func (f *fakePad) GetFeature(byte, int) ([]byte, error) {
	return nil, errors.New("fake: no feature reports to get")
}

func (f *fakePad) SetFeature(r []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return fmt.Errorf("fake: %w", transport.ErrDisconnected)
	}
	if len(r) != 3 || r[0] != CommandReportID {
		return errors.New("fake: bad command report")
	}
	c := Command{r[1], r[2]}
	f.sent = append(f.sent, c)
	if f.silent[c] || (c == CmdOpen && f.needInit) {
		return nil
	}
	switch c {
	case CmdInit:
		f.needInit = false
		f.input <- []byte{2, 0x88, 0x00, 0x74, 0x00, 0x14, 0x65, 0x00}
	default:
		f.input <- []byte{2, 0x55, 0x05, c[0], c[1], 0xFF, 0xFF, 0xFF}
	}
	return nil
}

func (f *fakePad) ReadInput(timeout time.Duration) ([]byte, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case b, ok := <-f.input:
		if !ok {
			return nil, fmt.Errorf("fake: %w", transport.ErrDisconnected)
		}
		return b, nil
	case <-f.closed:
		return nil, transport.ErrClosed
	case <-t.C:
		return nil, hid.ErrTimeout
	}
}

func (f *fakePad) Close() error { f.once.Do(func() { close(f.closed) }); return nil }

var fast = Config{ReplyTimeout: 50 * time.Millisecond, PollPeriod: 5 * time.Millisecond}

func TestSession(t *testing.T) {
	f := newFake()
	ctx := context.Background()
	p, err := New(ctx, f, fast)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Handshake() != [7]byte{0x88, 0, 0x74, 0, 0x14, 0x65, 0} {
		t.Fatalf("% X", p.Handshake())
	}
	if err := p.Start(ctx, sigpad.Options{NoInking: true}); err != nil {
		t.Fatal(err)
	}
	host := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p.cfg.Now = func() time.Time { return host }
	for _, r := range []string{
		"02 B0 00 01 00 02 10 00", // down
		"02 55 05 22 70 FF FF FF", // a stray acknowledgement: swallowed
		"02 A1 00 03 00 04 20 00", // move
		"02 E0 00 03 00 04 00 00", // up
		"02 C3 00 00 00 00 00 00", // unknown
		"02 55 00 00 00 00 00 FF", // confirm key
	} {
		f.input <- hx(t, r)
	}
	want := []sigpad.Sample{
		{X: 0x100, Y: 0x200, Pressure: 0x10, InProximity: true, Touching: true, Time: host},
		{X: 0x300, Y: 0x400, Pressure: 0x20, InProximity: true, Touching: true, Time: host},
		{X: 0x300, Y: 0x400, Time: host},
		{Key: sigpad.KeyConfirm, Time: host},
	}
	for i, w := range want {
		s, err := p.ReadSample(ctx)
		if err != nil || s != w {
			t.Fatalf("sample %d: %+v %v, want %+v", i, s, err, w)
		}
	}
	if err := p.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.sent); got != "[init open resign close]" {
		t.Fatal(got)
	}
	st := p.Stats()
	if st.Samples != 4 || st.Unknown != 1 || st.Replies != 5 {
		t.Fatalf("%+v", st)
	}
	if err := p.ShowImage(ctx, image.NewGray(image.Rect(0, 0, 240, 120))); !errors.Is(err, sigpad.ErrUnsupported) {
		t.Fatal(err)
	}
	if err := p.Start(ctx, sigpad.Options{Area: image.Rect(0, 0, 10, 10)}); !errors.Is(err, sigpad.ErrUnsupported) {
		t.Fatal(err)
	}
}

// After close the pad may want init again before open: Start falls back.
func TestStartReinits(t *testing.T) {
	f := newFake()
	p, err := New(context.Background(), f, fast)
	if err != nil {
		t.Fatal(err)
	}
	f.needInit = true
	if err := p.Start(context.Background(), sigpad.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.sent); got != "[init open init open]" {
		t.Fatal(got)
	}
}

func TestNoReply(t *testing.T) {
	f := newFake()
	f.silent[CmdInit] = true
	_, err := New(context.Background(), f, fast)
	var re *ReplyError
	if !errors.Is(err, sigpad.ErrNotReady) || !errors.As(err, &re) || re.Command != CmdInit || re.Want != EventHandshake {
		t.Fatal(err)
	}
	if !strings.Contains(err.Error(), "no handshake after the init command") {
		t.Fatal(err)
	}
}

func TestGone(t *testing.T) {
	f := newFake()
	p, err := New(context.Background(), f, fast)
	if err != nil {
		t.Fatal(err)
	}
	close(f.input)
	if _, err := p.ReadSample(context.Background()); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatal(err)
	}
	f.gone = true
	if err := p.Stop(context.Background()); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatal(err)
	}
}

// A command and ReadSample share the input stream (go test -race).
func TestConcurrentReadAndCommand(t *testing.T) {
	f := newFake()
	p, err := New(context.Background(), f, fast)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		n := 0
		for {
			if _, err := p.ReadSample(ctx); err != nil {
				done <- n
				return
			}
			n++
		}
	}()
	for range 10 {
		f.input <- hx(t, "02 A0 00 01 00 01 01 00")
		if err := p.Clear(ctx); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	if n := <-done; n != 10 {
		t.Fatalf("%d samples, want all 10", n)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"02 88 00 74 00 14 65 00", "02 55 05 11 70 FF FF FF", "02 55 01 02 03 04 00 FF",
		"02 A0 34 12 78 56 00 02", "02 E0 00 00 00 00 00 00", "02", ""} {
		f.Add(hx(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
		if err != nil {
			return
		}
		_ = e.Type.String() + e.Acked.String()
		s, ok := e.Sample()
		if ok && s.Key != sigpad.KeyNone && (s.X != 0 || s.Touching) {
			t.Fatalf("a key with a pen: %+v", s)
		}
		if e.Type == EventAck && e.Acked != CmdOpen && e.Acked != CmdClose && e.Acked != CmdResign {
			t.Fatalf("%+v", e)
		}
		p := &Pad{cfg: Config{}.withDefaults()}
		p.decode(b, time.Now())
	})
}
