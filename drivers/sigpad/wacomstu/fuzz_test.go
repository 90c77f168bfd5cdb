package wacomstu

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf8"
)

// Seeds beyond testdata/fuzz: the spec's own bytes.
var fuzzSeeds = []string{
	"01 92 64 14DB 0DC8",
	"34 92 64 14DB 0DC8 0DB9 0001",
	"34 00 00 0000 0000 0E70 0016",
	"03 00 00 0000",
	"08 53 54 55 2d 35 34 30 00 00 01 00 00 02 00 00 00",
	"09 2580 1770 03FF 0140 00C8 C8 09EC 03 0000",
	"09 2580 1770 01FF 0280 01E0",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(hx(f, s))
	}
}

// Input reports (01, 34 and anything else) through the Pad's decoder: the
// input as one report, then as a stream of reports each preceded by its
// length, as they would arrive. Never a panic; samples within the
// reports' ranges; pad times never before the first arrival and never
// decreasing.
func FuzzDecodeInput(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &Pad{cfg: Config{}.withDefaults()}
		t0 := time.Unix(1_700_000_000, 0)
		host, last := t0, t0
		check := func(b []byte) {
			s, ok := p.decode(b, host)
			if !ok {
				return
			}
			if s.X > 0xFFFF || s.Y > 0xFFFF || s.Pressure > 0xFFF || s.X < 0 || s.Y < 0 || s.Pressure < 0 {
				t.Fatalf("out of range: %+v", s)
			}
			if s.TimeFromPad && s.Time.Before(last) {
				t.Fatalf("time went back from %v to %v", last.Sub(t0), s.Time.Sub(t0))
			}
			if s.TimeFromPad {
				last = s.Time
			}
		}
		check(data)
		for len(data) > 0 {
			n := min(len(data)-1, int(data[0]%16))
			b := data[1 : 1+n]
			data = data[1+n:]
			host = host.Add(time.Duration(len(b)) * time.Millisecond)
			check(b)
		}
		st := p.Stats()
		if st.Samples+st.Ignored+st.Malformed+st.Duplicates != st.Reports {
			t.Fatalf("%+v", st)
		}
	})
}

// The pen decoders invert their encoders exactly.
func FuzzDecodePenData(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if pd, err := DecodePenData(data); err == nil {
			if pd.Sw > 7 || pd.Pressure > 0xFFF || !bytes.Equal(EncodePenData(pd), data[:7]) {
				t.Fatalf("% X → %+v", data, pd)
			}
		}
		if pd, err := DecodePenDataTimeCountSequence(data); err == nil {
			if !bytes.Equal(EncodePenDataTimeCountSequence(pd), data[:11]) {
				t.Fatalf("% X → %+v", data, pd)
			}
		}
	})
}

func FuzzDecodeStatus(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := DecodeStatus(data)
		if err != nil {
			return
		}
		_ = st.Code.String() + st.LastResult.String()
		for id := range reportNames {
			CanSend(st.Code, id, Set)
			CanSend(st.Code, id, Get)
		}
		e := &StateError{Report: ReportID(data[0]), Status: st.Code, Result: st.LastResult}
		_ = e.Error()
	})
}

func FuzzDecodeInformation(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		i, err := DecodeInformation(data)
		if err != nil {
			return
		}
		if len(i.ModelName) > 9 || !utf8.ValidString(i.ModelName) {
			t.Fatalf("%q", i.ModelName)
		}
		for _, c := range []byte(i.ModelName) {
			if c < 0x20 || c > 0x7E {
				t.Fatalf("unprintable %q", i.ModelName)
			}
		}
		_ = pickModel(0, i.ModelName)
		_ = i.Firmware()
	})
}

func FuzzDecodeCapability(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCapability(data)
		if err != nil {
			return
		}
		for _, m := range append(Models(), genericModel) {
			caps := capabilities(m, c, m.ProductID)
			if caps.ScreenWidth < 0 || caps.ColorDepth == 0 || caps.Encodings == 0 || caps.ReportRate == 0 {
				t.Fatalf("%+v → %+v", c, caps)
			}
			p := caps.ScreenPoint(int(c.TabletMaxX), int(c.TabletMaxY))
			if caps.ScreenWidth > 0 && (p.X >= caps.ScreenWidth || p.Y >= max(caps.ScreenHeight, 1)) {
				t.Fatalf("%+v → %v", caps, p)
			}
		}
		_, _ = DecodeUID2(data)
		_, _ = DecodeEserial(data)
		_, _, _ = DecodeInkThreshold(data)
		_, _ = DecodeHandwritingDisplayArea(data)
	})
}
