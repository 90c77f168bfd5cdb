package wacomstu

import "fmt"

// ReportID is the first byte of every STU report.
type ReportID byte

// The reports this driver uses (spec §1.4).
const (
	ReportPenData                     ReportID = 0x01 // in: 6 bytes of pen data
	ReportStatus                      ReportID = 0x03 // get: state and lastResultCode
	ReportReset                       ReportID = 0x04 // set: 00 soft, 01 hard
	ReportInformation                 ReportID = 0x08 // get: model name and firmware
	ReportCapability                  ReportID = 0x09 // get: ranges and encodings
	ReportUID                         ReportID = 0x0A // get/set: 32-bit ID in NVRAM
	ReportUID2                        ReportID = 0x0B // get: 10-character hardware ID
	ReportEserial                     ReportID = 0x0F // get: 13-character electronic serial
	ReportPenDataEncrypted            ReportID = 0x10 // in: encrypted pen data (not used)
	ReportEndCapture                  ReportID = 0x16 // set: end an encrypted session
	ReportClearScreen                 ReportID = 0x20 // set: 00
	ReportInkingMode                  ReportID = 0x21 // get/set: 00 off, 01 on
	ReportInkThreshold                ReportID = 0x22 // get/set: on, off pressure (LE16)
	ReportClearScreenArea             ReportID = 0x23 // set: 00 01 rect
	ReportStartImageDataArea          ReportID = 0x24 // set: mode, 01, rect
	ReportStartImageData              ReportID = 0x25 // set: mode
	ReportImageDataBlock              ReportID = 0x26 // set: length LE16, data, padded to 256
	ReportEndImageData                ReportID = 0x27 // set: 00 commit, 01 abandon
	ReportHandwritingThicknessColor   ReportID = 0x28 // get/set: RGB565 LE16, thickness
	ReportBackgroundColor             ReportID = 0x29 // get/set: RGB565 LE16 (NVRAM)
	ReportHandwritingDisplayArea      ReportID = 0x2A // get/set: rect
	ReportBacklightBrightness         ReportID = 0x2B // get/set: LE16 (NVRAM)
	ReportHandwritingThicknessColor24 ReportID = 0x2D // get/set: B, G, R, thickness
	ReportBackgroundColor24           ReportID = 0x2E // get/set: B, G, R (NVRAM)
	ReportPenDataOptionMode           ReportID = 0x32 // get/set: 00 none … 03 time count + sequence
	ReportPenDataTimeCountSeqEnc      ReportID = 0x33 // in: encrypted (not used)
	ReportPenDataTimeCountSequence    ReportID = 0x34 // in: pen data, time count, sequence
)

var reportNames = map[ReportID]string{
	ReportPenData:                     "PenData",
	ReportStatus:                      "Status",
	ReportReset:                       "Reset",
	ReportInformation:                 "Information",
	ReportCapability:                  "Capability",
	ReportUID:                         "Uid",
	ReportUID2:                        "Uid2",
	ReportEserial:                     "Eserial",
	ReportPenDataEncrypted:            "PenDataEncrypted",
	ReportEndCapture:                  "EndCapture",
	ReportClearScreen:                 "ClearScreen",
	ReportInkingMode:                  "InkingMode",
	ReportInkThreshold:                "InkThreshold",
	ReportClearScreenArea:             "ClearScreenArea",
	ReportStartImageDataArea:          "StartImageDataArea",
	ReportStartImageData:              "StartImageData",
	ReportImageDataBlock:              "ImageDataBlock",
	ReportEndImageData:                "EndImageData",
	ReportHandwritingThicknessColor:   "HandwritingThicknessColor",
	ReportBackgroundColor:             "BackgroundColor",
	ReportHandwritingDisplayArea:      "HandwritingDisplayArea",
	ReportBacklightBrightness:         "BacklightBrightness",
	ReportHandwritingThicknessColor24: "HandwritingThicknessColor24",
	ReportBackgroundColor24:           "BackgroundColor24",
	ReportPenDataOptionMode:           "PenDataOptionMode",
	ReportPenDataTimeCountSeqEnc:      "PenDataTimeCountSequenceEncrypted",
	ReportPenDataTimeCountSequence:    "PenDataTimeCountSequence",
}

// String names the report as the SDK does: "Status (03)".
func (r ReportID) String() string {
	if n, ok := reportNames[r]; ok {
		return fmt.Sprintf("%s (%02X)", n, byte(r))
	}
	return fmt.Sprintf("report %02X", byte(r))
}

// reportSize is the length of a report including its ID byte, as an
// STU-430V lists them (spec §1.4) and the SDK's encoders build them; the
// driver sends and asks for exactly these.
var reportSize = map[ReportID]int{
	ReportPenData:                     7,
	ReportStatus:                      5,
	ReportReset:                       2,
	ReportInformation:                 17,
	ReportCapability:                  17,
	ReportUID:                         5,
	ReportUID2:                        11,
	ReportEserial:                     14,
	ReportEndCapture:                  2,
	ReportClearScreen:                 2,
	ReportInkingMode:                  2,
	ReportInkThreshold:                5,
	ReportClearScreenArea:             11,
	ReportStartImageDataArea:          11,
	ReportStartImageData:              2,
	ReportImageDataBlock:              256,
	ReportEndImageData:                2,
	ReportHandwritingThicknessColor:   4,
	ReportBackgroundColor:             3,
	ReportHandwritingDisplayArea:      9,
	ReportBacklightBrightness:         3,
	ReportHandwritingThicknessColor24: 5,
	ReportBackgroundColor24:           4,
	ReportPenDataOptionMode:           2,
	ReportPenDataTimeCountSequence:    11,
}

// sizeOf is the report's length including the ID byte.
func sizeOf(id ReportID) int {
	if n, ok := reportSize[id]; ok {
		return n
	}
	return 1
}
