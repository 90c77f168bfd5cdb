package wlt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// The pipe protocol between an IsolatedDecoder and its child (ServeChild).
// Every message in either direction is one frame:
//
//	offset size
//	0      4    magic 0x89 'W' 'L' 'T'
//	4      1    version (1)
//	5      1    type: 'Q' request, 'R' ready, 'P' PNG, 'E' error
//	6      4    id, big-endian; a reply carries its request's id
//	10     4    payload length n, big-endian, at most maxPayload
//	14     4    CRC-32 (IEEE) of bytes 4..13
//	18     n    payload
//	18+n   4    CRC-32 (IEEE) of the payload
//
// The reader skips anything that is not a frame with both checksums right,
// one byte at a time, so stray output of a vendor library (printf to
// stdout) between or inside frames costs at most that frame. The header
// checksum makes a false magic in such garbage fail at once instead of
// making the reader wait for a bogus length.
const (
	frameVersion  = 1
	headerSize    = 18
	trailerSize   = 4
	maxPayload    = 256 << 10
	maxFrameBytes = headerSize + maxPayload + trailerSize
)

var frameMagic = [4]byte{0x89, 'W', 'L', 'T'}

// Frame types.
const (
	typeRequest = 'Q' // parent → child: payload is the WLT
	typeReady   = 'R' // child → parent after loading the library; id 0
	typePNG     = 'P' // child → parent: payload is the PNG
	typeError   = 'E' // child → parent: payload is an encoded error
)

func knownType(t byte) bool {
	return t == typeRequest || t == typeReady || t == typePNG || t == typeError
}

// frame is one decoded message.
type frame struct {
	typ     byte
	id      uint32
	payload []byte
}

// appendFrame appends the encoding of f to b.
func appendFrame(b []byte, f frame) []byte {
	start := len(b)
	b = append(b, frameMagic[:]...)
	b = append(b, frameVersion, f.typ)
	b = binary.BigEndian.AppendUint32(b, f.id)
	b = binary.BigEndian.AppendUint32(b, uint32(len(f.payload)))
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start+4:start+14]))
	b = append(b, f.payload...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(f.payload))
}

// writeFrame writes f to w in one Write call.
func writeFrame(w io.Writer, f frame) error {
	if len(f.payload) > maxPayload {
		return fmt.Errorf("wlt: frame payload of %d bytes exceeds %d", len(f.payload), maxPayload)
	}
	_, err := w.Write(appendFrame(nil, f))
	return err
}

// frameReader reads frames from a stream that may also carry garbage.
type frameReader struct {
	r       io.Reader
	buf     []byte // buf[off:end] is unread data; len(buf) is its capacity
	off     int
	end     int
	err     error // sticky read error
	skipped int64 // garbage bytes skipped so far
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: r, buf: make([]byte, 4096)}
}

// fill makes at least n unread bytes available, or returns the read error.
// n never exceeds maxFrameBytes, which bounds the buffer.
func (fr *frameReader) fill(n int) error {
	empty := 0
	for fr.end-fr.off < n {
		if fr.err != nil {
			return fr.err
		}
		if len(fr.buf)-fr.off < n {
			nb := fr.buf
			if len(nb) < n {
				nb = make([]byte, min(max(2*len(nb), n), maxFrameBytes))
			}
			copy(nb, fr.buf[fr.off:fr.end])
			fr.buf, fr.end, fr.off = nb, fr.end-fr.off, 0
		}
		m, err := fr.r.Read(fr.buf[fr.end:])
		if m < 0 || m > len(fr.buf)-fr.end {
			m, err = 0, errors.New("wlt: invalid Read count")
		}
		fr.end += m
		if err != nil {
			fr.err = err
		} else if m == 0 {
			if empty++; empty > 100 {
				fr.err = io.ErrNoProgress
			}
		}
	}
	return nil
}

// next returns the next valid frame. At the end of the stream it returns
// io.EOF if the stream ended between frames, io.ErrUnexpectedEOF if inside
// one, or the underlying read error.
func (fr *frameReader) next() (frame, error) {
	for {
		if err := fr.sync(); err != nil {
			return frame{}, err
		}
		if err := fr.fill(headerSize); err != nil {
			return frame{}, eofInFrame(err)
		}
		h := fr.buf[fr.off : fr.off+headerSize]
		n := binary.BigEndian.Uint32(h[10:14])
		if h[4] != frameVersion || !knownType(h[5]) || n > maxPayload ||
			binary.BigEndian.Uint32(h[14:18]) != crc32.ChecksumIEEE(h[4:14]) {
			fr.skip(1)
			continue
		}
		total := headerSize + int(n) + trailerSize
		if err := fr.fill(total); err != nil {
			return frame{}, eofInFrame(err)
		}
		b := fr.buf[fr.off : fr.off+total]
		payload := b[headerSize : headerSize+int(n)]
		if binary.BigEndian.Uint32(b[headerSize+int(n):]) != crc32.ChecksumIEEE(payload) {
			fr.skip(1)
			continue
		}
		f := frame{typ: b[5], id: binary.BigEndian.Uint32(b[6:10]), payload: bytes.Clone(payload)}
		if f.payload == nil {
			f.payload = []byte{}
		}
		fr.off += total
		return f, nil
	}
}

// sync discards bytes until the unread data starts with the magic.
func (fr *frameReader) sync() error {
	for {
		if err := fr.fill(len(frameMagic)); err != nil {
			if fr.end > fr.off && errors.Is(err, io.EOF) {
				// Trailing bytes too short to hold a frame.
				fr.skip(fr.end - fr.off)
				return io.ErrUnexpectedEOF
			}
			return err
		}
		data := fr.buf[fr.off:fr.end]
		i := bytes.Index(data, frameMagic[:])
		if i == 0 {
			return nil
		}
		if i < 0 {
			// Keep a possible partial magic at the end.
			i = len(data) - (len(frameMagic) - 1)
		}
		fr.skip(i)
	}
}

func (fr *frameReader) skip(n int) {
	fr.off += n
	fr.skipped += int64(n)
}

func eofInFrame(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Error payloads: one kind byte, a big-endian int32 code, then UTF-8 text.
// For errDecode the text is "abi\x00symbol\x00detail".
const (
	errKindOther     = 0
	errKindDecode    = 1
	errKindNoDecoder = 2
	errKindInvalid   = 3
	errKindBadImage  = 4
	errKindConfig    = 5
)

// encodeError turns a child-side error into an error payload.
func encodeError(err error) []byte {
	kind, code, text := byte(errKindOther), int32(0), err.Error()
	var de *DecodeError
	if errors.As(err, &de) {
		kind, code, text = errKindDecode, int32(de.Code), de.ABI+"\x00"+de.Symbol+"\x00"+de.Detail
	} else {
		for k, sentinel := range relayed {
			if errors.Is(err, sentinel) {
				kind = k
				text = strings.TrimPrefix(strings.TrimPrefix(text, sentinel.Error()), ": ")
				break
			}
		}
	}
	if len(text) > 4096 {
		text = text[:4096]
	}
	b := []byte{kind}
	b = binary.BigEndian.AppendUint32(b, uint32(code))
	return append(b, text...)
}

// relayed maps error kinds to the sentinels they stand for.
var relayed = map[byte]error{
	errKindNoDecoder: ErrNoDecoder,
	errKindInvalid:   ErrInvalidWLT,
	errKindBadImage:  ErrBadImage,
	errKindConfig:    ErrConfig,
}

// decodeError rebuilds the error a child sent.
func decodeError(p []byte) error {
	if len(p) < 5 {
		return fmt.Errorf("%w: malformed error reply from the decoder process", ErrCrashed)
	}
	kind, code, text := p[0], int32(binary.BigEndian.Uint32(p[1:5])), string(p[5:])
	if kind == errKindDecode {
		abi, rest, _ := strings.Cut(text, "\x00")
		symbol, detail, _ := strings.Cut(rest, "\x00")
		return &DecodeError{ABI: abi, Symbol: symbol, Code: int(code), Detail: detail}
	}
	if sentinel, ok := relayed[kind]; ok {
		if text == "" {
			return fmt.Errorf("%w (in the decoder process)", sentinel)
		}
		return fmt.Errorf("%w: %s (in the decoder process)", sentinel, text)
	}
	return fmt.Errorf("wlt: decoder process: %s", text)
}
