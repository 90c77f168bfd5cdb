package ink

import (
	"bytes"
	"encoding/binary"
	"image/color"
	"image/png"
	"testing"
)

// fuzzInput turns bytes into a pad, options and samples: the first bytes
// choose the pad and the picture (kept small), the rest are samples of 5
// values of 2 bytes each, where a value's top bit asks for an extreme.
func fuzzInput(data []byte) ([]Sample, Pad, Options) {
	at := func(i int) uint16 {
		if i+2 > len(data) {
			return 0
		}
		return binary.LittleEndian.Uint16(data[i:])
	}
	pad := Pad{MaxX: int64(at(0)), MaxY: int64(at(2)), MaxPressure: int64(at(4) % 2048)}
	// Small pictures keep each run fast: a stroke costs the area of its box.
	opt := Options{Width: 1 + int(at(6)%96), Height: int(at(8) % 96), MinWidth: int(at(10) % 1200), MaxWidth: int(at(12) % 3000)}
	if at(14)&1 != 0 {
		opt.Background = color.NRGBA{255, 255, 255, 255}
	}
	var s []Sample
	// At most 3000 samples: more only makes a run slower.
	for i := 16; i+10 <= len(data) && len(s) < 3000; i += 10 {
		var v Sample
		for j := range v {
			u := at(i + 2*j)
			switch {
			case u == 0xffff:
				v[j] = 1<<63 - 1
			case u == 0xfffe:
				v[j] = -1 << 63
			case u&0x8000 != 0:
				v[j] = -int64(u & 0x7fff)
			default:
				v[j] = int64(u)
			}
		}
		s = append(s, v)
	}
	return s, pad, opt
}

// FuzzDraw: any samples, pad and options either fail with an error or
// draw a well-formed SVG and a PNG that decodes to the promised size, of
// bounded length; ISO19794_7 never panics either.
func FuzzDraw(f *testing.F) {
	f.Add([]byte{})
	seed := func(s []Sample, pad Pad, opt Options) {
		b := make([]byte, 16)
		binary.LittleEndian.PutUint16(b[0:], uint16(pad.MaxX))
		binary.LittleEndian.PutUint16(b[2:], uint16(pad.MaxY))
		binary.LittleEndian.PutUint16(b[4:], uint16(pad.MaxPressure))
		binary.LittleEndian.PutUint16(b[6:], uint16(opt.Width))
		for _, v := range s {
			for _, x := range v {
				b = binary.LittleEndian.AppendUint16(b, uint16(x))
			}
		}
		f.Add(b)
	}
	seed(goldenSamples, goldenPad, Options{Width: 60})
	seed([]Sample{{0, 5, 5, 0, 1}}, Pad{MaxX: 10, MaxY: 10}, Options{Width: 20})
	seed(hanzi(1)[:200], Pad{MaxX: 10175, MaxY: 7631, MaxPressure: 1023}, Options{Width: 80})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, pad, opt := fuzzInput(data)
		_, _ = ISO19794_7(s, pad, ISOOptions{UnitsPerMM: int(opt.Width)})
		d, err := Draw(s, pad, opt)
		if err != nil {
			return
		}
		svg, pngb := d.SVG(), d.PNG()
		w, h := d.opt.Width, d.opt.Height
		if max := 400 + 3000*(len(s)+1); len(svg) > max {
			t.Fatalf("SVG of %d samples is %d bytes, more than %d", len(s), len(svg), max)
		}
		if max := 2000 + 2*(w+1)*h; len(pngb) > max {
			t.Fatalf("PNG of %dx%d is %d bytes, more than %d", w, h, len(pngb), max)
		}
		img, err := png.Decode(bytes.NewReader(pngb))
		if err != nil {
			t.Fatalf("PNG does not decode: %v", err)
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Fatalf("PNG %v, want %dx%d", b, w, h)
		}
		if bytes.Contains(svg, []byte("NaN")) || bytes.Contains(svg, []byte("Inf")) {
			t.Fatalf("NaN in the SVG")
		}
	})
}
