package audio

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A stream is an Ogg Opus file being built for a test, one page at a time.
type stream struct {
	buf    bytes.Buffer
	serial uint32
	seq    uint32
}

// page appends a page with the given segment lengths, taken from body in
// order, and the right CRC.
func (st *stream) page(flags byte, granule int64, lacing []byte, body []byte) {
	h := make([]byte, 27, 27+len(lacing)+len(body))
	copy(h, "OggS")
	h[5] = flags
	binary.LittleEndian.PutUint64(h[6:], uint64(granule))
	binary.LittleEndian.PutUint32(h[14:], st.serial)
	binary.LittleEndian.PutUint32(h[18:], st.seq)
	h[26] = byte(len(lacing))
	p := append(append(h, lacing...), body...)
	binary.LittleEndian.PutUint32(p[22:], oggCRC(p))
	st.buf.Write(p)
	st.seq++
}

// lacingOf is the segment table of one whole packet of n bytes.
func lacingOf(n int) []byte {
	var l []byte
	for ; n >= 255; n -= 255 {
		l = append(l, 255)
	}
	return append(l, byte(n))
}

func opusHead(channels byte, preSkip uint16, rate uint32) []byte {
	p := []byte("OpusHead\x01")
	p = append(p, channels)
	p = binary.LittleEndian.AppendUint16(p, preSkip)
	p = binary.LittleEndian.AppendUint32(p, rate)
	return append(p, 0, 0, 0) // output gain 0, mapping family 0
}

func opusTags(vendor string, comments ...string) []byte {
	p := []byte("OpusTags")
	p = binary.LittleEndian.AppendUint32(p, uint32(len(vendor)))
	p = append(p, vendor...)
	p = binary.LittleEndian.AppendUint32(p, uint32(len(comments)))
	for _, c := range comments {
		p = binary.LittleEndian.AppendUint32(p, uint32(len(c)))
		p = append(p, c...)
	}
	return p
}

// validStream is a small well-formed Ogg Opus file: OpusHead, OpusTags,
// then 4 audio packets of 20 ms on two pages, the first 300 bytes long
// (two lacing values), the last beginning on page 2 and ending on page 3.
func validStream() []byte {
	st := &stream{serial: 0x1234abcd}
	head := opusHead(1, 312, 22050)
	st.page(0x02, 0, lacingOf(len(head)), head)
	tags := opusTags("libopus test", "KIOSK_PROMPT=test.one", "TITLE=您好")
	st.page(0, 0, lacingOf(len(tags)), tags)
	a, b := bytes.Repeat([]byte{0x08}, 300), bytes.Repeat([]byte{0x09}, 40)
	c := bytes.Repeat([]byte{0x0a}, 510) // runs onto the next page
	lac := append(append(lacingOf(len(a)), lacingOf(len(b))...), 255)
	st.page(0, 312+2*960, lac, append(append(append([]byte{}, a...), b...), c[:255]...))
	d := []byte{0x0b, 0x0c}
	lac = append([]byte{255, 0}, lacingOf(len(d))...)
	st.page(0x01|0x04, 312+4*960, lac, append(append([]byte{}, c[255:]...), d...))
	return st.buf.Bytes()
}

func TestParseOggOpusAValidStream(t *testing.T) {
	s, err := ParseOggOpus(validStream())
	if err != nil {
		t.Fatal(err)
	}
	want := OpusStream{Channels: 1, PreSkip: 312, InputRate: 22050, Granule: 312 + 4*960, Pages: 4, Packets: 6,
		Vendor: "libopus test", Comments: []string{"KIOSK_PROMPT=test.one", "TITLE=您好"}, Serial: 0x1234abcd}
	if s.Channels != want.Channels || s.PreSkip != want.PreSkip || s.InputRate != want.InputRate || s.Granule != want.Granule ||
		s.Pages != want.Pages || s.Packets != want.Packets || s.Vendor != want.Vendor || s.Serial != want.Serial ||
		strings.Join(s.Comments, "|") != strings.Join(want.Comments, "|") {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	if d := s.Duration(); d != 80*time.Millisecond {
		t.Errorf("duration %v, want 80ms", d)
	}
	if v, ok := s.Comment("kiosk_prompt"); !ok || v != "test.one" {
		t.Errorf("Comment(kiosk_prompt) = %q, %v", v, ok)
	}
	if _, ok := s.Comment("ARTIST"); ok {
		t.Error("a comment that is not there was found")
	}
}

// Each change to a valid stream that breaks RFC 3533 or RFC 7845 is
// refused, with a reason that names it.
func TestParseOggOpusRefuses(t *testing.T) {
	valid := validStream()
	// pages of the valid stream, to change one and put the CRC right again
	var pages [][]byte
	for off := 0; off < len(valid); {
		n := 27 + int(valid[off+26])
		for _, l := range valid[off+27 : off+n] {
			n += int(l)
		}
		pages = append(pages, append([]byte{}, valid[off:off+n]...))
		off += n
	}
	join := func(ps ...[]byte) []byte { return bytes.Join(ps, nil) }
	fix := func(p []byte) []byte {
		binary.LittleEndian.PutUint32(p[22:], 0)
		binary.LittleEndian.PutUint32(p[22:], oggCRC(p))
		return p
	}
	edit := func(i int, f func(p []byte) []byte) []byte {
		ps := make([][]byte, len(pages))
		for j := range pages {
			ps[j] = append([]byte{}, pages[j]...)
		}
		ps[i] = f(ps[i])
		return join(ps...)
	}
	onlyHeaders := func(extra ...[]byte) []byte {
		st := &stream{serial: 7}
		head := opusHead(1, 312, 48000)
		st.page(0x02, 0, lacingOf(len(head)), head)
		tags := opusTags("v")
		if len(extra) == 0 {
			st.page(0x04, 0, lacingOf(len(tags)), tags)
		} else {
			st.page(0, 0, lacingOf(len(tags)), tags)
			st.page(0x04, 312+960, lacingOf(len(extra[0])), extra[0])
		}
		return st.buf.Bytes()
	}
	withTags := func(tags []byte) []byte {
		st := &stream{serial: 7}
		head := opusHead(1, 312, 48000)
		st.page(0x02, 0, lacingOf(len(head)), head)
		st.page(0, 0, lacingOf(len(tags)), tags)
		st.page(0x04, 312+960, []byte{1}, []byte{8})
		return st.buf.Bytes()
	}
	withHead := func(head []byte) []byte {
		st := &stream{serial: 7}
		st.page(0x02, 0, lacingOf(len(head)), head)
		tags := opusTags("v")
		st.page(0, 0, lacingOf(len(tags)), tags)
		st.page(0x04, 312+960, []byte{1}, []byte{8})
		return st.buf.Bytes()
	}
	badCount := binary.LittleEndian.AppendUint32(append([]byte("OpusTags"), 0, 0, 0, 0), 1000)
	for _, c := range []struct {
		name, want string
		data       []byte
	}{
		{"empty", "empty file", nil},
		{"not Ogg", "no OggS", []byte(strings.Repeat("RIFF", 10))},
		{"cut in a header", "a page header needs 27", valid[:len(pages[0])+10]},
		{"cut in a body", "body runs past the end", valid[:len(valid)-1]},
		{"cut at a page boundary", "end-of-stream flag false on a page that is last=true", join(pages[:3]...)},
		{"trailing bytes", "end-of-stream flag true on a page that is last=false", append(append([]byte{}, valid...), 0)},
		{"a page after the last", "end-of-stream flag true on a page that is last=false", join(append(pages, pages[3])...)},
		{"bad CRC", "CRC", edit(2, func(p []byte) []byte { p[40] ^= 1; return p })},
		{"version 1", "Ogg version 1", edit(1, func(p []byte) []byte { p[4] = 1; return fix(p) })},
		{"a page missing", "has sequence number 2", join(pages[0], pages[2], pages[3])},
		{"two pages swapped", "has sequence number 2", join(pages[0], pages[2], pages[1], pages[3])},
		{"no BOS", "no BOS flag", edit(0, func(p []byte) []byte { p[5] = 0; return fix(p) })},
		{"second BOS", "begins a second stream", edit(1, func(p []byte) []byte { p[5] |= 0x02; return fix(p) })},
		{"another serial", "has serial", edit(2, func(p []byte) []byte { p[14] ^= 0xff; return fix(p) })},
		{"continuation not flagged", "continuation flag false", edit(3, func(p []byte) []byte { p[5] &^= 0x01; return fix(p) })},
		{"continuation flagged", "continuation flag true", edit(2, func(p []byte) []byte { p[5] |= 0x01; return fix(p) })},
		{"granule goes back", "granule position goes back", edit(3, func(p []byte) []byte {
			binary.LittleEndian.PutUint64(p[6:], 312)
			return fix(p)
		})},
		{"negative granule", "granule position goes back", edit(3, func(p []byte) []byte {
			binary.LittleEndian.PutUint64(p[6:], math.MaxUint64)
			return fix(p)
		})},
		{"granule under the pre-skip", "less than the pre-skip", func() []byte {
			st := &stream{serial: 7}
			head, tags := opusHead(1, 312, 48000), opusTags("v")
			st.page(0x02, 0, lacingOf(len(head)), head)
			st.page(0, 0, lacingOf(len(tags)), tags)
			st.page(0x04, 100, []byte{1}, []byte{8})
			return st.buf.Bytes()
		}()},
		{"OpusHead misspelt", "not an OpusHead", edit(0, func(p []byte) []byte { p[28] = 'o'; return fix(p) })},
		{"OpusHead version 1.0", "OpusHead version 16", withHead(append(opusHead(1, 312, 48000)[:8], append([]byte{0x10}, opusHead(1, 312, 48000)[9:]...)...))},
		{"no channels", "0 channels", withHead(opusHead(0, 312, 48000))},
		{"3 channels in family 0", "mapping family 0 with 3 channels", withHead(opusHead(3, 312, 48000))},
		{"short OpusHead", "not an OpusHead", withHead(opusHead(1, 312, 48000)[:18])},
		{"first page holds more", "OpusHead packet alone", func() []byte {
			st := &stream{serial: 7}
			head, tags := opusHead(1, 312, 48000), opusTags("v")
			st.page(0x02, 0, append(lacingOf(len(head)), lacingOf(len(tags))...), append(append([]byte{}, head...), tags...))
			st.page(0x04, 312+960, []byte{1}, []byte{8})
			return st.buf.Bytes()
		}()},
		{"no OpusTags", "not OpusTags", withTags([]byte("OpusTagz\x00\x00\x00\x00\x00\x00\x00\x00"))},
		{"vendor too long", "vendor string runs past", withTags(binary.LittleEndian.AppendUint32([]byte("OpusTags"), 5))},
		{"no comment count", "no comment count", withTags(binary.LittleEndian.AppendUint32([]byte("OpusTags"), 0))},
		{"too many comments", "cannot fit", withTags(badCount)},
		{"comment too long", "comment 0 runs past", withTags(binary.LittleEndian.AppendUint32(
			binary.LittleEndian.AppendUint32(append([]byte("OpusTags"), 0, 0, 0, 0), 1), 9))},
		{"headers only", "no audio after the headers", onlyHeaders()},
		{"an empty audio packet", "an empty audio packet", onlyHeaders([]byte{})},
		{"a header among the audio", "a header packet among the audio", onlyHeaders(opusTags("v"))},
		{"the last packet cut off", "the last packet is cut off", func() []byte {
			st := &stream{serial: 7}
			head, tags := opusHead(1, 312, 48000), opusTags("v")
			st.page(0x02, 0, lacingOf(len(head)), head)
			st.page(0, 0, lacingOf(len(tags)), tags)
			st.page(0, 312+960, []byte{1, 255}, append([]byte{8}, make([]byte, 255)...))
			st.page(0x01|0x04, 312+960, []byte{255}, make([]byte, 255))
			return st.buf.Bytes()
		}()},
	} {
		_, err := ParseOggOpus(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// The Ogg CRC of RFC 3533 is CRC-32/CKSUM's (polynomial 0x04c11db7,
// initial 0, not reflected) without its final inversion: its check value,
// the CRC of "123456789", is 0x765e7680 inverted, 0x89a1897f.
func TestOggCRC(t *testing.T) {
	data := make([]byte, 26+9) // the CRC field (22..25) is read as zeros
	copy(data[26:], "123456789")
	for i := 22; i < 26; i++ {
		data[i] = 0xff // ignored
	}
	var plain uint32
	for _, b := range data {
		if b == 0xff {
			b = 0
		}
		plain = plain<<8 ^ oggTable[byte(plain>>24)^b]
	}
	if got := oggCRC(data); got != plain {
		t.Errorf("the CRC field is not read as zeros: %08x, %08x", got, plain)
	}
	var crc uint32
	for _, b := range []byte("123456789") {
		crc = crc<<8 ^ oggTable[byte(crc>>24)^b]
	}
	if crc != 0x89a1897f {
		t.Errorf("CRC of 123456789 = %08x, want 89a1897f", crc)
	}
}

func TestDurationDoesNotOverflow(t *testing.T) {
	for _, c := range []struct {
		granule int64
		want    time.Duration
	}{
		{312, 0},
		{312 + 48000, time.Second},
		{312 + 24, 500 * time.Microsecond},
		{math.MaxInt64, math.MaxInt64},
		{312 + math.MaxInt64/int64(time.Second) + 1, math.MaxInt64},
	} {
		if got := (OpusStream{PreSkip: 312, Granule: c.granule}).Duration(); got != c.want || got < 0 {
			t.Errorf("granule %d: %v, want %v", c.granule, got, c.want)
		}
	}
}

// FuzzParseOggOpus feeds the parser bytes it was not made for: it must
// never panic, and what it accepts must hold together.
func FuzzParseOggOpus(f *testing.F) {
	f.Add(validStream())
	f.Add([]byte{})
	f.Add([]byte("OggS"))
	v := validStream()
	f.Add(v[:len(v)/2])
	f.Add(append(append([]byte{}, v...), v...))
	// two of the shipped prompts, the shortest, as the encoder writes them
	for _, name := range []string{"sign.rel.erzi.opus", "sign_authorization.next.opus"} {
		if b, err := os.ReadFile(filepath.Join("..", "static", "audio", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseOggOpus(data)
		if err != nil {
			return
		}
		if s.Pages < 1 || s.Packets < 3 || s.Channels < 1 || s.Granule < int64(s.PreSkip) || s.Duration() < 0 {
			t.Fatalf("accepted with %+v", s)
		}
		// A whole stream ends exactly at the end of its last page: no
		// shorter piece of it is one.
		if _, err := ParseOggOpus(data[:len(data)-1]); err == nil {
			t.Fatal("accepted the stream without its last byte as well")
		}
	})
}
