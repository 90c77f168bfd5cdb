package escpos

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// PartKind says what a Part of a Job holds.
type PartKind int

const (
	// PartSetup: ESC @, ESC t 0, FS &, ESC 3 n.
	PartSetup PartKind = iota + 1
	// PartBlocks: the printing of blocks First to Last.
	PartBlocks
	// PartFinish: the feed and cut, then GS r (unless the profile is blind).
	PartFinish
)

// Part is what the caller sends before it checks the printer's status
// again: the set-up, a block (or a few small ones, or a piece of a large
// one — parts split only between commands), or the finish. Every part
// leaves the print modes as it found them.
type Part struct {
	Kind        PartKind
	First, Last int // block indices printed by a PartBlocks part; -1 otherwise
	Data        []byte
}

// Job is a receipt laid out for one printer.
type Job struct {
	Parts []Part
	// Marker says the last part ends with GS r: the printer's in-order
	// reply to it (ReplyInOrder) means the receipt has printed.
	Marker bool
}

// Bytes concatenates the parts.
func (j *Job) Bytes() []byte {
	var out []byte
	for _, p := range j.Parts {
		out = append(out, p.Data...)
	}
	return out
}

// Len is the total number of bytes.
func (j *Job) Len() int {
	n := 0
	for _, p := range j.Parts {
		n += len(p.Data)
	}
	return n
}

// How parts are cut: blocks are gathered into one part while it and they
// are small; a part of at least partSmall bytes ends before a segment
// that would take it past partMax.
const (
	partSmall = 512
	partMax   = 4096
)

// Layout lays r out for the printer p. It validates r against p (the
// paper width of p, not r.Width, decides: a receipt written for 80 mm
// prints, re-wrapped, on 58 mm) and returns ValidationErrors if anything
// is wrong, or a *ValidationError wrapping ErrNoGlyph for a character
// that the printer cannot print and no font of fonts has, or ErrTooLong
// for a receipt of more than MaxJobBytes. Text is wrapped to the paper's
// columns; a title is centred, double size and bold; a divider is a row
// of '-' (ASCII, which every printer prints in any mode); QR codes and
// barcodes are centred, the barcode with its text below.
//
// fonts may be nil when every character prints as text; a chain may be
// shared with other goroutines.
func Layout(r Receipt, p Profile, fonts textimage.Chain) (*Job, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c, err := r.check(p.Dots, p.QRLevel)
	if err != nil {
		return nil, err
	}
	m := newMeasure(p)
	l := &layouter{p: p, cols: p.Columns(), m: m, paint: &painter{fonts: fonts, m: m}, job: &Job{}}

	var e Encoder
	e.Init()
	e.CodePage(0)
	e.ChineseOn()
	e.LineSpacing(p.LineDots)
	l.job.Parts = append(l.job.Parts, Part{Kind: PartSetup, First: -1, Last: -1, Data: clone(e.Bytes())})
	l.total = e.Len()

	for i, b := range r.Blocks {
		segs, err := l.block(i, b, c)
		if err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				ve.Block, ve.Type = i, b.Type
				return nil, ve
			}
			return nil, &ValidationError{Block: i, Type: b.Type, Field: "Type", Err: err}
		}
		if err := l.add(i, segs); err != nil {
			return nil, err
		}
	}

	e.Reset()
	switch {
	case r.NoCut || p.Cut == CutNone:
		e.Feed(max(p.FeedLines, 4))
	default:
		if p.FeedLines > 0 {
			e.Feed(p.FeedLines)
		}
		switch p.Cut {
		case CutFeedPartial:
			e.FeedCut(true, p.CutN)
		case CutFeedFull:
			e.FeedCut(false, p.CutN)
		case CutPartial:
			e.Cut(true)
		case CutFull:
			e.Cut(false)
		}
	}
	if !p.Blind {
		e.TransmitStatus(p.StatusMarker)
		l.job.Marker = true
	}
	if e.Err() != nil {
		return nil, e.Err()
	}
	l.job.Parts = append(l.job.Parts, Part{Kind: PartFinish, First: -1, Last: -1, Data: clone(e.Bytes())})
	return l.job, nil
}

type layouter struct {
	p     Profile
	cols  int
	m     *measure
	paint *painter
	job   *Job
	total int
}

// add puts a block's segments into parts.
func (l *layouter) add(i int, segs [][]byte) error {
	size := 0
	for _, s := range segs {
		size += len(s)
	}
	l.total += size
	if l.total > MaxJobBytes {
		return &ValidationError{Block: i, Field: "Blocks", Err: ErrTooLong,
			Detail: fmt.Sprintf("the receipt needs more than %d bytes of printer data", MaxJobBytes)}
	}
	parts := &l.job.Parts
	open := len(*parts) > 1 && (*parts)[len(*parts)-1].Kind == PartBlocks
	if !open || len((*parts)[len(*parts)-1].Data) >= partSmall || size >= partSmall {
		*parts = append(*parts, Part{Kind: PartBlocks, First: i, Last: i})
	}
	for _, s := range segs {
		cur := &(*parts)[len(*parts)-1]
		if len(cur.Data) >= partSmall && len(cur.Data)+len(s) > partMax {
			*parts = append(*parts, Part{Kind: PartBlocks, First: i, Last: i})
			cur = &(*parts)[len(*parts)-1]
		}
		cur.Data = append(cur.Data, s...)
		cur.Last = i
	}
	return nil
}

// block renders one block as segments: runs of whole commands between
// which a part may end.
func (l *layouter) block(i int, b Block, c *checked) ([][]byte, error) {
	size := max(b.Size, 1)
	switch b.Type {
	case TypeTitle:
		segs, err := l.text(b.Text, AlignCenter, true, 2)
		// A double-height line fills its line spacing: a half line of
		// paper keeps the title off the line below it.
		var e Encoder
		e.FeedDots(15)
		return append(segs, e.Bytes()), err
	case TypeText:
		a, _ := parseAlign(b.Align)
		return l.text(b.Text, a, b.Bold, size)
	case TypeKV:
		return l.kv(b.Key, b.Value, b.Bold, size)
	case TypeDivider:
		var e Encoder
		e.Text(strings.Repeat("-", l.cols))
		e.LF()
		return [][]byte{e.Bytes()}, nil
	case TypeFeed:
		var e Encoder
		e.Feed(b.Lines)
		return [][]byte{e.Bytes()}, nil
	case TypeQR:
		return l.qr(b.Data, c.qr[i])
	case TypeBarcode:
		return l.barcode(b.Data)
	case TypeImage:
		img, ok := c.images[i]
		if !ok {
			return nil, &ValidationError{Field: "PNG", Err: ErrBadPNG}
		}
		return l.image(Dither(img, l.p.Dots)), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownType, b.Type)
}

// style returns the commands that set (on) or reset the print modes of a
// block: GS ! and FS ! for the size, ESC E for bold.
func style(size int, bold, on bool) []byte {
	var e Encoder
	if size > 1 {
		if on {
			e.Size(size, size)
			e.ChineseSize(size, size)
		} else {
			e.Size(1, 1)
			e.ChineseSize(1, 1)
		}
	}
	if bold {
		e.Bold(on)
	}
	return e.Bytes()
}

// width is the column measure at a size.
func (l *layouter) width(size int) func(rune) int {
	return func(r rune) int { return l.m.runeCols(r) * size }
}

// text lays out a title or text block.
func (l *layouter) text(text string, a Align, bold bool, size int) ([][]byte, error) {
	w := l.width(size)
	var lines []string
	for para := range strings.SplitSeq(visible(text), "\n") {
		for j, ln := range Wrap(para, l.cols, w) {
			if j > 0 {
				ln = strings.TrimLeft(ln, " ")
			}
			ln = strings.TrimRight(ln, " ")
			lines = append(lines, strings.Repeat(" ", pad(lineCols(ln, w), l.cols, size, a))+ln)
		}
	}
	return l.lines(lines, bold, size, "Text")
}

// kv lays out a key on the left and a value on the right, or, when they do
// not fit on one line, the key and under it the value, indented.
func (l *layouter) kv(key, value string, bold bool, size int) ([][]byte, error) {
	w := l.width(size)
	key, value = visible(key), visible(value)
	wk, wv := lineCols(key, w), lineCols(value, w)
	gap := size
	if key == "" || value == "" {
		gap = 0
	}
	var lines []string
	if !strings.Contains(key+value, "\n") && wk+gap+wv <= l.cols {
		lines = []string{strings.TrimRight(key+strings.Repeat(" ", (l.cols-wk-wv)/size)+value, " ")}
	} else {
		for j, ln := range Wrap(key, l.cols, w) {
			if j > 0 {
				ln = strings.TrimLeft(ln, " ")
			}
			lines = append(lines, strings.TrimRight(ln, " "))
		}
		if key == "" {
			lines = nil
		}
		indent := "  "
		for para := range strings.SplitSeq(value, "\n") {
			for j, ln := range Wrap(para, l.cols-lineCols(indent, w), w) {
				if j > 0 {
					ln = strings.TrimLeft(ln, " ")
				}
				lines = append(lines, strings.TrimRight(indent+ln, " "))
			}
		}
	}
	return l.lines(lines, bold, size, "Value")
}

// lines prints laid-out lines: as GB18030 text when the printer can print
// every character of a line, else as one raster image.
func (l *layouter) lines(lines []string, bold bool, size int, field string) ([][]byte, error) {
	segs := make([][]byte, 0, len(lines)+2)
	if on := style(size, bold, true); len(on) > 0 {
		segs = append(segs, on)
	}
	for _, ln := range lines {
		var e Encoder
		if l.printable(ln) {
			e.Text(ln)
			e.LF()
		} else {
			bm, err := l.paint.line(ln, l.cols, size, l.p.LineDots, bold)
			if err != nil {
				return nil, &ValidationError{Field: field, Err: ErrNoGlyph, Detail: err.Error()}
			}
			e.Raster(bm, l.p.BandRows)
		}
		if e.Err() != nil {
			return nil, &ValidationError{Field: field, Err: ErrBadText, Detail: e.Err().Error()}
		}
		segs = append(segs, e.Bytes())
	}
	if off := style(size, bold, false); len(off) > 0 {
		segs = append(segs, off)
	}
	return segs, nil
}

// printable reports whether the printer prints every character of s.
func (l *layouter) printable(s string) bool {
	for _, r := range s {
		if !l.m.g.printable(r, l.m.cs) {
			return false
		}
	}
	return true
}

// visible drops the invisible format characters and variation selectors
// (see ignorable), which have nothing to print.
func visible(s string) string {
	if !strings.ContainsFunc(s, ignorable) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if ignorable(r) {
			return -1
		}
		return r
	}, s)
}

// qr prints a centred QR code: with the printer's engine when the profile
// says it has one and the data is ASCII, else as a raster image.
func (l *layouter) qr(data string, grid [][]bool) ([][]byte, error) {
	var e Encoder
	if l.p.NativeQR && isASCII(data) {
		e.Align(AlignCenter)
		e.QRNative([]byte(data), l.p.QRModule, l.p.QRLevel)
		e.LF()
		e.Align(AlignLeft)
		return [][]byte{e.Bytes()}, e.Err()
	}
	module, err := qrModule(len(grid), l.p.Dots, l.p.QRModule)
	if err != nil {
		return nil, &ValidationError{Field: "Data", Err: ErrTooWide, Detail: err.Error()}
	}
	return l.image(gridBitmap(grid, module)), nil
}

// image prints a centred bitmap, one segment a band.
func (l *layouter) image(bm *Bitmap) [][]byte {
	var segs [][]byte
	var e Encoder
	e.Align(AlignCenter)
	segs = append(segs, clone(e.Bytes()))
	for y := 0; y < bm.H; y += l.p.BandRows {
		e.Reset()
		e.Raster(bm.Rows(y, y+l.p.BandRows), l.p.BandRows)
		segs = append(segs, clone(e.Bytes()))
	}
	e.Reset()
	e.Align(AlignLeft)
	return append(segs, clone(e.Bytes()))
}

// barcode prints a centred Code 128 symbol with its text below, with the
// profile's module width or a narrower one that fits the paper.
func (l *layouter) barcode(data string) ([][]byte, error) {
	payload, _, err := Code128Payload(data)
	if err != nil {
		return nil, &ValidationError{Field: "Data", Err: ErrNotEncodable, Detail: err.Error()}
	}
	module, err := barcodeModule(data, l.p.Dots, l.p.BarcodeModule)
	if err != nil {
		return nil, &ValidationError{Field: "Data", Err: ErrTooWide, Detail: err.Error()}
	}
	var e Encoder
	e.Align(AlignCenter)
	e.BarcodeHRI(HRIBelow)
	e.BarcodeHeight(l.p.BarcodeHeight)
	e.BarcodeModuleWidth(module)
	e.Code128(payload)
	e.Align(AlignLeft)
	return [][]byte{e.Bytes()}, e.Err()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
