package ink

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenPad and goldenSamples are a small fixed signature: a straight
// stroke whose pressure rises and falls, three quarters of a circle, a
// tap, and a V (a sharp turn), with hover reports between them.
var goldenPad = Pad{MaxX: 1000, MaxY: 500, MaxPressure: 1023}

var goldenSamples = []Sample{
	{0, 100, 100, 200, 1}, {5, 140, 100, 287, 1}, {10, 180, 100, 374, 1}, {15, 220, 100, 457, 1}, {20, 260, 100, 537, 1}, {25, 300, 100, 611, 1}, {30, 340, 100, 679, 1}, {35, 380, 100, 739, 1}, {40, 420, 100, 791, 1}, {45, 460, 100, 833, 1}, {50, 500, 100, 865, 1}, {55, 540, 100, 887, 1}, {60, 580, 100, 898, 1}, {65, 620, 100, 898, 1}, {70, 660, 100, 887, 1}, {75, 700, 100, 865, 1}, {80, 740, 100, 833, 1}, {85, 780, 100, 791, 1}, {90, 820, 100, 739, 1}, {95, 860, 100, 679, 1}, {100, 900, 100, 611, 1}, {105, 900, 100, 0, 0},
	{110, 650, 300, 0, 0}, {115, 650, 300, 600, 1}, {120, 648, 326, 600, 1}, {125, 641, 351, 600, 1}, {130, 630, 375, 600, 1}, {135, 615, 396, 600, 1}, {140, 596, 415, 600, 1}, {145, 575, 430, 600, 1}, {150, 551, 441, 600, 1}, {155, 526, 448, 600, 1}, {160, 500, 450, 600, 1}, {165, 474, 448, 600, 1}, {170, 449, 441, 600, 1}, {175, 425, 430, 600, 1}, {180, 404, 415, 600, 1}, {185, 385, 396, 600, 1}, {190, 370, 375, 600, 1}, {195, 359, 351, 600, 1}, {200, 352, 326, 600, 1}, {205, 350, 300, 600, 1}, {210, 352, 274, 600, 1}, {215, 359, 249, 600, 1}, {220, 370, 225, 600, 1}, {225, 385, 204, 600, 1}, {230, 404, 185, 600, 1}, {235, 425, 170, 600, 1}, {240, 449, 159, 600, 1}, {245, 474, 152, 600, 1}, {250, 500, 150, 600, 1}, {255, 500, 150, 0, 0},
	{260, 850, 400, 0, 0}, {265, 850, 400, 700, 1}, {270, 851, 400, 700, 1}, {275, 851, 400, 0, 0},
	{280, 150, 250, 800, 1}, {285, 160, 270, 800, 1}, {290, 170, 290, 800, 1}, {295, 180, 310, 800, 1}, {300, 190, 330, 800, 1}, {305, 200, 350, 800, 1}, {310, 210, 370, 800, 1}, {315, 220, 390, 800, 1}, {320, 230, 410, 800, 1}, {325, 240, 430, 800, 1}, {330, 250, 450, 800, 1}, {335, 260, 430, 800, 1}, {340, 270, 410, 800, 1}, {345, 280, 390, 800, 1}, {350, 290, 370, 800, 1}, {355, 300, 350, 800, 1}, {360, 310, 330, 800, 1}, {365, 320, 310, 800, 1}, {370, 330, 290, 800, 1}, {375, 340, 270, 800, 1}, {380, 350, 250, 800, 1}, {385, 350, 250, 0, 0},
}

var goldenOptions = Options{Width: 300, Background: color.NRGBA{255, 255, 255, 255}, MinWidth: 100, MaxWidth: 400}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d bytes, want %d): the drawing changed, which needs a new Renderer name; go test -update rewrites it", name, len(got), len(want))
	}
}

// TestGolden checks the SVG and the PNG of the fixed signature byte for
// byte: these bytes are what ink/1 means.
func TestGolden(t *testing.T) {
	d, err := Draw(goldenSamples, goldenPad, goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	if d.Strokes() != 4 {
		t.Errorf("%d strokes, want 4", d.Strokes())
	}
	golden(t, "golden.svg", d.SVG())
	golden(t, "golden.png", d.PNG())
}

// TestGoldenInk checks that the PNG has ink where the pen wrote and none
// where it did not: on the straight stroke, on the circle, on the tap and
// at the V's turn; not at the circle's centre, not on the way the pen
// hovered from one stroke to the next, not in the corners.
func TestGoldenInk(t *testing.T) {
	d, err := Draw(goldenSamples, goldenPad, goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(d.PNG()))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 150 {
		t.Fatalf("size %v, want 300×150", b)
	}
	// Pad units to pixels: 0.3 px per unit.
	px := func(x, y int) image.Point { return image.Pt(x*3/10, y*3/10) }
	dark := func(p image.Point) bool {
		// Any pixel within one of p: the smoothing may move the line by
		// less than a pixel.
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				r, _, _, _ := img.At(p.X+dx, p.Y+dy).RGBA()
				if r < 0x4000 {
					return true
				}
			}
		}
		return false
	}
	white := func(p image.Point) bool {
		r, g, b, a := img.At(p.X, p.Y).RGBA()
		return r == 0xffff && g == 0xffff && b == 0xffff && a == 0xffff
	}
	for x := 200; x <= 800; x += 50 {
		if !dark(px(x, 100)) {
			t.Errorf("no ink on the straight stroke at x=%d (%v)", x, px(x, 100))
		}
	}
	for _, s := range goldenSamples[25:49] { // not the tapered ends
		if p := px(int(s[1]), int(s[2])); !dark(p) {
			t.Errorf("no ink on the circle at %v", p)
		}
	}
	for name, p := range map[string]image.Point{"tap": px(850, 400), "V's turn": px(250, 445), "V's left arm": px(200, 350), "V's right arm": px(300, 350)} {
		if !dark(p) {
			t.Errorf("no ink at the %s (%v)", name, p)
		}
	}
	for name, p := range map[string]image.Point{
		"circle's centre":          px(500, 300),
		"hover from stroke 1 to 2": px(775, 200),
		"hover from stroke 3 to 4": px(500, 325),
		"inside the V":             px(250, 300),
		"top left":                 image.Pt(2, 2),
		"bottom right":             image.Pt(297, 147),
	} {
		if !white(p) {
			t.Errorf("ink at the %s (%v)", name, p)
		}
	}
	// Wider where the pressure is higher: the stroke is thicker at its
	// middle (pressure 898) than near its start (287).
	thick := func(x int) int {
		n := 0
		for y := 0; y < 60; y++ {
			if r, _, _, _ := img.At(px(x, 0).X, y).RGBA(); r < 0x8000 {
				n++
			}
		}
		return n
	}
	if a, b := thick(150), thick(600); a >= b {
		t.Errorf("the stroke is %d px thick at pressure ~290 and %d px at ~900; want it thicker at higher pressure", a, b)
	}
}

// TestTransparent checks the transparent background: ink pixels are the
// ink colour with alpha, the rest fully transparent.
func TestTransparent(t *testing.T) {
	blue := color.NRGBA{0x10, 0x2a, 0x7a, 255}
	d, err := Draw(goldenSamples, goldenPad, Options{Width: 300, Color: blue, MinWidth: 100, MaxWidth: 400})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(d.PNG()))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, a := img.At(2, 2).RGBA(); a != 0 {
		t.Errorf("background alpha %d, want 0", a)
	}
	c := color.NRGBAModel.Convert(img.At(180, 30)).(color.NRGBA)
	if c != blue {
		t.Errorf("ink %v, want %v", c, blue)
	}
	if bytes.Contains(d.SVG(), []byte("<rect")) {
		t.Error("the SVG of a transparent drawing has a background rectangle")
	}
}
