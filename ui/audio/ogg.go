package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// An OpusStream is what ParseOggOpus found in a file.
type OpusStream struct {
	Channels  int      // from the OpusHead packet
	PreSkip   int      // samples at 48 kHz to drop at the start
	InputRate int      // the sample rate of the audio before encoding, in Hz
	Granule   int64    // granule position of the last page: 48 kHz samples incl. PreSkip
	Pages     int      // Ogg pages
	Packets   int      // complete packets, the two header packets included
	Vendor    string   // from the OpusTags packet
	Comments  []string // the OpusTags packet's user comments, "NAME=value"
	Serial    uint32   // the stream's serial number
}

// Duration is the playing time: the last granule position less the
// pre-skip, at 48 kHz (RFC 7845 §4). It is at most math.MaxInt64 ns
// (292 years), whatever the granule position says.
func (s OpusStream) Duration() time.Duration {
	n := s.Granule - int64(s.PreSkip) // ParseOggOpus makes sure it is ≥ 0
	if n > math.MaxInt64/int64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(n * int64(time.Second) / 48000)
}

// Comment returns the value of the first user comment called name (the
// name is matched without regard to case, as Vorbis comments are), and
// whether there is one.
func (s OpusStream) Comment(name string) (string, bool) {
	for _, c := range s.Comments {
		if k, v, ok := strings.Cut(c, "="); ok && strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// ParseOggOpus checks that data is one whole Ogg Opus stream (RFC 3533,
// RFC 7845) and describes it: every page starts with "OggS", is version 0,
// carries the right CRC and the same serial number, and the sequence
// numbers run on without a gap; the first page begins the stream and holds
// the OpusHead packet alone, OpusTags follows it, at least one audio packet
// follows that, and the last page ends the stream, with nothing after it.
func ParseOggOpus(data []byte) (OpusStream, error) {
	var s OpusStream
	var packet []byte // the packet being gathered across segments
	var inPacket bool // a packet continues onto the next page
	lastGranule := int64(0)
	for off, seq := 0, uint32(0); off < len(data); seq++ {
		if len(data)-off < 27 {
			return s, fmt.Errorf("page %d at byte %d: %d bytes left, a page header needs 27", seq, off, len(data)-off)
		}
		h := data[off : off+27]
		if string(h[:4]) != "OggS" {
			return s, fmt.Errorf("page %d at byte %d: no OggS capture pattern", seq, off)
		}
		if h[4] != 0 {
			return s, fmt.Errorf("page %d: Ogg version %d, want 0", seq, h[4])
		}
		flags := h[5]
		granule := int64(binary.LittleEndian.Uint64(h[6:14]))
		serial := binary.LittleEndian.Uint32(h[14:18])
		pageSeq := binary.LittleEndian.Uint32(h[18:22])
		crc := binary.LittleEndian.Uint32(h[22:26])
		nseg := int(h[26])
		if len(data)-off < 27+nseg {
			return s, fmt.Errorf("page %d: segment table runs past the end", seq)
		}
		lacing := data[off+27 : off+27+nseg]
		bodyLen := 0
		for _, l := range lacing {
			bodyLen += int(l)
		}
		end := off + 27 + nseg + bodyLen
		if end > len(data) {
			return s, fmt.Errorf("page %d: body runs past the end (%d > %d bytes)", seq, end, len(data))
		}
		page := data[off:end]
		if got := oggCRC(page); got != crc {
			return s, fmt.Errorf("page %d: CRC %08x, header says %08x", seq, got, crc)
		}
		if pageSeq != seq {
			return s, fmt.Errorf("page %d has sequence number %d", seq, pageSeq)
		}
		first, last := seq == 0, end == len(data)
		switch {
		case first && flags&0x02 == 0:
			return s, errors.New("the first page does not begin a stream (no BOS flag)")
		case !first && flags&0x02 != 0:
			return s, fmt.Errorf("page %d begins a second stream", seq)
		case first:
			s.Serial = serial
		case serial != s.Serial:
			return s, fmt.Errorf("page %d has serial %08x, the stream %08x", seq, serial, s.Serial)
		}
		if (flags&0x04 != 0) != last {
			return s, fmt.Errorf("page %d: end-of-stream flag %v on a page that is last=%v", seq, flags&0x04 != 0, last)
		}
		if (flags&0x01 != 0) != inPacket {
			return s, fmt.Errorf("page %d: continuation flag %v, but a packet continues=%v", seq, flags&0x01 != 0, inPacket)
		}
		body := page[27+nseg:]
		ended := 0 // packets completed on this page
		for _, l := range lacing {
			packet = append(packet, body[:l]...)
			body = body[l:]
			inPacket = l == 255
			if inPacket {
				continue
			}
			if err := s.packet(packet, seq); err != nil {
				return s, err
			}
			packet, ended = packet[:0], ended+1
		}
		if seq == 0 && (ended != 1 || inPacket) {
			return s, errors.New("the first page must hold the OpusHead packet alone")
		}
		if ended > 0 && s.Packets > 2 { // audio packets end on this page
			if granule < lastGranule {
				return s, fmt.Errorf("page %d: granule position goes back (%d after %d)", seq, granule, lastGranule)
			}
			lastGranule = granule
		}
		s.Pages++
		off = end
	}
	switch {
	case s.Pages == 0:
		return s, errors.New("empty file")
	case inPacket:
		return s, errors.New("the last packet is cut off")
	case s.Packets < 3:
		return s, fmt.Errorf("%d packets: no audio after the headers", s.Packets)
	case lastGranule < int64(s.PreSkip):
		return s, fmt.Errorf("final granule position %d is less than the pre-skip %d", lastGranule, s.PreSkip)
	}
	s.Granule = lastGranule
	return s, nil
}

// packet takes one complete packet, numbered in stream order.
func (s *OpusStream) packet(p []byte, page uint32) error {
	defer func() { s.Packets++ }()
	switch s.Packets {
	case 0:
		if len(p) < 19 || string(p[:8]) != "OpusHead" {
			return errors.New("the first packet is not an OpusHead")
		}
		if p[8]>>4 != 0 {
			return fmt.Errorf("OpusHead version %d, want 0.x", p[8])
		}
		s.Channels = int(p[9])
		s.PreSkip = int(binary.LittleEndian.Uint16(p[10:12]))
		s.InputRate = int(binary.LittleEndian.Uint32(p[12:16]))
		if s.Channels == 0 {
			return errors.New("OpusHead says 0 channels")
		}
		if family := p[18]; family == 0 && (s.Channels > 2 || len(p) != 19) {
			return fmt.Errorf("OpusHead: mapping family 0 with %d channels and %d bytes", s.Channels, len(p))
		}
	case 1:
		if len(p) < 12 || string(p[:8]) != "OpusTags" {
			return fmt.Errorf("page %d: the second packet is not OpusTags", page)
		}
		rest := p[8:]
		vendor, rest, ok := lengthPrefixed(rest)
		if !ok {
			return errors.New("OpusTags: the vendor string runs past the packet")
		}
		s.Vendor = string(vendor)
		if len(rest) < 4 {
			return errors.New("OpusTags: no comment count")
		}
		count := binary.LittleEndian.Uint32(rest)
		rest = rest[4:]
		if uint64(count)*4 > uint64(len(rest)) { // each comment takes 4 bytes at least
			return fmt.Errorf("OpusTags: %d comments cannot fit in %d bytes", count, len(rest))
		}
		s.Comments = make([]string, 0, count)
		for i := range count {
			var c []byte
			if c, rest, ok = lengthPrefixed(rest); !ok {
				return fmt.Errorf("OpusTags: comment %d runs past the packet", i)
			}
			s.Comments = append(s.Comments, string(c))
		}
	default:
		if len(p) == 0 {
			return fmt.Errorf("page %d: an empty audio packet", page)
		}
		if bytes.HasPrefix(p, []byte("OpusHead")) || bytes.HasPrefix(p, []byte("OpusTags")) {
			return fmt.Errorf("page %d: a header packet among the audio", page)
		}
	}
	return nil
}

// lengthPrefixed splits off a string with a 32-bit little-endian length in
// front of it.
func lengthPrefixed(b []byte) (str, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, b, false
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, b, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// oggCRC is the CRC-32 of an Ogg page (polynomial 0x04c11db7, no
// reflection, initial value 0), with the page's own CRC field as zeros.
func oggCRC(page []byte) uint32 {
	var crc uint32
	for i, b := range page {
		if i >= 22 && i < 26 {
			b = 0
		}
		crc = crc<<8 ^ oggTable[byte(crc>>24)^b]
	}
	return crc
}

var oggTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()
