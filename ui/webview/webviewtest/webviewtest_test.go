package webviewtest

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"
)

func blank(w, h int, c color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{c}, image.Point{}, draw.Src)
	return img
}

// glyph draws a crude "character" with n strokes in cell i of a row of
// cells of size px at (x0, y0).
func glyph(img *image.RGBA, x0, y0, px, i, n int) {
	for s := 0; s < n; s++ {
		y := y0 + 4 + s*(px-8)/max(n, 1)
		for x := x0 + i*px + 4; x < x0+(i+1)*px-4; x++ {
			for d := 0; d < 3; d++ {
				img.Set(x, y+d, color.Black)
			}
		}
	}
}

func TestCheckGlyphs(t *testing.T) {
	const px = 40
	box := image.Rect(100, 100, 100+4*px, 100+px)
	white := color.RGBA{255, 255, 255, 255}

	img := blank(400, 300, white)
	for i, n := range []int{3, 7, 5, 9} {
		glyph(img, 100, 100, px, i, n)
	}
	if err := CheckGlyphs(img, box, "请将身份"); err != nil {
		t.Fatalf("drawn glyphs refused: %v", err)
	}
	// The same box with nothing drawn (a missing font draws nothing).
	if err := CheckGlyphs(blank(400, 300, white), box, "请将身份"); err == nil || !strings.Contains(err.Error(), "no glyphs") {
		t.Fatalf("empty box: %v", err)
	}
	// One character missing.
	img = blank(400, 300, white)
	for i, n := range []int{3, 0, 5, 9} {
		glyph(img, 100, 100, px, i, n)
	}
	if err := CheckGlyphs(img, box, "请将身份"); err == nil || !strings.Contains(err.Error(), "将") {
		t.Fatalf("missing character: %v", err)
	}
	// Identical boxes (tofu).
	img = blank(400, 300, white)
	for i := range 4 {
		glyph(img, 100, 100, px, i, 6)
	}
	if err := CheckGlyphs(img, box, "请将身份"); err == nil || !strings.Contains(err.Error(), "same ink") {
		t.Fatalf("tofu: %v", err)
	}
	// Punctuation may be light; only ideographs must hold ink.
	img = blank(400, 300, white)
	for i, n := range []int{3, 0, 5, 9} {
		glyph(img, 100, 100, px, i, n)
	}
	if err := CheckGlyphs(img, box, "请，身份"); err != nil {
		t.Fatalf("light punctuation refused: %v", err)
	}
}

func TestCheckPage(t *testing.T) {
	if err := CheckPage(blank(200, 100, color.RGBA{246, 245, 244, 255})); err == nil {
		t.Fatal("an empty grey window passed")
	}
	img := blank(200, 100, color.White)
	for x := range 200 {
		for y := range 50 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y * 5), 128, 255})
		}
	}
	if err := CheckPage(img); err != nil {
		t.Fatal(err)
	}
}
