package escpos

import (
	"fmt"
	"unicode/utf8"
)

// Encoder appends ESC/POS commands to a byte slice, one small method per
// command (spec §1). The zero value is ready to use. A method given a
// parameter out of range appends nothing and records a *CommandError,
// which Err returns (the first one); it never panics. An Encoder is not
// safe for concurrent use.
type Encoder struct {
	buf []byte
	err error
	gb  *gbEncoder
}

// Bytes returns what has been appended so far (not a copy).
func (e *Encoder) Bytes() []byte { return e.buf }

// Len is the number of bytes appended so far.
func (e *Encoder) Len() int { return len(e.buf) }

// Err is the first parameter error, or nil.
func (e *Encoder) Err() error { return e.err }

// Reset empties the buffer and forgets the error, keeping the capacity.
func (e *Encoder) Reset() { e.buf, e.err = e.buf[:0], nil }

// Raw appends bytes as they are.
func (e *Encoder) Raw(b ...byte) { e.buf = append(e.buf, b...) }

func (e *Encoder) fail(cmd, format string, a ...any) {
	if e.err == nil {
		e.err = &CommandError{Command: cmd, Detail: fmt.Sprintf(format, a...)}
	}
}

// Init is ESC @ (1B 40): clears the print modes and the print buffer.
func (e *Encoder) Init() { e.Raw(0x1B, 0x40) }

// ChineseOn is FS & (1C 26): two-byte characters are taken as one glyph.
// On at power-up on Chinese models; send it after ESC @ regardless.
func (e *Encoder) ChineseOn() { e.Raw(0x1C, 0x26) }

// ChineseOff is FS . (1C 2E): every byte is a single-byte character
// again. While Chinese mode is on, a single-byte code ≥ 0x80 is eaten as
// half of a two-byte character.
func (e *Encoder) ChineseOff() { e.Raw(0x1C, 0x2E) }

// CodePage is ESC t n (1B 74 n): the single-byte code page; 0 is CP437 on
// Epson, and what receiptline sends before FS & for GB18030.
func (e *Encoder) CodePage(n int) {
	if n < 0 || n > 255 {
		e.fail("ESC t", "code page %d; 0 to 255", n)
		return
	}
	e.Raw(0x1B, 0x74, byte(n))
}

// Size is GS ! n (1D 21 n): character width and height multipliers, 1 to
// 8 each (bits 4–6 width−1, bits 0–2 height−1); GS ! 11 is double both.
func (e *Encoder) Size(w, h int) {
	if w < 1 || w > 8 || h < 1 || h > 8 {
		e.fail("GS !", "size %d×%d; 1 to 8 each", w, h)
		return
	}
	e.Raw(0x1D, 0x21, byte((w-1)<<4|(h-1)))
}

// ChineseSize is FS ! n (1C 21 n): double width (bit 2) and double height
// (bit 3) of two-byte glyphs, for the clones that size Chinese characters
// by FS ! rather than GS !. w and h are 1 or 2.
func (e *Encoder) ChineseSize(w, h int) {
	if w < 1 || w > 2 || h < 1 || h > 2 {
		e.fail("FS !", "size %d×%d; 1 or 2 each", w, h)
		return
	}
	var n byte
	if w == 2 {
		n |= 0x04
	}
	if h == 2 {
		n |= 0x08
	}
	e.Raw(0x1C, 0x21, n)
}

// Bold is ESC E n (1B 45 n): emphasised on (1) or off (0).
func (e *Encoder) Bold(on bool) { e.Raw(0x1B, 0x45, b2n(on)) }

// Underline is ESC - n (1B 2D n) for single-byte characters followed by
// FS - n (1C 2D n) for two-byte ones: 0 off, 1 or 2 dots thick.
func (e *Encoder) Underline(dots int) {
	if dots < 0 || dots > 2 {
		e.fail("ESC -", "underline %d; 0 to 2 dots", dots)
		return
	}
	e.Raw(0x1B, 0x2D, byte(dots), 0x1C, 0x2D, byte(dots))
}

// Align is ESC a n (1B 61 n): 0 left, 1 centre, 2 right. It applies to
// text, barcodes and raster images that start a line.
func (e *Encoder) Align(a Align) {
	if a < AlignLeft || a > AlignRight {
		e.fail("ESC a", "alignment %d", int(a))
		return
	}
	e.Raw(0x1B, 0x61, byte(a))
}

// LineSpacing is ESC 3 n (1B 33 n): line spacing of n vertical motion
// units (dots on these printers).
func (e *Encoder) LineSpacing(n int) {
	if n < 0 || n > 255 {
		e.fail("ESC 3", "line spacing %d; 0 to 255", n)
		return
	}
	e.Raw(0x1B, 0x33, byte(n))
}

// DefaultLineSpacing is ESC 2 (1B 32): the default line spacing (1/6 inch).
func (e *Encoder) DefaultLineSpacing() { e.Raw(0x1B, 0x32) }

// Text appends s encoded in GB18030: ASCII as one byte, Chinese as two (or
// four) bytes, for a printer in Chinese mode (FS &). It does not end the
// line (see LF). s must be valid UTF-8 without control characters, which
// the printer would take as commands. Whether the printer's font has a
// character is the caller's concern (Profile.Printable).
func (e *Encoder) Text(s string) {
	if e.gb == nil {
		e.gb = newGBEncoder()
	}
	for i, r := range s {
		if r == utf8.RuneError && !validAt(s, i) {
			e.fail("text", "invalid UTF-8 at byte %d", i)
			return
		}
		if r < 0x20 || (r >= 0x7F && r < 0xA0) {
			e.fail("text", "control character %U at byte %d", r, i)
			return
		}
	}
	var b [4]byte
	for _, r := range s {
		n := e.gb.rune(&b, r)
		e.buf = append(e.buf, b[:n]...)
	}
}

// validAt reports whether the U+FFFD at byte i of s is really there (and
// not the decoding of an invalid byte).
func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// LF is LF (0A): print the line and feed one line.
func (e *Encoder) LF() { e.Raw(0x0A) }

// FeedDots feeds the paper n dots (ESC J n, 0–255) without printing a
// line: a half-line of space under a title, say.
func (e *Encoder) FeedDots(n int) {
	if n < 0 || n > 255 {
		e.fail("ESC J", "feed of %d dots is out of 0–255", n)
		return
	}
	e.Raw(0x1B, 0x4A, byte(n))
}

// Feed is ESC d n (1B 64 n): print and feed n lines (0 to 255).
func (e *Encoder) Feed(n int) {
	if n < 0 || n > 255 {
		e.fail("ESC d", "feed %d lines; 0 to 255", n)
		return
	}
	e.Raw(0x1B, 0x64, byte(n))
}

// FeedCut is GS V m n (1D 56 41/42 n): feed to the cutting position plus
// n units, then cut — fully (m = 65) or partially (m = 66). Works at the
// start of a line only; feeding first avoids cutting through the last
// lines (the head-to-cutter gap).
func (e *Encoder) FeedCut(partial bool, n int) {
	if n < 0 || n > 255 {
		e.fail("GS V", "feed %d; 0 to 255", n)
		return
	}
	m := byte(65)
	if partial {
		m = 66
	}
	e.Raw(0x1D, 0x56, m, byte(n))
}

// Cut is GS V m (1D 56 00/01): cut where the paper is, fully (0) or
// partially (1). Feed first (Feed) or the cut goes through the text.
func (e *Encoder) Cut(partial bool) { e.Raw(0x1D, 0x56, b2n(partial)) }

// RealTimeStatus is DLE EOT n (10 04 n), n = 1 printer, 2 offline cause,
// 3 error cause, 4 paper sensors; answered at once with one byte (see
// ParseRealTime), even when offline. Never send it inside another
// command's parameters.
func (e *Encoder) RealTimeStatus(n int) {
	if n < 1 || n > 4 {
		e.fail("DLE EOT", "n = %d; 1 to 4", n)
		return
	}
	e.Raw(0x10, 0x04, byte(n))
}

// Recover is DLE ENQ n (10 05 n): after a recoverable error, n = 1
// recovers and goes on printing, n = 2 recovers and clears the buffers.
func (e *Encoder) Recover(clearBuffers bool) {
	n := byte(1)
	if clearBuffers {
		n = 2
	}
	e.Raw(0x10, 0x05, n)
}

// ASB bits for GS a n.
const (
	ASBDrawer byte = 1 << 0 // drawer kick-out connector
	ASBOnline byte = 1 << 1 // online/offline
	ASBError  byte = 1 << 2 // error status
	ASBPaper  byte = 1 << 3 // paper roll sensors
	ASBAll    byte = ASBDrawer | ASBOnline | ASBError | ASBPaper
)

// ASB is GS a n (1D 61 n): Automatic Status Back for the items in mask
// (ASBOnline|ASBError|ASBPaper …); the printer then sends a four-byte
// block (ParseASB) at once and whenever one of them changes. 0 disables.
func (e *Encoder) ASB(mask byte) { e.Raw(0x1D, 0x61, mask) }

// TransmitStatus is GS r n (1D 72 n): n = 1 (or 49) paper sensors, 2 (or
// 50) drawer. Unlike DLE EOT it is processed in order, after everything
// before it has printed, so its reply (ParseInOrder) means "printing got
// here".
func (e *Encoder) TransmitStatus(n byte) {
	switch n {
	case 0x01, 0x02, 0x31, 0x32:
		e.Raw(0x1D, 0x72, n)
	default:
		e.fail("GS r", "n = %#02x; 1, 2, 49 or 50", n)
	}
}

// InOrderMarker is GS r 1 (1D 72 01), the binary form every clone takes:
// the end-of-job marker whose reply means the printer reached this point.
func (e *Encoder) InOrderMarker() { e.Raw(0x1D, 0x72, 0x01) }

func b2n(on bool) byte {
	if on {
		return 1
	}
	return 0
}
