package documents

import (
	"strings"
)

// opKind is what a drawing operation draws.
type opKind int

const (
	opText  opKind = iota // text of one face, baseline at y
	opLine                // a line from (x, y) to (x+w, y+h)
	opRect                // a rectangle's outline
	opFill                // a filled rectangle
	opImage               // a PNG in the box (x, y, w, h)
)

// op is one drawing operation of a page, in points from the page's top
// left.
type op struct {
	kind       opKind
	x, y, w, h float64
	face       int
	size       float64
	text       string
	gray       float64 // 0 black … 1 white
	lw         float64
	img        []byte
	box        bool // opRect: the box of a missing character, r
	r          rune
	label      bool // opText: a box's label, not text of the document
}

// doc is a document being laid out: pages of operations, filled top to
// bottom; the footer (with the page count) is added when it is written.
type doc struct {
	r      *Renderer
	rp     report
	pages  [][]op
	y      float64 // where the next block starts on the current page
	title  string  // the footer's left part: the document and its numbers
	header func(d *doc)
	fixed  bool // no page breaks (the footer)
	// text is the document's text, a paragraph (or a table row, or a
	// "label：value") an element, in reading order; repeated page headers
	// left out. quiet > 0 while a block records its own.
	text  []string
	quiet int
}

func (r *Renderer) newDoc(title string) *doc {
	d := &doc{r: r, title: title}
	d.newPage()
	return d
}

func (d *doc) newPage() {
	d.pages = append(d.pages, nil)
	d.y = marginTop
	if d.header != nil && len(d.pages) > 1 {
		d.quiet++
		d.header(d)
		d.quiet--
	}
}

func (d *doc) add(o op) {
	p := len(d.pages) - 1
	d.pages[p] = append(d.pages[p], o)
}

// room makes sure h points fit below y on this page, starting a new
// page if not (a block taller than a page just starts on a new one).
func (d *doc) room(h float64) {
	if !d.fixed && d.y+h > contentBot && d.y > marginTop+1 {
		d.newPage()
	}
}

// style of a paragraph.
type style struct {
	size   float64
	indent float64 // of every line, from the left margin
	hang   float64 // further indent of the lines after the first
	gray   float64
	center bool
	after  float64 // space below the paragraph
	keep   float64 // space that must follow on the same page (a heading's)
}

var (
	body    = style{size: sizeBody, after: 3}
	small   = style{size: sizeSmall, gray: 0.25, after: 2}
	heading = style{size: sizeHeading, after: 4, keep: 3 * sizeBody * lineGap}
)

// lineHeight of a size.
func lineHeight(size float64) float64 { return size * lineGap }

// para lays out text as a wrapped paragraph at the cursor and returns
// its height.
func (d *doc) para(text string, st style) float64 {
	return d.paraAt(marginL+st.indent, contentW-st.indent, text, st)
}

// paraAt lays out text in the column [x, x+w] from the cursor, page
// breaking between lines as needed.
func (d *doc) paraAt(x, w float64, text string, st style) float64 {
	d.keepText(text)
	cs := d.r.cells(text, st.size, &d.rp)
	first := wrap(cs, w)
	var lines [][]cell
	if st.hang > 0 && len(first) > 1 {
		// What follows the first line wraps in the narrower column.
		rest := cs[skipTo(cs, first[0]):]
		lines = append([][]cell{first[0]}, wrap(rest, w-st.hang)...)
	} else {
		lines = first
	}
	lh := lineHeight(st.size)
	start := d.y
	for i, l := range lines {
		if i == 0 {
			d.room(lh + st.keep)
		} else {
			d.room(lh)
		}
		lx := x
		if i > 0 {
			lx += st.hang
		}
		if st.center {
			lx = x + (w-width(l))/2
		}
		d.drawLine(lx, d.y, l, st.size, st.gray)
		d.y += lh
	}
	d.y += st.after
	return d.y - start
}

// keepText adds a paragraph to the document's text, unless the block being
// laid out records its own.
func (d *doc) keepText(text string) {
	if d.quiet == 0 && text != "" {
		d.text = append(d.text, text)
	}
}

// skipTo returns the index in cs just after line (a prefix of cs,
// possibly without the spaces it broke at).
func skipTo(cs []cell, line []cell) int {
	i := len(line)
	for i < len(cs) && cs[i].r == ' ' {
		i++
	}
	if i < len(cs) && cs[i].face == faceBreak {
		i++
	}
	return i
}

// drawLine draws a line of cells with its top at y: runs of one face as
// text, a missing character as a box holding its code point.
func (d *doc) drawLine(x, top float64, l []cell, size, gray float64) {
	base := top + baseline(size)
	for i := 0; i < len(l); {
		c := l[i]
		if c.face == faceMissing {
			d.add(op{kind: opRect, x: x + size*0.05, y: top + (lineHeight(size)-size*1.1)/2, w: c.w - size*0.1, h: size * 1.1, gray: gray, lw: 0.6, box: true, r: c.r})
			label := boxLabel(c.r)
			ls := size * 0.36
			lx := x + (c.w-d.r.plainWidth(label, ls))/2
			d.plain(lx, top+lineHeight(size)/2+ls*0.35, label, ls, gray, true)
			x += c.w
			i++
			continue
		}
		j := i
		var b strings.Builder
		w := 0.0
		for j < len(l) && l[j].face == c.face {
			b.WriteRune(l[j].r)
			w += l[j].w
			j++
		}
		d.add(op{kind: opText, x: x, y: base, face: c.face, size: size, text: b.String(), gray: gray})
		x += w
		i = j
	}
}

// plain draws ASCII text (labels, hashes) with its baseline at y, each
// character from the first face that has it; what none has is left out
// (it is only ever our own ASCII).
func (d *doc) plain(x, y float64, s string, size, gray float64, label bool) {
	for _, c := range s {
		fi := d.r.faceFor(c)
		if fi < 0 {
			continue
		}
		f := d.r.faces[fi].info
		d.add(op{kind: opText, x: x, y: y, face: fi, size: size, text: string(c), gray: gray, label: label})
		x += float64(f.width(f.glyph(c))) * size / 1000
	}
}

// baseline is where the baseline sits below a line's top.
func baseline(size float64) float64 { return (lineHeight(size)-size)/2 + size*0.86 }

// measure lays out text without drawing, returning its line count in
// the width w.
func (d *doc) measure(text string, size, w float64) int {
	var rp report
	return len(wrap(d.r.cells(text, size, &rp), w))
}

// hr draws a horizontal rule across the text column.
func (d *doc) hr(gray float64) {
	d.add(op{kind: opLine, x: marginL, y: d.y, w: contentW, gray: gray, lw: 0.6})
	d.y += 6
}

// gap adds vertical space.
func (d *doc) gap(h float64) { d.y += h }

// box draws a check box at (x, top of a line of size) with a tick if
// checked; the words beside it carry the meaning, never the mark alone.
func (d *doc) checkbox(x, top, size float64, checked bool) {
	s := size * 0.8
	y := top + (lineHeight(size)-s)/2
	d.add(op{kind: opRect, x: x, y: y, w: s, h: s, lw: 0.8})
	if checked {
		d.add(op{kind: opLine, x: x + s*0.18, y: y + s*0.52, w: s * 0.22, h: s * 0.28, lw: 1.4})
		d.add(op{kind: opLine, x: x + s*0.40, y: y + s*0.80, w: s * 0.45, h: -s * 0.62, lw: 1.4})
	}
}

// kv lays out "label：value" rows with the labels in a column.
func (d *doc) kv(labelW float64, rows ...[2]string) {
	for _, row := range rows {
		d.keepText(row[0] + "：" + row[1])
		d.quiet++
		lines := d.measure(row[1], sizeBody, contentW-labelW)
		d.room(lineHeight(sizeBody) * float64(min(lines, 3)))
		top := d.y
		d.paraAt(marginL, labelW, row[0], style{size: sizeBody, gray: 0.3})
		d.y = top
		d.paraAt(marginL+labelW, contentW-labelW, row[1], style{size: sizeBody})
		d.y += 2
		d.quiet--
	}
}

// column of a table.
type column struct {
	title string
	w     float64 // share of the width
}

// table lays out rows in columns with ruled cells; a row is kept on one
// page when it fits on one, and the header repeats on a new page.
func (d *doc) table(cols []column, rows [][]string, size float64) {
	total := 0.0
	for _, c := range cols {
		total += c.w
	}
	ws := make([]float64, len(cols))
	for i, c := range cols {
		ws[i] = contentW * c.w / total
	}
	const pad = 4.0
	lh := lineHeight(size)
	// A line may end in hanging punctuation (；。 kept off the next
	// line's start) that sticks out by up to an em: inside a ruled cell
	// that em is kept free, so it never crosses the rule.
	inner := func(i int) float64 { return ws[i] - 2*pad - size }
	rowHeight := func(cells []string) float64 {
		n := 1
		for i, t := range cells {
			if i < len(ws) {
				n = max(n, d.measure(t, size, inner(i)))
			}
		}
		return float64(n)*lh + 4
	}
	drawRow := func(cells []string, shade bool) {
		d.keepText(strings.Join(cells, "　"))
		d.quiet++
		defer func() { d.quiet-- }()
		h := rowHeight(cells)
		if d.y+h > contentBot && h < contentBot-marginTop-40 {
			d.newPage()
			drawHeader(d, cols, ws, size)
		}
		top := d.y
		if shade {
			d.add(op{kind: opFill, x: marginL, y: top, w: contentW, h: h, gray: 0.92})
		}
		x := marginL
		for i := range ws {
			t := ""
			if i < len(cells) {
				t = cells[i]
			}
			d.y = top + 2
			d.paraAt(x+pad, inner(i), t, style{size: size})
			d.add(op{kind: opRect, x: x, y: top, w: ws[i], h: h, lw: 0.5})
			x += ws[i]
		}
		d.y = top + h
	}
	d.keepText(strings.Join(func() []string {
		t := make([]string, len(cols))
		for i, c := range cols {
			t[i] = c.title
		}
		return t
	}(), "　"))
	drawHeader(d, cols, ws, size)
	for _, row := range rows {
		drawRow(row, false)
	}
	d.y += 6
}

func drawHeader(d *doc, cols []column, ws []float64, size float64) {
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	d.quiet++
	defer func() { d.quiet-- }()
	lh := lineHeight(size)
	n := 1
	for i, t := range titles {
		n = max(n, d.measure(t, size, ws[i]-8))
	}
	h := float64(n)*lh + 4
	d.room(h + lh + 4)
	top := d.y
	d.add(op{kind: opFill, x: marginL, y: top, w: contentW, h: h, gray: 0.9})
	x := marginL
	for i, t := range titles {
		d.y = top + 2
		d.paraAt(x+4, ws[i]-8, t, style{size: size})
		d.add(op{kind: opRect, x: x, y: top, w: ws[i], h: h, lw: 0.5})
		x += ws[i]
	}
	d.y = top + h
}
