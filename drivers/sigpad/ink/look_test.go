package ink

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// TestLook writes the synthetic signatures as PNG and SVG files into the
// directory $INK_LOOK_DIR, for a person to look at; without it, it only
// checks that they draw.
func TestLook(t *testing.T) {
	dir := os.Getenv("INK_LOOK_DIR")
	type sig struct {
		name    string
		samples []Sample
		pad     Pad
		opt     Options
	}
	noPressure := func(s []Sample) []Sample {
		out := make([]Sample, len(s))
		for i, v := range s {
			v[SamplePressure] = 0
			out[i] = v
		}
		return out
	}
	// screen makes s look like a mouse or finger on a 600×450 canvas:
	// every third report (about 60 per second), whole pixels, no
	// pressure.
	screen := func(s []Sample) []Sample {
		var out []Sample
		for i, v := range s {
			if i%3 != 0 && v[SampleSwitch] != 0 {
				continue
			}
			v[SampleX] = v[SampleX] * 600 / 10175
			v[SampleY] = v[SampleY] * 450 / 7631
			v[SamplePressure] = 0
			out = append(out, v)
		}
		return out
	}
	white := color.NRGBA{255, 255, 255, 255}
	sigs := []sig{
		{"cursive", cursive(1), stu540, Options{Background: white}},
		{"cursive-blue-transparent", cursive(2), stu540, Options{Color: color.NRGBA{0x10, 0x2a, 0x7a, 255}}},
		{"hanzi", hanzi(3), stu540, Options{Background: white}},
		{"scribble", scribble(4), stu540, Options{Background: white}},
		{"cursive-no-pressure", noPressure(cursive(5)), stu540, Options{Background: white}},
		{"cursive-screen", screen(cursive(10)), Pad{MaxX: 600, MaxY: 450}, Options{Background: white}},
		{"hanzi-screen", screen(hanzi(12)), Pad{MaxX: 600, MaxY: 450}, Options{Background: white}},
		{"hanzi-small", hanzi(6), stu540, Options{Width: 240, Background: white}},
		{"cursive-large", cursive(7), stu540, Options{Width: 1600, Background: white}},
		{"scribble-thick", scribble(8), stu540, Options{Background: white, MinWidth: 400, MaxWidth: 1600}},
		{"hanzi-thick", hanzi(9), stu540, Options{Background: white, MinWidth: 300, MaxWidth: 1400}},
	}
	for _, s := range sigs {
		d, err := Draw(s.samples, s.pad, s.opt)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		png, svg := d.PNG(), d.SVG()
		t.Logf("%s: %d samples, %d strokes, %dx%d, PNG %d bytes, SVG %d bytes", s.name, len(s.samples), d.Strokes(), d.opt.Width, d.opt.Height, len(png), len(svg))
		if dir == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".svg"), svg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
