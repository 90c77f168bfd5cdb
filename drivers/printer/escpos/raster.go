package escpos

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// A line holding a character the printer cannot print is printed whole as
// one raster image (GS v 0), drawn here with the fonts of a textimage
// Chain: every character, printable ones too, at the column the text
// layout gave it, so that the line keeps its alignment with the lines
// printed as text around it. The image is as tall as a text line of that
// size — 24 dots a size step for font A, plus the gap that ESC 3 leaves —
// and each character is drawn in its cells (12 dots a column) at an em of
// 24 dots a size step, centred, and squeezed horizontally when its
// advance is wider than its cells (Latin letters of a CJK font are wider
// than font A's 12 dots).
//
// A character that no font of the chain has cannot be drawn: the layout
// fails with ErrNoGlyph naming it, rather than print a box or a '?', so
// that the caller decides (print without the character, or spell it).

// Font-A metrics the raster lines imitate.
const (
	dotsPerColumn = 12 // font A is 12×24; a two-byte glyph 24×24
	glyphDots     = 24
	// emBaseline is where the baseline sits in a CJK font's em box, in
	// hundredths from the top: the ideographic em box runs from +0.88 em
	// to −0.12 em around the baseline.
	emBaseline = 88
	// inkThreshold: a drawn grey level below it prints.
	inkThreshold = 128
)

// painter draws lines of text into bitmaps. It reuses one scratch image.
type painter struct {
	fonts   textimage.Chain
	m       *measure
	scratch *image.Gray
}

// missing returns the characters of s that no font has (spaces aside),
// each once.
func (p *painter) missing(s string) []rune {
	var out []rune
	for _, r := range s {
		if r == ' ' || strings.ContainsRune(string(out), r) {
			continue
		}
		if len(p.fonts) == 0 || !p.fonts.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// line draws s — a laid-out line, padding included — at size (1 or 2) as
// a bitmap of a full text line's height, lineDots being the text line
// pitch at size 1. It is as wide as the paper (cols columns), cropped on
// the right to its last inked byte.
func (p *painter) line(s string, cols, size, lineDots int, bold bool) (*Bitmap, error) {
	if miss := p.missing(s); len(miss) > 0 {
		var names []string
		for _, r := range miss {
			names = append(names, fmt.Sprintf("%q (%U)", r, r))
		}
		return nil, fmt.Errorf("%s: %w", strings.Join(names, ", "), ErrNoGlyph)
	}
	px := glyphDots * size
	bm := NewBitmap(cols*dotsPerColumn, px+max(lineDots-glyphDots, 0))
	wfn := func(r rune) int { return p.m.runeCols(r) * size }
	col := 0
	for _, c := range clusters(s, wfn) {
		text := s[c.start:c.end]
		if c.base != ' ' {
			p.glyph(bm, text, col*dotsPerColumn, c.w*dotsPerColumn, px, bold)
		}
		col += c.w
	}
	return bm.cropRight(), nil
}

// glyph draws one character (with its combining marks) into the cell
// [x, x+cellW) of bm, at an em of px dots.
func (p *painter) glyph(bm *Bitmap, text string, x, cellW, px int, bold bool) {
	sw, sh := 3*px, px
	if p.scratch == nil || p.scratch.Rect.Dx() != sw || p.scratch.Rect.Dy() != sh {
		p.scratch = image.NewGray(image.Rect(0, 0, sw, sh))
	}
	g := p.scratch
	for i := range g.Pix {
		g.Pix[i] = 0xFF
	}
	x0, base := px/2, px*emBaseline/100
	end := p.fonts.Draw(g, x0, base, text, px, color.Black)
	if bold {
		end = max(end, p.fonts.Draw(g, x0+1, base, text, px, color.Black))
	}
	adv := min(max(end-x0, 1), sw-x0)
	if cellW <= 0 { // a lone zero-width mark: overlay it where it stands
		cellW = adv
	}
	// Destination column d takes the darkest source column of its share of
	// the advance: a squeezed glyph keeps its thin strokes.
	off := 0
	if adv < cellW {
		off = (cellW - adv) / 2
	}
	span := min(adv, cellW)
	for d := 0; d < span; d++ {
		s0 := x0 + d*adv/span
		s1 := max(x0+(d+1)*adv/span, s0+1)
		for y := 0; y < sh && y < bm.H; y++ {
			row := g.Pix[y*g.Stride:]
			for sx := s0; sx < s1 && sx < sw; sx++ {
				if row[sx] < inkThreshold {
					bm.Set(x+off+d, y)
					break
				}
			}
		}
	}
}
