package wacomstu

import (
	"encoding/binary"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// PenData is one pen sample as the pad reports it (spec §1.5).
type PenData struct {
	Rdy      bool   // byte 0 bit 7: the pen is in proximity
	Sw       uint8  // byte 0 bits 6..4: switch state, non-zero while the tip touches
	Pressure uint16 // 12 bits: byte 0 bits 3..0, then byte 1
	X, Y     uint16 // big-endian, tablet units
}

// PenDataTimeCountSequence is a pen sample with the pad's time count
// (milliseconds, wraps at 0xFFFF) and report counter (wraps).
type PenDataTimeCountSequence struct {
	PenData
	TimeCount uint16
	Sequence  uint16
}

// decodePen decodes the 6 pen bytes at the start of p (len(p) ≥ 6).
func decodePen(p []byte) PenData {
	return PenData{
		Rdy:      p[0]&0x80 != 0,
		Sw:       (p[0] >> 4) & 0x07,
		Pressure: uint16(p[0]&0x0F)<<8 | uint16(p[1]),
		X:        binary.BigEndian.Uint16(p[2:4]),
		Y:        binary.BigEndian.Uint16(p[4:6]),
	}
}

// DecodePenData decodes a PenData report (01; report ID first, at least 7
// bytes; the padding a Windows HID read adds is ignored).
func DecodePenData(b []byte) (PenData, error) {
	if len(b) < 7 || ReportID(b[0]) != ReportPenData {
		return PenData{}, badReport(ReportPenData, b, 7)
	}
	return decodePen(b[1:7]), nil
}

// DecodePenDataTimeCountSequence decodes a PenDataTimeCountSequence report
// (34; report ID first, at least 11 bytes): the 6 pen bytes, the time
// count (BE16) and the sequence number (BE16).
func DecodePenDataTimeCountSequence(b []byte) (PenDataTimeCountSequence, error) {
	if len(b) < 11 || ReportID(b[0]) != ReportPenDataTimeCountSequence {
		return PenDataTimeCountSequence{}, badReport(ReportPenDataTimeCountSequence, b, 11)
	}
	return PenDataTimeCountSequence{
		PenData:   decodePen(b[1:7]),
		TimeCount: binary.BigEndian.Uint16(b[7:9]),
		Sequence:  binary.BigEndian.Uint16(b[9:11]),
	}, nil
}

// Sample converts the pen data to the shared Sample, without a time.
func (p PenData) Sample() sigpad.Sample {
	return sigpad.Sample{
		X:           int(p.X),
		Y:           int(p.Y),
		Pressure:    int(p.Pressure),
		InProximity: p.Rdy,
		Touching:    p.Sw != 0,
	}
}

// EncodePenData is the inverse of DecodePenData, for simulators and tests:
// sw is masked to 3 bits and pressure to 12.
func EncodePenData(p PenData) []byte {
	b := make([]byte, 7)
	b[0] = byte(ReportPenData)
	putPen(b[1:], p)
	return b
}

// EncodePenDataTimeCountSequence is the inverse of
// DecodePenDataTimeCountSequence, for simulators and tests.
func EncodePenDataTimeCountSequence(p PenDataTimeCountSequence) []byte {
	b := make([]byte, 11)
	b[0] = byte(ReportPenDataTimeCountSequence)
	putPen(b[1:], p.PenData)
	binary.BigEndian.PutUint16(b[7:], p.TimeCount)
	binary.BigEndian.PutUint16(b[9:], p.Sequence)
	return b
}

func putPen(b []byte, p PenData) {
	if p.Rdy {
		b[0] = 0x80
	}
	b[0] |= (p.Sw&0x07)<<4 | byte(p.Pressure>>8)&0x0F
	b[1] = byte(p.Pressure)
	binary.BigEndian.PutUint16(b[2:], p.X)
	binary.BigEndian.PutUint16(b[4:], p.Y)
}
