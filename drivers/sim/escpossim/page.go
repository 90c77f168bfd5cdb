package escpossim

import (
	"image"
	"sort"
	"strings"
)

// Document is what a byte stream printed: the pages between cuts, and
// every command found, in order.
type Document struct {
	Pages    []*Page
	Commands []Command
}

// Cut says how a page was separated from the roll.
type Cut int

// The ways a page can end.
const (
	CutNone    Cut = iota // not cut (yet): still on the roll, or torn off at a paper end
	CutPartial            // partial cut: one point left uncut in the middle
	CutFull               // full cut
)

// String names the cut.
func (c Cut) String() string {
	switch c {
	case CutPartial:
		return "partial"
	case CutFull:
		return "full"
	}
	return "none"
}

// Page is the paper between two cuts: everything printed on it, placed in
// printer dots from its top edge (row 0 is the edge the previous cut made).
type Page struct {
	// Width is the printable width in dots (384 or 576).
	Width int
	// Height is the page's length in dot rows: up to the cut that ended
	// it, to the paper end, or, while it is still being printed, to the
	// print head.
	Height int
	// Elements are the lines, images and symbols printed on the page, in
	// the order printed. An element the cut went through is on the page
	// it started on, and again, marked Continued, on the next one.
	Elements []Element
	// Cut is the cut that ended the page.
	Cut Cut
	// Incomplete marks the page still being printed: no cut has ended it.
	Incomplete bool
	// PaperOut marks the page on which the roll ran out.
	PaperOut bool
}

// Place is where an element lies on its page, in dots.
type Place struct {
	X, Y, Width, Height int
	// Continued marks the part of an element that began on the page
	// before: the cut went through it. Text, QRPayloads and Barcodes
	// leave such parts out (they are counted on the page they began on).
	Continued bool
}

// Box returns the element's place.
func (p Place) Box() Place { return p }

// Rect returns the place as a rectangle.
func (p Place) Rect() image.Rectangle { return image.Rect(p.X, p.Y, p.X+p.Width, p.Y+p.Height) }

// Element is something printed: a *TextLine, an *Image, a *QR or a
// *Barcode.
type Element interface {
	Box() Place
}

// Font is a character font of the printer.
type Font int

// The printer's fonts.
const (
	FontA     Font = iota // 12×24 dots, single-byte characters
	FontB                 // 9×17 dots, single-byte characters
	FontHanzi             // 24×24 dots, two-byte (Chinese) characters
)

// Style is how a run of characters is printed.
type Style struct {
	Font Font
	// Width and Height are the size multipliers, 1 to 8.
	Width, Height int
	Bold          bool
	// Underline is the underline's thickness in dots: 0, 1 or 2.
	Underline int
	// Reverse is white on black (GS B).
	Reverse bool
	// UpsideDown is recorded (ESC {) but not drawn turned.
	UpsideDown bool
}

// Glyph is one printed character.
type Glyph struct {
	// Text is the character as Unicode: usually one rune; a space for a
	// byte the printer printed as a blank.
	Text string
	// X is the left of the character's advance on the page; Advance its
	// width including character spacing, in dots.
	X, Advance int
	// Left is the spacing before the character cell (two-byte
	// characters, FS S), in dots.
	Left int
	// W and H are the character cell's size in dots, multipliers applied.
	W, H int
	// Top is the cell's top relative to the line's top (characters of a
	// line stand on a common bottom).
	Top int
}

// Run is consecutive characters of one style.
type Run struct {
	Text   string
	Style  Style
	Glyphs []Glyph
}

// TextLine is one printed line of characters.
type TextLine struct {
	Place
	// Text is the line as Unicode: the characters from left to right, a
	// gap made by positioning (ESC $, ESC \, HT) rendered as spaces (one
	// per 12 dots), surrounding space trimmed.
	Text string
	Runs []Run
}

// Columns lays the line out on a grid of colWidth dots per column (12 for
// font A), the way a text rendering of the receipt would show it: each
// character at the column of its position, a wide character taking the
// columns it covers.
func (l *TextLine) Columns(colWidth int) string {
	if colWidth <= 0 {
		colWidth = 12
	}
	var b strings.Builder
	col := 0
	for _, g := range l.byX() {
		at := (g.X + colWidth/2) / colWidth
		if at > col {
			b.WriteString(strings.Repeat(" ", at-col))
			col = at
		}
		n := max(1, (g.Advance+colWidth/2)/colWidth)
		b.WriteString(g.Text)
		if w := displayWidth(g.Text); w < n {
			b.WriteString(strings.Repeat(" ", n-w))
		}
		col += n
	}
	return strings.TrimRight(b.String(), " ")
}

// byX returns the line's characters from left to right (a host may print
// a line's parts in any order, moving with ESC $ and ESC \).
func (l *TextLine) byX() []Glyph {
	var gs []Glyph
	for _, r := range l.Runs {
		gs = append(gs, r.Glyphs...)
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].X < gs[j].X })
	return gs
}

// Image is a raster image printed with GS v 0 or GS ( L.
type Image struct {
	Place
	Raster *Raster
	// ScaleX and ScaleY are the dot multipliers (GS v 0 m).
	ScaleX, ScaleY int
}

// QR is a QR code symbol printed with GS ( k.
type QR struct {
	Place
	// Payload is the data stored with function 180, as sent.
	Payload string
	// Module is the module size in dots; Level the error correction
	// level (L, M, Q or H); Version the symbol version.
	Module  int
	Level   string
	Version int
	// Modules is the symbol, row by row, without a quiet zone; true is
	// dark.
	Modules [][]bool
}

// Barcode is a 1-D symbol printed with GS k.
type Barcode struct {
	Place
	// Symbology is "CODE128".
	Symbology string
	// Data is the human-readable data: code set selectors removed, set C
	// pairs turned back to digits, function characters left out.
	Data string
	// Codes are the symbol's character values: start, data, check
	// character and stop.
	Codes []int
	// Module is the narrowest bar's width in dots; BarHeight the bars'
	// height.
	Module, BarHeight int
	// HRI is where the human-readable text is printed: 0 none, 1 above,
	// 2 below, 3 both; HRIFont its font.
	HRI     int
	HRIFont Font
}

// Text returns the page's text lines, one a line, as Unicode.
func (p *Page) Text() string {
	var lines []string
	for _, e := range p.Elements {
		if l, ok := e.(*TextLine); ok && !l.Continued {
			lines = append(lines, l.Text)
		}
	}
	return strings.Join(lines, "\n")
}

// Lines returns the page's text lines.
func (p *Page) Lines() []*TextLine {
	var out []*TextLine
	for _, e := range p.Elements {
		if l, ok := e.(*TextLine); ok && !l.Continued {
			out = append(out, l)
		}
	}
	return out
}

// QRPayloads returns the data of the QR codes printed on the page.
func (p *Page) QRPayloads() []string {
	var out []string
	for _, e := range p.Elements {
		if q, ok := e.(*QR); ok && !q.Continued {
			out = append(out, q.Payload)
		}
	}
	return out
}

// Barcodes returns the human-readable data of the barcodes printed on the
// page.
func (p *Page) Barcodes() []string {
	var out []string
	for _, e := range p.Elements {
		if b, ok := e.(*Barcode); ok && !b.Continued {
			out = append(out, b.Data)
		}
	}
	return out
}

// Images returns the raster images printed on the page.
func (p *Page) Images() []*Image {
	var out []*Image
	for _, e := range p.Elements {
		if im, ok := e.(*Image); ok && !im.Continued {
			out = append(out, im)
		}
	}
	return out
}

// clone copies the page so that later printing does not change it.
func (p *Page) clone() *Page {
	c := *p
	c.Elements = append([]Element(nil), p.Elements...)
	return &c
}
