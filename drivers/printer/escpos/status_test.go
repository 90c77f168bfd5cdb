package escpos

import (
	"errors"
	"testing"
)

// Every byte value the spec documents (§1.7), and the field report of
// node-escpos #288 (DLE EOT 1 answered 16: the drawer bit, not a problem).
func TestParseRealTime(t *testing.T) {
	cases := []struct {
		n       int
		b       byte
		want    Status // fields compared: the flags below
		problem error
	}{
		{1, 0x12, Status{Online: true}, nil},
		{1, 0x16, Status{Online: true, DrawerHigh: true}, nil},
		{1, 0x1A, Status{}, ErrOffline},
		{2, 0x12, Status{}, nil},
		{2, 0x16, Status{CoverOpen: true}, ErrCoverOpen},
		{2, 0x1A, Status{Feeding: true}, ErrOffline},
		{2, 0x32, Status{PaperOut: true}, ErrPaperOut},
		{2, 0x52, Status{Error: true}, ErrPrinterError},
		{2, 0x76, Status{CoverOpen: true, PaperOut: true, Error: true}, ErrCoverOpen},
		{3, 0x12, Status{}, nil},
		{3, 0x1A, Status{CutterError: true}, ErrCutterError},
		{3, 0x32, Status{Unrecoverable: true}, ErrPrinterError},
		{3, 0x52, Status{AutoRecoverable: true}, ErrPrinterError},
		{4, 0x12, Status{NearEndKnown: true}, nil},
		{4, 0x1E, Status{PaperNearEnd: true, NearEndKnown: true}, nil}, // near end: reported, not a problem
		{4, 0x72, Status{PaperOut: true, NearEndKnown: true}, ErrPaperOut},
		{4, 0x7E, Status{PaperOut: true, PaperNearEnd: true, NearEndKnown: true}, ErrPaperOut},
	}
	for _, c := range cases {
		s, err := ParseRealTime(c.n, c.b)
		if err != nil {
			t.Errorf("DLE EOT %d → %02X: %v", c.n, c.b, err)
			continue
		}
		got := s
		got.Known = 0
		if got != c.want {
			t.Errorf("DLE EOT %d → %02X: %+v, want %+v", c.n, c.b, got, c.want)
		}
		if p := s.Problem(); !errors.Is(p, c.problem) || (p == nil) != (c.problem == nil) {
			t.Errorf("DLE EOT %d → %02X: problem %v, want %v", c.n, c.b, p, c.problem)
		}
	}
	// Fixed bits: 1 and 4 set, 0 and 7 clear.
	for _, b := range []byte{0x00, 0x10, 0x02, 0x13, 0x92, 0x03, 0xFF, 0x35} {
		if _, err := ParseRealTime(2, b); !errors.Is(err, ErrBadStatus) {
			t.Errorf("%02X accepted: %v", b, err)
		}
	}
	for _, n := range []int{0, 5, -1} {
		if _, err := ParseRealTime(n, 0x12); !errors.Is(err, ErrBadStatus) {
			t.Errorf("n=%d accepted", n)
		}
	}
	// Every byte: an error exactly when the fixed bits are wrong.
	for n := 1; n <= 4; n++ {
		for b := 0; b < 256; b++ {
			_, err := ParseRealTime(n, byte(b))
			if (err == nil) != (byte(b)&0x93 == 0x12) {
				t.Fatalf("DLE EOT %d → %02X: %v", n, b, err)
			}
		}
	}
}

func TestParseASB(t *testing.T) {
	cases := []struct {
		b       [4]byte
		want    Status
		problem error
	}{
		{[4]byte{0x10, 0, 0, 0}, Status{Online: true, NearEndKnown: true}, nil},
		{[4]byte{0x14, 0, 0, 0}, Status{Online: true, DrawerHigh: true, NearEndKnown: true}, nil},
		{[4]byte{0x18, 0, 0, 0}, Status{NearEndKnown: true}, ErrOffline},
		{[4]byte{0x38, 0, 0x0C, 0}, Status{CoverOpen: true, PaperOut: true, NearEndKnown: true}, ErrCoverOpen},
		{[4]byte{0x58, 0, 0, 0}, Status{Feeding: true, NearEndKnown: true}, ErrOffline},
		{[4]byte{0x18, 0x08, 0, 0}, Status{CutterError: true, NearEndKnown: true}, ErrCutterError},
		{[4]byte{0x18, 0x20, 0, 0}, Status{Unrecoverable: true, NearEndKnown: true}, ErrPrinterError},
		{[4]byte{0x18, 0x40, 0, 0}, Status{AutoRecoverable: true, NearEndKnown: true}, ErrPrinterError},
		{[4]byte{0x10, 0, 0x03, 0}, Status{Online: true, PaperNearEnd: true, NearEndKnown: true}, nil},
		{[4]byte{0x18, 0, 0x0F, 0}, Status{PaperOut: true, PaperNearEnd: true, NearEndKnown: true}, ErrPaperOut},
	}
	for _, c := range cases {
		s, err := ParseASB(c.b)
		if err != nil {
			t.Errorf("% X: %v", c.b, err)
			continue
		}
		got := s
		got.Known = 0
		if got != c.want {
			t.Errorf("% X: %+v, want %+v", c.b, got, c.want)
		}
		if p := s.Problem(); !errors.Is(p, c.problem) || (p == nil) != (c.problem == nil) {
			t.Errorf("% X: problem %v, want %v", c.b, p, c.problem)
		}
	}
	for _, b := range [][4]byte{{0x12, 0, 0, 0}, {0x11, 0, 0, 0}, {0x90, 0, 0, 0}, {0x00, 0, 0, 0}, {0x10, 0x10, 0, 0}, {0x10, 0, 0x80, 0}, {0x10, 0, 0, 0x90}} {
		if _, err := ParseASB(b); !errors.Is(err, ErrBadStatus) {
			t.Errorf("% X accepted", b)
		}
	}
}

func TestParseInOrder(t *testing.T) {
	for _, c := range []struct {
		b            byte
		nearEnd, out bool
	}{{0x00, false, false}, {0x03, true, false}, {0x0C, false, true}, {0x0F, true, true}} {
		s, err := ParseInOrder(c.b)
		if err != nil || s.PaperNearEnd != c.nearEnd || s.PaperOut != c.out || !s.NearEndKnown {
			t.Errorf("%02X: %+v %v", c.b, s, err)
		}
	}
	for _, b := range []byte{0x10, 0x80, 0x12} {
		if _, err := ParseInOrder(b); !errors.Is(err, ErrBadStatus) {
			t.Errorf("%02X accepted", b)
		}
	}
}

func TestStatusMergeAndString(t *testing.T) {
	var s Status
	if s.String() != "unknown" || s.Problem() != nil {
		t.Fatalf("zero: %q %v", s, s.Problem())
	}
	a, _ := ParseRealTime(1, 0x12)
	b, _ := ParseRealTime(4, 0x1E)
	s = s.Merge(a).Merge(b)
	if s.String() != "online, paper near end" || s.Problem() != nil {
		t.Fatalf("%q %v", s, s.Problem())
	}
	c, _ := ParseRealTime(4, 0x12)
	if s = s.Merge(c); s.PaperNearEnd || !s.Online {
		t.Fatalf("merge did not replace near end: %+v", s)
	}
	off, _ := ParseRealTime(1, 0x1A)
	if s = s.Merge(off); !errors.Is(s.Problem(), ErrOffline) {
		t.Fatalf("%v", s.Problem())
	}
	// A model without a near-end sensor: "not near end" means unknown.
	if g := Generic58().Adjust(c); g.NearEndKnown {
		t.Fatal("generic58 claims a near-end sensor")
	}
	if g := Epson80().Adjust(c); !g.NearEndKnown {
		t.Fatal("epson80 lost its near-end sensor")
	}
	if g := Generic58().Adjust(b); !g.NearEndKnown || !g.PaperNearEnd {
		t.Fatal("a reported near end was discarded")
	}
}

func TestStatusReader(t *testing.T) {
	var r StatusReader
	r.Expect(2)
	r.Expect(4)
	// A DLE EOT 2 answer, an ASB block split over two writes, the DLE EOT 4
	// answer, a GS I block, the GS r reply, a stray byte.
	r.Write([]byte{0x12, 0x10, 0x00})
	if rep, ok := r.Next(); !ok || rep.Kind != ReplyRealTime || rep.Request != 2 || rep.Err != nil {
		t.Fatalf("%+v", rep)
	}
	if _, ok := r.Next(); ok {
		t.Fatal("an incomplete ASB block was split")
	}
	r.Write([]byte{0x0C, 0x00, 0x72})
	r.Write([]byte("_TM-T88V\x00"))
	r.Write([]byte{0x00, 0xFF})
	want := []struct {
		kind    ReplyKind
		problem error
	}{
		{ReplyASB, ErrPaperOut},
		{ReplyRealTime, ErrPaperOut},
		{ReplyBlock, nil},
		{ReplyInOrder, nil},
		{ReplyUnknown, nil},
	}
	for i, w := range want {
		rep, ok := r.Next()
		if !ok || rep.Kind != w.kind || rep.Err != nil && w.kind != ReplyUnknown {
			t.Fatalf("reply %d: %+v, want %v", i, rep, w.kind)
		}
		if p := rep.Status.Problem(); !errors.Is(p, w.problem) || (p == nil) != (w.problem == nil) {
			t.Fatalf("reply %d: %v, want %v", i, p, w.problem)
		}
		if rep.Kind == ReplyRealTime && rep.Request != 4 {
			t.Fatalf("answer taken for DLE EOT %d", rep.Request)
		}
		if rep.Kind == ReplyBlock && string(rep.Raw) != "_TM-T88V\x00" {
			t.Fatalf("block %q", rep.Raw)
		}
	}
	if r.Outstanding() != 0 {
		t.Fatal("requests left")
	}
	// An answer with nothing outstanding is flagged, not taken for a request.
	r.Write([]byte{0x12})
	if rep, _ := r.Next(); !errors.Is(rep.Err, ErrUnexpectedReply) {
		t.Fatalf("%+v", rep)
	}
	// An ASB-looking byte followed by a byte that cannot continue it.
	r.Write([]byte{0x18, 0x80})
	for _, k := range []ReplyKind{ReplyUnknown, ReplyUnknown} {
		if rep, _ := r.Next(); rep.Kind != k {
			t.Fatalf("%+v", rep)
		}
	}
	// Flush gives up on an incomplete block; Reset forgets requests.
	r.Write([]byte{0x10, 0x00})
	r.Expect(1)
	r.Flush()
	r.Reset()
	if r.Outstanding() != 0 {
		t.Fatal("Reset kept requests")
	}
	var kinds []ReplyKind
	for rep, ok := r.Next(); ok; rep, ok = r.Next() {
		kinds = append(kinds, rep.Kind)
	}
	if len(kinds) != 2 || kinds[0] != ReplyUnknown || kinds[1] != ReplyInOrder {
		t.Fatalf("after Flush: %v", kinds)
	}
	// A babbling printer does not make it grow without bound.
	for i := 0; i < 2000; i++ {
		r.Write([]byte{0x00})
	}
	if r.Dropped() != 2000-maxReplies {
		t.Fatalf("dropped %d", r.Dropped())
	}
}

// The handshake of spec §1.7 as bytes: a job's GS r reply comes after the
// ASB blocks sent while it printed.
func TestStatusReaderJobStream(t *testing.T) {
	var r StatusReader
	r.Expect(2)
	stream := []byte{0x12, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x03, 0x00, 0x00}
	for _, b := range stream { // one byte at a time, as a serial port may deliver them
		r.Write([]byte{b})
	}
	var got []ReplyKind
	var last Status
	for rep, ok := r.Next(); ok; rep, ok = r.Next() {
		got = append(got, rep.Kind)
		last = last.Merge(rep.Status)
	}
	want := []ReplyKind{ReplyRealTime, ReplyASB, ReplyASB, ReplyInOrder}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v", got)
		}
	}
	if last.PaperNearEnd || last.Problem() != nil {
		t.Fatalf("%s", last)
	}
}
