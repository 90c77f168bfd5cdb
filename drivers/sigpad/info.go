package sigpad

import (
	"fmt"
	"image"
)

// Info identifies a pad.
type Info struct {
	Vendor    string // "Wacom", "Hanvon"
	Model     string // "STU-540", "ESP370U"
	VendorID  uint16 // USB VID, e.g. 0x056A
	ProductID uint16 // USB PID, e.g. 0x00A8
	// Firmware is the pad's firmware version as the vendor prints it
	// ("1.00"); empty when the pad does not say.
	Firmware string
	// Serial is the pad's own unique ID where it has one: the eSerial on an
	// STU-540, else the Uid2 hardware ID; empty when it has none.
	Serial string
	// UID2 is the Wacom Uid2 hardware ID (430, 530, 540); empty elsewhere.
	UID2 string
	// ESerial is the Wacom electronic serial number (540); empty elsewhere.
	ESerial string
}

// String formats the pad for logs: `Wacom STU-540 (056A:00A8) fw 1.00
// serial "…"`.
func (i Info) String() string {
	s := fmt.Sprintf("%s %s (%04X:%04X)", i.Vendor, i.Model, i.VendorID, i.ProductID)
	if i.Firmware != "" {
		s += " fw " + i.Firmware
	}
	if i.Serial != "" {
		s += fmt.Sprintf(" serial %q", i.Serial)
	}
	return s
}

// Encoding is a set of image encodings a pad's screen accepts.
type Encoding uint8

// The image encodings.
const (
	EncodingMono     Encoding = 1 << iota // 1 bit per pixel, uncompressed
	EncodingMonoZlib                      // 1 bit per pixel, zlib-compressed
	EncodingRGB565                        // 16 bits per pixel
	EncodingBGR24                         // 24 bits per pixel, B, G, R
)

// Has reports whether every encoding in x is in e.
func (e Encoding) Has(x Encoding) bool { return e&x == x }

// String lists the encodings: "mono+zlib+rgb565+bgr24", or "none".
func (e Encoding) String() string {
	s := ""
	for _, n := range []struct {
		bit  Encoding
		name string
	}{{EncodingMono, "mono"}, {EncodingMonoZlib, "zlib"}, {EncodingRGB565, "rgb565"}, {EncodingBGR24, "bgr24"}} {
		if e&n.bit != 0 {
			if s != "" {
				s += "+"
			}
			s += n.name
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

// Capabilities are what a pad can do and the ranges of what it reports.
type Capabilities struct {
	TabletMaxX, TabletMaxY int // pen coordinates run from 0 to these
	MaxPressure            int // pressure runs from 0 to this
	// ScreenWidth and ScreenHeight are the LCD's size in pixels.
	ScreenWidth, ScreenHeight int
	// ReportRate is how many pen reports the pad sends per second.
	ReportRate int
	// Resolution is tablet units per inch (2540: 0.01 mm per unit); 0 when
	// unknown.
	Resolution int
	// ColorDepth is the LCD's bits per pixel: 1 (mono), 16 or 24.
	ColorDepth int
	// Encodings are the image encodings the screen accepts; none when the
	// pad takes no images.
	Encodings Encoding
	// PadClock says samples carry the pad's own time count and sequence
	// number (Sample.TimeFromPad, Sample.HasSeq) once Start has run.
	PadClock bool
}

// Screen is the LCD as a rectangle in pixels, origin top left.
func (c Capabilities) Screen() image.Rectangle {
	return image.Rect(0, 0, c.ScreenWidth, c.ScreenHeight)
}

// ScreenPoint converts pen coordinates in tablet units to LCD pixels
// (x·ScreenWidth/TabletMaxX, likewise for y), clamped to the screen. A
// pad with unknown ranges maps everything to the origin.
func (c Capabilities) ScreenPoint(x, y int) image.Point {
	return image.Pt(scale(x, c.ScreenWidth, c.TabletMaxX), scale(y, c.ScreenHeight, c.TabletMaxY))
}

func scale(v, px, max int) int {
	if max <= 0 || px <= 0 || v <= 0 {
		return 0
	}
	p := int(int64(v) * int64(px) / int64(max))
	if p >= px {
		p = px - 1
	}
	return p
}
