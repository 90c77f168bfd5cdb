package stusim

import (
	"encoding/binary"
	"time"
)

// clock is the pad's millisecond counter (the time count of report 34). It
// runs with the wall clock between pen activity; while the virtual hand
// writes it advances by exactly the samples' spacing, whatever Speed is.
type clock struct {
	ms uint64
	at time.Time
}

func (c clock) now(t time.Time) uint64 {
	if t.Before(c.at) {
		return c.ms
	}
	return c.ms + uint64(t.Sub(c.at)/time.Millisecond)
}

// sample is one position of the pen as the digitiser senses it.
type sample struct {
	x, y     uint16 // tablet units
	pressure uint16 // 0…tabletMaxPressure
	rdy      bool   // in proximity
	touch    bool   // the tip is on the glass
}

// PenReport is one decoded pen report, as the SDK lays it out (§1.5).
type PenReport struct {
	Rdy       bool   // pen in proximity (byte 0 bit 7)
	Sw        uint8  // switch state, non-zero while the tip touches (bits 6..4)
	Pressure  uint16 // 12 bits: byte 0 bits 3..0 and byte 1
	X, Y      uint16 // tablet units, big-endian
	TimeCount uint16 // ms, wraps; 34 reports only
	Sequence  uint16 // report counter, wraps; 34 reports only
	Timed     bool   // a 34 report (with time count and sequence)
}

// EncodePenData writes the 6 pen bytes shared by reports 01 and 34 into
// b (at least 6 bytes; a shorter b is left alone).
func EncodePenData(b []byte, r PenReport) {
	if len(b) < 6 {
		return
	}
	b[0] = byte(r.Pressure>>8)&0x0F | (r.Sw&0x07)<<4
	if r.Rdy {
		b[0] |= 0x80
	}
	b[1] = byte(r.Pressure)
	binary.BigEndian.PutUint16(b[2:], r.X)
	binary.BigEndian.PutUint16(b[4:], r.Y)
}

// DecodePenReport reads an 01 or 34 input report (report ID first), for
// tests that look at what the pad sent. (A driver under test must decode on
// its own: this is the simulator's reading of the spec.)
func DecodePenReport(b []byte) (PenReport, bool) {
	var r PenReport
	switch {
	case len(b) == penDataSize && b[0] == ReportPenData:
	case len(b) == penDataTimeCountSequenceSize && b[0] == ReportPenDataTimeCountSequence:
		r.Timed = true
		r.TimeCount = binary.BigEndian.Uint16(b[7:])
		r.Sequence = binary.BigEndian.Uint16(b[9:])
	default:
		return PenReport{}, false
	}
	r.Rdy = b[1]&0x80 != 0
	r.Sw = b[1] >> 4 & 0x07
	r.Pressure = uint16(b[1]&0x0F)<<8 | uint16(b[2])
	r.X = binary.BigEndian.Uint16(b[3:])
	r.Y = binary.BigEndian.Uint16(b[5:])
	return r, true
}

// penLocked is the digitiser seeing s at time count tc: the tip switch
// follows the ink threshold (on at onPressure, off below offPressure), the
// pad inks, and a pen report goes out in the format the option mode asks
// for.
func (p *Pad) penLocked(s sample, tc uint64) {
	down := p.penDown
	switch {
	case !s.rdy || !s.touch:
		down = false
	case !down && s.pressure >= p.st.onPressure:
		down = true
	case down && s.pressure < p.st.offPressure:
		down = false
	}
	p.penDown = down
	p.inkLocked(s.x, s.y, down)

	r := PenReport{Rdy: s.rdy, X: s.x, Y: s.y, Pressure: s.pressure, TimeCount: uint16(tc), Sequence: p.seq}
	if !s.rdy {
		r = PenReport{TimeCount: uint16(tc), Sequence: p.seq}
	} else if down {
		r.Sw = 1
	}
	p.seq++
	var b []byte
	switch p.st.option {
	case OptionTimeCountSequence, OptionSequence:
		if p.st.option == OptionSequence {
			r.TimeCount = 0
		}
		b = make([]byte, penDataTimeCountSequenceSize)
		b[0] = ReportPenDataTimeCountSequence
		EncodePenData(b[1:], r)
		binary.BigEndian.PutUint16(b[7:], r.TimeCount)
		binary.BigEndian.PutUint16(b[9:], r.Sequence)
	default:
		b = make([]byte, penDataSize)
		b[0] = ReportPenData
		EncodePenData(b[1:], r)
	}
	p.deliverLocked(b)
}
