package escpossim

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// receiptline (npm, pinned in testdata/receiptline/package.json) is an
// ESC/POS generator written by neither this simulator nor the project's
// encoder. gen.mjs has it turn a few receipt-markdown documents into
// ESC/POS ("generic": GS v 0 images; "escpos": GS 8 L graphics) and into
// its own plain text; the interpreter must decode the bytes to the same
// text lines, the same barcode data and QR payloads, and a cut at the end.

const receiptlineInstall = "npm ci --prefix drivers/sim/escpossim/testdata/receiptline"

type rlCase struct {
	Doc      string   `json:"doc"`
	Command  string   `json:"command"`
	CPL      int      `json:"cpl"`
	Bin      string   `json:"bin"`
	Text     string   `json:"text"`
	Barcodes []string `json:"barcodes"`
	QR       []string `json:"qr"`
}

func runReceiptline(t *testing.T) (string, []rlCase) {
	t.Helper()
	dir := filepath.Join("testdata", "receiptline")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "receiptline", "package.json")); err != nil {
		t.Fatalf("receiptline is not installed (%v): run `%s` from the repository root", err, receiptlineInstall)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed for the receiptline reference (%v); install Node.js, then run `%s`", err, receiptlineInstall)
	}
	out := t.TempDir()
	cmd := exec.Command(node, "gen.mjs", out)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node gen.mjs: %v\n%s\n(if a module is missing, run `%s`)", err, b, receiptlineInstall)
	}
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []rlCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("gen.mjs wrote no cases")
	}
	return out, cases
}

// boxRules maps the rule characters of the Katakana page to the ASCII
// receiptline's text output draws rules with.
var boxRules = strings.NewReplacer(
	"─", "-", "│", "|",
	"┌", "+", "┐", "+", "└", "+", "┘", "+", "├", "+", "┤", "+", "┬", "+", "┴", "+", "┼", "+",
	"╭", "+", "╮", "+", "╰", "+", "╯", "+",
)

// nonEmpty drops blank lines and trailing space.
func nonEmpty(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimRight(l, " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestReceiptline(t *testing.T) {
	out, cases := runReceiptline(t)
	r := renderer(t)
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%s-%d", c.Doc, c.Command, c.CPL), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(out, c.Bin))
			if err != nil {
				t.Fatal(err)
			}
			text, err := os.ReadFile(filepath.Join(out, c.Text))
			if err != nil {
				t.Fatal(err)
			}
			cfg := Config{PaperWidth: 80}
			if c.CPL == 32 {
				cfg.PaperWidth = 58
			}
			doc := Interpret(data, cfg)
			for _, p := range problems(doc) {
				t.Errorf("problem: %v", p)
			}
			var got []string
			var barcodes, payloads []string
			var last *Page
			for i, p := range doc.Pages {
				for _, l := range p.Lines() {
					got = append(got, boxRules.Replace(l.Columns(12)))
				}
				barcodes = append(barcodes, p.Barcodes()...)
				if len(p.Elements) > 0 {
					last = p
				}
				img := r.Render(p)
				for _, im := range p.Images() {
					s, err := scanQR(withMargin(img, im.Rect(), 40))
					if err != nil {
						t.Errorf("page %d: image at %v is not a readable QR code: %v", i, im.Rect(), err)
						continue
					}
					payloads = append(payloads, s)
				}
				if c.Command == "generic" && c.CPL == 48 {
					t.Log(savePNG(t, p, fmt.Sprintf("receiptline-%s-%d.png", c.Doc, i)))
				}
			}
			want := nonEmpty(strings.Split(string(text), "\n"))
			if got = nonEmpty(got); !reflect.DeepEqual(got, want) {
				t.Errorf("text lines differ\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !reflect.DeepEqual(barcodes, c.Barcodes) {
				t.Errorf("barcodes %q, want %q", barcodes, c.Barcodes)
			}
			if len(payloads) != len(c.QR) || (len(c.QR) > 0 && !reflect.DeepEqual(payloads, c.QR)) {
				t.Errorf("QR payloads %q, want %q", payloads, c.QR)
			}
			if last == nil || last.Cut != CutPartial || last.Incomplete {
				t.Errorf("the last printed page is not cut off: %+v", last)
			}
		})
	}
}
