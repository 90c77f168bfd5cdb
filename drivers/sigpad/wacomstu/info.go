package wacomstu

import (
	"encoding/binary"
	"fmt"
)

// Information is the decoded Information report.
type Information struct {
	ModelName       string // "STU-540"
	FirmwareMajor   uint8
	FirmwareMinor   uint8
	SecureIC        uint8
	SecureICVersion [4]byte
}

// Firmware formats the version as Wacom's tools print it: "1.00".
func (i Information) Firmware() string {
	return fmt.Sprintf("%d.%02d", i.FirmwareMajor, i.FirmwareMinor)
}

// DecodeInformation decodes an Information report (report ID first, 17
// bytes): a 9-byte NUL-padded ASCII model name, firmware major and minor,
// the secure IC and its 4-byte version.
func DecodeInformation(b []byte) (Information, error) {
	if len(b) < 17 || ReportID(b[0]) != ReportInformation {
		return Information{}, badReport(ReportInformation, b, 17)
	}
	var i Information
	i.ModelName = cString(b[1:10])
	i.FirmwareMajor, i.FirmwareMinor, i.SecureIC = b[10], b[11], b[12]
	copy(i.SecureICVersion[:], b[13:17])
	return i, nil
}

// Capability is the decoded Capability report.
type Capability struct {
	TabletMaxX, TabletMaxY    uint16
	TabletMaxPressure         uint16
	ScreenWidth, ScreenHeight uint16
	// MaxReportRate, Resolution and EncodingFlag are 0 on the STU-300 and
	// 500, whose report ends before them.
	MaxReportRate uint8
	Resolution    uint16 // tablet units per inch
	EncodingFlag  EncodingFlag
}

// DecodeCapability decodes a Capability report (report ID first): five
// big-endian 16-bit values, then, where the report is long enough, the
// report rate, the resolution (BE16) and the encodingFlag. The SDK reads
// the last three only from a report longer than 11 bytes.
func DecodeCapability(b []byte) (Capability, error) {
	if len(b) < 11 || ReportID(b[0]) != ReportCapability {
		return Capability{}, badReport(ReportCapability, b, 11)
	}
	be := binary.BigEndian
	c := Capability{
		TabletMaxX:        be.Uint16(b[1:]),
		TabletMaxY:        be.Uint16(b[3:]),
		TabletMaxPressure: be.Uint16(b[5:]),
		ScreenWidth:       be.Uint16(b[7:]),
		ScreenHeight:      be.Uint16(b[9:]),
	}
	if len(b) >= 15 {
		c.MaxReportRate = b[11]
		c.Resolution = be.Uint16(b[12:])
		c.EncodingFlag = EncodingFlag(b[14])
	}
	return c, nil
}

// DecodeUID2 decodes a Uid2 report: up to 10 ASCII characters, NUL-ended.
func DecodeUID2(b []byte) (string, error) {
	if len(b) < 11 || ReportID(b[0]) != ReportUID2 {
		return "", badReport(ReportUID2, b, 11)
	}
	return cString(b[1:11]), nil
}

// DecodeEserial decodes an Eserial report: up to 13 ASCII characters,
// NUL-ended.
func DecodeEserial(b []byte) (string, error) {
	if len(b) < 14 || ReportID(b[0]) != ReportEserial {
		return "", badReport(ReportEserial, b, 14)
	}
	return cString(b[1:14]), nil
}

// cString returns b up to its first NUL, with anything but printable ASCII
// replaced by '?', so that a garbled report cannot put control characters
// into logs.
func cString(b []byte) string {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		if c < 0x20 || c > 0x7E {
			c = '?'
		}
		out = append(out, c)
	}
	return string(out)
}
