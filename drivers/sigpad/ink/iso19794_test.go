package ink

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"
)

// isoRecord is a parsed ISO/IEC 19794-7:2007 record, as a reader such as
// BioSignIn sees it. The parser lives here only, to check the exporter.
type isoRecord struct {
	channels uint16
	attrs    map[int]map[string]float64 // channel bit → attribute → value
	points   [][]int                    // per point, per included channel (bit 15 first)
}

// isoSigned reports whether channel bit k is a signed channel (X, Y, VX,
// VY, AX, AY, TX, TY), whose values are stored offset by 32768.
func isoSigned(k int) bool {
	switch k {
	case 15, 14, 12, 11, 10, 9, 4, 3:
		return true
	}
	return false
}

func parseISO(b []byte) (*isoRecord, error) {
	pos := 0
	need := func(n int) error {
		if pos+n > len(b) {
			return fmt.Errorf("truncated at byte %d", pos)
		}
		return nil
	}
	u16 := func() int { v := int(binary.BigEndian.Uint16(b[pos:])); pos += 2; return v }
	if err := need(10); err != nil {
		return nil, err
	}
	if !bytes.Equal(b[:8], []byte("SDI\x00 10\x00")) {
		return nil, fmt.Errorf("format %q", b[:8])
	}
	pos = 8
	r := &isoRecord{channels: uint16(u16()), attrs: map[int]map[string]float64{}}
	var included []int
	for k := 15; k >= 0; k-- {
		if r.channels&(1<<k) == 0 {
			continue
		}
		included = append(included, k)
		if err := need(1); err != nil {
			return nil, err
		}
		inc := b[pos]
		pos++
		a := map[string]float64{}
		for bit := 7; bit >= 1; bit-- {
			if inc&(1<<bit) == 0 {
				continue
			}
			if err := need(2); err != nil {
				return nil, err
			}
			v := u16()
			switch bit {
			case 7:
				e, f := v>>11, v&0x7ff
				a["scaling"] = (1 + float64(f)/2048) * math.Pow(2, float64(e-16))
			case 6, 5, 4:
				off := 0
				if isoSigned(k) {
					off = 32768
				}
				a[map[int]string{6: "min", 5: "max", 4: "mean"}[bit]] = float64(v - off)
			default:
				a[fmt.Sprintf("bit%d", bit)] = float64(v)
			}
		}
		r.attrs[k] = a
	}
	if err := need(5); err != nil {
		return nil, err
	}
	pos++ // reserved
	ext := b[pos]
	pos++
	n := int(b[pos])<<16 | int(b[pos+1])<<8 | int(b[pos+2])
	pos += 3
	for range n {
		if err := need(2 * len(included)); err != nil {
			return nil, err
		}
		pt := make([]int, len(included))
		for j, k := range included {
			v := u16()
			if isoSigned(k) {
				v -= 32768
			}
			pt[j] = v
		}
		r.points = append(r.points, pt)
	}
	if ext != 0 {
		if err := need(2); err != nil {
			return nil, err
		}
		pos += 2 + int(binary.BigEndian.Uint16(b[pos:]))
	}
	if pos != len(b) {
		return nil, fmt.Errorf("%d bytes left over", len(b)-pos)
	}
	return r, nil
}

// TestISOWacomHeader checks the exporter against the values the spec
// (§3.2) decoded from Wacom's published ISO sample: channels C1 60 = X,
// Y, T, F, S; X and Y scaling B4 80 = 100 units per mm, minimum 0,
// maximum 10175 and 7631; T scaling E9 C4 = 10000 units per second; F
// minimum 0, maximum 511; S without attributes; points 5 ms apart at T =
// 0 and T = 50.
func TestISOWacomHeader(t *testing.T) {
	if v, _ := isoHalf(100); v != 0xb480 {
		t.Errorf("scaling 100 = %04x, want b480", v)
	}
	if v, _ := isoHalf(10000); v != 0xe9c4 {
		t.Errorf("scaling 10000 = %04x, want e9c4", v)
	}
	if v, _ := isoHalf(1000); v != 0xcfa0 {
		t.Errorf("scaling 1000 = %04x, want cfa0", v)
	}
	pad := Pad{MaxX: 10175, MaxY: 7631, MaxPressure: 511}
	samples := []Sample{{0, 100, 200, 0, 0}, {5, 110, 210, 300, 1}, {10, 120, 220, 511, 1}}
	b, err := ISO19794_7(samples, pad, ISOOptions{UnitsPerMM: 100, TimeUnitsPerSecond: 10000})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("SDI\x00 10\x00")
	want = append(want, 0xc1, 0x60,
		0xe0, 0xb4, 0x80, 0x80, 0x00, 0xa7, 0xbf, // X: scaling 100, min 0, max 10175 (+32768)
		0xe0, 0xb4, 0x80, 0x80, 0x00, 0x9d, 0xcf, // Y: scaling 100, min 0, max 7631 (+32768)
		0x80, 0xe9, 0xc4, // T: scaling 10000
		0x60, 0x00, 0x00, 0x01, 0xff, // F: min 0, max 511
		0x00,    // S
		0x00,    // reserved
		0x00,    // no extended data
		0, 0, 3, // points
		0x80, 100, 0x80, 200, 0, 0, 0, 0, 0, 0,
		0x80, 110, 0x80, 210, 0, 50, 0x01, 0x2c, 0, 1,
		0x80, 120, 0x80, 220, 0, 100, 0x01, 0xff, 0, 1,
	)
	if !bytes.Equal(b, want) {
		t.Fatalf("export\n got % x\nwant % x", b, want)
	}
	r, err := parseISO(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.channels != 0xc160 {
		t.Errorf("channels %04x", r.channels)
	}
	if a := r.attrs[15]; a["scaling"] != 100 || a["min"] != 0 || a["max"] != 10175 {
		t.Errorf("X attributes %v", a)
	}
	if a := r.attrs[14]; a["scaling"] != 100 || a["min"] != 0 || a["max"] != 7631 {
		t.Errorf("Y attributes %v", a)
	}
	if a := r.attrs[8]; a["scaling"] != 10000 || len(a) != 1 {
		t.Errorf("T attributes %v", a)
	}
	if a := r.attrs[6]; a["min"] != 0 || a["max"] != 511 || len(a) != 2 {
		t.Errorf("F attributes %v", a)
	}
	if a := r.attrs[5]; len(a) != 0 {
		t.Errorf("S attributes %v", a)
	}
	if r.points[0][2] != 0 || r.points[1][2] != 50 {
		t.Errorf("T of the first two points: %d, %d; want 0, 50", r.points[0][2], r.points[1][2])
	}
}

// TestISORoundTrip exports a synthetic signature (hover reports
// included) and reads every sample back.
func TestISORoundTrip(t *testing.T) {
	samples := cursive(11)
	b, err := ISO19794_7(samples, stu540, ISOOptions{UnitsPerMM: 100})
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseISO(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.points) != len(samples) {
		t.Fatalf("%d points, want %d", len(r.points), len(samples))
	}
	if s := r.attrs[8]["scaling"]; s != 1000 {
		t.Errorf("T scaling %v, want 1000", s)
	}
	for i, s := range samples {
		sw := 0
		if s[SampleSwitch] != 0 {
			sw = 1
		}
		want := []int{int(s[SampleX]), int(s[SampleY]), int(s[SampleT] - samples[0][SampleT]), int(s[SamplePressure]), sw}
		for j := range want {
			if r.points[i][j] != want[j] {
				t.Fatalf("point %d: %v, want %v", i, r.points[i], want)
			}
		}
	}
	// Without a resolution, X and Y carry no scaling.
	b, err = ISO19794_7(samples, stu540, ISOOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := parseISO(b); err != nil || r.attrs[15]["scaling"] != 0 || r.attrs[15]["max"] != 10175 {
		t.Errorf("without UnitsPerMM: %v, %v", r.attrs[15], err)
	}
}

func TestISOErrors(t *testing.T) {
	ok := []Sample{{0, 1, 1, 1, 1}}
	for name, c := range map[string]struct {
		s   []Sample
		pad Pad
		opt ISOOptions
		is  error
	}{
		"wide pad":       {ok, Pad{MaxX: 40000, MaxY: 100, MaxPressure: 10}, ISOOptions{}, ErrISORange},
		"pressure":       {ok, Pad{MaxX: 100, MaxY: 100, MaxPressure: 70000}, ISOOptions{}, ErrISORange},
		"long":           {[]Sample{{0, 1, 1, 1, 1}, {70000, 1, 1, 1, 1}}, stu540, ISOOptions{}, ErrISORange},
		"long at 0.1 ms": {[]Sample{{0, 1, 1, 1, 1}, {7000, 1, 1, 1, 1}}, stu540, ISOOptions{TimeUnitsPerSecond: 10000}, ErrISORange},
		"backwards":      {[]Sample{{10, 1, 1, 1, 1}, {5, 1, 1, 1, 1}}, stu540, ISOOptions{}, ErrSamples},
		"outside":        {[]Sample{{0, 20000, 1, 1, 1}}, stu540, ISOOptions{}, ErrSamples},
		"negative":       {[]Sample{{0, -1, 1, 1, 1}}, stu540, ISOOptions{}, ErrSamples},
		"scaling":        {ok, stu540, ISOOptions{UnitsPerMM: 70000}, ErrISORange},
		"time unit":      {ok, stu540, ISOOptions{TimeUnitsPerSecond: 100}, ErrOptions},
		"no pad":         {ok, Pad{}, ISOOptions{}, ErrPad},
	} {
		if _, err := ISO19794_7(c.s, c.pad, c.opt); !errors.Is(err, c.is) {
			t.Errorf("%s: %v, want %v", name, err, c.is)
		}
	}
}
