package escpos

import (
	"fmt"
	"sort"
)

// Charset is which GB codes a printer's ROM font prints as text. Whatever
// it cannot print is drawn as a raster image instead (see Profile.Printable).
type Charset int

const (
	// CharsetGBK: two-byte GB18030 codes (the GBK areas 1–5) print;
	// four-byte codes do not. The default: most Chinese thermal printers
	// that say "GB18030" support only the two-byte zones (spec §1.2).
	CharsetGBK Charset = iota
	// CharsetGB2312: only the GB2312 code space (lead byte A1–A9 or B0–F7,
	// trail byte A1–FE) prints, for printers whose manual names GB2312 only.
	CharsetGB2312
	// CharsetGB18030: four-byte GB18030 codes print as well (a printer
	// with a full GB18030 font).
	CharsetGB18030
)

// String names the charset.
func (c Charset) String() string {
	switch c {
	case CharsetGBK:
		return "gbk"
	case CharsetGB2312:
		return "gb2312"
	case CharsetGB18030:
		return "gb18030"
	}
	return fmt.Sprintf("Charset(%d)", int(c))
}

// CutMode is how a job ends.
type CutMode int

const (
	// CutFeedPartial: GS V 66 n, feed to the cutter (plus n units) and cut
	// partially — the default: the paper stays attached by a bridge and
	// does not fall on the floor.
	CutFeedPartial CutMode = iota
	// CutFeedFull: GS V 65 n, feed to the cutter and cut fully.
	CutFeedFull
	// CutPartial: GS V 1, cut partially where the paper is (after the
	// profile's FeedLines), for firmware without the feed-and-cut form.
	CutPartial
	// CutFull: GS V 0, cut fully where the paper is (after FeedLines).
	CutFull
	// CutNone: no cutter; FeedLines bring the last line past the tear bar.
	CutNone
)

// String names the cut mode.
func (c CutMode) String() string {
	switch c {
	case CutFeedPartial:
		return "feed-partial"
	case CutFeedFull:
		return "feed-full"
	case CutPartial:
		return "partial"
	case CutFull:
		return "full"
	case CutNone:
		return "none"
	}
	return fmt.Sprintf("CutMode(%d)", int(c))
}

// Profile is what differs between printer models. Take a named one
// (ProfileByName, Generic58 …) and change fields to build a custom one;
// Validate checks it, and Layout validates the profile it is given.
type Profile struct {
	// Name identifies the profile in errors and logs.
	Name string
	// PaperMM is the paper width, 58 or 80 (informational).
	PaperMM int
	// Dots is the printable width in dots: 384 on 58 mm, 576 on 80 mm.
	// Font A is 12 dots a column, so the line has Dots/12 columns.
	Dots int
	// Charset is which GB codes the ROM font prints (default two-byte).
	Charset Charset
	// NativeQR prints QR codes with GS ( k; otherwise (the default) they
	// are drawn here and sent as a raster image, because many clones have
	// no QR engine and print the payload as text or nothing (spec §1.3).
	NativeQR bool
	// QRModule is the QR module size in dots (1–16); a raster QR is made
	// smaller if it would not fit the paper.
	QRModule int
	// QRLevel is the QR error-correction level.
	QRLevel QRLevel
	// Cut is how a job ends.
	Cut CutMode
	// CutN is the n of GS V 65/66 n: extra feed beyond the cutting
	// position, in vertical motion units (0–255).
	CutN int
	// FeedLines are lines fed (ESC d n) before the cut command: for
	// CutPartial/CutFull, whose paper must first clear the head-to-cutter
	// gap, for CutNone to reach the tear bar, and for printers that may
	// lack a cutter and ignore GS V (0–255).
	FeedLines int
	// BandRows is the most rows one GS v 0 command carries; taller images
	// are sent in bands (1–2303).
	BandRows int
	// LineDots is the line spacing set with ESC 3 n, in dots (24–255): a
	// font-A line is 24 dots of glyph plus LineDots-24 of gap.
	LineDots int
	// BarcodeModule is the Code 128 module width in dots (GS w, 1–6); a
	// barcode that would not fit is printed with narrower modules.
	BarcodeModule int
	// BarcodeHeight is the bar height in dots (GS h, 1–255).
	BarcodeHeight int
	// Blind is a printer that answers nothing (a unidirectional USB or
	// serial link): a job then does not end with the GS r marker, and the
	// caller must not wait for status.
	Blind bool
	// StatusMarker is n of the GS r n that ends a job: 0x01 (clones may
	// accept only the binary form) or 0x31 (Epson).
	StatusMarker byte
	// NearEndSensor says the model has a paper-near-end sensor; without
	// one, "not near end" in a reply means nothing (see Profile.Adjust).
	NearEndSensor bool
}

// Generic58 is a 58 mm ESC/POS clone (Xprinter, 佳博, 芯烨): 384 dots, 32
// columns, two-byte GB codes, raster QR, GS r 1, and four lines fed before
// the cut so that a model without a cutter also clears its tear bar.
func Generic58() Profile {
	return Profile{
		Name: "generic58", PaperMM: 58, Dots: 384,
		Charset: CharsetGBK, QRModule: 4, QRLevel: QRLevelM,
		Cut: CutFeedPartial, FeedLines: 4,
		BandRows: 255, LineDots: 30,
		BarcodeModule: 2, BarcodeHeight: 80,
		StatusMarker: 0x01,
	}
}

// Generic80 is an 80 mm ESC/POS clone with a cutter: 576 dots, 48
// columns, two-byte GB codes, raster QR, GS V 66 0, GS r 1.
func Generic80() Profile {
	p := Generic58()
	p.Name, p.PaperMM, p.Dots, p.FeedLines = "generic80", 80, 576, 0
	return p
}

// Epson80 is an Epson TM (TM-T88, TM-T82 Simplified Chinese models): 576
// dots, native QR (GS ( k), GS r 49, and a near-end sensor.
func Epson80() Profile {
	p := Generic80()
	p.Name, p.NativeQR, p.StatusMarker, p.NearEndSensor = "epson80", true, 0x31, true
	return p
}

// Blind58 is a 58 mm printer on a link that returns nothing and has no
// cutter: the job ends with a feed to the tear bar and no GS r marker.
func Blind58() Profile {
	p := Generic58()
	p.Name, p.Blind, p.Cut = "blind58", true, CutNone
	return p
}

func namedProfiles() map[string]func() Profile {
	return map[string]func() Profile{
		"generic58": Generic58,
		"generic80": Generic80,
		"epson80":   Epson80,
		"blind58":   Blind58,
	}
}

// ProfileNames lists the named profiles, sorted.
func ProfileNames() []string {
	var names []string
	for n := range namedProfiles() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ProfileByName returns a named profile: generic58, generic80, epson80 or
// blind58.
func ProfileByName(name string) (Profile, error) {
	f, ok := namedProfiles()[name]
	if !ok {
		return Profile{}, &ProfileError{Profile: name, Field: "Name", Detail: fmt.Sprintf("unknown; one of %v", ProfileNames())}
	}
	return f(), nil
}

// Columns is the number of font-A columns on a line (Dots/12).
func (p Profile) Columns() int { return p.Dots / 12 }

// Validate checks every field's range.
func (p Profile) Validate() error {
	bad := func(field, format string, a ...any) error {
		return &ProfileError{Profile: p.Name, Field: field, Detail: fmt.Sprintf(format, a...)}
	}
	switch {
	case p.Dots < 96 || p.Dots > 2048 || p.Dots%8 != 0:
		return bad("Dots", "%d; a multiple of 8 from 96 to 2048", p.Dots)
	case p.Charset < CharsetGBK || p.Charset > CharsetGB18030:
		return bad("Charset", "%d unknown", int(p.Charset))
	case p.QRModule < 1 || p.QRModule > 16:
		return bad("QRModule", "%d; 1 to 16", p.QRModule)
	case p.QRLevel < QRLevelL || p.QRLevel > QRLevelH:
		return bad("QRLevel", "%d unknown", int(p.QRLevel))
	case p.Cut < CutFeedPartial || p.Cut > CutNone:
		return bad("Cut", "%d unknown", int(p.Cut))
	case p.CutN < 0 || p.CutN > 255:
		return bad("CutN", "%d; 0 to 255", p.CutN)
	case p.FeedLines < 0 || p.FeedLines > 255:
		return bad("FeedLines", "%d; 0 to 255", p.FeedLines)
	case p.BandRows < 1 || p.BandRows > 2303:
		return bad("BandRows", "%d; 1 to 2303", p.BandRows)
	case p.LineDots < 24 || p.LineDots > 255:
		return bad("LineDots", "%d; 24 to 255", p.LineDots)
	case p.BarcodeModule < 1 || p.BarcodeModule > 6:
		return bad("BarcodeModule", "%d; 1 to 6", p.BarcodeModule)
	case p.BarcodeHeight < 1 || p.BarcodeHeight > 255:
		return bad("BarcodeHeight", "%d; 1 to 255", p.BarcodeHeight)
	case p.StatusMarker != 0x01 && p.StatusMarker != 0x31:
		return bad("StatusMarker", "%#02x; 0x01 or 0x31", p.StatusMarker)
	}
	return nil
}

// Adjust makes a status reply honest for this model: a printer without a
// near-end sensor always says "not near end", which then means "unknown",
// so NearEndKnown is cleared (a reply that does say near end is kept).
func (p Profile) Adjust(s Status) Status {
	if !p.NearEndSensor && !s.PaperNearEnd {
		s.NearEndKnown = false
	}
	return s
}
