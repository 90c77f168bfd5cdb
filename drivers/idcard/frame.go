package idcard

import (
	"bytes"
	"errors"
	"fmt"
)

// Preamble starts every SAM_V frame in both directions: three sync bytes
// (AA AA AA) and the start-of-frame mark (96 69).
var Preamble = [5]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// syncMark is what the decoder searches for when it has to resynchronise.
// It is the last sync byte plus the start-of-frame mark, so a frame whose
// first sync bytes were lost or garbled is still found (the Miaxis SDK
// tolerates a lost AA the same way).
var syncMark = []byte{0xAA, 0x96, 0x69}

const (
	headerSize = 7 // preamble + LEN
	// minLen is the smallest LEN a frame can carry: CMD PARA CHK (host
	// frames); reader frames carry at least SW1 SW2 SW3 CHK.
	minLen = 3
	// MaxLen is the largest LEN the decoder accepts. The longest reply in
	// the protocol, 30 10 with two fingerprint templates, has LEN 0x090A.
	// A larger value is a corrupted length field, not a frame.
	MaxLen = 0x0C00
)

// Encode builds a host → reader frame for a command with optional data.
func Encode(c Command, data ...byte) []byte {
	return encodeBody(append([]byte{c.CMD, c.PARA}, data...))
}

// EncodeResponse builds a reader → host frame. It is what a reader (or the
// simulator in drivers/sim) sends.
func EncodeResponse(sw1, sw2 byte, sw3 Status, data []byte) []byte {
	body := make([]byte, 0, 3+len(data))
	body = append(body, sw1, sw2, byte(sw3))
	body = append(body, data...)
	return encodeBody(body)
}

// encodeBody wraps body (everything between LEN and CHK) into a frame.
func encodeBody(body []byte) []byte {
	n := len(body) + 1
	f := make([]byte, 0, headerSize+n)
	f = append(f, Preamble[:]...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, body...)
	return append(f, checksum(f[5:]))
}

// checksum is the XOR of every byte from the LEN field up to (not
// including) the checksum itself.
func checksum(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// ErrNeedMore is returned by Decoder.Next when the buffered bytes do not yet
// hold a complete frame.
var ErrNeedMore = errors.New("idcard: incomplete frame, need more bytes")

// FrameErrorKind says why a candidate frame was discarded.
type FrameErrorKind int

// The ways a frame can be broken.
const (
	BadChecksum FrameErrorKind = iota + 1 // XOR checksum did not match
	BadLength                             // LEN outside [3, MaxLen]
	Truncated                             // the bytes stopped before LEN was satisfied
	Spliced                               // a whole preamble inside the frame: a cut-off frame run into the next
)

func (k FrameErrorKind) String() string {
	switch k {
	case BadChecksum:
		return "bad checksum"
	case BadLength:
		return "bad length"
	case Truncated:
		return "truncated"
	case Spliced:
		return "spliced into the next frame"
	}
	return fmt.Sprintf("FrameErrorKind(%d)", int(k))
}

// FrameError reports a corrupted frame that the decoder skipped. Decoding can
// go on after it: the decoder has already resynchronised.
type FrameError struct {
	Kind      FrameErrorKind
	Len       int // the LEN field of the discarded candidate
	Discarded int // bytes dropped to resynchronise
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("idcard: discarded corrupted frame (%s, LEN %d, %d bytes dropped)", e.Kind, e.Len, e.Discarded)
}

// Is makes errors.Is(err, ErrCorruptFrame) true for every *FrameError.
func (e *FrameError) Is(target error) bool { return target == ErrCorruptFrame }

// ErrCorruptFrame matches every *FrameError with errors.Is.
var ErrCorruptFrame = errors.New("idcard: corrupted frame")

// Decoder reassembles SAM_V frames from a byte stream that may arrive in
// pieces and may contain garbage, lost bytes or truncated frames. It never
// panics, whatever it is fed. The zero value is ready to use.
type Decoder struct {
	buf []byte
	// holding: a verified frame is held back until the frame that may
	// start inside it has arrived (see inner), or Abandon releases it
	// (release).
	holding, release bool
	// Garbage counts bytes dropped while searching for a preamble.
	Garbage int
}

// Feed appends bytes read from the transport.
func (d *Decoder) Feed(p []byte) { d.buf = append(d.buf, p...) }

// Buffered returns how many bytes are waiting to be decoded.
func (d *Decoder) Buffered() int { return len(d.buf) }

// Pending reports whether the buffer holds the start of a frame that is not
// complete yet (as opposed to nothing, or only garbage).
func (d *Decoder) Pending() bool {
	return bytes.Index(d.buf, syncMark) >= 0
}

// Reset drops everything buffered.
func (d *Decoder) Reset() { d.buf, d.holding, d.release = d.buf[:0], false, false }

// Next returns the body of the next complete, verified frame: the bytes
// between LEN and CHK (CMD PARA DATA for host frames, SW1 SW2 SW3 DATA for
// reader frames). The returned slice is a copy the caller owns.
//
// It returns ErrNeedMore when more bytes are needed, and a *FrameError when
// it discarded a corrupted candidate; in both cases call Next again after
// feeding more (for a *FrameError, straight away).
func (d *Decoder) Next() ([]byte, error) {
	i := bytes.Index(d.buf, syncMark)
	if i < 0 {
		// Keep the last two bytes: they may be the start of a split mark.
		if keep := min(len(d.buf), len(syncMark)-1); len(d.buf) > keep {
			d.Garbage += len(d.buf) - keep
			d.drop(len(d.buf) - keep)
		}
		return nil, ErrNeedMore
	}
	// Leading sync bytes before the mark are part of the preamble, not
	// garbage; anything else before it is.
	start := i
	for start > 0 && i-start < 2 && d.buf[start-1] == 0xAA {
		start--
	}
	if start > 0 {
		d.Garbage += start
		d.drop(start)
		i -= start
	}
	lenAt := i + len(syncMark) // offset of LEN high byte
	if len(d.buf) < lenAt+2 {
		return nil, ErrNeedMore
	}
	n := int(d.buf[lenAt])<<8 | int(d.buf[lenAt+1])
	if n < minLen || n > MaxLen {
		d.drop(i + 1)
		return nil, &FrameError{Kind: BadLength, Len: n, Discarded: i + 1}
	}
	end := lenAt + 2 + n // one past CHK
	if len(d.buf) < end {
		return nil, ErrNeedMore
	}
	if checksum(d.buf[lenAt:end-1]) != d.buf[end-1] {
		// Drop only up to the mark: the real frame may start inside the
		// bytes this candidate claimed (a truncated frame followed by a
		// good one).
		d.drop(i + 1)
		return nil, &FrameError{Kind: BadChecksum, Len: n, Discarded: i + 1}
	}
	switch d.inner(lenAt+2, end) {
	case innerFrame:
		d.holding, d.release = false, false
		d.drop(i + 1)
		return nil, &FrameError{Kind: Spliced, Len: n, Discarded: i + 1}
	case innerIncomplete:
		if !d.release {
			d.holding = true
			return nil, ErrNeedMore
		}
	}
	d.holding, d.release = false, false
	body := bytes.Clone(d.buf[lenAt+2 : end-1])
	d.drop(end)
	return body, nil
}

type innerState int

const (
	noInner         innerState = iota
	innerFrame                 // a whole, verified frame starts inside and ends beyond
	innerIncomplete            // one may: its bytes have not all arrived
)

// inner looks inside a verified frame body (buf[from:end]) for a preamble
// that starts a frame running past the end. That is what a frame cut short
// and followed by the next frame looks like; its XOR checksum verifies one
// time in 256. Frame data may contain a preamble legitimately (a photo is
// any bytes), so only a whole inner frame whose own checksum verifies
// counts: the outer one is then a splice. While the inner frame's bytes
// are still coming, the decoder holds the outer frame; Abandon releases it.
func (d *Decoder) inner(from, end int) innerState {
	for off := from; off < end; {
		p := bytes.Index(d.buf[off:end], Preamble[:])
		if p < 0 {
			return noInner
		}
		q := off + p
		off = q + 1
		lenAt := q + len(Preamble)
		if lenAt+2 > len(d.buf) {
			return innerIncomplete
		}
		n := int(d.buf[lenAt])<<8 | int(d.buf[lenAt+1])
		innerEnd := lenAt + 2 + n
		if n < minLen || n > MaxLen || innerEnd <= end {
			continue
		}
		if innerEnd > len(d.buf) {
			return innerIncomplete
		}
		if checksum(d.buf[lenAt:innerEnd-1]) == d.buf[innerEnd-1] {
			return innerFrame
		}
	}
	return noInner
}

// Abandon gives up on an incomplete frame at the head of the buffer (its
// remaining bytes never came) and resynchronises past its start. It returns
// the *FrameError describing what was dropped, or nil when nothing was
// pending — or when the head is a whole frame held back only because a
// preamble inside it might have started another: Next then delivers it.
func (d *Decoder) Abandon() error {
	if d.holding {
		// The frame that might have started inside the held one never
		// came: the held frame is genuine. Next delivers it.
		d.release = true
		return nil
	}
	i := bytes.Index(d.buf, syncMark)
	if i < 0 {
		return nil
	}
	n := 0
	if lenAt := i + len(syncMark); len(d.buf) >= lenAt+2 {
		n = int(d.buf[lenAt])<<8 | int(d.buf[lenAt+1])
	}
	d.drop(i + 1)
	return &FrameError{Kind: Truncated, Len: n, Discarded: i + 1}
}

func (d *Decoder) drop(n int) {
	d.buf = d.buf[:copy(d.buf, d.buf[n:])]
}
