package escpos

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// RuneWidth is r's display width in columns by its Unicode East Asian
// Width property (UAX #11, the table of golang.org/x/text/width): Wide
// and Fullwidth are 2; combining marks (Mn, Me), format characters (Cf)
// and variation selectors are 0; everything else, Ambiguous included, is
// 1 — these printers are not East Asian terminals that widen ambiguous
// characters, and a character that reaches RuneWidth is one we draw
// ourselves (see Profile.RuneColumns). Control characters are 0.
func RuneWidth(r rune) int {
	switch {
	case r < 0x20 || (r >= 0x7F && r < 0xA0):
		return 0
	case r < 0x7F:
		return 1
	case zeroWidth(r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// zeroWidth is a combining mark, a format character or a variation
// selector: it takes no column of its own.
func zeroWidth(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) || ignorable(r)
}

// ignorable is an invisible character that the layout leaves out: format
// characters (Cf: zero-width space and joiners, soft hyphen, bidi marks,
// the BOM) and variation selectors. They have no glyph to print.
func ignorable(r rune) bool {
	return unicode.Is(unicode.Cf, r) || (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF)
}

// RuneColumns is how many font-A columns r takes on this printer. What
// the printer prints as text is counted as it prints it: ASCII one column
// (12 dots), every two- or four-byte GB code two (its ROM font has one
// 24×24 glyph per multi-byte code, whatever the character's East Asian
// Width: ·, “, é, ① and — are all two columns, as in receiptline's
// GB18030 layout). What the printer cannot print is drawn by us and takes
// RuneWidth columns.
func (p Profile) RuneColumns(r rune) int {
	if r < 0x80 {
		return RuneWidth(r)
	}
	return newMeasure(p).runeCols(r)
}

// ColumnFunc returns RuneColumns times size (1 or 2, the character size)
// as a function for Wrap that allocates nothing per call. It is not safe
// for concurrent use.
func (p Profile) ColumnFunc(size int) func(rune) int {
	m := newMeasure(p)
	return func(r rune) int { return m.runeCols(r) * size }
}

// StringColumns is the sum of RuneColumns over s.
func (p Profile) StringColumns(s string) int {
	m := newMeasure(p)
	n := 0
	for _, r := range s {
		n += m.runeCols(r)
	}
	return n
}

// Printable reports whether the printer prints r as text (in Chinese
// mode, GB18030-encoded) rather than as part of a raster image: printable
// ASCII, and GB codes its Charset covers — never a four-byte code unless
// CharsetGB18030, never a code whose mapping changed between GBK and the
// GB18030 editions (such as FE9F, 䶮), never a private-use character.
func (p Profile) Printable(r rune) bool {
	return newGBEncoder().printable(r, p.Charset)
}

// measure holds what measuring needs, so that a layout allocates its GB
// encoder once.
type measure struct {
	g  *gbEncoder
	cs Charset
}

func newMeasure(p Profile) *measure { return &measure{g: newGBEncoder(), cs: p.Charset} }

func (m *measure) runeCols(r rune) int {
	switch {
	case r >= 0x20 && r < 0x7F:
		return 1
	case r < 0x80:
		return 0
	case zeroWidth(r):
		return 0
	case m.g.printable(r, m.cs):
		return 2
	}
	return RuneWidth(r)
}

// Align is a line's horizontal alignment.
type Align int

const (
	// AlignLeft is the default.
	AlignLeft Align = iota
	// AlignCenter centres.
	AlignCenter
	// AlignRight aligns right.
	AlignRight
)

// Wrap breaks s into lines of at most cols columns, with each rune's
// width given by w (RuneWidth, Profile.RuneColumns, or either times a
// character size). A newline in s is a hard break and is consumed;
// otherwise the lines concatenate to s exactly: nothing is dropped,
// spaces included (a space that does not fit ends up at the start of the
// next line; a printing layout trims it). A line breaks at a space, before
// or after a wide character, never inside a character with its combining
// marks, and never inside a run of narrow characters (a Latin word, a
// number, an ID) unless the run is longer than a whole line. Chinese
// closing punctuation (，。、）》 …) stays with what precedes it and opening
// punctuation (（《“ …) with what follows. A single character wider than
// cols gets a line of its own.
func Wrap(s string, cols int, w func(rune) int) []string {
	if cols < 1 {
		cols = 1
	}
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		lines = wrapPara(lines, para, cols, w)
	}
	return lines
}

// cluster is a base character with the zero-width characters after it,
// as byte offsets into the paragraph.
type cluster struct {
	start, end int
	w          int
	base       rune
}

type tokKind uint8

const (
	tokSpace tokKind = iota
	tokNarrow
	tokWide
)

// token is an unbreakable run of clusters.
type token struct {
	kind       tokKind // tokSpace, else tokNarrow or tokWide (wide if any cluster is)
	tail       tokKind // the kind of the last cluster
	first, end int     // cluster indices
	w          int
	opens      bool // ends with opening punctuation: glue the next token
}

func clusters(s string, w func(rune) int) []cluster {
	var cs []cluster
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		rw := max(w(r), 0)
		if rw == 0 && len(cs) > 0 {
			cs[len(cs)-1].end = i + size
		} else {
			cs = append(cs, cluster{start: i, end: i + size, w: rw, base: r})
		}
		i += size
	}
	return cs
}

func tokens(cs []cluster) []token {
	var ts []token
	for i, c := range cs {
		var k tokKind
		switch {
		case c.base == ' ':
			k = tokSpace
		case c.w >= 2:
			k = tokWide
		default:
			k = tokNarrow
		}
		if n := len(ts); n > 0 {
			last := &ts[n-1]
			glue := k != tokSpace && last.kind != tokSpace &&
				(last.opens || (k == tokNarrow && last.tail == tokNarrow) || closing(c.base))
			if glue {
				last.end = i + 1
				last.w += c.w
				last.opens = opening(c.base)
				last.tail = k
				if k == tokWide {
					last.kind = tokWide
				}
				continue
			}
		}
		ts = append(ts, token{kind: k, tail: k, first: i, end: i + 1, w: c.w, opens: k != tokSpace && opening(c.base)})
	}
	return ts
}

// closing is punctuation that must not start a line.
func closing(r rune) bool {
	return strings.ContainsRune("，。、；：？！）】》」』〕〉”’…—％‰℃·～．,.;:!?)]}%", r)
}

// opening is punctuation that must not end a line.
func opening(r rune) bool {
	return strings.ContainsRune("（【《「『〔〈“‘([{", r)
}

func wrapPara(lines []string, para string, cols int, w func(rune) int) []string {
	cs := clusters(para, w)
	start, lw := 0, 0
	emit := func(end int) {
		lines = append(lines, para[start:end])
		start, lw = end, 0
	}
	for _, t := range tokens(cs) {
		if lw+t.w <= cols {
			lw += t.w
			continue
		}
		if t.w <= cols || t.kind == tokSpace {
			if lw > 0 {
				emit(cs[t.first].start)
			}
			lw = t.w
			continue
		}
		for _, c := range cs[t.first:t.end] {
			if lw+c.w > cols && lw > 0 {
				emit(c.start)
			}
			lw += c.w
		}
	}
	if start < len(para) || len(para) == 0 {
		emit(len(para))
	}
	return lines
}

// lineCols is the width of s under w.
func lineCols(s string, w func(rune) int) int {
	n := 0
	for _, r := range s {
		n += w(r)
	}
	return n
}

// pad returns the number of spaces, each size columns wide, to put before
// a line of lw columns so that it is aligned within cols.
func pad(lw, cols, size int, a Align) int {
	if lw >= cols || size < 1 {
		return 0
	}
	switch a {
	case AlignCenter:
		return (cols - lw) / 2 / size
	case AlignRight:
		return (cols - lw) / size
	}
	return 0
}
