package escpossim

// Status is the printer's condition, as its sensors see it.
type Status struct {
	// PaperOut: the roll has run out and printing has stopped.
	PaperOut bool
	// NearEnd: the near-end sensor sees little paper left (only with
	// Config.NearEnd set).
	NearEnd bool
	// PaperLeft is how many dot rows are left on the roll; -1 for an
	// endless roll.
	PaperLeft int
	CoverOpen bool
	// Offline: taken offline with SetOffline.
	Offline bool
	// CutterJam: the cutter is jammed now; CutterError: the printer is
	// in the autocutter error state, which lasts until DLE ENQ 1 or 2 (or
	// closing the cover) once the jam is cleared.
	CutterJam, CutterError bool
	// Buffered is how many received bytes wait in the receive buffer.
	Buffered int
	// Lost is how many received bytes were dropped because the receive
	// buffer was full.
	Lost int64
	// Printing: the print head is moving paper now.
	Printing bool
}

// Stopped reports whether printing has stopped: paper out, cover open,
// offline or an error.
func (s Status) Stopped() bool { return s.PaperOut || s.CoverOpen || s.Offline || s.CutterError }

// realTime is the DLE EOT n answer: bit 1 and bit 4 always set, bits 0
// and 7 always clear (spec §1.7). ok is false for an n the printer does
// not answer.
func (s Status) realTime(n byte) (b byte, ok bool) {
	b = 0x12
	switch n {
	case 1:
		if s.Stopped() {
			b |= 0x08
		}
	case 2:
		if s.CoverOpen {
			b |= 0x04
		}
		if s.PaperOut {
			b |= 0x20
		}
		if s.CutterError {
			b |= 0x40
		}
	case 3:
		if s.CutterError {
			b |= 0x08
		}
	case 4:
		if s.NearEnd {
			b |= 0x0C
		}
		if s.PaperOut {
			b |= 0x60
		}
	default:
		return 0, false
	}
	return b, true
}

// asb is the 4-byte Automatic Status Back block.
func (s Status) asb() [4]byte {
	b := [4]byte{0x10, 0, 0, 0}
	if s.Stopped() {
		b[0] |= 0x08
	}
	if s.CoverOpen {
		b[0] |= 0x20
	}
	if s.CutterError {
		b[1] |= 0x08
	}
	if s.NearEnd {
		b[2] |= 0x03
	}
	if s.PaperOut {
		b[2] |= 0x0C
	}
	return b
}

// asbKey is the part of the ASB block that the items enabled by GS a n
// cover: bit 0 drawer, bit 1 online/offline, bit 2 errors, bit 3 paper.
func asbKey(b [4]byte, n byte) [4]byte {
	var k [4]byte
	if n&1 != 0 {
		k[0] |= b[0] & 0x04
	}
	if n&2 != 0 {
		k[0] |= b[0] & 0x68
	}
	if n&4 != 0 {
		k[1] = b[1]
	}
	if n&8 != 0 {
		k[2] = b[2]
	}
	return k
}

// paperSensor is the GS r 1 answer: bits 0–1 near end, 2–3 paper end.
func (s Status) paperSensor() byte {
	var b byte
	if s.NearEnd {
		b |= 0x03
	}
	if s.PaperOut {
		b |= 0x0C
	}
	return b
}
