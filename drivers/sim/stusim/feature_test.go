package stusim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

func TestInformationIsTheSpecExample(t *testing.T) {
	d := New(Config{}).Device()
	// §1.4: a real STU-540's Information report.
	want := []byte{0x08, 0x53, 0x54, 0x55, 0x2d, 0x35, 0x34, 0x30, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}
	if got := mustGet(t, d, 0x08, 17); !bytes.Equal(got, want) {
		t.Fatalf("Information = % x\nwant          % x", got, want)
	}
}

func TestCapability(t *testing.T) {
	for _, tc := range []struct {
		pid                       uint16
		maxX, maxY, w, h, enc, pr int
	}{
		{STU540, 10800, 6480, 800, 480, 0x0F, 1023},
		{STU430, 9600, 6000, 320, 200, 0x03, 1023},
	} {
		d := New(Config{Product: tc.pid}).Device()
		b := mustGet(t, d, 0x09, 17)
		be := func(i int) int { return int(binary.BigEndian.Uint16(b[i:])) }
		if be(1) != tc.maxX || be(3) != tc.maxY || be(5) != tc.pr || be(7) != tc.w || be(9) != tc.h ||
			b[11] != 200 || be(12) != 2540 || int(b[14]) != tc.enc || b[15] != 0 || b[16] != 0 {
			t.Errorf("PID %04x: Capability = % x", tc.pid, b)
		}
	}
}

func TestIdentityReports(t *testing.T) {
	p := New(Config{Seed: 7})
	d := p.Device()
	uid2 := mustGet(t, d, 0x0B, 11)[1:]
	es := mustGet(t, d, 0x0F, 14)[1:]
	for _, s := range [][]byte{uid2, es} {
		for _, c := range s {
			if c < 0x20 || c > 0x7E {
				t.Fatalf("not printable: %q", s)
			}
		}
	}
	if p.Info().Serial != string(es) || p.Info().Product != STU540 || p.Info().Vendor != 0x056A {
		t.Errorf("Info = %+v, Eserial %q", p.Info(), es)
	}
	q := New(Config{Seed: 7}).Device()
	if !bytes.Equal(mustGet(t, q, 0x0B, 11)[1:], uid2) {
		t.Error("Uid2 differs for the same seed")
	}
	// The STU-430 has no Eserial.
	if _, err := New(Config{Product: STU430}).Device().GetFeature(0x0F, 14); !errors.Is(err, ErrStall) {
		t.Errorf("STU-430 Eserial: err = %v, want ErrStall", err)
	}
}

func TestReportSizes(t *testing.T) {
	d := New(Config{}).Device()
	// Sizes the spec lists (STU-430V ReportSizeCollection, ID included).
	for id, size := range map[byte]int{0x03: 5, 0x08: 17, 0x09: 17, 0x2A: 9, 0x2D: 5, 0x22: 5, 0x21: 2, 0x32: 2} {
		mustGet(t, d, id, size)
		for _, wrong := range []int{size - 1, size + 1, 64} {
			if _, err := d.GetFeature(id, wrong); !errors.Is(err, ErrStall) {
				t.Errorf("GetFeature(%02x, %d): err = %v, want ErrStall", id, wrong, err)
			}
		}
	}
	for _, bad := range [][]byte{{0x21}, {0x21, 1, 0}, {0x2A, 0, 0, 0, 0}, make([]byte, 255), {}} {
		if len(bad) == 255 {
			bad[0] = 0x26
		}
		if err := d.SetFeature(bad); !errors.Is(err, ErrStall) {
			t.Errorf("SetFeature(% x): err = %v, want ErrStall", bad, err)
		}
	}
	// Set-only reports cannot be got; unknown ones neither.
	for _, id := range []byte{0x04, 0x20, 0x25, 0x26, 0x27, 0x77} {
		if _, err := d.GetFeature(id, 2); !errors.Is(err, ErrStall) {
			t.Errorf("GetFeature(%02x): err = %v, want ErrStall", id, err)
		}
	}
	if n, ok := New(Config{}).ReportSize(0x26); !ok || n != 256 {
		t.Errorf("ReportSize(26) = %d, %v", n, ok)
	}
}

func TestWrongStateIsRefusedSilently(t *testing.T) {
	d := New(Config{}).Device()
	if st, res := status(t, d); st != StatusReady || res != 0 {
		t.Fatalf("power-up status %02x/%02x", st, res)
	}
	// Image data without StartImageData: the transfer succeeds, the pad
	// refuses it and says so in Status.
	if err := d.SetFeature(blocks([]byte{1, 2, 3})[0]); err != nil {
		t.Fatalf("SetFeature: %v (the pad refuses silently)", err)
	}
	if st, res := status(t, d); st != StatusReady || res != ResultWrongState {
		t.Fatalf("after 26 in Ready: status %02x, lastResultCode %02x, want 00/02", st, res)
	}
	mustSet(t, d, 0x27, 0x00)
	wantResult(t, d, ResultWrongState)
	// In the Image state, settings are refused.
	mustSet(t, d, 0x25, 0x00)
	wantResult(t, d, 0)
	mustSet(t, d, 0x21, 0x00)
	if st, res := status(t, d); st != StatusImage || res != ResultWrongState {
		t.Fatalf("21 during upload: status %02x, lastResultCode %02x", st, res)
	}
	mustSet(t, d, 0x25, 0x00) // a second start
	wantResult(t, d, ResultWrongState)
	mustSet(t, d, 0x27, 0x01) // abandon
	wantResult(t, d, 0)
	if st, _ := status(t, d); st != StatusReady {
		t.Fatalf("after abandon: status %02x", st)
	}
	// A good set clears lastResultCode; unknown and read-only reports
	// give 01.
	mustSet(t, d, 0x21, 0x01)
	wantResult(t, d, 0)
	mustSet(t, d, 0x77, 0x00)
	wantResult(t, d, ResultWrongReportID)
	mustSet(t, d, append([]byte{0x08}, make([]byte, 16)...)...)
	wantResult(t, d, ResultWrongReportID)
}

func TestClearScreenIsAsynchronous(t *testing.T) {
	p := New(Config{ClearScreenTime: 600 * time.Millisecond})
	now := time.Now()
	p.now = func() time.Time { return now }
	d := p.Device()
	mustSet(t, d, 0x20, 0x00)
	st, res := status(t, d)
	if st != StatusImage || res != 0 {
		t.Fatalf("right after ClearScreen: %02x/%02x, want 01/00", st, res)
	}
	now = now.Add(599 * time.Millisecond)
	mustSet(t, d, 0x21, 0x00) // too early
	wantResult(t, d, ResultWrongState)
	if st, _ := status(t, d); st != StatusImage {
		t.Fatalf("status %02x before the clear is done", st)
	}
	now = now.Add(time.Millisecond)
	if st, _ := status(t, d); st != StatusReady {
		t.Fatalf("status %02x after the clear", st)
	}
	mustSet(t, d, 0x21, 0x00)
	wantResult(t, d, 0)
	// By default it takes a while, in real time.
	q := New(Config{})
	e := q.Device()
	mustSet(t, e, 0x20, 0x00)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if st, _ := status(t, e); st == StatusReady {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ClearScreen never finished")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	p := New(Config{})
	d := p.Device()
	mustSet(t, d, 0x2D, 0x10, 0x20, 0x30, 0x02) // B, G, R, thickness
	wantResult(t, d, 0)
	if b := mustGet(t, d, 0x2D, 5); !bytes.Equal(b, []byte{0x2D, 0x10, 0x20, 0x30, 0x02}) {
		t.Errorf("2D = % x", b)
	}
	if b := mustGet(t, d, 0x28, 4); binary.LittleEndian.Uint16(b[1:]) != 0x30<<8&0xF800|0x20<<3&0x07E0|0x10>>3 {
		t.Errorf("28 = % x (RGB565 of R30 G20 B10)", b)
	}
	mustSet(t, d, 0x2D, 0, 0, 0, 4)
	wantResult(t, d, ResultBadParameter)

	mustSet(t, d, append([]byte{0x2A}, rectBytes(10, 20, 789, 450)...)...)
	wantResult(t, d, 0)
	if b := mustGet(t, d, 0x2A, 9); !bytes.Equal(b[1:], rectBytes(10, 20, 789, 450)) {
		t.Errorf("2A = % x", b)
	}
	if r := p.HandwritingArea(); r.Min.X != 10 || r.Min.Y != 20 || r.Max.X != 790 || r.Max.Y != 451 {
		t.Errorf("area = %v (corners are inclusive)", r)
	}
	for _, bad := range [][]byte{rectBytes(0, 0, 800, 479), rectBytes(0, 0, 799, 480), rectBytes(50, 0, 40, 10)} {
		mustSet(t, d, append([]byte{0x2A}, bad...)...)
		wantResult(t, d, ResultBadArea)
	}
	mustSet(t, d, append([]byte{0x2A}, rectBytes(0, 0, 799, 479)...)...)
	wantResult(t, d, 0)

	mustSet(t, d, 0x22, 40, 0, 30, 0)
	wantResult(t, d, 0)
	if b := mustGet(t, d, 0x22, 5); !bytes.Equal(b, []byte{0x22, 40, 0, 30, 0}) {
		t.Errorf("22 = % x", b)
	}
	mustSet(t, d, 0x22, 10, 0, 30, 0) // off above on
	wantResult(t, d, ResultBadParameter)

	for _, m := range []byte{0, 2, 3} {
		mustSet(t, d, 0x32, m)
		wantResult(t, d, 0)
		if b := mustGet(t, d, 0x32, 2); b[1] != m {
			t.Errorf("32 = % x", b)
		}
	}
	mustSet(t, d, 0x32, 0x01) // the 520A's time-count-only mode
	wantResult(t, d, ResultBadParameter)

	mustSet(t, d, 0x21, 0x00)
	if b := mustGet(t, d, 0x21, 2); b[1] != 0 || p.InkingMode() {
		t.Errorf("inking still on")
	}
}

func TestResetRestoresDefaults(t *testing.T) {
	p := New(Config{})
	d := p.Device()
	mustSet(t, d, 0x21, 0x00)
	mustSet(t, d, 0x32, 0x03)
	mustSet(t, d, append([]byte{0x2A}, rectBytes(5, 5, 100, 100)...)...)
	mustSet(t, d, 0x22, 100, 0, 90, 0)
	mustSet(t, d, 0x04, 0x00)
	wantResult(t, d, 0)
	if b := mustGet(t, d, 0x21, 2); b[1] != 1 {
		t.Error("inking not on after reset")
	}
	if b := mustGet(t, d, 0x32, 2); b[1] != 0 {
		t.Error("option mode not off after reset")
	}
	if b := mustGet(t, d, 0x2A, 9); !bytes.Equal(b[1:], rectBytes(0, 0, 799, 479)) {
		t.Errorf("area after reset = % x", b)
	}
	if b := mustGet(t, d, 0x22, 5); !bytes.Equal(b[1:], []byte{21, 0, 16, 0}) {
		t.Errorf("threshold after reset = % x", b)
	}
	mustSet(t, d, 0x04, 0x02)
	wantResult(t, d, ResultBadParameter)

	// A hard reset re-enumerates: the handle is gone, a new one works.
	mustSet(t, d, 0x04, 0x01)
	if _, err := d.GetFeature(0x03, 5); !isDisconnected(err) {
		t.Fatalf("old handle after hard reset: %v", err)
	}
	d2 := p.Device()
	if st, res := status(t, d2); st != StatusReady || res != 0 {
		t.Fatalf("after hard reset: %02x/%02x", st, res)
	}
}

func TestEndCapture(t *testing.T) {
	d := New(Config{StartInCapture: true}).Device()
	if st, _ := status(t, d); st != StatusCapture {
		t.Fatalf("status %02x, want Capture", st)
	}
	mustSet(t, d, 0x16, 0x00)
	if st, res := status(t, d); st != StatusReady || res != 0 {
		t.Fatalf("after EndCapture: %02x/%02x", st, res)
	}
	mustSet(t, d, 0x16, 0x00)
	wantResult(t, d, ResultWrongState)
}

func TestNVRAMWritesAreCounted(t *testing.T) {
	p := New(Config{})
	d := p.Device()
	// Reading never writes.
	for id, n := range map[byte]int{0x0A: 5, 0x29: 3, 0x2B: 3, 0x2C: 3, 0x2E: 4, 0x0C: 2} {
		mustGet(t, d, id, n)
	}
	if w := p.NVRAMWrites(); len(w) != 0 {
		t.Fatalf("NVRAM writes after reads: %v", w)
	}
	mustSet(t, d, 0x2E, 0xFF, 0xFF, 0xFF) // same value: still a write
	mustSet(t, d, 0x2E, 0xFF, 0xFF, 0xFF)
	mustSet(t, d, 0x2B, 3, 0)
	mustSet(t, d, 0x0A, 1, 2, 3, 4)
	mustSet(t, d, 0x21, 0x01) // not NVRAM
	mustSet(t, d, 0x2B, 9, 0) // refused: no write
	w := p.NVRAMWrites()
	if w[0x2E] != 2 || w[0x2B] != 1 || w[0x0A] != 1 || len(w) != 3 {
		t.Fatalf("NVRAM writes = %v", w)
	}
	if b := mustGet(t, d, 0x0A, 5); !bytes.Equal(b[1:], []byte{1, 2, 3, 4}) {
		t.Errorf("Uid = % x", b)
	}
	// NVRAM survives a reset and a power cycle.
	mustSet(t, d, 0x2E, 0x00, 0x00, 0xFF) // red background
	mustSet(t, d, 0x04, 0x00)
	p.Unplug()
	p.Replug()
	d = p.Device()
	if b := mustGet(t, d, 0x2E, 4); !bytes.Equal(b[1:], []byte{0, 0, 0xFF}) {
		t.Errorf("background after power cycle = % x", b)
	}
	if c := p.Screen().At(0, 0); c != (red) {
		t.Errorf("screen after power-up = %v, want the background", c)
	}
}

func TestSTU430IsMonochrome(t *testing.T) {
	p := New(Config{Product: STU430})
	d := p.Device()
	mustSet(t, d, 0x25, Encoding24Bit)
	wantResult(t, d, ResultWrongEncoding)
	mustSet(t, d, 0x25, Encoding16Bit)
	wantResult(t, d, ResultWrongEncoding)
	// Colour reports are not there; thickness is.
	if _, err := d.GetFeature(0x2E, 4); !errors.Is(err, ErrStall) {
		t.Errorf("2E on a 430: %v", err)
	}
	mustSet(t, d, 0x2E, 1, 2, 3)
	wantResult(t, d, ResultWrongReportID)
	mustSet(t, d, 0x2D, 0x00, 0x00, 0xFF, 0x03)
	wantResult(t, d, 0)
	if b := mustGet(t, d, 0x2D, 5); !bytes.Equal(b[1:], []byte{0, 0, 0, 3}) {
		t.Errorf("2D on a 430 = % x (thickness only)", b)
	}
}
