package wacomstu

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"io"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// hx parses "08 53 54 …" into bytes.
func hx(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The Information report of a real STU-540 (spec §1.4, STU-FAQ).
func TestDecodeInformationSTU540(t *testing.T) {
	i, err := DecodeInformation(hx(t, "08 53 54 55 2d 35 34 30 00 00 01 00 00 02 00 00 00"))
	if err != nil {
		t.Fatal(err)
	}
	if i.ModelName != "STU-540" || i.Firmware() != "1.00" || i.FirmwareMajor != 1 || i.FirmwareMinor != 0 {
		t.Fatalf("got %+v, firmware %q", i, i.Firmware())
	}
	if i.SecureIC != 0 || i.SecureICVersion != [4]byte{2, 0, 0, 0} {
		t.Fatalf("secure IC: %+v", i)
	}
	// The name field is 9 bytes: a name that fills it has no NUL.
	i, _ = DecodeInformation(hx(t, "08 53 54 55 2d 34 33 30 56 58 01 04 00 bb 00 00 00"))
	if i.ModelName != "STU-430VX" || i.Firmware() != "1.04" {
		t.Fatalf("full-width name: %+v", i)
	}
}

// The STU-430V's Capability as its query dump lists it (spec §1.4): 9600 ×
// 6000, pressure 1023, 320×200, 200/s, 2540 units per inch, 1-bit + zlib.
func TestDecodeCapability430V(t *testing.T) {
	c, err := DecodeCapability(hx(t, "09 2580 1770 03FF 0140 00C8 C8 09EC 03 0000"))
	if err != nil {
		t.Fatal(err)
	}
	want := Capability{9600, 6000, 1023, 320, 200, 200, 2540, FlagZlib | FlagMono}
	if c != want {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	// STU-300/500 end after the screen height.
	c, err = DecodeCapability(hx(t, "09 2580 1770 01FF 0280 01E0"))
	if err != nil || c.ScreenWidth != 640 || c.ScreenHeight != 480 || c.EncodingFlag != 0 || c.Resolution != 0 {
		t.Fatalf("short capability: %+v %v", c, err)
	}
	caps := capabilities(models[0], c, 0x00A1)
	if caps.Encodings != sigpad.EncodingMono || caps.ReportRate != 200 || caps.ColorDepth != 1 {
		t.Fatalf("STU-500 capabilities: %+v", caps)
	}
}

func TestFallbackEncodingFlag(t *testing.T) {
	for _, tc := range []struct {
		pid  uint16
		flag EncodingFlag
		want EncodingFlag
	}{
		{0x00A8, 0, 0x0F},
		{0x00A5, 0, 0x0F},
		{0x00A7, 0, 0x0F},
		{0x00A3, 0, 0x06},
		{0x00A6, 0, 0x02},
		{0x00A4, 0, 0x02},
		{0x00A9, 0, 0x02},                   // the 541 is not in the SDK's list
		{0x00A8, FlagZlib, 0x0F},            // zlib alone is no encoding
		{0x00A6, FlagMono | FlagZlib, 0x03}, // a real flag is kept
	} {
		if got := FallbackEncodingFlag(tc.pid, tc.flag); got != tc.want {
			t.Errorf("PID %04X flag %02X: got %02X, want %02X", tc.pid, tc.flag, got, tc.want)
		}
	}
}

func TestDecodeStatus(t *testing.T) {
	st, err := DecodeStatus(hx(t, "03 01 02 12 34"))
	if err != nil || st != (Status{StatusImage, ResultWrongState, 0x1234}) {
		t.Fatalf("%+v %v", st, err)
	}
	for _, b := range []string{"", "03", "03 00 00 00", "04 00 00 00 00"} {
		if _, err := DecodeStatus(hx(t, b)); !errors.Is(err, sigpad.ErrBadReport) {
			t.Errorf("%q: %v", b, err)
		}
	}
	if s := ResultGraphicsZlib.String(); s != "12 (zlib error in the image data)" {
		t.Error(s)
	}
}

// Rows of the STU-430V sample stream in spec §1.5 (printed there as rdy,
// sw, pressure, x, y, time, seq), encoded with the SDK's bit layout.
func TestDecodePenDataSDKLayout(t *testing.T) {
	pd, err := DecodePenData(hx(t, "01 92 64 14DB 0DC8"))
	if err != nil {
		t.Fatal(err)
	}
	want := PenData{Rdy: true, Sw: 1, Pressure: 612, X: 5339, Y: 3528}
	if pd != want {
		t.Fatalf("got %+v, want %+v", pd, want)
	}
	s := pd.Sample()
	if !s.InProximity || !s.Touching || s.Pressure != 612 || s.X != 5339 || s.Y != 3528 {
		t.Fatalf("sample %+v", s)
	}
	// The WebHID projects' layout would read rdy from bit 0 (0 here) and
	// sw from bit 1 (1): the pen would be "touching but not near".
	if b0 := byte(0x92); b0&1 != 0 || b0&2 == 0 {
		t.Fatal("the example no longer shows the disagreement")
	}
	// Pressure bits 11..8 come from the low nibble of byte 0; sw is 3 bits.
	pd, _ = DecodePenData(hx(t, "01 FF FF FFFF FFFF 00 00 00 00"))
	if pd != (PenData{true, 7, 0xFFF, 0xFFFF, 0xFFFF}) {
		t.Fatalf("all ones: %+v", pd)
	}
	if !bytes.Equal(EncodePenData(want), hx(t, "01 92 64 14DB 0DC8")) {
		t.Fatal("EncodePenData is not the inverse")
	}
}

func TestDecodePenDataTimeCountSequence(t *testing.T) {
	for _, tc := range []struct {
		report string
		want   PenDataTimeCountSequence
	}{
		{"34 92 64 14DB 0DC8 0DB9 0001", PenDataTimeCountSequence{PenData{true, 1, 612, 5339, 3528}, 3513, 1}},
		{"34 80 00 1238 0B90 0E19 0010", PenDataTimeCountSequence{PenData{true, 0, 0, 4664, 2960}, 3609, 16}}, // hovering
		{"34 00 00 0000 0000 0E70 0016", PenDataTimeCountSequence{PenData{}, 3696, 22}},                       // leaving
	} {
		got, err := DecodePenDataTimeCountSequence(hx(t, tc.report))
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v %v, want %+v", tc.report, got, err, tc.want)
		}
		if !bytes.Equal(EncodePenDataTimeCountSequence(tc.want), hx(t, tc.report)) {
			t.Errorf("%s: encoder is not the inverse", tc.report)
		}
	}
	if _, err := DecodePenDataTimeCountSequence(hx(t, "34 92 64 14DB 0DC8 0DB9")); !errors.Is(err, sigpad.ErrBadReport) {
		t.Fatalf("short 34: %v", err)
	}
	if _, err := DecodePenDataTimeCountSequence(hx(t, "01 92 64 14DB 0DC8 0DB9 0001")); !errors.Is(err, sigpad.ErrBadReport) {
		t.Fatalf("wrong ID: %v", err)
	}
}

// ImageDataBlock framing: 26 lenLo lenHi data…, padded to 256 bytes.
func TestEncodeImageDataBlock(t *testing.T) {
	b, err := EncodeImageDataBlock([]byte{0xAA, 0xBB, 0xCC})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 256)
	copy(want, hx(t, "26 03 00 AA BB CC"))
	if !bytes.Equal(b, want) {
		t.Fatalf("got % X", b[:8])
	}
	full := bytes.Repeat([]byte{0x5A}, MaxImageBlock)
	b, _ = EncodeImageDataBlock(full)
	if len(b) != 256 || !bytes.Equal(b[:3], hx(t, "26 FD 00")) || !bytes.Equal(b[3:], full) {
		t.Fatalf("full block: % X", b[:4])
	}
	if _, err := EncodeImageDataBlock(make([]byte, 254)); err == nil {
		t.Fatal("a 254-byte block was framed")
	}
}

func TestEncoders(t *testing.T) {
	area, err := RectOf(image.Rect(0, 0, 320, 200))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		// The 430V's default area 0,0,319,199: little-endian, corner inclusive.
		{"area", EncodeHandwritingDisplayArea(area), "2A 0000 0000 3F01 C700"},
		{"ink24", EncodeHandwritingThicknessColor24(color.RGBA{0x11, 0x22, 0x33, 0xFF}, 2), "2D 33 22 11 02"},
		{"ink565", EncodeHandwritingThicknessColor(color.RGBA{0xFF, 0, 0, 0xFF}, 1), "28 00 F8 01"},
		{"threshold", EncodeInkThreshold(21, 16), "22 1500 1000"},
		{"inking on", EncodeInkingMode(true), "21 01"},
		{"inking off", EncodeInkingMode(false), "21 00"},
		{"clear", EncodeClearScreen(), "20 00"},
		{"option", EncodePenDataOptionMode(OptionTimeCountSequence), "32 03"},
		{"start", EncodeStartImageData(Mode1bitZlib), "25 01"},
		{"start area", EncodeStartImageDataArea(Mode24bit, Rect{100, 50, 119, 59}), "24 04 01 6400 3200 7700 3B00"},
		{"commit", EncodeEndImageData(true), "27 00"},
		{"abandon", EncodeEndImageData(false), "27 01"},
		{"soft reset", EncodeReset(false), "04 00"},
		{"end capture", EncodeEndCapture(), "16 00"},
		{"background24", EncodeBackgroundColor24(color.RGBA{1, 2, 3, 0xFF}), "2E 03 02 01"},
		{"brightness", EncodeBacklightBrightness(3), "2B 0300"},
		{"uid", EncodeUID(0x01020304), "0A 01020304"},
	} {
		if want := hx(t, tc.want); !bytes.Equal(tc.got, want) {
			t.Errorf("%s: got % X, want % X", tc.name, tc.got, want)
		}
		if n := sizeOf(ReportID(tc.got[0])); len(tc.got) != n {
			t.Errorf("%s: %d bytes, the report is %d", tc.name, len(tc.got), n)
		}
	}
	r, _ := DecodeHandwritingDisplayArea(EncodeHandwritingDisplayArea(area))
	if r.Rectangle() != image.Rect(0, 0, 320, 200) {
		t.Fatalf("round trip: %v", r.Rectangle())
	}
	if _, err := RectOf(image.Rectangle{}); !errors.Is(err, sigpad.ErrOffScreen) {
		t.Fatal(err)
	}
}

func TestPackMono(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 10, 2))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	img.Set(0, 0, color.Black)
	img.Set(9, 0, color.Black)
	img.Set(8, 1, color.Gray{240})                 // ink: 240 ≤ 240
	img.Set(1, 1, color.Gray{241})                 // paper
	img.Set(2, 1, color.RGBA{0xF0, 0x0F, 0, 0xFF}) // OR is 0xFF: paper, as the SDK decides
	got := PackMono(img, img.Bounds())
	// Row 0: x0 ink → 0111 1111; x8 paper, x9 ink, padding 1 → 1011 1111.
	// Row 1: all paper → FF; x8 ink → 0111 1111.
	if want := hx(t, "7F BF FF 7F"); !bytes.Equal(got, want) {
		t.Fatalf("got % X, want % X", got, want)
	}
	// Transparent pixels are paper, not black.
	if got := PackMono(image.NewNRGBA(image.Rect(0, 0, 8, 1)), image.Rect(0, 0, 8, 1)); !bytes.Equal(got, []byte{0xFF}) {
		t.Fatalf("transparent: % X", got)
	}
	if !IsInk(240, 240, 240) || IsInk(241, 0, 0) || IsInk(0xF0, 0x0F, 0) {
		t.Fatal("IsInk")
	}
}

func TestPackColour(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 1))
	img.Set(0, 0, color.RGBA{0xFF, 0, 0, 0xFF})
	img.Set(1, 0, color.RGBA{0, 0xFF, 0, 0xFF})
	img.Set(2, 0, color.RGBA{0, 0, 0xFF, 0xFF})
	img.Set(3, 0, color.RGBA{0x11, 0x22, 0x33, 0xFF})
	if got, want := PackBGR24(img, img.Bounds()), hx(t, "0000FF 00FF00 FF0000 332211"); !bytes.Equal(got, want) {
		t.Fatalf("BGR24: % X", got)
	}
	// RGB565 high byte first: red F800, green 07E0, blue 001F.
	if got, want := PackRGB565(img, img.Bounds()), hx(t, "F800 07E0 001F 1106"); !bytes.Equal(got, want) {
		t.Fatalf("RGB565: % X", got)
	}
	// A sub-rectangle takes those pixels only.
	if got := PackBGR24(img, image.Rect(3, 0, 4, 1)); !bytes.Equal(got, hx(t, "332211")) {
		t.Fatalf("area: % X", got)
	}
	if n := len(PackBGR24(image.NewRGBA(image.Rect(0, 0, 800, 480)), image.Rect(0, 0, 800, 480))); n != 1152000 {
		t.Fatalf("a full 800×480 frame is %d bytes", n)
	}
}

// The fast paths for RGBA, NRGBA and Gray read what At would.
func TestPixelFastPaths(t *testing.T) {
	r := image.Rect(0, 0, 16, 16)
	rgba, nrgba := image.NewRGBA(r), image.NewNRGBA(r)
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(i*37 + i/4*11)
	}
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			rgba.Set(x, y, nrgba.At(x, y))
		}
	}
	gray := image.NewGray(r)
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i)
	}
	for _, img := range []image.Image{rgba, nrgba, gray} {
		px := newPixels(img)
		for y := 0; y < 16; y++ {
			for x := 0; x < 16; x++ {
				r1, g1, b1 := px.at(x, y)
				r2, g2, b2 := rgb8(img.At(x, y))
				if r1 != r2 || g1 != g2 || b1 != b2 {
					t.Fatalf("%T at %d,%d: fast %d,%d,%d, At %d,%d,%d", img, x, y, r1, g1, b1, r2, g2, b2)
				}
			}
		}
	}
}

func TestCompressZlib(t *testing.T) {
	data := PackMono(image.NewGray(image.Rect(0, 0, 320, 200)), image.Rect(0, 0, 320, 200))
	z, err := CompressZlib(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(z) >= len(data) || z[0] != 0x78 {
		t.Fatalf("%d bytes from %d, header %02X", len(z), len(data), z[0])
	}
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("round trip: %v", err)
	}
}

func TestCanSend(t *testing.T) {
	for _, tc := range []struct {
		s    StatusCode
		id   ReportID
		d    Direction
		want bool
	}{
		{StatusReady, ReportStartImageData, Set, true},
		{StatusImage, ReportStartImageData, Set, false},
		{StatusImage, ReportImageDataBlock, Set, true},
		{StatusReady, ReportImageDataBlock, Set, false},
		{StatusImage, ReportEndImageData, Set, true},
		{StatusCapture, ReportEndCapture, Set, true},
		{StatusReady, ReportEndCapture, Set, false},
		{StatusRomBusy, ReportStatus, Get, true},
		{StatusSystemReset, ReportStatus, Get, false},
		{StatusRomBusy, ReportInkingMode, Set, false},
		{StatusCapture, ReportInkingMode, Set, true},
		{StatusImage, ReportClearScreen, Set, false},
		{StatusReady, ReportID(0x99), Set, true},
		{StatusImage, ReportID(0x99), Set, false},
		{StatusCode(0x42), ReportStatus, Get, false},
	} {
		if got := CanSend(tc.s, tc.id, tc.d); got != tc.want {
			t.Errorf("%v %s %v: %v", tc.s, tc.d, tc.id, got)
		}
	}
}

func TestStateErrorMatches(t *testing.T) {
	for _, tc := range []struct {
		e                             *StateError
		notReady, rejected, unsupport bool
	}{
		{&StateError{Report: ReportClearScreen, Status: StatusCalculation}, true, false, false},
		{&StateError{Report: ReportClearScreen, Result: ResultWrongState}, true, true, false},
		{&StateError{Report: ReportHandwritingDisplayArea, Result: ResultGraphicsArea}, false, true, false},
		{&StateError{Report: ReportEserial, Result: ResultWrongReportID}, false, true, true},
		{&StateError{Report: ReportStartImageData, Result: ResultGraphicsWrongMode}, false, true, true},
	} {
		err := error(tc.e)
		if errors.Is(err, sigpad.ErrNotReady) != tc.notReady || errors.Is(err, sigpad.ErrRejected) != tc.rejected ||
			errors.Is(err, sigpad.ErrUnsupported) != tc.unsupport {
			t.Errorf("%v: notReady %v rejected %v unsupported %v", err, errors.Is(err, sigpad.ErrNotReady),
				errors.Is(err, sigpad.ErrRejected), errors.Is(err, sigpad.ErrUnsupported))
		}
	}
	e := &StateError{Report: ReportHandwritingDisplayArea, Dir: Set, Status: StatusReady, Result: ResultGraphicsArea}
	if !strings.Contains(e.Error(), "bad image or handwriting area") || !strings.Contains(e.Error(), "HandwritingDisplayArea (2A)") {
		t.Fatal(e.Error())
	}
}

func TestModelTable(t *testing.T) {
	seen := map[uint16]bool{}
	for _, m := range Models() {
		if seen[m.ProductID] || m.ProductID < ProductIDMin || m.ProductID > ProductIDMax {
			t.Errorf("PID %04X", m.ProductID)
		}
		seen[m.ProductID] = true
		if got, ok := ModelByName(m.Name); !ok || got.ProductID != m.ProductID {
			t.Errorf("%s by name", m.Name)
		}
	}
	if m, _ := ModelByPID(0x00A8); m.Name != "STU-540" || m.ScreenWidth != 800 || m.ColorDepth != 24 {
		t.Fatalf("%+v", m)
	}
	if m := pickModel(0x00AE, ""); m.Name != "STU" || m.features != feat430 {
		t.Fatalf("unknown PID: %+v", m)
	}
}
