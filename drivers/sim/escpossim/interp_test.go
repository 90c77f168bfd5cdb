package escpossim

import (
	"bytes"
	"image"
	"image/png"
	"reflect"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// problems returns the log entries with a problem.
func problems(doc *Document) []Command {
	var out []Command
	for _, c := range doc.Commands {
		if c.Problem != "" {
			out = append(out, c)
		}
	}
	return out
}

func onePage(t *testing.T, doc *Document) *Page {
	t.Helper()
	if len(doc.Pages) != 1 {
		t.Fatalf("%d pages, want 1: %v", len(doc.Pages), doc.Commands)
	}
	return doc.Pages[0]
}

const qrURL = "https://example.gov.cn/q?id=A001"

// spec §1.3: GS ( k model 2, module size, error correction, store, print.
func qrCommands(t testing.TB, payload string, module, level byte) []byte {
	k := len(payload) + 3
	return cat(
		hx(t, "1D 28 6B 04 00 31 41 32 00"),                // 165 model 2
		[]byte{0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, module}, // 167 module size
		[]byte{0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, level},  // 169 level
		[]byte{0x1D, 0x28, 0x6B, byte(k), byte(k >> 8), 0x31, 0x50, 0x30}, []byte(payload),
		hx(t, "1D 28 6B 03 00 31 51 30"), // 181 print
	)
}

func TestQRStoreAndPrint(t *testing.T) {
	data := qrCommands(t, qrURL, 6, 49)
	if !bytes.HasPrefix(data[25:], hx(t, "1D 28 6B 23 00 31 50 30")) {
		t.Fatalf("store header is not the spec's: % X", data[25:33])
	}
	doc := Interpret(cat(hx(t, "1B 61 01"), data, hx(t, "0A 1D 56 42 00")), Config{NativeQR: true})
	p := onePage(t, doc)
	if got := p.QRPayloads(); !reflect.DeepEqual(got, []string{qrURL}) {
		t.Fatalf("QRPayloads() = %q; log %v", got, doc.Commands)
	}
	var q *QR
	for _, e := range p.Elements {
		if v, ok := e.(*QR); ok {
			q = v
		}
	}
	if q.Module != 6 || q.Level != "M" || q.Width != len(q.Modules)*6 || q.X != (576-q.Width)/2 {
		t.Errorf("QR module %d level %s width %d at x=%d", q.Module, q.Level, q.Width, q.X)
	}
	// The symbol is what a QR encoder makes of the data at that level.
	want, _ := qrcode.New(qrURL, qrcode.Medium)
	want.DisableBorder = true
	if !reflect.DeepEqual(q.Modules, want.Bitmap()) {
		t.Errorf("module matrix differs from a fresh encoding")
	}
	names := []string{}
	for _, c := range doc.Commands {
		if strings.HasPrefix(c.Name, "GS ( k") {
			names = append(names, c.Name)
		}
	}
	if want := []string{"GS ( k fn 165", "GS ( k fn 167", "GS ( k fn 169", "GS ( k fn 180", "GS ( k fn 181"}; !reflect.DeepEqual(names, want) {
		t.Errorf("logged %q, want %q", names, want)
	}
	// A scanner reads the rendered symbol.
	img := render(t, p)
	got, err := scanQR(withMargin(img, q.Rect(), 40))
	if err != nil || got != qrURL {
		t.Errorf("scanned %q, %v", got, err)
	}
	t.Log(savePNG(t, p, "qr.png"))
}

func TestQRIgnoredWithoutEngine(t *testing.T) {
	doc := Interpret(cat(qrCommands(t, qrURL, 3, 48), hx(t, "41 0A")), Config{})
	p := onePage(t, doc)
	if len(p.QRPayloads()) != 0 || p.Text() != "A" {
		t.Fatalf("payloads %q text %q", p.QRPayloads(), p.Text())
	}
	for _, c := range doc.Commands {
		if strings.HasPrefix(c.Name, "GS ( k") && !strings.Contains(c.Problem, "NativeQR") {
			t.Errorf("%v", c)
		}
	}
}

func TestQRTooLargeAndEmpty(t *testing.T) {
	big := strings.Repeat("x", 3000) // beyond version 40's byte capacity
	doc := Interpret(cat(qrCommands(t, big, 3, 48), hx(t, "1D 28 6B 03 00 31 51 30")), Config{NativeQR: true})
	if len(doc.Pages) != 0 {
		t.Errorf("printed %d pages", len(doc.Pages))
	}
	if len(problems(doc)) == 0 {
		t.Error("no problem logged")
	}
	doc = Interpret(hx(t, "1D 28 6B 03 00 31 51 30"), Config{NativeQR: true})
	if ps := problems(doc); len(ps) != 1 || !strings.Contains(ps[0].Problem, "nothing stored") {
		t.Errorf("%v", ps)
	}
}

// spec §1.4: both Code 128 examples.
func TestCode128Examples(t *testing.T) {
	for _, tc := range []struct{ bytes, want string }{
		{"1D 6B 49 0B 7B 42 41 30 30 31 2D 32 30 32 36", "A001-2026"},
		{"1D 6B 49 0B 7B 42 41 42 43 2D 31 7B 43 17 2D", "ABC-12345"},
	} {
		doc := Interpret(cat(hx(t, "1D 48 02 1D 68 50 1D 77 02"), hx(t, tc.bytes), hx(t, "1D 56 42 00")), Config{})
		p := onePage(t, doc)
		if got := p.Barcodes(); !reflect.DeepEqual(got, []string{tc.want}) {
			t.Fatalf("Barcodes() = %q, want %q; %v", got, tc.want, doc.Commands)
		}
		b := p.Elements[0].(*Barcode)
		if b.Module != 2 || b.BarHeight != 80 || b.HRI != 2 {
			t.Errorf("barcode %+v", b)
		}
		img := render(t, p)
		got, err := scanCode128(withMargin(img, b.Rect(), 30))
		if err != nil || got != tc.want {
			t.Errorf("scanned %q, %v; want %q", got, err, tc.want)
		}
		t.Log(savePNG(t, p, "code128-"+tc.want+".png"))
	}
}

func TestCode128Symbol(t *testing.T) {
	for i, w := range code128Widths {
		sum := 0
		for _, c := range w {
			sum += int(c - '0')
		}
		if want := map[bool]int{true: 13, false: 11}[i == c128Stop]; sum != want {
			t.Errorf("pattern %d sums to %d", i, sum)
		}
	}
	// "ABC-12345" as {B ABC-1 {C 23 45: start B, A B C - 1, code C, 23, 45.
	text, codes, err := code128([]byte("{BABC-1{C\x17\x2D"))
	if err != nil || text != "ABC-12345" {
		t.Fatalf("%q %v", text, err)
	}
	want := []int{104, 33, 34, 35, 13, 17, 99, 23, 45}
	sum := 104
	for i, c := range want[1:] {
		sum += (i + 1) * c
	}
	want = append(want, sum%103, 106)
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
	for _, tc := range []struct{ in, text string }{
		{"{A\x01AB", "\x01AB"},
		{"{Bx{{y", "x{y"},
		{"{C\x0c\x22", "1234"},
		{"{Bab{SAc", "abAc"},
		{"{B{1AB", "AB"},
	} {
		text, _, err := code128([]byte(tc.in))
		if err != nil || text != tc.text {
			t.Errorf("%q: %q, %v; want %q", tc.in, text, err, tc.text)
		}
	}
	// 'c' shifted to set A, 100 in set C, a lone brace, a needless switch.
	for _, bad := range []string{"", "AB", "{D12", "{C\x64", "{B{", "{A{Bx{B", "{Ba{S", "{Bab{Sc"} {
		if _, _, err := code128([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// Without a leading code set selector the printer abandons GS k and the
// data prints as text (spec §1.4).
func TestCode128WithoutSelectorPrintsAsText(t *testing.T) {
	doc := Interpret(hx(t, "1D 6B 49 04 41 42 43 44 0A"), Config{})
	p := onePage(t, doc)
	if p.Text() != "ABCD" || len(p.Barcodes()) != 0 {
		t.Errorf("text %q barcodes %q", p.Text(), p.Barcodes())
	}
}

// A barcode wider than the print area is not printed.
func TestCode128TooWide(t *testing.T) {
	data := "{B" + strings.Repeat("W", 40)
	doc := Interpret(cat(hx(t, "1D 77 06 1D 6B 49"), []byte{byte(len(data))}, []byte(data)), Config{PaperWidth: 58})
	if len(doc.Pages) != 0 || len(problems(doc)) != 1 {
		t.Errorf("pages %d, problems %v", len(doc.Pages), problems(doc))
	}
}

// spec §1.5: bit 7 is the leftmost dot, 1 prints; m scales.
func TestRaster(t *testing.T) {
	// 2 bytes × 3 rows: a left edge dot, a right edge dot, a diagonal.
	img := hx(t, "80 01  00 00  C0 03")
	for _, tc := range []struct {
		m      byte
		sx, sy int
	}{{0, 1, 1}, {48, 1, 1}, {1, 2, 1}, {49, 2, 1}, {2, 1, 2}, {50, 1, 2}, {3, 2, 2}, {51, 2, 2}} {
		doc := Interpret(cat([]byte{0x1D, 0x76, 0x30, tc.m, 2, 0, 3, 0}, img, hx(t, "1B 64 01")), Config{})
		p := onePage(t, doc)
		ims := p.Images()
		if len(ims) != 1 {
			t.Fatalf("m=%d: %d images", tc.m, len(ims))
		}
		im := ims[0]
		if im.ScaleX != tc.sx || im.ScaleY != tc.sy || im.Width != 16*tc.sx || im.Height != 3*tc.sy {
			t.Errorf("m=%d: %+v", tc.m, im.Place)
		}
		r := im.Raster
		for y := 0; y < 3; y++ {
			for x := 0; x < 16; x++ {
				want := (y == 0 && (x == 0 || x == 15)) || (y == 2 && (x < 2 || x > 13))
				if r.At(x, y) != want {
					t.Errorf("m=%d: dot (%d,%d) = %v", tc.m, x, y, r.At(x, y))
				}
			}
		}
		g := render(t, p)
		for y := 0; y < 3*tc.sy; y++ {
			for x := 0; x < 16*tc.sx; x++ {
				black := g.GrayAt(x, im.Y+y).Y == 0
				if black != r.At(x/tc.sx, y/tc.sy) {
					t.Fatalf("m=%d: rendered dot (%d,%d) = %v", tc.m, x, y, black)
				}
			}
		}
	}
}

// An image wider than the paper is clipped; one claiming gigabytes is
// skipped without being stored, and the stream goes on after it.
func TestRasterBounds(t *testing.T) {
	wide := cat(hx(t, "1D 76 30 00 64 00 01 00"), bytes.Repeat([]byte{0xFF}, 100))
	doc := Interpret(cat(wide, hx(t, "0A")), Config{PaperWidth: 58})
	im := onePage(t, doc).Images()[0]
	if im.Width != 384 || im.Raster.Width != 384 {
		t.Errorf("clipped to %d (raster %d)", im.Width, im.Raster.Width)
	}
	huge := hx(t, "1D 76 30 00 FF FF FF FF")
	rest := hx(t, "41 0A")
	in := NewInterpreter(Config{})
	in.Write(huge)
	in.Write(make([]byte, 65535*65535%1000000)) // some of the data
	in.Close()
	if in.skip != 0 {
		t.Error("skip left over")
	}
	doc = Interpret(cat(hx(t, "1D 76 30 00 00 01 00 10"), make([]byte, 256*4096), rest), Config{})
	if p := onePage(t, doc); p.Text() != "A" {
		t.Errorf("after a skipped image: %q", p.Text())
	}
}

// spec §1.6: every form of GS V, partial against full, and the feed.
func TestCuts(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want Cut
		feed int
	}{
		{"1D 56 00", CutFull, -1}, {"1D 56 30", CutFull, -1},
		{"1D 56 01", CutPartial, -1}, {"1D 56 31", CutPartial, -1},
		{"1D 56 41 0A", CutFull, 10}, {"1D 56 42 00", CutPartial, 0},
		{"1B 69", CutPartial, -1}, {"1B 6D", CutPartial, -1},
	} {
		doc := Interpret(hx(t, "41 0A 1B 64 05"+tc.cmd+" 42 0A"), Config{})
		if len(doc.Pages) != 2 {
			t.Fatalf("%s: %d pages", tc.cmd, len(doc.Pages))
		}
		p := doc.Pages[0]
		if p.Cut != tc.want || !doc.Pages[1].Incomplete || doc.Pages[1].Text() != "B" {
			t.Errorf("%s: cut %v, next %q", tc.cmd, p.Cut, doc.Pages[1].Text())
		}
		// Line A at the head-to-cutter gap, then 30 + 5×30 rows fed.
		head := DefaultCutterGap + 30 + 5*30
		want := head - DefaultCutterGap // the cut is the gap above the head
		if tc.feed >= 0 {
			want = head + tc.feed
		}
		if p.Height != want {
			t.Errorf("%s: page %d rows, want %d", tc.cmd, p.Height, want)
		}
	}
}

// A cut right after the last line goes through it: the head is the
// cutter gap below the knife, so the last lines end up on the next page.
func TestCutThroughText(t *testing.T) {
	doc := Interpret(hx(t, "41 0A 42 0A 43 0A 44 0A 1D 56 00"), Config{CutterGap: 75})
	if len(doc.Pages) != 2 {
		t.Fatalf("%d pages", len(doc.Pages))
	}
	// Lines at rows 75, 105, 135, 165; head 195; the knife at 120,
	// through B.
	if got := doc.Pages[0].Text(); got != "A\nB" {
		t.Errorf("first page %q", got)
	}
	if got := doc.Pages[1].Text(); got != "C\nD" {
		t.Errorf("second page %q", got)
	}
	var cont int
	for _, e := range doc.Pages[1].Elements {
		if e.Box().Continued {
			cont++
		}
	}
	if cont != 1 {
		t.Errorf("%d continued elements, want B cut through", cont)
	}
	t.Log(savePNG(t, doc.Pages[0], "cut-through-1.png"), savePNG(t, doc.Pages[1], "cut-through-2.png"))
}

// A cut is only honoured at the start of a line.
func TestCutMidLineIgnored(t *testing.T) {
	doc := Interpret(hx(t, "41 1D 56 00 42 0A"), Config{})
	p := onePage(t, doc)
	if p.Cut != CutNone || p.Text() != "AB" || len(problems(doc)) != 1 {
		t.Errorf("cut %v text %q problems %v", p.Cut, p.Text(), problems(doc))
	}
}

// ¥ sent as four-byte GB18030 to a two-byte-only printer: "0 6".
func TestFourByteOnTwoBytePrinter(t *testing.T) {
	data := hx(t, "1C 26 BD F0 B6 EE A3 BA 81 30 84 36 31 30 0A") // 金额：¥10
	p := onePage(t, Interpret(data, Config{}))
	if got := p.Text(); !strings.Contains(got, "0 6") || strings.ContainsRune(got, '¥') || got != "金额： 0 610" {
		t.Errorf("two-byte printer printed %q", got)
	}
	p = onePage(t, Interpret(data, Config{FourByteGB18030: true}))
	if got := p.Text(); got != "金额：¥10" {
		t.Errorf("four-byte printer printed %q", got)
	}
	// The full-width ￥ (A3 A4) prints everywhere.
	p = onePage(t, Interpret(hx(t, "A3 A4 31 0A"), Config{}))
	if got := p.Text(); got != "￥1" {
		t.Errorf("%q", got)
	}
}

// Chinese mode is on at power-up; FS . turns bytes ≥ 0x80 into CP437
// (ESC t 0) characters; ESC t 1 has receiptline's rule characters.
func TestChineseModeAndCodePages(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"D6 D0 0A", "中"},
		{"1C 2E D6 D0 0A", "╓╨"},
		{"1C 2E 1B 74 01 95 95 96 0A", "──│"},
		{"1C 2E 1B 74 10 E9 0A", "?"},
		{"1C 2E 1C 26 D6 D0 0A", "中"},
		{"1B 40 D6 D0 0A", "中"},
		{"1C 28 43 02 00 30 02 E4 B8 AD 41 0A", "中A"},
		{"D6 0A 41 0A", "\nA"}, // a lead byte before LF prints blank
	} {
		doc := Interpret(hx(t, tc.in), Config{})
		var lines []string
		for _, p := range doc.Pages {
			lines = append(lines, p.Text())
		}
		if got := strings.Join(lines, "|"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Sizes, spacing and positions as the printer places characters.
func TestLayout(t *testing.T) {
	doc := Interpret(hx(t, `
		41 D6 D0 0A                 # A 中: 12 and 24 dots
		1D 21 11 41 D6 D0 0A        # double: 24 and 48
		1D 21 00 1C 21 0C D6 D0 41 0A   # FS ! doubles Hanzi only
		1D 21 00 1C 21 00 1B 20 03 41 41 0A  # ESC SP 3
		1B 20 00 1C 53 02 04 D6 D0 D6 D0 0A  # FS S 2 4
		1C 53 00 00 1B 24 30 00 41 1B 5C 18 00 42 0A  # ESC $ 48, ESC \ 24
		1B 61 02 41 0A              # right: A at 564
		1B 61 00 1B 4D 01 41 0A     # font B
	`), Config{})
	lines := onePage(t, doc).Lines()
	type gl struct{ x, adv, w, h int }
	var got [][]gl
	for _, l := range lines {
		var row []gl
		for _, r := range l.Runs {
			for _, g := range r.Glyphs {
				row = append(row, gl{g.X, g.Advance, g.W, g.H})
			}
		}
		got = append(got, row)
	}
	want := [][]gl{
		{{0, 12, 12, 24}, {12, 24, 24, 24}},
		{{0, 24, 24, 48}, {24, 48, 48, 48}},
		{{0, 48, 48, 48}, {48, 12, 12, 24}},
		{{0, 15, 12, 24}, {15, 15, 12, 24}},
		{{0, 30, 24, 24}, {30, 30, 24, 24}},
		{{48, 12, 12, 24}, {84, 12, 12, 24}},
		{{564, 12, 12, 24}},
		{{0, 9, 9, 17}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("glyphs\n%v, want\n%v", got, want)
	}
	if lines[5].Text != "A  B" || lines[5].Columns(12) != "    A  B" {
		t.Errorf("positioned line %q / %q", lines[5].Text, lines[5].Columns(12))
	}
	// Line feeds: max(line spacing 30, tallest character).
	if lines[0].Height != 30 || lines[1].Height != 48 || lines[1].Y != lines[0].Y+30 {
		t.Errorf("line heights %d %d at %d %d", lines[0].Height, lines[1].Height, lines[0].Y, lines[1].Y)
	}
}

// Automatic line wrap: a character that does not fit starts a new line.
func TestWrap(t *testing.T) {
	doc := Interpret(cat(bytes.Repeat([]byte("0123456789"), 5), []byte{0x0A}), Config{})
	lines := onePage(t, doc).Lines()
	if len(lines) != 2 || len(lines[0].Text) != 48 || lines[1].Text != "89" {
		t.Errorf("%d lines: %q", len(lines), onePage(t, doc).Text())
	}
}

// Unknown and truncated commands are logged and skipped.
func TestUnknownAndTruncated(t *testing.T) {
	doc := Interpret(hx(t, "1B 01 41 0A 1D 02 42 0A 1D 76 30 00 02 00"), Config{})
	p := onePage(t, doc)
	if p.Text() != "A\nB" {
		t.Errorf("text %q", p.Text())
	}
	ps := problems(doc)
	if len(ps) != 3 || !strings.Contains(ps[0].Problem, "unknown") || ps[0].Offset != 0 ||
		ps[1].Offset != 4 || !strings.Contains(ps[2].Problem, "truncated") || ps[2].Name != "GS v" || ps[2].Offset != 8 {
		t.Errorf("%v", ps)
	}
	// A line without LF is not printed, and the log says so.
	doc = Interpret([]byte("ABC"), Config{})
	if len(doc.Pages) != 0 || doc.Commands[len(doc.Commands)-1].Name != "end" {
		t.Errorf("%d pages; %v", len(doc.Pages), doc.Commands)
	}
}

// Real-time and status commands in the stream are logged, not printed.
func TestStatusCommandsLogged(t *testing.T) {
	doc := Interpret(hx(t, "10 04 01 10 04 04 10 05 02 1D 61 0F 1D 72 01 1D 49 42 1D 72 31 10 14 01 00 01"), Config{})
	var names []string
	for _, c := range doc.Commands {
		names = append(names, c.Name)
	}
	want := []string{"DLE EOT 1", "DLE EOT 4", "DLE ENQ 2", "GS a", "GS r", "GS I", "GS r", "DLE DC4 1"}
	if !reflect.DeepEqual(names, want) || len(doc.Pages) != 0 {
		t.Errorf("%q", names)
	}
}

// The rendering is the page's width, black on white, text where the
// printer put it.
func TestRenderBasics(t *testing.T) {
	p := onePage(t, Interpret(hx(t, "1B 61 01 D6 D0 0A"), Config{PaperWidth: 58}))
	img := render(t, p)
	if img.Rect != image.Rect(0, 0, 384, p.Height) {
		t.Fatalf("image %v, page %d rows", img.Rect, p.Height)
	}
	black := 0
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < 384; x++ {
			switch v := img.GrayAt(x, y).Y; v {
			case 0:
				black++
				if x < 180 || x >= 204 || y < DefaultCutterGap || y >= DefaultCutterGap+24 {
					t.Fatalf("dot at (%d,%d) outside 中's cell", x, y)
				}
			case 0xFF:
			default:
				t.Fatalf("grey %d at (%d,%d)", v, x, y)
			}
		}
	}
	if black < 40 {
		t.Errorf("only %d black dots for 中", black)
	}
	// Page.PNG finds the system's fonts itself and draws the same.
	b, err := p.PNG()
	if err != nil {
		t.Fatal(err)
	}
	dec, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < 384; x++ {
			if r, _, _, _ := dec.At(x, y).RGBA(); (r == 0) != (img.GrayAt(x, y).Y == 0) {
				t.Fatalf("PNG differs at (%d,%d)", x, y)
			}
		}
	}
}
