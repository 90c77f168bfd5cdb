// Package textimage draws text — Chinese included — into images with a
// scalable font found on the system: what a receipt printer prints as a
// raster image when its own font lacks a character, what a receipt
// preview shows, and what a signature pad's screen displays.
//
// Concepts: a Font is one face of a .ttf, .otf or .ttc file, read on
// demand (a CJK collection is tens of megabytes; only the glyphs drawn are
// read). A Chain is several fonts tried in order for each character, so
// that a rare name character (䶮, 𠮷) missing from the first font is drawn
// from the next; what no font has is reported, never dropped silently.
package textimage

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Font is one face of a font file.
type Font struct {
	path string
	name string
	f    *sfnt.Font
	file *os.File

	mu    sync.Mutex
	buf   sfnt.Buffer
	faces map[int]font.Face // by pixel size
}

// ErrNoFont means no usable font was found.
var ErrNoFont = errors.New("textimage: no CJK font found")

// Open opens the font at path. For a collection (.ttc) it picks the first
// face whose family name contains one of prefer (e.g. "SC" for Simplified
// Chinese), else the first face.
func Open(path string, prefer ...string) (*Font, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("textimage: %w", err)
	}
	c, err := sfnt.ParseCollectionReaderAt(file)
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("textimage: %s: %w", path, err)
	}
	var pick *sfnt.Font
	var pickName string
	var buf sfnt.Buffer
	for i := 0; i < c.NumFonts(); i++ {
		f, err := c.Font(i)
		if err != nil {
			continue
		}
		name, _ := f.Name(&buf, sfnt.NameIDFull)
		if pick == nil {
			pick, pickName = f, name
		}
		for _, p := range prefer {
			if p != "" && strings.Contains(name, p) {
				return &Font{path: path, name: name, f: f, file: file, faces: map[int]font.Face{}}, nil
			}
		}
	}
	if pick == nil {
		file.Close()
		return nil, fmt.Errorf("textimage: %s holds no usable face", path)
	}
	return &Font{path: path, name: pickName, f: pick, file: file, faces: map[int]font.Face{}}, nil
}

// Close releases the font file.
func (f *Font) Close() error { return f.file.Close() }

// Name is the face's full name, e.g. "Noto Sans CJK SC".
func (f *Font) Name() string { return f.name }

// Path is the file the face is in.
func (f *Font) Path() string { return f.path }

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.f.GlyphIndex(&f.buf, r)
	return err == nil && i != 0
}

// face returns the font at a pixel size (an em of px pixels).
func (f *Font) face(px int) font.Face {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fc, ok := f.faces[px]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f.f, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	f.faces[px] = fc
	return fc
}

// Chain is fonts tried in order, character by character.
type Chain []*Font

// Has reports whether some font of the chain has r.
func (c Chain) Has(r rune) bool { return c.fontFor(r) != nil }

// Missing returns the characters of s that no font has (spaces and
// control characters aside), each once.
func (c Chain) Missing(s string) []rune {
	var out []rune
	for _, r := range s {
		if r <= ' ' || c.Has(r) || containsRune(out, r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func (c Chain) fontFor(r rune) *Font {
	for _, f := range c {
		if f.Has(r) {
			return f
		}
	}
	return nil
}

// Close closes every font.
func (c Chain) Close() error {
	var errs []error
	for _, f := range c {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

// Metrics are a line's vertical measures at a size, in pixels.
type Metrics struct {
	Ascent, Descent, Height int
}

// Metrics returns the first font's line metrics at an em of px pixels.
func (c Chain) Metrics(px int) Metrics {
	if len(c) == 0 {
		return Metrics{}
	}
	fc := c[0].face(px)
	c[0].mu.Lock()
	defer c[0].mu.Unlock()
	m := fc.Metrics()
	return Metrics{Ascent: m.Ascent.Ceil(), Descent: m.Descent.Ceil(), Height: m.Ascent.Ceil() + m.Descent.Ceil()}
}

// Measure returns the advance width of s at an em of px pixels. A
// character no font has counts as a full em (it is drawn as a box).
func (c Chain) Measure(s string, px int) int {
	w := fixed.Int26_6(0)
	for _, r := range s {
		f := c.fontFor(r)
		if f == nil {
			w += fixed.I(px)
			continue
		}
		fc := f.face(px)
		f.mu.Lock()
		adv, _ := fc.GlyphAdvance(r)
		f.mu.Unlock()
		w += adv
	}
	return w.Ceil()
}

// Draw draws s in col onto dst with its baseline at (x, y), at an em of px
// pixels, and returns the x after the last character. A character that no
// font has is drawn as an empty box, so that it shows rather than vanishes.
func (c Chain) Draw(dst draw.Image, x, y int, s string, px int, col color.Color) int {
	dot := fixed.P(x, y)
	src := image.NewUniform(col)
	for _, r := range s {
		f := c.fontFor(r)
		if f == nil {
			box(dst, dot.X.Round(), y, px, col)
			dot.X += fixed.I(px)
			continue
		}
		fc := f.face(px)
		// The face reuses one mask buffer: draw it before letting go.
		f.mu.Lock()
		dr, mask, mp, adv, ok := fc.Glyph(dot, r)
		if ok {
			draw.DrawMask(dst, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		f.mu.Unlock()
		dot.X += adv
	}
	return dot.X.Ceil()
}

// box draws the outline of a missing character.
func box(dst draw.Image, x, y, px int, col color.Color) {
	top, bottom := y-px*8/10, y+px/10
	left, right := x+px/10, x+px*9/10
	for i := left; i <= right; i++ {
		dst.Set(i, top, col)
		dst.Set(i, bottom, col)
	}
	for j := top; j <= bottom; j++ {
		dst.Set(left, j, col)
		dst.Set(right, j, col)
	}
}
