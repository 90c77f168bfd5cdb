package escpossim

import (
	"strings"
	"testing"
)

// spec §1.8: the hand-assembled Chinese receipt.
const receipt18 = `
1B 40                                   # ESC @
1C 26                                   # FS &
1B 61 01  1D 21 11  1B 45 01            # centre, double size, bold
C9 E7 BB E1 BE C8 D6 FA C9 EA C7 EB BB D8 D6 B4 0A        # 社会救助申请回执
1D 21 00  1B 45 00  1B 61 00            # normal, left
C9 EA C7 EB C8 CB A3 BA D5 C5 C8 FD 0A  # 申请人：张三
BD F0 B6 EE A3 BA A3 A4 31 2C 32 33 34 2E 35 30 0A        # 金额：￥1,234.50
1B 61 01                                # centre
1D 48 02 1D 68 50 1D 77 02              # HRI below, 80 dots high, module 2
1D 6B 49 0B 7B 42 41 30 30 31 2D 32 30 32 36              # Code128 "A001-2026"
`

const receipt18Tail = `
0A 1B 61 00
1D 56 42 00                             # feed to cutter, partial cut
1D 72 01                                # GS r 1
`

func receipt18Bytes(t testing.TB) []byte {
	return cat(hx(t, receipt18), qrRaster(t, "https://example.gov.cn/q?id=A001", 4), hx(t, receipt18Tail))
}

func TestReceipt18(t *testing.T) {
	doc := Interpret(receipt18Bytes(t), Config{})
	for _, c := range doc.Commands {
		t.Log(c)
	}
	if len(doc.Pages) != 1 {
		t.Fatalf("%d pages, want 1", len(doc.Pages))
	}
	p := doc.Pages[0]
	want := "社会救助申请回执\n申请人：张三\n金额：￥1,234.50"
	if got := p.Text(); got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if got := p.Barcodes(); len(got) != 1 || got[0] != "A001-2026" {
		t.Errorf("Barcodes() = %q", got)
	}
	if p.Cut != CutPartial || p.Incomplete {
		t.Errorf("cut %v incomplete %v", p.Cut, p.Incomplete)
	}
	if len(p.Images()) != 1 {
		t.Errorf("%d images", len(p.Images()))
	}
	title := p.Lines()[0]
	if s := title.Runs[0].Style; s.Width != 2 || s.Height != 2 || !s.Bold || s.Font != FontHanzi {
		t.Errorf("title style %+v", s)
	}
	// Centred: 8 characters of 48 dots in 576.
	if title.X != (576-8*48)/2 || title.Width != 8*48 {
		t.Errorf("title at x=%d width %d", title.X, title.Width)
	}
	path := savePNG(t, p, "receipt18.png")
	t.Log(path)
	for _, c := range doc.Commands {
		if c.Problem != "" && !strings.HasPrefix(c.Name, "GS r") {
			t.Errorf("problem: %v", c)
		}
	}
}
