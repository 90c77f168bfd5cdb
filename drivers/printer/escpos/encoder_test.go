package escpos

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// hexb parses "1B 40 0A" into bytes; the tests write bytes as the spec does.
func hexb(t testing.TB, s string) []byte {
	t.Helper()
	var out []byte
	for _, f := range strings.Fields(s) {
		var v byte
		if _, err := fmt.Sscanf(f, "%02X", &v); err != nil {
			t.Fatalf("bad hex %q", f)
		}
		out = append(out, v)
	}
	return out
}

// Every command against the bytes of spec §1.
func TestEncoderCommands(t *testing.T) {
	raster := NewBitmap(10, 2) // 2 bytes a row
	raster.Set(0, 0)
	raster.Set(9, 1)
	cases := []struct {
		name string
		do   func(e *Encoder)
		want string
	}{
		{"ESC @", func(e *Encoder) { e.Init() }, "1B 40"},
		{"FS &", func(e *Encoder) { e.ChineseOn() }, "1C 26"},
		{"FS .", func(e *Encoder) { e.ChineseOff() }, "1C 2E"},
		{"ESC t 0", func(e *Encoder) { e.CodePage(0) }, "1B 74 00"},
		{"GS ! double", func(e *Encoder) { e.Size(2, 2) }, "1D 21 11"},
		{"GS ! normal", func(e *Encoder) { e.Size(1, 1) }, "1D 21 00"},
		{"GS ! 3 wide 5 high", func(e *Encoder) { e.Size(3, 5) }, "1D 21 24"},
		{"GS ! 8×8", func(e *Encoder) { e.Size(8, 8) }, "1D 21 77"},
		{"FS ! double", func(e *Encoder) { e.ChineseSize(2, 2) }, "1C 21 0C"},
		{"FS ! normal", func(e *Encoder) { e.ChineseSize(1, 1) }, "1C 21 00"},
		{"ESC E on", func(e *Encoder) { e.Bold(true) }, "1B 45 01"},
		{"ESC E off", func(e *Encoder) { e.Bold(false) }, "1B 45 00"},
		{"ESC - / FS -", func(e *Encoder) { e.Underline(1) }, "1B 2D 01 1C 2D 01"},
		{"ESC a centre", func(e *Encoder) { e.Align(AlignCenter) }, "1B 61 01"},
		{"ESC a right", func(e *Encoder) { e.Align(AlignRight) }, "1B 61 02"},
		{"ESC 3 30", func(e *Encoder) { e.LineSpacing(30) }, "1B 33 1E"},
		{"ESC 3 0 (ruled lines)", func(e *Encoder) { e.LineSpacing(0) }, "1B 33 00"},
		{"ESC 2", func(e *Encoder) { e.DefaultLineSpacing() }, "1B 32"},
		{"LF", func(e *Encoder) { e.LF() }, "0A"},
		{"ESC d 3", func(e *Encoder) { e.Feed(3) }, "1B 64 03"},
		{"GS V 66 0 (receiptline)", func(e *Encoder) { e.FeedCut(true, 0) }, "1D 56 42 00"},
		{"GS V 65 10 (Odoo)", func(e *Encoder) { e.FeedCut(false, 10) }, "1D 56 41 0A"},
		{"GS V 0", func(e *Encoder) { e.Cut(false) }, "1D 56 00"},
		{"GS V 1", func(e *Encoder) { e.Cut(true) }, "1D 56 01"},
		{"DLE EOT 1", func(e *Encoder) { e.RealTimeStatus(1) }, "10 04 01"},
		{"DLE EOT 4", func(e *Encoder) { e.RealTimeStatus(4) }, "10 04 04"},
		{"DLE ENQ 1", func(e *Encoder) { e.Recover(false) }, "10 05 01"},
		{"DLE ENQ 2 (receiptio)", func(e *Encoder) { e.Recover(true) }, "10 05 02"},
		{"GS a 0F", func(e *Encoder) { e.ASB(ASBAll) }, "1D 61 0F"},
		{"GS a 0 (off)", func(e *Encoder) { e.ASB(0) }, "1D 61 00"},
		{"GS a FF (receiptio)", func(e *Encoder) { e.ASB(0xFF) }, "1D 61 FF"},
		{"GS r 1", func(e *Encoder) { e.InOrderMarker() }, "1D 72 01"},
		{"GS r 49 (Epson)", func(e *Encoder) { e.TransmitStatus(0x31) }, "1D 72 31"},
		{"GS H 2", func(e *Encoder) { e.BarcodeHRI(HRIBelow) }, "1D 48 02"},
		{"GS h 80", func(e *Encoder) { e.BarcodeHeight(80) }, "1D 68 50"},
		{"GS w 2", func(e *Encoder) { e.BarcodeModuleWidth(2) }, "1D 77 02"},
		{"GS ( k 165", func(e *Encoder) { e.QRModel2() }, "1D 28 6B 04 00 31 41 32 00"},
		{"GS ( k 167", func(e *Encoder) { e.QRModuleSize(3) }, "1D 28 6B 03 00 31 43 03"},
		{"GS ( k 169 L", func(e *Encoder) { e.QRErrorLevel(QRLevelL) }, "1D 28 6B 03 00 31 45 30"},
		{"GS ( k 169 H", func(e *Encoder) { e.QRErrorLevel(QRLevelH) }, "1D 28 6B 03 00 31 45 33"},
		{"GS ( k 181", func(e *Encoder) { e.QRPrint() }, "1D 28 6B 03 00 31 51 30"},
		{"GS k 73 A001-2026, set B (spec §1.4)", func(e *Encoder) { e.Code128([]byte("{BA001-2026")) },
			"1D 6B 49 0B 7B 42 41 30 30 31 2D 32 30 32 36"},
		{"GS k 73 ABC-12345 (receiptline)", func(e *Encoder) { e.Code128Text("ABC-12345") },
			"1D 6B 49 0B 7B 42 41 42 43 2D 31 7B 43 17 2D"},
		{"GS v 0", func(e *Encoder) { e.Raster(raster, 255) }, "1D 76 30 00 02 00 02 00 80 00 00 40"},
		{"GS v 0 in bands of 1 row", func(e *Encoder) { e.Raster(raster, 1) },
			"1D 76 30 00 02 00 01 00 80 00 1D 76 30 00 02 00 01 00 00 40"},
		{"text", func(e *Encoder) { e.Text("申请人：张三") }, "C9 EA C7 EB C8 CB A3 BA D5 C5 C8 FD"},
	}
	for _, c := range cases {
		var e Encoder
		c.do(&e)
		if e.Err() != nil {
			t.Errorf("%s: %v", c.name, e.Err())
		}
		if want := hexb(t, c.want); !bytes.Equal(e.Bytes(), want) {
			t.Errorf("%s:\n got % X\nwant % X", c.name, e.Bytes(), want)
		}
	}
}

// The store-data header of spec §1.3: the 32-byte URL has pL = 0x23.
func TestQRStoreHeader(t *testing.T) {
	const url = "https://example.gov.cn/q?id=A001"
	if len(url) != 32 {
		t.Fatalf("the spec's URL is 32 bytes, this one %d", len(url))
	}
	var e Encoder
	e.QRStore([]byte(url))
	want := append(hexb(t, "1D 28 6B 23 00 31 50 30"), url...)
	if !bytes.Equal(e.Bytes(), want) {
		t.Fatalf("got % X", e.Bytes())
	}
	e.Reset()
	e.QRStore(bytes.Repeat([]byte("x"), 300)) // pL + 256·pH = 303
	if got := e.Bytes()[3:5]; got[0] != 0x2F || got[1] != 0x01 {
		t.Fatalf("pL pH = % X", got)
	}
	e.Reset()
	e.QRNative([]byte(url), 4, QRLevelM)
	want = hexb(t, "1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 04 1D 28 6B 03 00 31 45 31")
	want = append(want, hexb(t, "1D 28 6B 23 00 31 50 30")...)
	want = append(want, url...)
	want = append(want, hexb(t, "1D 28 6B 03 00 31 51 30")...)
	if !bytes.Equal(e.Bytes(), want) {
		t.Fatalf("QRNative:\n got % X\nwant % X", e.Bytes(), want)
	}
}

// Spec §1.8, the hand-assembled receipt, as far as the encoder goes: the
// same commands give the same bytes (the raster QR's data aside).
func TestHandAssembledReceipt(t *testing.T) {
	var e Encoder
	e.Init()
	e.ChineseOn()
	e.Align(AlignCenter)
	e.Size(2, 2)
	e.Bold(true)
	e.Text("社会救助申请回执")
	e.LF()
	e.Size(1, 1)
	e.Bold(false)
	e.Align(AlignLeft)
	e.Text("申请人：张三")
	e.LF()
	e.Text("金额：￥1,234.50")
	e.LF()
	e.Align(AlignCenter)
	e.BarcodeHRI(HRIBelow)
	e.BarcodeHeight(80)
	e.BarcodeModuleWidth(2)
	e.Code128([]byte("{BA001-2026"))
	e.LF()
	e.Align(AlignLeft)
	e.FeedCut(true, 0)
	e.InOrderMarker()
	want := hexb(t, `1B 40 1C 26 1B 61 01 1D 21 11 1B 45 01
		C9 E7 BB E1 BE C8 D6 FA C9 EA C7 EB BB D8 D6 B4 0A
		1D 21 00 1B 45 00 1B 61 00
		C9 EA C7 EB C8 CB A3 BA D5 C5 C8 FD 0A
		BD F0 B6 EE A3 BA A3 A4 31 2C 32 33 34 2E 35 30 0A
		1B 61 01 1D 48 02 1D 68 50 1D 77 02
		1D 6B 49 0B 7B 42 41 30 30 31 2D 32 30 32 36
		0A 1B 61 00 1D 56 42 00 1D 72 01`)
	if e.Err() != nil || !bytes.Equal(e.Bytes(), want) {
		t.Fatalf("%v\n got % X\nwant % X", e.Err(), e.Bytes(), want)
	}
}

// A parameter out of range appends nothing and is reported, first one
// first; nothing panics.
func TestEncoderBadParameters(t *testing.T) {
	bad := []func(e *Encoder){
		func(e *Encoder) { e.Size(0, 1) },
		func(e *Encoder) { e.Size(1, 9) },
		func(e *Encoder) { e.ChineseSize(3, 1) },
		func(e *Encoder) { e.CodePage(256) },
		func(e *Encoder) { e.Underline(3) },
		func(e *Encoder) { e.Align(Align(7)) },
		func(e *Encoder) { e.LineSpacing(-1) },
		func(e *Encoder) { e.Feed(256) },
		func(e *Encoder) { e.FeedCut(true, 300) },
		func(e *Encoder) { e.RealTimeStatus(5) },
		func(e *Encoder) { e.TransmitStatus(7) },
		func(e *Encoder) { e.BarcodeHRI(HRI(4)) },
		func(e *Encoder) { e.BarcodeHeight(0) },
		func(e *Encoder) { e.BarcodeModuleWidth(7) },
		func(e *Encoder) { e.Code128([]byte("A001")) },
		func(e *Encoder) { e.Code128(nil) },
		func(e *Encoder) { e.Code128Text("张三") },
		func(e *Encoder) { e.QRModuleSize(17) },
		func(e *Encoder) { e.QRErrorLevel(QRLevel(4)) },
		func(e *Encoder) { e.QRStore(nil) },
		func(e *Encoder) { e.QRNative(nil, 3, QRLevelM) },
		func(e *Encoder) { e.QRRaster("", QRLevelM, 3, 255) },
		func(e *Encoder) { e.Raster(nil, 255) },
		func(e *Encoder) { e.Raster(NewBitmap(8, 8), 0) },
		func(e *Encoder) { e.Raster(&Bitmap{W: 16, H: 4, Stride: 2, Bits: make([]byte, 3)}, 255) },
		func(e *Encoder) { e.Text("a\x1bb") },
		func(e *Encoder) { e.Text("a\nb") },
		func(e *Encoder) { e.Text("a\xffb") },
		func(e *Encoder) { e.Text("\u0085") },
	}
	for i, f := range bad {
		var e Encoder
		f(&e)
		if e.Len() != 0 || !errors.Is(e.Err(), ErrBadParameter) {
			t.Errorf("case %d: % X, %v", i, e.Bytes(), e.Err())
		}
		var ce *CommandError
		if !errors.As(e.Err(), &ce) || ce.Command == "" {
			t.Errorf("case %d: %v is not a *CommandError naming the command", i, e.Err())
		}
	}
	var e Encoder
	e.Size(0, 0)
	first := e.Err()
	e.Feed(999)
	e.Init()
	if e.Err() != first || !bytes.Equal(e.Bytes(), []byte{0x1B, 0x40}) {
		t.Fatalf("not sticky: %v, % X", e.Err(), e.Bytes())
	}
	e.Reset()
	if e.Err() != nil || e.Len() != 0 {
		t.Fatal("Reset keeps state")
	}
	// A real U+FFFD is text, not invalid UTF-8.
	e.Text("\uFFFD")
	if e.Err() != nil || !bytes.Equal(e.Bytes(), hexb(t, "84 31 A4 37")) {
		t.Fatalf("U+FFFD: % X %v", e.Bytes(), e.Err())
	}
}

// QRRaster draws the symbol and sends it as GS v 0.
func TestQRRaster(t *testing.T) {
	var e Encoder
	e.QRRaster("https://example.gov.cn/q?id=A001", QRLevelM, 4, 64)
	if e.Err() != nil {
		t.Fatal(e.Err())
	}
	d, err := decodeESCPOS(e.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r := d.of("raster")
	if len(r) != 1 {
		t.Fatalf("%d images", len(r))
	}
	bm, _ := QRBitmap("https://example.gov.cn/q?id=A001", QRLevelM, 4)
	if r[0].bm.H != bm.H || !bytes.Equal(r[0].bm.Bits, bm.Bits) {
		t.Fatal("the raster sent is not the symbol drawn")
	}
	// Version 3 (29 modules) plus the quiet zone of 4 on each side.
	if bm.W != 37*4 || bm.H != 37*4 {
		t.Fatalf("%d×%d dots", bm.W, bm.H)
	}
	// The finder pattern's corner: dark at (4,4) modules, light in the quiet zone.
	if !bm.At(4*4, 4*4) || bm.At(3*4, 3*4) {
		t.Fatal("no finder pattern where it belongs")
	}
	if n := strings.Count(fmt.Sprintf("% X", e.Bytes()), "1D 76 30 00"); n != 3 { // 148 rows in bands of 64
		t.Fatalf("%d bands", n)
	}
}
