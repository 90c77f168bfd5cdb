package stusim

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// pt is a point in the plane of the writing (units depend on the stage).
type pt struct{ x, y float64 }

// glyph is how the virtual hand writes one character: strokes of key
// points in writing order, through which the pen moves on smooth curves.
//
// Latin glyphs are in line units with y up: baseline 0, x-height 1,
// ascenders to 2, descenders to -1. Han glyphs fill a unit box with y down.
type glyph struct {
	adv     float64 // advance (Latin: line units; Han: 1 box)
	strokes [][]pt
	late    [][]pt // written after the word: i and j dots, t and x bars
	joinOut bool   // the last stroke runs on into the next lowercase letter
	lower   bool   // a lowercase letter: the previous letter may run into it
	han     bool
}

// parseStrokes reads strokes written as "x,y x,y | x,y x,y": points
// separated by spaces, strokes by '|'. Malformed points are skipped (the
// tables are checked by a test).
func parseStrokes(s string, scale float64) [][]pt {
	var out [][]pt
	for _, part := range strings.Split(s, "|") {
		var st []pt
		for _, f := range strings.Fields(part) {
			xs, ys, ok := strings.Cut(f, ",")
			if !ok {
				continue
			}
			x, err1 := strconv.ParseFloat(xs, 64)
			y, err2 := strconv.ParseFloat(ys, 64)
			if err1 != nil || err2 != nil {
				continue
			}
			st = append(st, pt{x * scale, y * scale})
		}
		if len(st) > 0 {
			out = append(out, st)
		}
	}
	return out
}

// glyphFor returns how to write r, and false for a space (or anything
// else that leaves only a gap).
func glyphFor(r rune) (glyph, bool) {
	switch {
	case r == ' ' || r == '\u3000' || unicode.IsSpace(r):
		return glyph{}, false
	case isHan(r):
		return hanGlyph(r), true
	}
	if g, ok := latinGlyphs[r]; ok {
		return g, true
	}
	// Accented letters: the base letter, then the accents written over it
	// after the word (ü is u with two dots, é is e with a tick, …).
	d := []rune(norm.NFD.String(string(r)))
	if g, ok := latinGlyphs[d[0]]; ok && len(d) > 1 {
		g.late = append([][]pt(nil), g.late...)
		top, mid := 1.35, g.adv*0.45
		if !g.lower {
			top, mid = 2.2, g.adv*0.5
		}
		for _, m := range d[1:] {
			if s, ok := accents[m]; ok {
				for _, st := range parseStrokes(s, 1) {
					for i := range st {
						st[i] = pt{mid + st[i].x, top + st[i].y}
					}
					g.late = append(g.late, st)
				}
			}
		}
		return g, true
	}
	return markGlyph(r), true
}

// accents are combining marks as strokes around (0, 0), the middle of the
// space above a letter.
var accents = map[rune]string{
	'\u0300': "-0.1,0.3 0.08,0.05",                          // grave
	'\u0301': "-0.05,0.05 0.12,0.3",                         // acute
	'\u0302': "-0.18,0.02 0,0.25 0.18,0.02",                 // circumflex
	'\u0303': "-0.2,0.05 -0.08,0.2 0.08,0.08 0.2,0.22",      // tilde
	'\u0304': "-0.18,0.12 0.18,0.14",                        // macron
	'\u0308': "-0.14,0.12 -0.11,0.08 | 0.12,0.12 0.15,0.08", // diaeresis
	'\u030A': "0,0.05 -0.08,0.15 0,0.25 0.08,0.15 0,0.05",   // ring
	'\u030C': "-0.18,0.25 0,0.02 0.18,0.25",                 // caron
}

// isHan reports whether r is a CJK ideograph.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// markGlyph writes punctuation and anything unknown: a dot for the dots
// (· . ' ’), a dash for dashes, else a small scribble.
func markGlyph(r rune) glyph {
	switch r {
	case '·', '•', '‧', '・':
		return glyph{adv: 0.6, strokes: parseStrokes("0.22,0.95 0.3,0.88", 1)}
	case '.', ',':
		return glyph{adv: 0.5, strokes: parseStrokes("0.2,0.08 0.26,0.0", 1)}
	case '\'', '’':
		return glyph{adv: 0.5, strokes: parseStrokes("0.3,2.0 0.22,1.6", 1)}
	case '-', '‐', '–', '—', '_':
		return glyph{adv: 0.9, strokes: parseStrokes("0.1,0.5 0.75,0.55", 1)}
	}
	return glyph{adv: 0.9, strokes: parseStrokes("0.05,0.2 0.3,0.9 0.5,0.2 0.7,0.9 0.85,0.3", 1), joinOut: false}
}
