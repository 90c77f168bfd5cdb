package wlt

import (
	"encoding/binary"
	"errors"
	"testing"
)

func TestSizes(t *testing.T) {
	// The figures of the protocol notes, §6.
	if RawSize != 38556 || BMPSize != 38862 {
		t.Errorf("RawSize %d, BMPSize %d; want 38556 and 38862", RawSize, BMPSize)
	}
}

// rawGradient lays the test gradient out the way the flags say.
func rawGradient(in []byte, stride int, rgb, bottomUp bool) []byte {
	out := make([]byte, stride*Height)
	for y := range Height {
		row := y
		if bottomUp {
			row = Height - 1 - y
		}
		for x := range Width {
			c := wantPixel(in, x, y)
			p := out[row*stride+3*x:]
			if rgb {
				p[0], p[1], p[2] = c.R, c.G, c.B
			} else {
				p[0], p[1], p[2] = c.B, c.G, c.R
			}
		}
	}
	return out
}

func testBMP(in []byte, topDown bool) []byte {
	stride := (Width*3 + 3) &^ 3
	h := make([]byte, 54)
	h[0], h[1] = 'B', 'M'
	le := binary.LittleEndian
	le.PutUint32(h[2:], uint32(54+stride*Height))
	le.PutUint32(h[10:], 54)
	le.PutUint32(h[14:], 40)
	le.PutUint32(h[18:], Width)
	height := int32(Height)
	if topDown {
		height = -height
	}
	le.PutUint32(h[22:], uint32(height))
	le.PutUint16(h[26:], 1)
	le.PutUint16(h[28:], 24)
	return append(h, rawGradient(in, stride, false, !topDown)...)
}

func TestRawToPNG(t *testing.T) {
	in := photo(42, "")
	for _, channels := range []string{ChannelsBGR, ChannelsRGB} {
		for _, rows := range []string{RowsBottomUp, RowsTopDown} {
			raw := rawGradient(in, Width*3, channels == ChannelsRGB, rows == RowsBottomUp)
			out, err := RawToPNG(raw, channels, rows)
			if err != nil {
				t.Fatalf("%s %s: %v", channels, rows, err)
			}
			checkPicture(t, out, in)
		}
	}
	if _, err := RawToPNG(make([]byte, RawSize-1), ChannelsBGR, RowsTopDown); !errors.Is(err, ErrBadImage) {
		t.Errorf("short raw: got %v, want ErrBadImage", err)
	}
	if _, err := RawToPNG(make([]byte, RawSize), "bgra", RowsTopDown); !errors.Is(err, ErrConfig) {
		t.Errorf("bad channels: got %v, want ErrConfig", err)
	}
	if _, err := RawToPNG(make([]byte, RawSize), ChannelsRGB, ""); !errors.Is(err, ErrConfig) {
		t.Errorf("bad rows: got %v, want ErrConfig", err)
	}
}

func TestBMPToPNG(t *testing.T) {
	in := photo(7, "")
	for _, topDown := range []bool{false, true} {
		bmp := testBMP(in, topDown)
		if len(bmp) != BMPSize {
			t.Fatalf("test BMP is %d bytes, want %d", len(bmp), BMPSize)
		}
		out, err := BMPToPNG(append(bmp, "slack after the file"...))
		if err != nil {
			t.Fatalf("topDown=%v: %v", topDown, err)
		}
		checkPicture(t, out, in)
	}
}

func TestBMPToPNGRejects(t *testing.T) {
	good := testBMP(photo(0, ""), false)
	le := binary.LittleEndian
	mutate := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	for name, bmp := range map[string][]byte{
		"empty":        nil,
		"short":        good[:53],
		"truncated":    good[:len(good)-1],
		"signature":    mutate(func(b []byte) []byte { b[0] = 'X'; return b }),
		"32 bit":       mutate(func(b []byte) []byte { le.PutUint16(b[28:], 32); return b }),
		"compressed":   mutate(func(b []byte) []byte { le.PutUint32(b[30:], 1); return b }),
		"planes":       mutate(func(b []byte) []byte { le.PutUint16(b[26:], 2); return b }),
		"core header":  mutate(func(b []byte) []byte { le.PutUint32(b[14:], 12); return b }),
		"zero width":   mutate(func(b []byte) []byte { le.PutUint32(b[18:], 0); return b }),
		"huge":         mutate(func(b []byte) []byte { le.PutUint32(b[18:], 1<<30); le.PutUint32(b[22:], 1<<30); return b }),
		"min height":   mutate(func(b []byte) []byte { le.PutUint32(b[22:], 1<<31); return b }),
		"offset":       mutate(func(b []byte) []byte { le.PutUint32(b[10:], 0xffffffff); return b }),
		"offset small": mutate(func(b []byte) []byte { le.PutUint32(b[10:], 10); return b }),
	} {
		if _, err := BMPToPNG(bmp); !errors.Is(err, ErrBadImage) {
			t.Errorf("%s: got %v, want ErrBadImage", name, err)
		}
	}
}

func FuzzBMPToPNG(f *testing.F) {
	f.Add(testBMP(photo(0, ""), false))
	f.Add(testBMP(photo(1, ""), true)[:100])
	f.Fuzz(func(t *testing.T, bmp []byte) {
		out, err := BMPToPNG(bmp)
		if err == nil && len(out) == 0 {
			t.Fatal("no error and no PNG")
		}
		if err != nil && !errors.Is(err, ErrBadImage) {
			t.Fatalf("error %v does not match ErrBadImage", err)
		}
	})
}

func TestConfigArgsRoundTrip(t *testing.T) {
	for _, cfg := range []Config{
		{Library: "/opt/v/libwlt2019.so", ABI: ABIUnpack},
		{Library: `C:\Program Files\Vendor\WltRS.dll`, ABI: ABIGetBmp, Flag: 2, TempDir: `C:\wlt`},
		{Library: "lib.so", ABI: ABIBuffer, Symbol: "wlt2bmp", Channels: ChannelsBGR, Rows: RowsTopDown, Timeout: -1},
		{Library: "lib.so", ABI: ABIUnpack, Flag: -158},
	} {
		got, err := ParseArgs(cfg.Args())
		if err != nil || got != cfg {
			t.Errorf("ParseArgs(%q) = %+v, %v; want %+v", cfg.Args(), got, err, cfg)
		}
	}
	for _, args := range [][]string{
		{"--library", "x.so"},
		{"--library", "x.so", "--abi", "unpack", "extra"},
		{"--library", "x.so", "--abi", "unpack", "--bogus", "1"},
		{"--library", "x.so", "--abi", "unpack", "--flag", "x"},
	} {
		if _, err := ParseArgs(args); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseArgs(%q): got %v, want ErrConfig", args, err)
		}
	}
}
