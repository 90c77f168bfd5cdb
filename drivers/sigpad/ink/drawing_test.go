package ink

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

func mustDraw(t *testing.T, s []Sample, pad Pad, opt Options) *Drawing {
	t.Helper()
	d, err := Draw(s, pad, opt)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// decode checks that the PNG decodes and has the drawing's size.
func decode(t *testing.T, d *Drawing) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(d.PNG()))
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != d.opt.Width || b.Dy() != d.opt.Height {
		t.Fatalf("PNG %v, drawing %dx%d", b, d.opt.Width, d.opt.Height)
	}
	return img
}

func wellFormedSVG(t *testing.T, svg []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func inkAt(img image.Image, x, y int) uint32 {
	_, _, _, a := img.At(x, y).RGBA()
	return a
}

func TestNothingToDraw(t *testing.T) {
	pad := Pad{MaxX: 100, MaxY: 50, MaxPressure: 10}
	for name, s := range map[string][]Sample{
		"no samples": nil,
		"hover only": {{0, 10, 10, 0, 0}, {5, 20, 20, 0, 0}},
	} {
		d := mustDraw(t, s, pad, Options{Width: 40})
		if d.Strokes() != 0 {
			t.Errorf("%s: %d strokes", name, d.Strokes())
		}
		wellFormedSVG(t, d.SVG())
		img := decode(t, d)
		for y := range 20 {
			for x := range 40 {
				if inkAt(img, x, y) != 0 {
					t.Fatalf("%s: ink at %d,%d", name, x, y)
				}
			}
		}
	}
}

// TestDot: a single pen-down sample is a round dot.
func TestDot(t *testing.T) {
	pad := Pad{MaxX: 100, MaxY: 100, MaxPressure: 100}
	d := mustDraw(t, []Sample{{0, 50, 50, 80, 1}}, pad, Options{Width: 100, MaxWidth: 600})
	if d.Strokes() != 1 {
		t.Fatalf("%d strokes", d.Strokes())
	}
	img := decode(t, d)
	if inkAt(img, 50, 50) < 0xf000 {
		t.Error("no ink at the dot's centre")
	}
	// Round: as wide as high, nothing far away.
	w, h := 0, 0
	for i := 40; i < 60; i++ {
		if inkAt(img, i, 50) > 0x8000 {
			w++
		}
		if inkAt(img, 50, i) > 0x8000 {
			h++
		}
	}
	if w < 3 || w != h {
		t.Errorf("dot %d wide, %d high", w, h)
	}
	if inkAt(img, 58, 58) != 0 {
		t.Error("ink far from the dot")
	}
}

// TestPenUpBreaksTheStroke: a hover sample between two pen-down runs
// makes two strokes and no ink along the way between them.
func TestPenUpBreaksTheStroke(t *testing.T) {
	pad := Pad{MaxX: 200, MaxY: 100, MaxPressure: 100}
	var s []Sample
	for i := int64(0); i <= 10; i++ {
		s = append(s, Sample{i * 5, 10 + i*4, 50, 60, 1})
	}
	s = append(s, Sample{55, 100, 50, 0, 0})
	for i := int64(0); i <= 10; i++ {
		s = append(s, Sample{60 + i*5, 150 + i*4, 50, 60, 1})
	}
	d := mustDraw(t, s, pad, Options{Width: 200})
	if d.Strokes() != 2 {
		t.Fatalf("%d strokes, want 2", d.Strokes())
	}
	img := decode(t, d)
	for x := 60; x < 140; x++ {
		if inkAt(img, x, 50) != 0 {
			t.Fatalf("ink at %d,50, where the pen was up", x)
		}
	}
	if inkAt(img, 30, 50) == 0 || inkAt(img, 170, 50) == 0 {
		t.Error("a stroke is missing")
	}
}

// TestHugeValues: coordinates, pressures and times far outside the pad
// are clamped; nothing panics, nothing is NaN.
func TestHugeValues(t *testing.T) {
	pad := Pad{MaxX: 100, MaxY: 100, MaxPressure: 100}
	s := []Sample{
		{math.MinInt64, math.MaxInt64, math.MinInt64, math.MaxInt64, 1},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MinInt64, math.MinInt64},
		{0, -5, 1 << 62, 50, 1},
		{-7, 1 << 40, 1 << 40, 1 << 40, 1},
	}
	d := mustDraw(t, s, pad, Options{Width: 50})
	wellFormedSVG(t, d.SVG())
	if bytes.Contains(d.SVG(), []byte("NaN")) || bytes.Contains(d.SVG(), []byte("Inf")) {
		t.Fatalf("NaN or Inf in %s", d.SVG())
	}
	img := decode(t, d)
	if inkAt(img, 49, 0) == 0 && inkAt(img, 48, 1) == 0 {
		t.Error("no ink in the top right corner, where (huge, -huge) is clamped to")
	}
}

// TestSimulatedPressure: a device without pressure draws a slow stretch
// wider than a fast one.
func TestSimulatedPressure(t *testing.T) {
	for _, pad := range []Pad{{MaxX: 1000, MaxY: 200}, {MaxX: 1000, MaxY: 200, MaxPressure: 1023}} {
		var s []Sample
		tm, x := int64(0), int64(50)
		for x < 450 { // slow: 2 units per 5 ms
			s = append(s, Sample{tm, x, 100, 0, 1})
			tm, x = tm+5, x+2
		}
		for x < 950 { // fast: 40 units per 5 ms
			s = append(s, Sample{tm, x, 100, 0, 1})
			tm, x = tm+5, x+40
		}
		d := mustDraw(t, s, pad, Options{Width: 1000, MinWidth: 100, MaxWidth: 1000})
		img := decode(t, d)
		thick := func(x int) int {
			n := 0
			for y := 80; y < 120; y++ {
				if inkAt(img, x, y) > 0x8000 {
					n++
				}
			}
			return n
		}
		if slow, fast := thick(250), thick(700); slow <= fast+1 {
			t.Errorf("pad %+v: %d px thick where slow, %d where fast", pad, slow, fast)
		}
	}
}

func TestSizes(t *testing.T) {
	wide := Pad{MaxX: 1000, MaxY: 500}
	tall := Pad{MaxX: 500, MaxY: 1000}
	for _, c := range []struct {
		pad          Pad
		opt          Options
		wantW, wantH int
	}{
		{wide, Options{}, 600, 300},
		{tall, Options{}, 300, 600},
		{wide, Options{Width: 300}, 300, 150},
		{wide, Options{Height: 100}, 200, 100},
		{wide, Options{Width: 100, Height: 100}, 100, 100},
		{Pad{MaxX: 1 << 20, MaxY: 1}, Options{Width: 10}, 10, 1},
		{Pad{MaxX: 1, MaxY: 1 << 20}, Options{Width: 10}, 10, MaxSide},
	} {
		opt, err := c.opt.Resolve(c.pad)
		if err != nil {
			t.Fatal(err)
		}
		if opt.Width != c.wantW || opt.Height != c.wantH {
			t.Errorf("%+v %+v: %dx%d, want %dx%d", c.pad, c.opt, opt.Width, opt.Height, c.wantW, c.wantH)
		}
		if opt.MinWidth == 0 || opt.MaxWidth < opt.MinWidth || opt.Color.A != 255 {
			t.Errorf("defaults not filled in: %+v", opt)
		}
	}
}

func TestBadInput(t *testing.T) {
	pad := Pad{MaxX: 100, MaxY: 100}
	for name, c := range map[string]struct {
		pad Pad
		opt Options
		n   int
		is  error
	}{
		"no pad":            {Pad{}, Options{}, 0, ErrPad},
		"huge pad":          {Pad{MaxX: MaxExtent + 1, MaxY: 1}, Options{}, 0, ErrPad},
		"negative pressure": {Pad{MaxX: 1, MaxY: 1, MaxPressure: -1}, Options{}, 0, ErrPad},
		"negative width":    {pad, Options{Width: -1}, 0, ErrOptions},
		"too wide":          {pad, Options{Width: MaxSide + 1}, 0, ErrOptions},
		"half background":   {pad, Options{Background: color.NRGBA{1, 2, 3, 128}}, 0, ErrOptions},
		"min above max":     {pad, Options{MinWidth: 500, MaxWidth: 400}, 0, ErrOptions},
		"hairline":          {pad, Options{MinWidth: 5}, 0, ErrOptions},
		"too thick":         {pad, Options{MaxWidth: 10001}, 0, ErrOptions},
		"too many samples":  {pad, Options{}, MaxSamples + 1, ErrSamples},
	} {
		_, err := Draw(make([]Sample, c.n), c.pad, c.opt)
		if !errors.Is(err, c.is) {
			t.Errorf("%s: %v, want %v", name, err, c.is)
		}
	}
}

func TestColors(t *testing.T) {
	for _, s := range []string{"#000000", "#1a2b3c", "#ffffff", "transparent"} {
		c, err := ParseColor(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatColor(c); got != s {
			t.Errorf("%s → %v → %s", s, c, got)
		}
	}
	for _, s := range []string{"", "#fff", "#FFFFFF", "black", "#12345g", "#+12345", "#0x1234"} {
		if _, err := ParseColor(s); !errors.Is(err, ErrOptions) {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// TestTileSeams draws the same strokes inside one 512-pixel tile and
// across tile edges, at whole-pixel offsets: the coverage must agree
// within the rounding of the shifted coordinates.
func TestTileSeams(t *testing.T) {
	pad := Pad{MaxX: 1100, MaxY: 1100, MaxPressure: 1023}
	base := scribble(31)
	shift := func(dx, dy int64) []Sample {
		out := make([]Sample, len(base))
		for i, s := range base {
			// The scribble spans about 900 × 300 units of the STU pad:
			// scale it to 450 × 150 pixels.
			s[SampleX] = s[SampleX]/20 + dx
			s[SampleY] = s[SampleY]/20 + dy
			out[i] = s
		}
		return out
	}
	opt := Options{Width: 1100, MinWidth: 200, MaxWidth: 800}
	a := mustDraw(t, shift(0, 0), pad, opt).coverage()
	const dx, dy = 300, 380 // crosses x = 512 and y = 512
	b := mustDraw(t, shift(dx, dy), pad, opt).coverage()
	worst, sumA, sumB := 0, 0, 0
	for y := 0; y < 700; y++ {
		for x := 0; x < 700; x++ {
			va, vb := int(a[y*1100+x]), int(b[(y+dy)*1100+x+dx])
			sumA += va
			sumB += vb
			worst = max(worst, va-vb, vb-va)
		}
	}
	if sumA == 0 {
		t.Fatal("nothing drawn")
	}
	if worst > 8 {
		t.Errorf("a pixel differs by %d of 255 when the drawing is moved across tile edges", worst)
	}
	if d := sumA - sumB; d*1000 > sumA || -d*1000 > sumA {
		t.Errorf("total ink %d vs %d", sumA, sumB)
	}
}
