package usbframe

import (
	"bytes"
	"fmt"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
)

const (
	headerSize = 7 // preamble + LEN
	minLen     = 3 // smallest LEN of a frame: CMD PARA CHK
)

// checkFrame reports whether b is exactly one frame: preamble, a LEN in
// range, and LEN bytes after it. The checksum is the reader's to judge.
func checkFrame(b []byte) error {
	if len(b) < headerSize {
		return fmt.Errorf("%w: %d bytes is shorter than a frame header", ErrNotFrame, len(b))
	}
	if !bytes.Equal(b[:len(idcard.Preamble)], idcard.Preamble[:]) {
		return fmt.Errorf("%w: no preamble (starts % X)", ErrNotFrame, b[:len(idcard.Preamble)])
	}
	n := be16(b[5:])
	if n < minLen || n > idcard.MaxLen {
		return fmt.Errorf("%w: LEN %d out of range", ErrNotFrame, n)
	}
	if len(b) != headerSize+n {
		return fmt.Errorf("%w: LEN %d makes a %d-byte frame, got %d bytes", ErrNotFrame, n, headerSize+n, len(b))
	}
	return nil
}

// syncMark is what the header parser looks for, like idcard.Decoder: the
// last sync byte and the start-of-frame mark, so a header that lost a
// leading AA is still found.
var syncMark = []byte{0xAA, 0x96, 0x69}

// headerScan finds frame headers in the bytes of the header IN endpoint,
// which may come split over transfers or mixed with garbage, and says how
// many body bytes the body IN endpoint owes.
type headerScan struct{ buf []byte }

func (s *headerScan) reset() { s.buf = s.buf[:0] }

// feed adds bytes from the header endpoint and returns how many bytes of the
// last complete header's body are still due (0 when none: no header yet, or
// its whole frame came on the header endpoint).
func (s *headerScan) feed(b []byte) (owed int) {
	s.buf = append(s.buf, b...)
	for {
		i := bytes.Index(s.buf, syncMark)
		if i < 0 {
			// Keep what may be the start of a mark split over transfers.
			keep := min(len(s.buf), len(syncMark)-1)
			s.drop(len(s.buf) - keep)
			return 0
		}
		lenAt := i + len(syncMark)
		if len(s.buf) < lenAt+2 {
			s.drop(i)
			return 0
		}
		n := be16(s.buf[lenAt:])
		if n < minLen || n > idcard.MaxLen {
			s.drop(i + 1) // not a header; look further
			continue
		}
		if rest := len(s.buf) - (lenAt + 2); rest < n {
			s.reset()
			return n - rest
		}
		// The whole frame came on the header endpoint; look past it.
		s.drop(lenAt + 2 + n)
	}
}

func (s *headerScan) drop(n int) { s.buf = s.buf[:copy(s.buf, s.buf[n:])] }

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

func roundUp(n, m int) int { return (n + m - 1) / m * m }
