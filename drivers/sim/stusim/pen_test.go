package stusim

import (
	"context"
	"encoding/binary"
	"testing"
	"time"
)

// decodeBySpec reads the 6 pen bytes exactly as §1.5's table lays them
// out, independently of DecodePenReport.
func decodeBySpec(b []byte) (rdy bool, sw, pressure, x, y int) {
	rdy = b[0]>>7 == 1
	sw = int(b[0]>>4) & 0x7
	pressure = int(b[0]&0x0F)<<8 | int(b[1])
	x = int(b[2])<<8 | int(b[3])
	y = int(b[4])<<8 | int(b[5])
	return
}

func TestPenDataBitLayout(t *testing.T) {
	for _, tc := range []struct {
		r    PenReport
		want [6]byte
	}{
		// rdy bit 7, sw bits 6..4, pressure bits 11..8 in the low nibble.
		{PenReport{Rdy: true, Sw: 1, Pressure: 0x3FF, X: 0x1234, Y: 0x0567}, [6]byte{0x93, 0xFF, 0x12, 0x34, 0x05, 0x67}},
		{PenReport{Rdy: true, Sw: 0, Pressure: 0, X: 10800, Y: 6480}, [6]byte{0x80, 0x00, 0x2A, 0x30, 0x19, 0x50}},
		{PenReport{Rdy: true, Sw: 7, Pressure: 0x100, X: 1, Y: 2}, [6]byte{0xF1, 0x00, 0x00, 0x01, 0x00, 0x02}},
		{PenReport{Rdy: false}, [6]byte{}},
		{PenReport{Rdy: false, Sw: 0, Pressure: 0xABC}, [6]byte{0x0A, 0xBC, 0, 0, 0, 0}},
	} {
		var b [6]byte
		EncodePenData(b[:], tc.r)
		if b != tc.want {
			t.Errorf("%+v → % x, want % x", tc.r, b, tc.want)
		}
		rdy, sw, pr, x, y := decodeBySpec(b[:])
		if rdy != tc.r.Rdy || sw != int(tc.r.Sw) || pr != int(tc.r.Pressure) || x != int(tc.r.X) || y != int(tc.r.Y) {
			t.Errorf("% x decodes to %v %d %d %d %d", b, rdy, sw, pr, x, y)
		}
	}
}

// pressAndRead taps at (x, y) with option mode set and returns the raw
// input reports.
func pressAndRead(t *testing.T, cfg Config, option byte, x, y int) [][]byte {
	t.Helper()
	cfg.Speed = 1e6
	p := New(cfg)
	d := p.Device()
	mustSet(t, d, 0x32, option)
	if err := p.Press(context.Background(), x, y); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		b, err := d.ReadInput(0)
		if err != nil {
			return out
		}
		out = append(out, b)
	}
}

func TestPenReportsByOptionMode(t *testing.T) {
	plain := pressAndRead(t, Config{}, 0x00, 400, 240)
	timed := pressAndRead(t, Config{}, 0x03, 400, 240)
	if len(plain) == 0 || len(plain) != len(timed) {
		t.Fatalf("%d and %d reports", len(plain), len(timed))
	}
	touched := 0
	for i := range plain {
		a, b := plain[i], timed[i]
		if len(a) != 7 || a[0] != 0x01 {
			t.Fatalf("option 00: report % x, want 01 + 6 bytes", a)
		}
		if len(b) != 11 || b[0] != 0x34 {
			t.Fatalf("option 03: report % x, want 34 + 10 bytes", b)
		}
		if string(a[1:]) != string(b[1:7]) {
			t.Fatalf("pen bytes differ: % x vs % x", a, b)
		}
		rdy, sw, pr, x, y := decodeBySpec(a[1:])
		if sw != 0 {
			touched++
			// The tap lands on pixel (400, 240): tablet 5400.., 3240..
			if pr == 0 || x < 5380 || x > 5435 || y < 3220 || y > 3275 {
				t.Errorf("touch report %d: p=%d at (%d,%d)", i, pr, x, y)
			}
		}
		if !rdy && (x != 0 || y != 0 || pr != 0 || sw != 0) {
			t.Errorf("out-of-proximity report % x", a)
		}
		if seq := binary.BigEndian.Uint16(b[9:]); seq != uint16(i) {
			t.Errorf("sequence %d at report %d", seq, i)
		}
	}
	if touched < 10 {
		t.Errorf("%d touching reports", touched)
	}
	if last := plain[len(plain)-1]; last[1]>>7 != 0 {
		t.Errorf("last report % x: the pen should have left (rdy=0)", last)
	}
	if first := plain[0]; first[1]>>7 != 1 || first[1]>>4&7 != 0 {
		t.Errorf("first report % x: the pen should hover (rdy=1, sw=0)", first)
	}
}

func TestTimeCountWraps(t *testing.T) {
	_, reps := signed(t, Config{TimeCount: 0xFF00}, "三")
	wrapped := false
	for i := 1; i < len(reps); i++ {
		d := reps[i].TimeCount - reps[i-1].TimeCount // modulo 2^16
		if d != 5 {
			t.Fatalf("time count step %d at report %d (%d → %d)", d, i, reps[i-1].TimeCount, reps[i].TimeCount)
		}
		if reps[i].TimeCount < reps[i-1].TimeCount {
			wrapped = true
		}
		if reps[i].Sequence != reps[i-1].Sequence+1 {
			t.Fatalf("sequence %d after %d", reps[i].Sequence, reps[i-1].Sequence)
		}
	}
	if !wrapped {
		t.Fatalf("no wrap in %d reports from 0xFF00", len(reps))
	}
}

func TestTimeCountRunsBetweenSignatures(t *testing.T) {
	p := New(Config{Speed: 1e6, InputBuffer: 1 << 16})
	d := p.Device()
	mustSet(t, d, 0x32, 0x03)
	ctx := context.Background()
	if err := p.Press(ctx, 10, 10); err != nil {
		t.Fatal(err)
	}
	a := drain(t, d)
	time.Sleep(50 * time.Millisecond)
	if err := p.Press(ctx, 10, 10); err != nil {
		t.Fatal(err)
	}
	b := drain(t, d)
	gap := b[0].TimeCount - a[len(a)-1].TimeCount
	if gap < 50 || gap > 10000 {
		t.Errorf("time count gap %d ms across a 50 ms pause", gap)
	}
	if b[0].Sequence != a[len(a)-1].Sequence+1 {
		t.Errorf("sequence %d → %d", a[len(a)-1].Sequence, b[0].Sequence)
	}
}

func TestInkThresholdDrivesTheSwitch(t *testing.T) {
	p := New(Config{Speed: 1e6})
	d := p.Device()
	mustSet(t, d, 0x22, 0xFF, 0x03, 0xFF, 0x03) // on at 1023: never reached in a tap
	if err := p.Press(context.Background(), 100, 100); err != nil {
		t.Fatal(err)
	}
	for _, r := range drain(t, d) {
		if r.Sw != 0 {
			t.Fatalf("sw=%d with pressure %d under the threshold", r.Sw, r.Pressure)
		}
	}
	if c := p.Screen().At(100, 100); c != (white) {
		t.Errorf("ink under the threshold: %v", c)
	}
}

func TestPadInksOnlyInTheAreaWhileInkingIsOn(t *testing.T) {
	p := New(Config{Speed: 1e6, InputBuffer: 1000})
	d := p.Device()
	ctx := context.Background()
	mustSet(t, d, 0x2D, 0xFF, 0x00, 0x00, 0x03) // blue (B first), 7 px
	mustSet(t, d, append([]byte{0x2A}, rectBytes(0, 0, 399, 479)...)...)
	if err := p.Press(ctx, 200, 200); err != nil {
		t.Fatal(err)
	}
	if c := p.Screen().At(200, 200); c != (blue) {
		t.Errorf("inside the area: %v, want blue", c)
	}
	if err := p.Press(ctx, 600, 200); err != nil {
		t.Fatal(err)
	}
	if c := p.Screen().At(600, 200); c != (white) {
		t.Errorf("outside the area: %v", c)
	}
	mustSet(t, d, 0x21, 0x00)
	if err := p.Press(ctx, 100, 300); err != nil {
		t.Fatal(err)
	}
	if c := p.Screen().At(100, 300); c != (white) {
		t.Errorf("inking off: %v", c)
	}
	// Pen data flows regardless.
	if n := len(drain(t, d)); n < 90 {
		t.Errorf("%d reports for three taps", n)
	}
}

func TestPressOffScreen(t *testing.T) {
	p := New(Config{})
	for _, xy := range [][2]int{{-1, 0}, {800, 0}, {0, 480}} {
		if err := p.Press(context.Background(), xy[0], xy[1]); err == nil {
			t.Errorf("Press%v: no error", xy)
		}
	}
}
