package documents

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Page geometry, in points (A4).
const (
	pageW      = 595.28
	pageH      = 841.89
	marginL    = 56.0
	marginR    = 56.0
	marginTop  = 50.0
	footerTop  = pageH - 46.0 // the footer's baseline zone starts here
	contentBot = pageH - 62.0
	contentW   = pageW - marginL - marginR
)

// Type sizes, in points. Body text is 12 pt (the kiosk's readers are
// often elderly; a form's usual 10.5 pt is too small for them), headings
// larger, key numbers larger still.
const (
	sizeTitle   = 20.0
	sizeHeading = 14.0
	sizeBody    = 12.0
	sizeSmall   = 9.0
	sizeKey     = 18.0
	lineGap     = 1.5 // line height as a multiple of the size
)

// Fallback is a character drawn from another font than the first of the
// Renderer's (the main one lacks it).
type Fallback struct {
	Char rune
	Font string // the face's name
}

// report collects the characters that fell back or were missing, in the
// order first met.
type report struct {
	fallback []Fallback
	missing  []rune
}

func (rp *report) fell(r rune, font string) {
	for _, f := range rp.fallback {
		if f.Char == r {
			return
		}
	}
	rp.fallback = append(rp.fallback, Fallback{Char: r, Font: font})
}

func (rp *report) miss(r rune) {
	if !slices.Contains(rp.missing, r) {
		rp.missing = append(rp.missing, r)
	}
}

// cell is one character placed on a line: its face (or faceMissing: no
// font has it, it is drawn as a box with its code point), and its width.
type cell struct {
	r    rune
	face int
	w    float64
}

const (
	faceMissing = -1
	faceBreak   = -2 // a forced line break
)

// faceFor returns the first face that has r, or faceMissing.
func (r *Renderer) faceFor(c rune) int {
	for i, f := range r.faces {
		if f.info.glyph(c) != 0 {
			return i
		}
	}
	return faceMissing
}

// Check tells which characters of s the Renderer draws from a fallback
// font and which no font has (those are drawn as a box with their code
// point): what the caller can warn about before printing, e.g. a name
// read from an ID card.
func (r *Renderer) Check(s string) (fallback []Fallback, missing []rune) {
	var rp report
	r.cells(s, sizeBody, &rp)
	return rp.fallback, rp.missing
}

// boxLabel is what a missing character's box shows.
func boxLabel(c rune) string { return fmt.Sprintf("U+%04X", c) }

// cells turns s into cells at size: "\n", "\r\n" and "\r" become forced
// breaks and a tab a space; every other character without a glyph —
// control and format characters, invalid UTF-8 (U+FFFD), a character no
// font has — becomes a visible box and is reported.
func (r *Renderer) cells(s string, size float64, rp *report) []cell {
	out := make([]cell, 0, len(s))
	for i := 0; i < len(s); {
		c, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case c == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			out = append(out, cell{r: '\n', face: faceBreak})
			continue
		case c == '\n':
			out = append(out, cell{r: '\n', face: faceBreak})
			continue
		case c == '\t':
			c = ' '
		}
		fi := faceMissing
		if c != utf8.RuneError && !unicode.IsControl(c) && !unicode.Is(unicode.Cf, c) {
			fi = r.faceFor(c)
		}
		if fi == faceMissing {
			rp.miss(c)
			out = append(out, cell{r: c, face: faceMissing, w: r.boxWidth(c, size)})
			continue
		}
		if fi > 0 {
			rp.fell(c, r.faces[fi].Name)
		}
		f := r.faces[fi].info
		out = append(out, cell{r: c, face: fi, w: float64(f.width(f.glyph(c))) * size / 1000})
	}
	return out
}

// boxWidth is the width of a missing character's box: its label in
// small type, and at least most of an em.
func (r *Renderer) boxWidth(c rune, size float64) float64 {
	return max(size*0.9, r.plainWidth(boxLabel(c), size*0.36)+size*0.25)
}

// plainWidth measures ASCII text drawn from whichever face has it.
func (r *Renderer) plainWidth(s string, size float64) float64 {
	w := 0.0
	for _, c := range s {
		if fi := r.faceFor(c); fi >= 0 {
			f := r.faces[fi].info
			w += float64(f.width(f.glyph(c))) * size / 1000
		}
	}
	return w
}

// width of cells.
func width(cs []cell) float64 {
	w := 0.0
	for _, c := range cs {
		w += c.w
	}
	return w
}

// noLineStart are characters that must not begin a line (closing
// punctuation); noLineEnd those that must not end one.
const (
	noLineStart = "，。、；：？！）》」』】〕〉”’…·—,.;:?!)]}%"
	noLineEnd   = "（《「『【〔〈“‘([{"
)

// breakable reports whether a line may break before cs[i].
func breakable(cs []cell, i int) bool {
	if i <= 0 || i >= len(cs) {
		return i > 0
	}
	a, b := cs[i-1].r, cs[i].r
	if strings.ContainsRune(noLineStart, b) || strings.ContainsRune(noLineEnd, a) {
		return false
	}
	if a == ' ' || b == ' ' {
		return true
	}
	// Between two Latin letters or digits only at a space: an ID or a
	// hash is not split unless it must be.
	latin := func(r rune) bool {
		return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '/' || r == '*')
	}
	return !(latin(a) && latin(b))
}

// wrap breaks cells into lines no wider than w. Nothing is dropped but
// the spaces a line breaks at.
func wrap(cs []cell, w float64) [][]cell {
	var lines [][]cell
	start := 0
	for start < len(cs) {
		x := 0.0
		end := start
		brk := -1
		for end < len(cs) {
			c := cs[end]
			if c.face == faceBreak {
				break
			}
			if x+c.w > w && end > start {
				break
			}
			x += c.w
			end++
			if end < len(cs) && breakable(cs, end) {
				brk = end
			}
		}
		switch {
		case end >= len(cs) || cs[end].face == faceBreak:
			lines = append(lines, trimSpaces(cs[start:end]))
			if end < len(cs) {
				end++ // the break itself
			}
		default:
			// Overflow before cs[end]. Keep closing punctuation on this
			// line (it may stick out a little), else break at the last
			// break opportunity, else here.
			if strings.ContainsRune(noLineStart, cs[end].r) {
				for n := 0; n < 3 && end < len(cs) && strings.ContainsRune(noLineStart, cs[end].r); n++ {
					end++
				}
			} else if brk > start {
				end = brk
			}
			lines = append(lines, trimSpaces(cs[start:end]))
			for end < len(cs) && cs[end].r == ' ' {
				end++
			}
		}
		start = end
	}
	if len(lines) == 0 {
		lines = append(lines, nil)
	}
	return lines
}

func trimSpaces(cs []cell) []cell {
	for len(cs) > 0 && cs[len(cs)-1].r == ' ' {
		cs = cs[:len(cs)-1]
	}
	return cs
}
