package escpossim

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// TestEncoderAgainstReceiptline prints the same receipt twice — written in
// receiptline's markdown and turned into ESC/POS by receiptline (gen.mjs's
// "receipt" document), and written as the project's receipt model and laid
// out by drivers/printer/escpos — and checks that this interpreter decodes
// both to the same text, the same barcode data and QR payload, and a cut.
// It compares what prints, not the bytes: the two encoders make different
// choices (receiptline's kv layout, rules and line spacing).
func TestEncoderAgainstReceiptline(t *testing.T) {
	out, cases := runReceiptline(t)
	fonts, err := textimage.Find()
	if err != nil {
		t.Fatal(err)
	}
	defer fonts.Close()
	ours := escpos.Receipt{Width: 80, Blocks: []escpos.Block{
		{Type: "title", Text: "社会救助申请回执"},
		{Type: "kv", Key: "申请人:", Value: "张三"},
		{Type: "kv", Key: "身份证号:", Value: "370481********4828"},
		{Type: "kv", Key: "申请事项:", Value: "最低生活保障"},
		{Type: "kv", Key: "金额:", Value: "￥1,234.50"},
		{Type: "divider"},
		{Type: "barcode", Data: "A001-2026"},
		{Type: "qr", Data: "https://example.gov.cn/q?id=A001"},
	}}
	for _, paper := range []struct {
		cpl     int
		profile func() escpos.Profile
		width   int
	}{{48, escpos.Generic80, 80}, {32, escpos.Generic58, 58}} {
		t.Run(fmt.Sprint(paper.cpl), func(t *testing.T) {
			var rl *rlCase
			for i, c := range cases {
				if c.Doc == "receipt" && c.Command == "generic" && c.CPL == paper.cpl {
					rl = &cases[i]
				}
			}
			if rl == nil {
				t.Fatal("gen.mjs made no generic receipt")
			}
			data, err := os.ReadFile(filepath.Join(out, rl.Bin))
			if err != nil {
				t.Fatal(err)
			}
			job, err := escpos.Layout(ours, paper.profile(), fonts)
			if err != nil {
				t.Fatal(err)
			}
			cfg := Config{PaperWidth: paper.width}
			theirs, mine := printed(t, Interpret(data, cfg), true), printed(t, Interpret(job.Bytes(), cfg), false)
			// The text in reading order: where a line breaks is a layout
			// choice (receiptline splits a long value of a two-column line
			// where ours moves it under its key).
			if m, th := strings.Join(mine.text, ""), strings.Join(theirs.text, ""); m != th {
				t.Errorf("text differs\n ours: %q\nreceiptline: %q", mine.text, theirs.text)
			}
			if !reflect.DeepEqual(mine.barcodes, theirs.barcodes) || !reflect.DeepEqual(mine.qr, theirs.qr) {
				t.Errorf("symbols differ: ours %q %q, receiptline %q %q", mine.barcodes, mine.qr, theirs.barcodes, theirs.qr)
			}
			if len(mine.qr) != 1 || len(mine.barcodes) != 1 {
				t.Errorf("ours printed QR %q and barcodes %q; want one of each", mine.qr, mine.barcodes)
			}
			if !mine.cut || !theirs.cut {
				t.Errorf("cut: ours %v, receiptline %v", mine.cut, theirs.cut)
			}
		})
	}
}

// what a receipt printed, in a form two encoders can agree on.
type printout struct {
	text     []string // non-empty lines, spaces and rule characters dropped
	barcodes []string
	qr       []string
	cut      bool // the receipt's page was cut off
}

var rule = regexp.MustCompile(`^[-─━═]+$`)

// printed reads the first page (receiptline's document goes on, after a
// cut, with a stub this receipt does not have).
func printed(t *testing.T, doc *Document, firstPageOnly bool) printout {
	t.Helper()
	for _, p := range problems(doc) {
		t.Errorf("problem: %v", p)
	}
	var po printout
	r := renderer(t)
	for i, p := range doc.Pages {
		if len(p.Elements) == 0 {
			continue
		}
		for _, l := range p.Lines() {
			s := strings.Join(strings.Fields(boxRules.Replace(l.Text)), "")
			if rule.MatchString(s) {
				s = "---"
			}
			if s != "" {
				po.text = append(po.text, s)
			}
		}
		po.barcodes = append(po.barcodes, p.Barcodes()...)
		po.qr = append(po.qr, p.QRPayloads()...)
		img := r.Render(p)
		for _, im := range p.Images() {
			if s, err := scanQR(withMargin(img, im.Rect(), 40)); err == nil {
				po.qr = append(po.qr, s)
			}
		}
		po.cut = p.Cut != CutNone && !p.Incomplete
		if firstPageOnly && i == 0 {
			break
		}
	}
	return po
}
