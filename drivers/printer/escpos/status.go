package escpos

import (
	"errors"
	"fmt"
	"strings"
)

// The problems a Status can show (Status.Problem). They are errors.Is-able
// through any wrapping.
var (
	// ErrPaperOut: the paper roll is empty (paper end sensor).
	ErrPaperOut = errors.New("escpos: paper out")
	// ErrCoverOpen: the printer's cover is open.
	ErrCoverOpen = errors.New("escpos: cover open")
	// ErrOffline: the printer is offline for no cause it reported (or
	// while paper is fed with the FEED button).
	ErrOffline = errors.New("escpos: printer offline")
	// ErrCutterError: the autocutter failed (often jammed paper).
	ErrCutterError = errors.New("escpos: autocutter error")
	// ErrPrinterError: another error — unrecoverable (needs power cycling
	// or service), auto-recoverable (e.g. head temperature), or one DLE
	// EOT 2 reported without its cause.
	ErrPrinterError = errors.New("escpos: printer error")
)

// ErrBadStatus is a status byte whose fixed bits are wrong, or a request
// this package does not parse: not a reply to what was asked.
var ErrBadStatus = errors.New("escpos: not a valid status reply")

// ErrUnexpectedReply is a DLE EOT reply that came when no request was
// outstanding (a late reply to a request given up on).
var ErrUnexpectedReply = errors.New("escpos: status reply with no request outstanding")

// Fields is a set of the Status fields that a reply carried.
type Fields uint16

// The fields of a Status.
const (
	FieldOnline     Fields = 1 << iota // Online
	FieldDrawer                        // DrawerHigh
	FieldCover                         // CoverOpen
	FieldFeeding                       // Feeding
	FieldPaperOut                      // PaperOut
	FieldNearEnd                       // PaperNearEnd (and NearEndKnown)
	FieldError                         // Error (DLE EOT 2 bit 6)
	FieldErrorCause                    // CutterError, Unrecoverable, AutoRecoverable
)

// Status is what the printer reported. Only the fields in Known were in
// the replies it was made from; Merge combines replies.
type Status struct {
	Known Fields

	Online          bool // not offline (DLE EOT 1 bit 3, ASB byte 1 bit 3)
	DrawerHigh      bool // drawer kick-out connector pin 3 high
	CoverOpen       bool // cover open
	Feeding         bool // paper being fed by the FEED button
	PaperOut        bool // paper end: printing stopped, or the end sensor
	PaperNearEnd    bool // paper near end: not a problem, but tell someone
	NearEndKnown    bool // the reply carried the near-end sensor (see Profile.Adjust)
	Error           bool // an error, cause not given (DLE EOT 2 bit 6)
	CutterError     bool // autocutter error
	Unrecoverable   bool // unrecoverable error
	AutoRecoverable bool // auto-recoverable error (head temperature …)
}

// Merge returns s with the fields o knows replaced by o's.
func (s Status) Merge(o Status) Status {
	k := o.Known
	if k&FieldOnline != 0 {
		s.Online = o.Online
	}
	if k&FieldDrawer != 0 {
		s.DrawerHigh = o.DrawerHigh
	}
	if k&FieldCover != 0 {
		s.CoverOpen = o.CoverOpen
	}
	if k&FieldFeeding != 0 {
		s.Feeding = o.Feeding
	}
	if k&FieldPaperOut != 0 {
		s.PaperOut = o.PaperOut
	}
	if k&FieldNearEnd != 0 {
		s.PaperNearEnd, s.NearEndKnown = o.PaperNearEnd, o.NearEndKnown
	}
	if k&FieldError != 0 {
		s.Error = o.Error
	}
	if k&FieldErrorCause != 0 {
		s.CutterError, s.Unrecoverable, s.AutoRecoverable = o.CutterError, o.Unrecoverable, o.AutoRecoverable
	}
	s.Known |= k
	return s
}

// Problem is why printing cannot go on, or nil: ErrCoverOpen, ErrPaperOut,
// ErrCutterError, ErrPrinterError or ErrOffline, in that order of
// precedence (an open cover usually also reads as paper out). Paper near
// end is not a problem. Unknown fields are not problems either: ask for
// them (DLE EOT 1–4) when it matters.
func (s Status) Problem() error {
	switch {
	case s.CoverOpen:
		return ErrCoverOpen
	case s.PaperOut:
		return ErrPaperOut
	case s.CutterError:
		return ErrCutterError
	case s.Unrecoverable:
		return fmt.Errorf("%w: unrecoverable", ErrPrinterError)
	case s.AutoRecoverable:
		return fmt.Errorf("%w: auto-recoverable (head temperature or similar)", ErrPrinterError)
	case s.Error:
		return ErrPrinterError
	case s.Feeding:
		return fmt.Errorf("%w: paper is being fed with the FEED button", ErrOffline)
	case s.Known&FieldOnline != 0 && !s.Online:
		return ErrOffline
	}
	return nil
}

// String lists the known fields that are set, e.g. "online, paper near
// end"; "unknown" when nothing is known.
func (s Status) String() string {
	var p []string
	add := func(f Fields, on bool, name string) {
		if s.Known&f != 0 && on {
			p = append(p, name)
		}
	}
	if s.Known&FieldOnline != 0 {
		if s.Online {
			p = append(p, "online")
		} else {
			p = append(p, "offline")
		}
	}
	add(FieldCover, s.CoverOpen, "cover open")
	add(FieldFeeding, s.Feeding, "feeding")
	add(FieldPaperOut, s.PaperOut, "paper out")
	add(FieldNearEnd, s.PaperNearEnd, "paper near end")
	add(FieldError, s.Error, "error")
	add(FieldErrorCause, s.CutterError, "cutter error")
	add(FieldErrorCause, s.Unrecoverable, "unrecoverable error")
	add(FieldErrorCause, s.AutoRecoverable, "auto-recoverable error")
	add(FieldDrawer, s.DrawerHigh, "drawer pin high")
	if len(p) == 0 {
		if s.Known == 0 {
			return "unknown"
		}
		return "ok"
	}
	return strings.Join(p, ", ")
}

// ParseRealTime parses the one-byte answer to DLE EOT n (n = 1 to 4).
// Bits 1 and 4 are always 1 and bits 0 and 7 always 0 (0x12 is a normal
// answer); a byte without them is ErrBadStatus.
//
//	n = 1 printer:       bit 2 drawer pin 3 high, bit 3 offline
//	n = 2 offline cause: bit 2 cover open, bit 3 FEED button, bit 5 stopped by paper end, bit 6 error
//	n = 3 error cause:   bit 3 autocutter, bit 5 unrecoverable, bit 6 auto-recoverable
//	n = 4 paper sensors: bits 2–3 near end, bits 5–6 paper end
func ParseRealTime(n int, b byte) (Status, error) {
	if n < 1 || n > 4 {
		return Status{}, fmt.Errorf("%w: DLE EOT %d is not parsed here", ErrBadStatus, n)
	}
	if b&0x93 != 0x12 {
		return Status{}, fmt.Errorf("%w: DLE EOT %d answered %#02x (fixed bits 0x93 must read 0x12)", ErrBadStatus, n, b)
	}
	var s Status
	switch n {
	case 1:
		s.Known = FieldOnline | FieldDrawer
		s.DrawerHigh = b&0x04 != 0
		s.Online = b&0x08 == 0
	case 2:
		s.Known = FieldCover | FieldFeeding | FieldPaperOut | FieldError
		s.CoverOpen = b&0x04 != 0
		s.Feeding = b&0x08 != 0
		s.PaperOut = b&0x20 != 0
		s.Error = b&0x40 != 0
	case 3:
		s.Known = FieldErrorCause
		s.CutterError = b&0x08 != 0
		s.Unrecoverable = b&0x20 != 0
		s.AutoRecoverable = b&0x40 != 0
	case 4:
		s.Known = FieldNearEnd | FieldPaperOut
		s.PaperNearEnd = b&0x0C != 0
		s.NearEndKnown = true
		s.PaperOut = b&0x60 != 0
	}
	return s, nil
}

// ParseASB parses a four-byte Automatic Status Back block (GS a).
//
//	byte 1: bit 2 drawer pin 3, bit 3 offline, bit 5 cover open, bit 6 FEED pressed (bits 0, 1, 7 are 0, bit 4 is 1)
//	byte 2: bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable (bits 4, 7 are 0)
//	byte 3: bits 0–1 near end, bits 2–3 paper end (bits 4, 7 are 0)
//	byte 4: reserved (bits 4, 7 are 0)
func ParseASB(b [4]byte) (Status, error) {
	if b[0]&0x93 != 0x10 || b[1]&0x90 != 0 || b[2]&0x90 != 0 || b[3]&0x90 != 0 {
		return Status{}, fmt.Errorf("%w: ASB block % X", ErrBadStatus, b[:])
	}
	return Status{
		Known:           FieldOnline | FieldDrawer | FieldCover | FieldFeeding | FieldErrorCause | FieldNearEnd | FieldPaperOut,
		DrawerHigh:      b[0]&0x04 != 0,
		Online:          b[0]&0x08 == 0,
		CoverOpen:       b[0]&0x20 != 0,
		Feeding:         b[0]&0x40 != 0,
		CutterError:     b[1]&0x08 != 0,
		Unrecoverable:   b[1]&0x20 != 0,
		AutoRecoverable: b[1]&0x40 != 0,
		PaperNearEnd:    b[2]&0x03 != 0,
		NearEndKnown:    true,
		PaperOut:        b[2]&0x0C != 0,
	}, nil
}

// ParseInOrder parses the reply to GS r 1 (or 49), the paper sensors:
// bits 0–1 near end, bits 2–3 paper end; bits 4 and 7 are 0. Its arrival
// means the printer has printed everything sent before the GS r.
func ParseInOrder(b byte) (Status, error) {
	if b&0x90 != 0 {
		return Status{}, fmt.Errorf("%w: GS r 1 answered %#02x (bits 4 and 7 must be 0)", ErrBadStatus, b)
	}
	return Status{
		Known:        FieldNearEnd | FieldPaperOut,
		PaperNearEnd: b&0x03 != 0,
		NearEndKnown: true,
		PaperOut:     b&0x0C != 0,
	}, nil
}
