package escpossim

import (
	"image"
	"image/color"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// bitmap is a 1-bit glyph the size of a character cell, as in a printer's
// font ROM.
type bitmap struct {
	w, h int
	dots []bool
}

func (b *bitmap) at(x, y int) bool {
	if x < 0 || y < 0 || x >= b.w || y >= b.h {
		return false
	}
	return b.dots[y*b.w+x]
}

// fontMetrics are where a font's characters sit in their cell: the em
// size and baseline in dots, for a cell w×h.
type fontMetrics struct{ w, h, em, baseline int }

func metricsOf(f Font) fontMetrics {
	switch f {
	case FontB:
		return fontMetrics{w: 9, h: 17, em: 16, baseline: 13}
	case FontHanzi:
		return fontMetrics{w: 24, h: 24, em: 24, baseline: 21}
	}
	return fontMetrics{w: 12, h: 24, em: 22, baseline: 19}
}

// oversample is how much finer than a dot glyphs are drawn before they are
// reduced to the printer's dots.
const oversample = 4

// makeGlyph draws s into a cell of font f: line and block graphics as a
// printer's ROM has them, anything else from the fonts at oversample times the size,
// squeezed to the cell's width when wider (a printer font is monospaced),
// then reduced to dots, a dot printed where ink covers enough of it.
func makeGlyph(fonts textimage.Chain, s string, f Font) *bitmap {
	if r, n := utf8.DecodeRuneInString(s); n == len(s) && n > 0 {
		if bm, ok := graphicGlyph(r, f); ok {
			return bm
		}
	}
	m := metricsOf(f)
	bm := &bitmap{w: m.w, h: m.h, dots: make([]bool, m.w*m.h)}
	if s == "" || s == " " || s == "\u3000" || len(fonts) == 0 {
		return bm
	}
	em := m.em * oversample
	cellW, cellH := m.w*oversample, m.h*oversample
	adv := max(fonts.Measure(s, em), 1)
	srcW := max(adv, cellW)
	// RGBA, not Gray: drawing a glyph's mask onto RGBA has a fast path.
	src := image.NewRGBA(image.Rect(0, 0, srcW, cellH))
	for i := range src.Pix {
		src.Pix[i] = 0xFF
	}
	x0 := 0
	if adv < cellW {
		x0 = (cellW - adv) / 2
	}
	fonts.Draw(src, x0, m.baseline*oversample, s, em, color.Black)
	// Each dot covers a srcW/m.w by oversample area of the drawing.
	for y := 0; y < m.h; y++ {
		for x := 0; x < m.w; x++ {
			xa, xb := x*srcW/m.w, (x+1)*srcW/m.w
			ink, n := 0, 0
			for sy := y * oversample; sy < (y+1)*oversample; sy++ {
				row := src.Pix[sy*src.Stride:]
				for sx := xa; sx < xb; sx++ {
					ink += 255 - int(row[4*sx])
					n++
				}
			}
			bm.dots[y*m.w+x] = n > 0 && ink*100 >= n*255*40
		}
	}
	return bm
}
