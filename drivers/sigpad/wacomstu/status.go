package wacomstu

import (
	"encoding/binary"
	"fmt"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// StatusCode is the pad's state, the first byte of Status (spec §1.3).
type StatusCode byte

// The pad's states.
const (
	StatusReady       StatusCode = 0x00 // takes every command
	StatusImage       StatusCode = 0x01 // between StartImageData and EndImageData
	StatusCapture     StatusCode = 0x02 // an encrypted session is running
	StatusCalculation StatusCode = 0x03 // computing keys
	StatusImageBoot   StatusCode = 0x04 // showing the boot image
	StatusRomBusy     StatusCode = 0x05 // busy with ROM images
	StatusSystemReset StatusCode = 0xFF // resetting
)

// String names the state.
func (s StatusCode) String() string {
	switch s {
	case StatusReady:
		return "Ready"
	case StatusImage:
		return "Image"
	case StatusCapture:
		return "Capture"
	case StatusCalculation:
		return "Calculation"
	case StatusImageBoot:
		return "Image_Boot"
	case StatusRomBusy:
		return "RomBusy"
	case StatusSystemReset:
		return "SystemReset"
	}
	return fmt.Sprintf("state %02X", byte(s))
}

// ResultCode is the pad's verdict on the last report it received, the
// second byte of Status (lastResultCode, spec §1.3).
type ResultCode byte

// The result codes.
const (
	ResultNone              ResultCode = 0x00
	ResultWrongReportID     ResultCode = 0x01
	ResultWrongState        ResultCode = 0x02
	ResultCRC               ResultCode = 0x03
	ResultBadParameter      ResultCode = 0x04
	ResultGraphicsWrongMode ResultCode = 0x10
	ResultGraphicsTooLong   ResultCode = 0x11
	ResultGraphicsZlib      ResultCode = 0x12
	ResultGraphicsArea      ResultCode = 0x15
	ResultPadImageMissing   ResultCode = 0x20
	ResultRomSizeOverflow   ResultCode = 0x33
	ResultRomInvalidParam   ResultCode = 0x34
	ResultRomErrorCRC       ResultCode = 0x35
)

var resultMeanings = map[ResultCode]string{
	ResultNone:              "no error",
	ResultWrongReportID:     "wrong report ID: the model does not have this report",
	ResultWrongState:        "wrong state: the report is not accepted in the pad's current state",
	ResultCRC:               "CRC error (serial mode)",
	ResultBadParameter:      "bad parameter",
	ResultGraphicsWrongMode: "wrong image encoding for this pad",
	ResultGraphicsTooLong:   "image data too long",
	ResultGraphicsZlib:      "zlib error in the image data",
	ResultGraphicsArea:      "bad image or handwriting area",
	ResultPadImageMissing:   "pad image missing",
	ResultRomSizeOverflow:   "ROM image too large",
	ResultRomInvalidParam:   "ROM: invalid parameter",
	ResultRomErrorCRC:       "ROM: CRC error",
}

// String gives the code with its meaning: "02 (wrong state: …)".
func (r ResultCode) String() string {
	return fmt.Sprintf("%02X (%s)", byte(r), r.Meaning())
}

// Meaning says what the code means.
func (r ResultCode) Meaning() string {
	if m, ok := resultMeanings[r]; ok {
		return m
	}
	return "unknown result code"
}

// Status is the decoded Status report.
type Status struct {
	Code       StatusCode
	LastResult ResultCode
	Word       uint16 // statusWord, reserved
}

// DecodeStatus decodes a Status report (report ID first, at least 5
// bytes; longer reports are fine).
func DecodeStatus(b []byte) (Status, error) {
	if len(b) < 5 || ReportID(b[0]) != ReportStatus {
		return Status{}, badReport(ReportStatus, b, 5)
	}
	return Status{Code: StatusCode(b[1]), LastResult: ResultCode(b[2]), Word: binary.BigEndian.Uint16(b[3:5])}, nil
}

// badReport is the error for a report that is too short or has the wrong
// ID.
func badReport(want ReportID, b []byte, n int) error {
	if len(b) == 0 {
		return fmt.Errorf("wacomstu: %v: empty report: %w", want, sigpad.ErrBadReport)
	}
	if ReportID(b[0]) != want {
		return fmt.Errorf("wacomstu: %v: got report %02X: %w", want, b[0], sigpad.ErrBadReport)
	}
	return fmt.Errorf("wacomstu: %v: %d bytes, want at least %d: %w", want, len(b), n, sigpad.ErrBadReport)
}
