package wacomstu

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// Rect is a rectangle on the LCD as the pad takes it: upper-left and
// lower-right corners, both inclusive (the STU-430V's default handwriting
// area is 0,0,319,199 on a 320×200 screen).
type Rect struct {
	UpperLeftX, UpperLeftY, LowerRightX, LowerRightY uint16
}

// RectOf converts an image.Rectangle (Max exclusive) to the pad's
// inclusive form. An empty rectangle, or one with negative coordinates or
// beyond 65535, is sigpad.ErrOffScreen.
func RectOf(r image.Rectangle) (Rect, error) {
	if r.Empty() || r.Min.X < 0 || r.Min.Y < 0 || r.Max.X > 0x10000 || r.Max.Y > 0x10000 {
		return Rect{}, fmt.Errorf("wacomstu: rectangle %v: %w", r, sigpad.ErrOffScreen)
	}
	return Rect{uint16(r.Min.X), uint16(r.Min.Y), uint16(r.Max.X - 1), uint16(r.Max.Y - 1)}, nil
}

// Rectangle converts back to an image.Rectangle.
func (r Rect) Rectangle() image.Rectangle {
	return image.Rect(int(r.UpperLeftX), int(r.UpperLeftY), int(r.LowerRightX)+1, int(r.LowerRightY)+1)
}

// put writes the four corners as little-endian 16-bit values.
func (r Rect) put(b []byte) {
	le := binary.LittleEndian
	le.PutUint16(b[0:], r.UpperLeftX)
	le.PutUint16(b[2:], r.UpperLeftY)
	le.PutUint16(b[4:], r.LowerRightX)
	le.PutUint16(b[6:], r.LowerRightY)
}

// DecodeHandwritingDisplayArea decodes a HandwritingDisplayArea report.
func DecodeHandwritingDisplayArea(b []byte) (Rect, error) {
	if len(b) < 9 || ReportID(b[0]) != ReportHandwritingDisplayArea {
		return Rect{}, badReport(ReportHandwritingDisplayArea, b, 9)
	}
	le := binary.LittleEndian
	return Rect{le.Uint16(b[1:]), le.Uint16(b[3:]), le.Uint16(b[5:]), le.Uint16(b[7:])}, nil
}

// report returns a report of id's size with the ID filled in.
func report(id ReportID) []byte {
	b := make([]byte, sizeOf(id))
	b[0] = byte(id)
	return b
}

// EncodeHandwritingDisplayArea is the report (2A) that sets where the pad
// inks.
func EncodeHandwritingDisplayArea(r Rect) []byte {
	b := report(ReportHandwritingDisplayArea)
	r.put(b[1:])
	return b
}

// EncodeReset is a soft (00) or hard (01) Reset (04). After a hard reset
// the device must be opened again.
func EncodeReset(hard bool) []byte {
	b := report(ReportReset)
	if hard {
		b[1] = 1
	}
	return b
}

// EncodeEndCapture ends an encrypted capture session (16 00).
func EncodeEndCapture() []byte { return report(ReportEndCapture) }

// EncodeClearScreen clears the LCD (20 00).
func EncodeClearScreen() []byte { return report(ReportClearScreen) }

// EncodeInkingMode turns local inking on (21 01) or off (21 00).
func EncodeInkingMode(on bool) []byte {
	b := report(ReportInkingMode)
	if on {
		b[1] = 1
	}
	return b
}

// EncodeInkThreshold sets the pressures at which ink starts and stops (22,
// little-endian).
func EncodeInkThreshold(on, off uint16) []byte {
	b := report(ReportInkThreshold)
	binary.LittleEndian.PutUint16(b[1:], on)
	binary.LittleEndian.PutUint16(b[3:], off)
	return b
}

// DecodeInkThreshold decodes an InkThreshold report.
func DecodeInkThreshold(b []byte) (on, off uint16, err error) {
	if len(b) < 5 || ReportID(b[0]) != ReportInkThreshold {
		return 0, 0, badReport(ReportInkThreshold, b, 5)
	}
	return binary.LittleEndian.Uint16(b[1:]), binary.LittleEndian.Uint16(b[3:]), nil
}

// PenDataOptionMode chooses what the pad sends with pen data.
type PenDataOptionMode byte

// The option modes (32).
const (
	OptionNone              PenDataOptionMode = 0x00 // plain PenData (01)
	OptionTimeCount         PenDataOptionMode = 0x01 // 520A only
	OptionSequence          PenDataOptionMode = 0x02
	OptionTimeCountSequence PenDataOptionMode = 0x03 // PenDataTimeCountSequence (34) on 430/530/540
)

// EncodePenDataOptionMode sets the option mode (32).
func EncodePenDataOptionMode(m PenDataOptionMode) []byte {
	b := report(ReportPenDataOptionMode)
	b[1] = byte(m)
	return b
}

// rgb8 returns c's 8-bit red, green and blue composited over white, so
// that a transparent pixel is white (paper), not black.
func rgb8(c color.Color) (r, g, b uint8) {
	if c == nil {
		return 0, 0, 0
	}
	r16, g16, b16, a16 := c.RGBA()
	return overWhite(r16, a16), overWhite(g16, a16), overWhite(b16, a16)
}

// RGB565 packs a colour into 16 bits: 5 red, 6 green, 5 blue.
func RGB565(c color.Color) uint16 {
	r, g, b := rgb8(c)
	return rgb565(r, g, b)
}

func rgb565(r, g, b uint8) uint16 {
	return uint16(r>>3)<<11 | uint16(g>>2)<<5 | uint16(b>>3)
}

// EncodeHandwritingThicknessColor24 sets the ink (2D): colour as B, G, R,
// then the thickness code. Mono pads honour the thickness only.
func EncodeHandwritingThicknessColor24(c color.Color, thickness uint8) []byte {
	b := report(ReportHandwritingThicknessColor24)
	r, g, bl := rgb8(c)
	b[1], b[2], b[3], b[4] = bl, g, r, thickness
	return b
}

// EncodeHandwritingThicknessColor sets the ink the 520A way (28): RGB565
// little-endian, then the thickness code.
func EncodeHandwritingThicknessColor(c color.Color, thickness uint8) []byte {
	b := report(ReportHandwritingThicknessColor)
	binary.LittleEndian.PutUint16(b[1:], RGB565(c))
	b[3] = thickness
	return b
}

// EncodeBackgroundColor24 sets the background (2E, NVRAM): B, G, R.
func EncodeBackgroundColor24(c color.Color) []byte {
	b := report(ReportBackgroundColor24)
	r, g, bl := rgb8(c)
	b[1], b[2], b[3] = bl, g, r
	return b
}

// EncodeBackgroundColor sets the background the 520A way (29, NVRAM):
// RGB565 little-endian.
func EncodeBackgroundColor(c color.Color) []byte {
	b := report(ReportBackgroundColor)
	binary.LittleEndian.PutUint16(b[1:], RGB565(c))
	return b
}

// EncodeBacklightBrightness sets the backlight (2B, NVRAM): 0 (dim) to 3
// (bright), little-endian.
func EncodeBacklightBrightness(level uint16) []byte {
	b := report(ReportBacklightBrightness)
	binary.LittleEndian.PutUint16(b[1:], level)
	return b
}

// EncodeUID sets the 32-bit Uid (0A, NVRAM), big-endian as the SDK sends
// it.
func EncodeUID(uid uint32) []byte {
	b := report(ReportUID)
	binary.BigEndian.PutUint32(b[1:], uid)
	return b
}
