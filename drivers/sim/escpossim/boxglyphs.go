package escpossim

import "math"

// A printer's font ROM draws line and block graphics so that they meet
// their neighbours: a rule runs edge to edge of its cell, a vertical line
// from top to bottom. A scalable font's box-drawing glyphs do not fit a
// 12×24 cell that way, so these are drawn here, as the ROM has them.

// Arm weights of a box-drawing character.
const (
	armNone = iota
	armLight
	armDouble
)

// boxArms are left, right, up and down arms of the box-drawing characters
// in the code pages the interpreter decodes (CP437 and the Katakana
// page), plus the rounded corners (which bend instead of meeting).
var boxArms = map[rune][4]byte{
	'─': {1, 1, 0, 0}, '│': {0, 0, 1, 1}, '┌': {0, 1, 0, 1}, '┐': {1, 0, 0, 1},
	'└': {0, 1, 1, 0}, '┘': {1, 0, 1, 0}, '├': {0, 1, 1, 1}, '┤': {1, 0, 1, 1},
	'┬': {1, 1, 0, 1}, '┴': {1, 1, 1, 0}, '┼': {1, 1, 1, 1},
	'═': {2, 2, 0, 0}, '║': {0, 0, 2, 2}, '╔': {0, 2, 0, 2}, '╗': {2, 0, 0, 2},
	'╚': {0, 2, 2, 0}, '╝': {2, 0, 2, 0}, '╠': {0, 2, 2, 2}, '╣': {2, 0, 2, 2},
	'╦': {2, 2, 0, 2}, '╩': {2, 2, 2, 0}, '╬': {2, 2, 2, 2},
	'╒': {0, 2, 0, 1}, '╓': {0, 1, 0, 2}, '╕': {2, 0, 0, 1}, '╖': {1, 0, 0, 2},
	'╘': {0, 2, 1, 0}, '╙': {0, 1, 2, 0}, '╛': {2, 0, 1, 0}, '╜': {1, 0, 2, 0},
	'╞': {0, 2, 1, 1}, '╟': {0, 1, 2, 2}, '╡': {2, 0, 1, 1}, '╢': {1, 0, 2, 2},
	'╤': {2, 2, 0, 1}, '╥': {1, 1, 0, 2}, '╧': {2, 2, 1, 0}, '╨': {1, 1, 2, 0},
	'╪': {2, 2, 1, 1}, '╫': {1, 1, 2, 2},
}

// roundCorners are the rounded corners: which quadrant the bend opens to
// (right-down, left-down, left-up, right-up).
var roundCorners = map[rune][2]int{'╭': {1, 1}, '╮': {-1, 1}, '╯': {-1, -1}, '╰': {1, -1}}

// graphicGlyph draws r as a printer's ROM does when r is a line or block
// graphic; ok is false for any other character.
func graphicGlyph(r rune, f Font) (*bitmap, bool) {
	m := metricsOf(f)
	bm := &bitmap{w: m.w, h: m.h, dots: make([]bool, m.w*m.h)}
	set := func(x0, y0, x1, y1 int) {
		for y := max(y0, 0); y < min(y1, m.h); y++ {
			for x := max(x0, 0); x < min(x1, m.w); x++ {
				bm.dots[y*m.w+x] = true
			}
		}
	}
	cx, cy := m.w/2-1, m.h/2-1 // a light line covers cx, cx+1 (cy, cy+1)
	if arms, ok := boxArms[r]; ok {
		// Horizontal arms, then vertical ones; a double arm is two
		// single-dot lines a gap apart.
		hline := func(x0, x1 int, w byte) {
			switch w {
			case armLight:
				set(x0, cy, x1, cy+2)
			case armDouble:
				set(x0, cy-2, x1, cy-1)
				set(x0, cy+3, x1, cy+4)
			}
		}
		vline := func(y0, y1 int, w byte) {
			switch w {
			case armLight:
				set(cx, y0, cx+2, y1)
			case armDouble:
				set(cx-2, y0, cx-1, y1)
				set(cx+3, y0, cx+4, y1)
			}
		}
		hline(0, cx+2, arms[0])
		hline(cx, m.w, arms[1])
		vline(0, cy+2, arms[2])
		vline(cy, m.h, arms[3])
		return bm, true
	}
	if q, ok := roundCorners[r]; ok {
		// A quarter circle from the vertical arm to the horizontal one.
		rad := float64(m.w) / 2
		ox, oy := float64(cx)+1+float64(q[0])*rad, float64(cy)+1+float64(q[1])*rad
		for i := 0; i <= 64; i++ {
			a := math.Pi / 2 * float64(i) / 64
			x := ox - float64(q[0])*rad*math.Cos(a)
			y := oy - float64(q[1])*rad*math.Sin(a)
			set(int(x)-1, int(y)-1, int(x)+1, int(y)+1)
		}
		if q[1] > 0 {
			set(cx, int(oy), cx+2, m.h)
		} else {
			set(cx, 0, cx+2, int(oy))
		}
		return bm, true
	}
	switch {
	case r >= '▁' && r <= '█': // lower eighths
		set(0, m.h-m.h*int(r-'▀')/8, m.w, m.h)
	case r >= '▉' && r <= '▏': // left eighths, seven down to one
		set(0, 0, (m.w*(8-int(r-'█'))+4)/8, m.h)
	case r == '▀':
		set(0, 0, m.w, m.h/2)
	case r == '▐':
		set(m.w/2, 0, m.w, m.h)
	case r == '▔':
		set(0, 0, m.w, max(1, m.h/8))
	case r == '▕':
		set(m.w-max(1, m.w/8), 0, m.w, m.h)
	case r >= '░' && r <= '▓': // light, medium and dark shade
		k := int(r - '░')
		for y := 0; y < m.h; y++ {
			for x := 0; x < m.w; x++ {
				switch k {
				case 0:
					bm.dots[y*m.w+x] = x%2 == 0 && y%4 == 0 || x%2 == 1 && y%4 == 2
				case 1:
					bm.dots[y*m.w+x] = (x+y)%2 == 0
				default:
					bm.dots[y*m.w+x] = !(x%2 == 0 && y%4 == 0 || x%2 == 1 && y%4 == 2)
				}
			}
		}
	default:
		return nil, false
	}
	return bm, true
}
