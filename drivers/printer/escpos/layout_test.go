package escpos

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// testFonts is the system's CJK fonts (textimage.Find), and DejaVu Sans
// after them when it is installed, for emoji.
func testFonts(t testing.TB) textimage.Chain {
	t.Helper()
	c, err := textimage.Find()
	if err != nil {
		t.Fatalf("%v (install fonts-noto-cjk)", err)
	}
	if f, err := textimage.Open("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"); err == nil {
		c = append(c, f)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func layoutOK(t *testing.T, r Receipt, p Profile, fonts textimage.Chain) (*Job, *decoded) {
	t.Helper()
	job, err := Layout(r, p, fonts)
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeESCPOS(job.Bytes())
	if err != nil {
		t.Fatalf("the job does not decode: %v", err)
	}
	return job, d
}

func TestLayoutParts(t *testing.T) {
	r := Receipt{Width: 58, Blocks: []Block{
		{Type: "title", Text: "社会救助申请回执"},
		{Type: "kv", Key: "申请人：", Value: "张三"},
		{Type: "divider"},
		{Type: "qr", Data: "https://example.gov.cn/q?id=A001"},
		{Type: "barcode", Data: "A001-2026"},
		{Type: "feed", Lines: 3},
	}}
	job, d := layoutOK(t, r, Generic58(), nil)
	first, last := job.Parts[0], job.Parts[len(job.Parts)-1]
	if first.Kind != PartSetup || !bytes.Equal(first.Data, hexb(t, "1B 40 1B 74 00 1C 26 1B 33 1E")) {
		t.Fatalf("set-up % X", first.Data)
	}
	if last.Kind != PartFinish || !bytes.Equal(last.Data, hexb(t, "1B 64 04 1D 56 42 00 1D 72 01")) || !job.Marker {
		t.Fatalf("finish % X", last.Data)
	}
	var all []byte
	next := 0
	for _, p := range job.Parts {
		all = append(all, p.Data...)
		if p.Kind == PartBlocks {
			if p.First != next && p.First != next-1 || p.Last < p.First {
				t.Fatalf("part covers %d–%d after block %d", p.First, p.Last, next-1)
			}
			next = p.Last + 1
		}
	}
	if next != len(r.Blocks) || !bytes.Equal(all, job.Bytes()) || len(all) != job.Len() {
		t.Fatal("the parts do not add up to the job")
	}
	// Every part ends between commands: each decodes on its own.
	for i, p := range job.Parts {
		if _, err := decodeESCPOS(p.Data); err != nil {
			t.Errorf("part %d: %v", i, err)
		}
	}
	texts := d.texts()
	want := []string{"社会救助申请回执", "申请人：                    张三", strings.Repeat("-", 32)}
	for i, w := range want {
		if texts[i] != w {
			t.Errorf("line %d: %q, want %q", i, texts[i], w)
		}
	}
	if d.items[0].size != 2 || !d.items[0].bold {
		t.Error("the title is not double and bold")
	}
	if d.items[1].size != 1 || d.items[1].bold {
		t.Error("print modes leak from the title")
	}
	if qr := d.of("raster"); len(qr) != 1 || qr[0].align != 1 {
		t.Errorf("QR: %+v", qr)
	}
	bc := d.of("barcode")
	if len(bc) != 1 || bc[0].align != 1 || bc[0].hri != 2 || string(bc[0].data) != "{BA001-{C\x14\x1A" {
		t.Errorf("barcode: %+v", bc)
	}
	if strings.Contains(strings.Join(texts, ""), "?") {
		t.Error("a ? was printed")
	}
}

func TestLayoutProfiles(t *testing.T) {
	r := Receipt{Width: 80, Blocks: []Block{{Type: "qr", Data: "https://example.gov.cn/q?id=A001"}}}
	// Epson: native QR, GS r 49.
	job, d := layoutOK(t, r, Epson80(), nil)
	if q := d.of("qr"); len(q) != 1 || string(q[0].data) != "https://example.gov.cn/q?id=A001" || q[0].align != 1 {
		t.Fatalf("native QR: %+v", q)
	}
	if len(d.of("raster")) != 0 {
		t.Fatal("Epson QR sent as raster")
	}
	if !bytes.HasSuffix(job.Bytes(), hexb(t, "1D 56 42 00 1D 72 31")) {
		t.Fatalf("end % X", job.Parts[len(job.Parts)-1].Data)
	}
	// A non-ASCII payload is drawn even on Epson (its "Kanji" mode is Shift-JIS).
	r.Blocks[0].Data = "回执A001"
	_, d = layoutOK(t, r, Epson80(), nil)
	if len(d.of("qr")) != 0 || len(d.of("raster")) != 1 {
		t.Fatal("non-ASCII QR sent to the printer's engine")
	}
	// Blind, no cutter: feed to the tear bar, no marker.
	job, _ = layoutOK(t, Receipt{Width: 58, Blocks: []Block{{Type: "divider"}}}, Blind58(), nil)
	if job.Marker || !bytes.Equal(job.Parts[len(job.Parts)-1].Data, hexb(t, "1B 64 04")) {
		t.Fatalf("blind end % X", job.Parts[len(job.Parts)-1].Data)
	}
	// NoCut on a cutter.
	job, _ = layoutOK(t, Receipt{Width: 80, NoCut: true, Blocks: []Block{{Type: "divider"}}}, Generic80(), nil)
	if !bytes.Equal(job.Parts[len(job.Parts)-1].Data, hexb(t, "1B 64 04 1D 72 01")) {
		t.Fatalf("NoCut end % X", job.Parts[len(job.Parts)-1].Data)
	}
	// The other cut modes.
	for mode, want := range map[CutMode]string{
		CutFeedFull: "1D 56 41 00 1D 72 01", CutPartial: "1B 64 03 1D 56 01 1D 72 01", CutFull: "1B 64 03 1D 56 00 1D 72 01",
	} {
		p := Generic80()
		p.Cut = mode
		if mode == CutPartial || mode == CutFull {
			p.FeedLines = 3
		}
		job, _ = layoutOK(t, Receipt{Width: 80, Blocks: []Block{{Type: "divider"}}}, p, nil)
		if got := job.Parts[len(job.Parts)-1].Data; !bytes.Equal(got, hexb(t, want)) {
			t.Errorf("%v: % X", mode, got)
		}
	}
	// A receipt written for 80 mm prints, re-wrapped, on 58 mm.
	_, d = layoutOK(t, Receipt{Width: 80, Blocks: []Block{{Type: "divider"}}}, Generic58(), nil)
	if d.texts()[0] != strings.Repeat("-", 32) {
		t.Fatal("not laid out for the printer's paper")
	}
}

func TestLayoutText(t *testing.T) {
	addr := "广东省深圳市南山区粤海街道科技园社区科苑路十五号科兴科学园内"
	r := Receipt{Width: 58, Blocks: []Block{
		{Type: "text", Text: "居中", Align: "center"},
		{Type: "text", Text: "右", Align: "right", Bold: true},
		{Type: "text", Text: "第一行\n第二行"},
		{Type: "text", Text: "双倍", Size: 2, Align: "center"},
		{Type: "kv", Key: "住址：", Value: addr},
		{Type: "kv", Key: "编号", Value: "A001-2026", Size: 2},
		{Type: "kv", Key: "", Value: "右对齐"},
		{Type: "text", Text: "Application number ABC-12345 has been accepted today"},
		{Type: "text", Text: ""},
	}}
	_, d := layoutOK(t, r, Generic58(), nil)
	want := []string{
		"              居中",
		"                              右",
		"第一行", "第二行",
		"      双倍",
		"住址：",
		"  广东省深圳市南山区粤海街道科技", "  园社区科苑路十五号科兴科学园内",
		"编号   A001-2026",
		"                          右对齐",
		"Application number ABC-12345 has", "been accepted today",
		"",
	}
	got := d.texts()
	if len(got) != len(want) {
		t.Fatalf("%d lines: %q", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %q, want %q", i, got[i], want[i])
		}
	}
	// On 80 mm the address fits beside the key? No: 6+60 > 48; under it.
	_, d = layoutOK(t, Receipt{Width: 80, Blocks: r.Blocks[4:5]}, Generic80(), nil)
	if got := d.texts(); len(got) != 3 || got[1] != "  广东省深圳市南山区粤海街道科技园社区科苑路十五" {
		t.Errorf("80 mm: %q", got)
	}
	for _, it := range d.items {
		if it.kind == "text" && Generic80().StringColumns(it.text)*it.size > 48 {
			t.Errorf("line %q is too wide", it.text)
		}
	}
}

// ¥, 䶮, 𠮷 and an emoji are drawn, never printed as '?' nor dropped;
// the line they are on is one raster image of a text line's height, and
// the drawn character is where the layout put it.
func TestRareCharactersAreDrawn(t *testing.T) {
	fonts := testFonts(t)
	for _, c := range []struct {
		text string
		col  int // column where the rare character starts
		w    int // its columns
	}{
		{"金额：¥1,234.50", 6, 1},
		{"申请人：刘䶮", 10, 2},
		{"申请人：𠮷田", 8, 2},
		{"• 已受理", 0, 1},
		{"好😀", 2, 2},
	} {
		if c.text == "好😀" && !fonts.Has('😀') {
			_, err := Layout(Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: c.text}}}, Generic58(), fonts)
			if !errors.Is(err, ErrNoGlyph) || !strings.Contains(err.Error(), "U+1F600") {
				t.Errorf("emoji without an emoji font: %v", err)
			}
			continue
		}
		job, d := layoutOK(t, Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: c.text}}}, Generic58(), fonts)
		if len(d.texts()) != 0 || job.Len() < 100 {
			t.Errorf("%q: printed as text %q", c.text, d.texts())
		}
		r := d.of("raster")
		if len(r) != 1 || r[0].bm.H != 30 || r[0].align != 0 {
			t.Fatalf("%q: %d images, %+v", c.text, len(r), r)
		}
		bm := r[0].bm
		ink := 0
		for y := 0; y < bm.H; y++ {
			for x := c.col * 12; x < (c.col+c.w)*12; x++ {
				if bm.At(x, y) {
					ink++
				}
			}
		}
		if ink < 10 {
			t.Errorf("%q: the rare character's cells are blank (%d dots)", c.text, ink)
		}
		for y := 24; y < 30; y++ { // the line gap stays blank
			for x := 0; x < bm.W; x++ {
				if bm.At(x, y) {
					t.Errorf("%q: ink in the line gap at (%d,%d)", c.text, x, y)
					y, x = 30, bm.W
				}
			}
		}
		if os.Getenv("ESCPOS_SAVE") != "" {
			savePNG(bm, os.TempDir()+"/escpos-"+c.text+".png")
		}
	}
	// Double size: a raster line of a double line's height.
	_, d := layoutOK(t, Receipt{Width: 58, Blocks: []Block{{Type: "title", Text: "刘䶮"}}}, Generic58(), fonts)
	if r := d.of("raster"); len(r) != 1 || r[0].bm.H != 54 || r[0].bm.Ink() < 100 {
		t.Fatalf("title raster: %+v", r)
	}
	// With a four-byte printer, 𠮷 is text.
	p := Generic58()
	p.Charset = CharsetGB18030
	_, d = layoutOK(t, Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: "𠮷田"}}}, p, nil)
	if got := d.texts(); len(got) != 1 || got[0] != "𠮷田" {
		t.Fatalf("GB18030 printer: %q", got)
	}
}

// A character no font has is an error naming it, not a box and not a '?'.
func TestNoGlyphIsAnError(t *testing.T) {
	fonts := testFonts(t)
	r := Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: "ok"}, {Type: "kv", Key: "姓名", Value: "张\U000F0001"}}}
	_, err := Layout(r, Generic58(), fonts)
	var ve *ValidationError
	if !errors.Is(err, ErrNoGlyph) || !errors.As(err, &ve) || ve.Block != 1 || ve.Field != "Value" || !strings.Contains(err.Error(), "U+F0001") {
		t.Fatalf("%v", err)
	}
	// Without fonts, a rare character cannot be drawn either.
	if _, err := Layout(Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: "刘䶮"}}}, Generic58(), nil); !errors.Is(err, ErrNoGlyph) {
		t.Fatalf("%v", err)
	}
	// Invisible format characters are left out, not drawn and not errors.
	_, d := layoutOK(t, Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: "张\u200b三\ufeff"}}}, Generic58(), nil)
	if got := d.texts(); len(got) != 1 || got[0] != "张三" {
		t.Fatalf("%q", got)
	}
}

func TestLayoutImage(t *testing.T) {
	// 800×100: left half black, right half white, a transparent band.
	img := image.NewNRGBA(image.Rect(0, 0, 800, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 800; x++ {
			switch {
			case y >= 90:
				img.Set(x, y, color.NRGBA{})
			case x < 400:
				img.Set(x, y, color.NRGBA{A: 255})
			default:
				img.Set(x, y, color.NRGBA{R: 255, G: 255, B: 255, A: 255})
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	_, d := layoutOK(t, Receipt{Width: 58, Blocks: []Block{{Type: "image", PNG: buf.Bytes()}}}, Generic58(), nil)
	r := d.of("raster")
	if len(r) != 1 || r[0].bm.W != 384 || r[0].bm.H != 48 || r[0].align != 1 {
		t.Fatalf("%+v", r)
	}
	bm := r[0].bm
	if !bm.At(10, 10) || bm.At(380, 10) || bm.At(10, 47) {
		t.Fatal("black is not printed, or white or transparent is")
	}
	// A mid grey dithers to about half the dots.
	grey := image.NewGray(image.Rect(0, 0, 100, 100))
	for i := range grey.Pix {
		grey.Pix[i] = 128
	}
	if n := Dither(grey, 384).Ink(); n < 4500 || n > 5500 {
		t.Fatalf("grey 128: %d of 10000 dots", n)
	}
}
