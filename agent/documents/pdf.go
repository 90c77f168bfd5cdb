package documents

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/signintech/gopdf"
)

// Options configure a Renderer.
type Options struct {
	// Fonts are font files tried first, in order: a .ttf, or a .ttc with
	// "#N" for its face N (without it, the first Simplified Chinese
	// TrueType face). Each must open and be TrueType: gopdf embeds glyf
	// outlines only.
	Fonts []string
	// NoSystemFonts: use only Fonts, do not search SystemFontPaths.
	NoSystemFonts bool
}

// Renderer renders the documents as PDF with one chain of fonts: for
// each character the first face that has it; a character none has is
// drawn as a box holding its code point and reported. A Renderer holds
// no file open and is safe for concurrent use; a face is read into memory
// the first time a document needs it.
type Renderer struct {
	faces   []*face
	skipped []error
}

// New finds the fonts (Options.Fonts, then the system's) and returns a
// Renderer. It fails with ErrNoFont when no embeddable font has Chinese
// characters and digits, and with a *FontError when a configured font
// cannot be used.
func New(opt Options) (*Renderer, error) {
	faces, skipped, err := findFaces(opt.Fonts, opt.NoSystemFonts)
	if err != nil {
		return nil, err
	}
	return &Renderer{faces: faces, skipped: skipped}, nil
}

// Fonts are the faces the Renderer draws with, in the order tried.
func (r *Renderer) Fonts() []FontInfo {
	out := make([]FontInfo, len(r.faces))
	for i, f := range r.faces {
		out[i] = f.FontInfo
	}
	return out
}

// Skipped are the system fonts found but not usable, each a *FontError
// saying why (CFF outlines, for Noto Sans CJK).
func (r *Renderer) Skipped() []error { return slices.Clone(r.skipped) }

// Result is a rendered document.
type Result struct {
	PDF    []byte
	SHA256 string // hex SHA-256 of PDF
	Pages  int
	// TextSHA256 is, for the two signed documents, the hex SHA-256 of
	// the document's text rendering: the same document with no
	// signatures, no case number and no signing status, which is what
	// the signers sign (the evidence bundle's document.sha256, and the
	// file to give "kiosk-agent verify-signature --document"). Rendering
	// without signatures gives that very PDF. Empty for the receipt and
	// the notice.
	TextSHA256 string
	// Text is the document's text in reading order: a paragraph, a table
	// row or a "label：value" an element (the page footers and repeated
	// headers left out) — what a screen shows as the full text.
	Text []string
	// Fallback are characters drawn from a fallback font; Missing those
	// no font has, each drawn as a box with its code point ("U+20BB7").
	Fallback []Fallback
	Missing  []rune
}

// write renders the laid-out document as PDF.
func (d *doc) write(pdfTitle string, at time.Time) (*Result, error) {
	used := map[int]bool{}
	for _, p := range d.pages {
		for _, o := range p {
			if o.kind == opText {
				used[o.face] = true
			}
		}
	}
	// The footer on each page: what the document is, and page i of n.
	n := len(d.pages)
	for i := range d.pages {
		d.pages[i] = append(d.pages[i], d.footer(i+1, n)...)
		for _, o := range d.pages[i] {
			if o.kind == opText {
				used[o.face] = true
			}
		}
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: gopdf.Rect{W: pageW, H: pageH}})
	gp.SetInfo(gopdf.PdfInfo{Title: pdfTitle, Creator: "kiosk-agent", Producer: "kiosk-agent documents (gopdf)", CreationDate: at})
	for i, f := range d.r.faces {
		if !used[i] {
			continue
		}
		fc, err := f.load()
		if err != nil {
			return nil, err
		}
		if err := gp.AddTTFFontFromFontContainer(f.family, fc); err != nil {
			return nil, &FontError{Path: f.Path, Face: f.Face, Err: err}
		}
	}
	for _, p := range d.pages {
		gp.AddPage()
		for _, o := range p {
			if err := d.emit(gp, o); err != nil {
				return nil, err
			}
		}
	}
	raw, err := gp.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("documents: gopdf: %w", err)
	}
	out, err := fixToUnicode(raw)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(out)
	return &Result{PDF: out, SHA256: hex.EncodeToString(sum[:]), Pages: n,
		Fallback: d.rp.fallback, Missing: d.rp.missing, Text: d.text}, nil
}

// footer is the page footer: the title line (document, numbers) and
// the page number, in small type above a rule.
func (d *doc) footer(i, n int) []op {
	sub := &doc{r: d.r, pages: [][]op{nil}, fixed: true}
	sub.add(op{kind: opLine, x: marginL, y: footerTop - 4, w: contentW, gray: 0.5, lw: 0.5})
	pageNo := "第 " + strconv.Itoa(i) + " 页，共 " + strconv.Itoa(n) + " 页"
	pw := width(sub.r.cells(pageNo, sizeSmall, &sub.rp))
	sub.y = footerTop
	sub.paraAt(marginL, contentW-pw-12, d.title, style{size: sizeSmall, gray: 0.3})
	sub.y = footerTop
	sub.paraAt(pageW-marginR-pw, pw+1, pageNo, style{size: sizeSmall, gray: 0.3})
	for _, f := range sub.rp.fallback {
		d.rp.fell(f.Char, f.Font)
	}
	for _, m := range sub.rp.missing {
		d.rp.miss(m)
	}
	return sub.pages[0]
}

func grayRGB(g float64) uint8 { return uint8(max(0, min(255, g*255+0.5))) }

func (d *doc) emit(gp *gopdf.GoPdf, o op) error {
	c := grayRGB(o.gray)
	switch o.kind {
	case opText:
		if o.text == "" {
			return nil
		}
		if err := gp.SetFont(d.r.faces[o.face].family, "", o.size); err != nil {
			return fmt.Errorf("documents: gopdf: %w", err)
		}
		gp.SetTextColor(c, c, c)
		gp.SetXY(o.x, o.y)
		if err := gp.Text(o.text); err != nil {
			return fmt.Errorf("documents: gopdf: %w", err)
		}
	case opLine:
		gp.SetLineWidth(o.lw)
		gp.SetStrokeColor(c, c, c)
		gp.Line(o.x, o.y, o.x+o.w, o.y+o.h)
	case opRect:
		gp.SetLineWidth(o.lw)
		gp.SetStrokeColor(c, c, c)
		gp.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "D")
	case opFill:
		gp.SetFillColor(c, c, c)
		gp.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "F")
	case opImage:
		h, err := gopdf.ImageHolderByBytes(o.img)
		if err != nil {
			return fmt.Errorf("documents: gopdf image: %w", err)
		}
		if err := gp.ImageByHolder(h, o.x, o.y, &gopdf.Rect{W: o.w, H: o.h}); err != nil {
			return fmt.Errorf("documents: gopdf image: %w", err)
		}
	}
	return nil
}

// bfrangeLine is a line of gopdf's ToUnicode CMap: "<gid><gid><unicode>".
var bfrangeLine = regexp.MustCompile(`(?m)^<([0-9A-F]{4})><([0-9A-F]{4})><([0-9A-F]{5,6})>$`)

// fixToUnicode repairs gopdf's ToUnicode maps, which write a character
// beyond U+FFFF as 5 or 6 hex digits (e.g. <20BB7> for 𠮷) where PDF
// wants UTF-16 (<D842DFB7>): a reader then extracts the wrong text
// (₻ for 𠮷), though the glyph is right. The maps are uncompressed
// streams; this rewrites those lines, their streams' /Length, and the
// cross-reference table, whose offsets shift.
func fixToUnicode(pdf []byte) ([]byte, error) {
	if !bfrangeLine.Match(pdf) {
		return pdf, nil
	}
	xrefAt := bytes.LastIndex(pdf, []byte("\nxref\n"))
	if xrefAt < 0 {
		return nil, fmt.Errorf("documents: gopdf output has no xref table")
	}
	xrefAt++
	// The objects, in the order written, with their offsets.
	rest := pdf[xrefAt+len("xref\n"):]
	nl := bytes.IndexByte(rest, '\n')
	var first, count int
	if _, err := fmt.Sscanf(string(rest[:nl]), "%d %d", &first, &count); err != nil || first != 0 || count < 1 {
		return nil, fmt.Errorf("documents: gopdf output: unexpected xref header")
	}
	entries := rest[nl+1:]
	if len(entries) < 20*count {
		return nil, fmt.Errorf("documents: gopdf output: short xref table")
	}
	offs := make([]int, count)
	for i := 1; i < count; i++ {
		e := entries[20*i : 20*i+20]
		v, err := strconv.Atoi(string(e[:10]))
		if err != nil || e[17] != 'n' || v <= 0 || v >= xrefAt {
			return nil, fmt.Errorf("documents: gopdf output: unexpected xref entry %d", i)
		}
		offs[i] = v
	}
	for i := 2; i < count; i++ {
		if offs[i] <= offs[i-1] {
			return nil, fmt.Errorf("documents: gopdf output: objects out of order")
		}
	}
	var out bytes.Buffer
	out.Grow(len(pdf) + 1024)
	out.Write(pdf[:offs[1]])
	newOffs := make([]int, count)
	for i := 1; i < count; i++ {
		end := xrefAt
		if i+1 < count {
			end = offs[i+1]
		}
		obj := pdf[offs[i]:end]
		newOffs[i] = out.Len()
		if bytes.Contains(obj, []byte("begincmap")) && bfrangeLine.Match(obj) {
			obj = fixCMapObject(obj)
		}
		out.Write(obj)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n", count)
	out.Write(entries[:20])
	for i := 1; i < count; i++ {
		fmt.Fprintf(&out, "%010d 00000 n \n", newOffs[i])
	}
	tail := entries[20*count:]
	sx := bytes.LastIndex(tail, []byte("startxref\n"))
	if sx < 0 {
		return nil, fmt.Errorf("documents: gopdf output: no startxref")
	}
	out.Write(tail[:sx])
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", xref)
	return out.Bytes(), nil
}

var streamLength = regexp.MustCompile(`/Length (\d+)\n`)

// fixCMapObject rewrites one ToUnicode stream object.
func fixCMapObject(obj []byte) []byte {
	s := bytes.Index(obj, []byte("stream\n"))
	e := bytes.LastIndex(obj, []byte("endstream"))
	if s < 0 || e < s {
		return obj
	}
	body := obj[s+len("stream\n") : e]
	fixed := bfrangeLine.ReplaceAllFunc(body, func(line []byte) []byte {
		m := bfrangeLine.FindSubmatch(line)
		v, err := strconv.ParseUint(string(m[3]), 16, 32)
		if err != nil || v > 0x10FFFF {
			return line
		}
		u := utf16.Encode([]rune{rune(v)})
		var b bytes.Buffer
		fmt.Fprintf(&b, "<%s><%s><", m[1], m[2])
		for _, x := range u {
			fmt.Fprintf(&b, "%04X", x)
		}
		b.WriteByte('>')
		return b.Bytes()
	})
	head := streamLength.ReplaceAll(obj[:s], []byte(fmt.Sprintf("/Length %d\n", len(fixed))))
	var out bytes.Buffer
	out.Write(head)
	out.WriteString("stream\n")
	out.Write(fixed)
	out.Write(obj[e:])
	return out.Bytes()
}
