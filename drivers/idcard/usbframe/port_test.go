package usbframe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// script is an Endpoints that plays scripted IN transfers and records
// everything. An IN endpoint with nothing queued times out at once and
// moves the script's clock on by the timeout, so tests of stalls take no
// real time.
type script struct {
	mu     sync.Mutex
	clock  time.Time
	in     map[uint8][]step
	writes []xfer
	reads  []xfer // ep and buffer size (data holds nothing)
	sizes  []int
	closed bool
	// writeErr, when set, fails every write.
	writeErr error
	// writeMax, when > 0, makes the device take at most that many bytes
	// per OUT transfer.
	writeMax int
}

type step struct {
	data []byte
	err  error
}

type xfer struct {
	ep   uint8
	data []byte
}

func newScript() *script {
	return &script{clock: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), in: map[uint8][]step{}}
}

func (s *script) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock
}

// queue adds IN transfers on ep.
func (s *script) queue(ep uint8, transfers ...[]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range transfers {
		s.in[ep] = append(s.in[ep], step{data: t})
	}
}

func (s *script) queueStep(ep uint8, st step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.in[ep] = append(s.in[ep], st)
}

func (s *script) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = append(s.reads, xfer{ep: ep})
	s.sizes = append(s.sizes, len(b))
	if s.closed {
		return 0, transport.ErrClosed
	}
	q := s.in[ep]
	if len(q) == 0 {
		s.clock = s.clock.Add(timeout)
		return 0, fmt.Errorf("script: endpoint 0x%02X idle: %w", ep, usb.ErrTimeout)
	}
	st := q[0]
	s.in[ep] = q[1:]
	if len(st.data) > len(b) {
		return 0, fmt.Errorf("script: %d-byte transfer overflows a %d-byte buffer", len(st.data), len(b))
	}
	if errors.Is(st.err, usb.ErrTimeout) {
		s.clock = s.clock.Add(timeout)
	}
	return copy(b, st.data), st.err
}

func (s *script) Write(ep uint8, b []byte, timeout time.Duration) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, transport.ErrClosed
	}
	if s.writeErr != nil {
		return 0, s.writeErr
	}
	n := len(b)
	if s.writeMax > 0 {
		n = min(n, s.writeMax)
	}
	s.writes = append(s.writes, xfer{ep, bytes.Clone(b[:n])})
	return n, nil
}

func (s *script) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// pending reports whether any scripted IN transfer is left.
func (s *script) pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.in {
		if len(q) > 0 {
			return true
		}
	}
	return false
}

func (s *script) readEPs() []uint8 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var eps []uint8
	for _, r := range s.reads {
		eps = append(eps, r.ep)
	}
	return eps
}

func newTestPort(s *script, l Layout) *Port {
	p := NewPort(s, l)
	p.now = s.now
	return p
}

// readStream reads from p, with a buffer of size bytes, until ten reads in
// a row bring nothing (enough idle polls to pass a Frame timeout), and
// returns the bytes read.
func readStream(t *testing.T, p *Port, size int) []byte {
	t.Helper()
	return readStreamMax(t, p, size, 10000)
}

// readStreamMax is readStream failing the test after maxCalls reads.
func readStreamMax(t *testing.T, p *Port, size, maxCalls int) []byte {
	t.Helper()
	var out []byte
	b := make([]byte, size)
	idle := 0
	for calls := 0; idle < 10; calls++ {
		if calls > maxCalls {
			t.Fatal("Port.Read never ran dry")
		}
		n, err := p.Read(b)
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if n > len(b) {
			t.Fatalf("Read returned %d bytes into %d", n, len(b))
		}
		out = append(out, b[:n]...)
		if n == 0 {
			idle++
		} else {
			idle = 0
		}
	}
	return out
}

// decodeAll returns the bodies of the valid frames in stream and how many
// corrupted candidates the decoder dropped.
func decodeAll(stream []byte) (bodies [][]byte, corrupt int) {
	var d idcard.Decoder
	d.Feed(stream)
	for {
		body, err := d.Next()
		if errors.Is(err, idcard.ErrNeedMore) {
			if d.Abandon() != nil {
				corrupt++
				continue
			}
			return bodies, corrupt
		}
		if err != nil {
			corrupt++
			continue
		}
		bodies = append(bodies, body)
	}
}

// reply builds a reader frame with n data bytes.
func reply(sw3 idcard.Status, n int) []byte {
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i*7 + 3)
	}
	return idcard.EncodeResponse(0, 0, sw3, data)
}

func chunks(b []byte, size int) [][]byte {
	var out [][]byte
	for len(b) > size {
		out = append(out, b[:size])
		b = b[size:]
	}
	return append(out, b)
}

func TestWriteSplitsFrames(t *testing.T) {
	find := idcard.Encode(idcard.CmdFind) // AA AA AA 96 69 00 03 20 01 22
	setSize := idcard.Encode(idcard.Command{CMD: 0x61, PARA: 0xFF}, 0x50)
	for _, tc := range []struct {
		name   string
		layout Layout
		frame  []byte
		want   []xfer
	}{
		{"split default", SplitPipes{}, find, []xfer{{0x02, find[:7]}, {0x06, []byte{0x20, 0x01, 0x22}}}},
		{"split with data", nil, setSize, []xfer{{0x02, setSize[:7]}, {0x06, []byte{0x61, 0xFF, 0x50, 0xCA}}}},
		{"split custom", SplitPipes{HeaderOut: 0x01, BodyOut: 0x03, HeaderIn: 0x82, BodyIn: 0x84}, find, []xfer{{0x01, find[:7]}, {0x03, find[7:]}}},
		{"single", SinglePipe{Out: 0x02, In: 0x81}, find, []xfer{{0x02, find}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScript()
			p := newTestPort(s, tc.layout)
			n, err := p.Write(tc.frame)
			if err != nil || n != len(tc.frame) {
				t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(tc.frame))
			}
			if fmt.Sprint(s.writes) != fmt.Sprint(tc.want) {
				t.Errorf("transfers\n got %X\nwant %X", s.writes, tc.want)
			}
		})
	}
	if got := idcard.Encode(idcard.CmdFind); !bytes.Equal(got, []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22}) {
		t.Fatalf("find frame is % X, not the published one", got)
	}
}

func TestWriteGoesOnAfterShortTransfers(t *testing.T) {
	s := newScript()
	s.writeMax = 2
	p := newTestPort(s, nil)
	frame := idcard.Encode(idcard.CmdReadBase)
	if n, err := p.Write(frame); err != nil || n != len(frame) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	var hdr, body []byte
	for _, w := range s.writes {
		switch w.ep {
		case 0x02:
			hdr = append(hdr, w.data...)
		case 0x06:
			body = append(body, w.data...)
		default:
			t.Fatalf("write to endpoint 0x%02X", w.ep)
		}
	}
	if !bytes.Equal(hdr, frame[:7]) || !bytes.Equal(body, frame[7:]) {
		t.Errorf("header % X body % X; frame % X", hdr, body, frame)
	}
}

func TestWriteRejectsWhatIsNotOneFrame(t *testing.T) {
	find := idcard.Encode(idcard.CmdFind)
	bad := map[string][]byte{
		"empty":         nil,
		"short":         find[:6],
		"header only":   find[:7],
		"no preamble":   append([]byte{0xAB}, find[1:]...),
		"lost sync":     find[1:],
		"truncated":     find[:len(find)-1],
		"extra byte":    append(bytes.Clone(find), 0),
		"two frames":    append(bytes.Clone(find), find...),
		"LEN too small": {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x02, 0x20, 0x22},
		"LEN too large": append([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF}, make([]byte, 0xFFFF)...),
	}
	for name, b := range bad {
		for _, l := range []Layout{SplitPipes{}, SinglePipe{0x02, 0x81}} {
			s := newScript()
			n, err := newTestPort(s, l).Write(b)
			if !errors.Is(err, ErrNotFrame) || n != 0 {
				t.Errorf("%s (%s): Write = %d, %v; want 0, ErrNotFrame", name, l, n, err)
			}
			if len(s.writes) != 0 {
				t.Errorf("%s (%s): sent %X", name, l, s.writes)
			}
		}
	}
}

func TestReadSplitReassemblesReplies(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	found := idcard.EncodeResponse(0, 0, idcard.StatusFound, []byte{0, 0, 0, 0})
	if !bytes.Equal(found, []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00, 0x9F, 0, 0, 0, 0, 0x97}) {
		t.Fatalf("find reply is % X, not the published one", found)
	}
	long := reply(idcard.StatusOK, 4+256+1024) // a 30 01 reply: LEN 0x0508
	s.queue(0x81, found[:7], long[:7])
	s.queue(0x85, found[7:])
	s.queue(0x85, chunks(long[7:], 64)...) // the body over 21 transfers
	stream := readStream(t, p, 4096)
	if want := append(bytes.Clone(found), long...); !bytes.Equal(stream, want) {
		t.Fatalf("stream is %d bytes, want the two frames (%d bytes)", len(stream), len(want))
	}
	bodies, corrupt := decodeAll(stream)
	if len(bodies) != 2 || corrupt != 0 || !bytes.Equal(bodies[1], long[7:len(long)-1]) {
		t.Errorf("decoded %d frames, %d corrupt", len(bodies), corrupt)
	}
	// Header, body, header, then the body until it is complete.
	eps := s.readEPs()
	want := []uint8{0x81, 0x85, 0x81}
	for range 21 {
		want = append(want, 0x85)
	}
	if got := eps[:len(want)]; !bytes.Equal(got, want) {
		t.Errorf("endpoints read\n got % X\nwant % X", got, want)
	}
	for _, r := range eps[len(want):] {
		if r != 0x81 {
			t.Fatalf("after the last body the port read 0x%02X, want only 0x81", r)
		}
	}
	for i, size := range s.sizes {
		if size == 0 || size%64 != 0 {
			t.Errorf("read %d used a %d-byte buffer: not a whole number of 64-byte packets", i, size)
		}
	}
	// The first body read asks for LEN bytes rounded up to whole packets.
	if s.sizes[1] < 8 || s.sizes[3] < 0x0508 {
		t.Errorf("body reads of %d and %d bytes are too small", s.sizes[1], s.sizes[3])
	}
}

func TestReadWithSmallBuffersKeepsTheRest(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	f := reply(idcard.StatusOK, 100)
	s.queue(0x81, f[:7])
	s.queue(0x85, f[7:])
	if got := readStream(t, p, 3); !bytes.Equal(got, f) {
		t.Fatalf("got % X\nwant % X", got, f)
	}
}

func TestReadHeaderOddities(t *testing.T) {
	ok := reply(idcard.StatusOK, 10)
	ok2 := reply(idcard.StatusNoCard, 0)
	for _, tc := range []struct {
		name     string
		hdr, bod [][]byte
		frames   int // valid frames the decoder must find
		bodyRead bool
	}{
		{"garbage before header", [][]byte{{0x01, 0x02, 0x03}, ok[:7]}, [][]byte{ok[7:]}, 1, true},
		{"header in two transfers", [][]byte{ok[:3], ok[3:7]}, [][]byte{ok[7:]}, 1, true},
		{"header split in the mark", [][]byte{ok[:4], ok[4:7]}, [][]byte{ok[7:]}, 1, true},
		{"lost sync byte", [][]byte{ok[1:7]}, [][]byte{ok[7:]}, 1, true},
		{"header with part of the body", [][]byte{ok[:12]}, [][]byte{ok[12:]}, 1, true},
		{"whole frame on the header pipe", [][]byte{append(bytes.Clone(ok), ok2...)}, nil, 2, false},
		{"bad LEN", [][]byte{{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF}, ok2[:7]}, [][]byte{ok2[7:]}, 1, true},
		{"not a header", [][]byte{{0xAA, 0xAA, 0xAA, 0x69, 0x96, 0x00, 0x04}}, [][]byte{ok2[7:]}, 0, false},
		{"garbage only", [][]byte{bytes.Repeat([]byte{0xAA}, 40)}, nil, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScript()
			p := newTestPort(s, nil)
			s.queue(0x81, tc.hdr...)
			s.queue(0x85, tc.bod...)
			stream := readStream(t, p, 4096)
			var want []byte
			for _, b := range tc.hdr {
				want = append(want, b...)
			}
			if tc.bodyRead {
				for _, b := range tc.bod {
					want = append(want, b...)
				}
			}
			if !bytes.Equal(stream, want) {
				t.Errorf("stream\n got % X\nwant % X", stream, want)
			}
			if bodies, _ := decodeAll(stream); len(bodies) != tc.frames {
				t.Errorf("decoded %d frames, want %d", len(bodies), tc.frames)
			}
			if read := bytes.IndexByte(s.readEPs(), 0x85) >= 0; read != tc.bodyRead {
				t.Errorf("body endpoint read: %v, want %v", read, tc.bodyRead)
			}
		})
	}
}

func TestReadBodyStallResynchronises(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	p.SetTimeouts(Timeouts{Poll: 10 * time.Millisecond, Frame: 35 * time.Millisecond})
	lost := reply(idcard.StatusOK, 200)
	good := reply(idcard.StatusFound, 4)
	s.queue(0x85, lost[7:50]) // then the rest never comes
	s.queue(0x81, lost[:7])
	b := make([]byte, 4096)
	var stream []byte
	for range 6 { // header, part of the body, then stalls
		n, err := p.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		stream = append(stream, b[:n]...)
	}
	eps := s.readEPs()
	if !bytes.Equal(eps[:6], []byte{0x81, 0x85, 0x85, 0x85, 0x85, 0x85}) {
		t.Fatalf("endpoints read % X", eps)
	}
	// 4 idle polls of 10 ms passed the 35 ms frame timeout: back to headers.
	s.queue(0x81, good[:7])
	s.queue(0x85, good[7:])
	stream = append(stream, readStream(t, p, 4096)...)
	if got := s.readEPs()[6]; got != 0x81 {
		t.Fatalf("after the stall the port read 0x%02X, want the header endpoint", got)
	}
	bodies, corrupt := decodeAll(stream)
	if len(bodies) != 1 || !bytes.Equal(bodies[0], good[7:len(good)-1]) || corrupt == 0 {
		t.Errorf("decoded %d frames (%d corrupt); want the good one after the truncated one", len(bodies), corrupt)
	}
}

func TestReadKeepsBytesOfATimedOutTransfer(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	f := reply(idcard.StatusOK, 300)
	s.queue(0x81, f[:7])
	s.queueStep(0x85, step{data: f[7:100], err: fmt.Errorf("cut: %w", usb.ErrTimeout)})
	s.queue(0x85, f[100:])
	if got := readStream(t, p, 4096); !bytes.Equal(got, f) {
		t.Fatalf("got %d bytes, want the %d-byte frame", len(got), len(f))
	}
}

func TestReadExtraBodyBytesPassThrough(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	a, b := reply(idcard.StatusOK, 5), reply(idcard.StatusOK, 6)
	s.queue(0x81, a[:7], b[:7])
	s.queue(0x85, append(bytes.Clone(a[7:]), 0xEE, 0xEE), b[7:])
	stream := readStream(t, p, 4096)
	if bodies, _ := decodeAll(stream); len(bodies) != 2 {
		t.Fatalf("decoded %d frames from % X", len(bodies), stream)
	}
	if eps := s.readEPs(); !bytes.Equal(eps[:4], []byte{0x81, 0x85, 0x81, 0x85}) {
		t.Errorf("endpoints read % X", eps)
	}
}

func TestReadSinglePipePassesChunks(t *testing.T) {
	s := newScript()
	p := newTestPort(s, SinglePipe{Out: 0x01, In: 0x82})
	a, b := reply(idcard.StatusOK, 1288-4), reply(idcard.StatusNoCard, 0)
	s.queue(0x82, []byte{0x00, 0x13}, a[:500], a[500:], b)
	stream := readStream(t, p, 4096)
	bodies, _ := decodeAll(stream)
	if len(bodies) != 2 || !bytes.Equal(stream[2:], append(bytes.Clone(a), b...)) {
		t.Fatalf("decoded %d frames", len(bodies))
	}
	for i, r := range s.reads {
		if r.ep != 0x82 || s.sizes[i]%64 != 0 {
			t.Fatalf("read %d on 0x%02X with %d bytes", i, r.ep, s.sizes[i])
		}
	}
}

func TestReadEmptyBufferDoesNothing(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	if n, err := p.Read(nil); n != 0 || err != nil || len(s.reads) != 0 {
		t.Fatalf("Read(nil) = %d, %v after %d transfers", n, err, len(s.reads))
	}
}

func TestErrorsAreClassified(t *testing.T) {
	gone := fmt.Errorf("script: %w", transport.ErrDisconnected)
	s := newScript()
	p := newTestPort(s, nil)
	s.queueStep(0x81, step{err: gone})
	_, err := p.Read(make([]byte, 64))
	var te *TransferError
	if !errors.Is(err, transport.ErrDisconnected) || !errors.As(err, &te) || te.Endpoint != 0x81 || te.Op != "read" {
		t.Fatalf("Read error %v; want a TransferError on 0x81 matching ErrDisconnected", err)
	}
	s.writeErr = gone
	if _, err := p.Write(idcard.Encode(idcard.CmdFind)); !errors.Is(err, transport.ErrDisconnected) || !errors.As(err, &te) || te.Endpoint != 0x02 {
		t.Fatalf("Write error %v", err)
	}
	s.writeErr = fmt.Errorf("script: %w", usb.ErrTimeout)
	if _, err := p.Write(idcard.Encode(idcard.CmdFind)); !errors.Is(err, usb.ErrTimeout) {
		t.Fatalf("write timeout gave %v; want an error matching usb.ErrTimeout", err)
	}
	// Bytes that came with the error are not lost.
	s = newScript()
	p = newTestPort(s, SinglePipe{0x02, 0x81})
	s.queueStep(0x81, step{data: []byte{1, 2, 3}, err: gone})
	b := make([]byte, 64)
	n, err := p.Read(b)
	if n != 3 || !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("Read = %d, %v; want the 3 bytes and the error", n, err)
	}
}

// zeroWriter is a device that takes nothing and says nothing is wrong.
type zeroWriter struct{ *script }

func (zeroWriter) Write(uint8, []byte, time.Duration) (int, error) { return 0, nil }

func TestWriteOfNothingIsAnError(t *testing.T) {
	p := NewPort(zeroWriter{newScript()}, nil)
	if _, err := p.Write(idcard.Encode(idcard.CmdFind)); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("got %v, want io.ErrShortWrite", err)
	}
}

func TestCloseGivesErrClosed(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if !s.closed {
		t.Fatal("Close did not close the endpoints")
	}
	if _, err := p.Read(make([]byte, 8)); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Read after Close: %v", err)
	}
	if _, err := p.Write(idcard.Encode(idcard.CmdFind)); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	if err := p.ResetInputBuffer(); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("ResetInputBuffer after Close: %v", err)
	}
}

// After our own Close, whatever the device layer reports is ErrClosed, not
// a disconnect.
func TestCloseDuringReadIsErrClosed(t *testing.T) {
	host, dev := NewMemoryDevice(nil)
	defer dev.Close()
	p := NewPort(goneOnClose{host}, nil)
	p.SetTimeouts(Timeouts{Poll: time.Hour})
	done := make(chan error, 1)
	go func() {
		_, err := p.Read(make([]byte, 64))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	p.Close()
	select {
	case err := <-done:
		if !errors.Is(err, transport.ErrClosed) || errors.Is(err, transport.ErrDisconnected) {
			t.Fatalf("blocked Read ended with %v; want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a blocked Read")
	}
}

// goneOnClose reports a closed device the way libusb may: as a disconnect.
type goneOnClose struct{ usb.Endpoints }

func (g goneOnClose) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	n, err := g.Endpoints.Read(ep, b, timeout)
	if errors.Is(err, transport.ErrClosed) {
		err = transport.ErrDisconnected
	}
	return n, err
}

func TestResetInputBufferDrains(t *testing.T) {
	s := newScript()
	p := newTestPort(s, nil)
	stale := reply(idcard.StatusOK, 20)
	s.queue(0x81, stale[:7])
	s.queue(0x85, stale[7:10])
	// Leave the port mid-frame with bytes pending.
	if n, err := p.Read(make([]byte, 2)); n != 2 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	s.queue(0x81, []byte{0xAA, 0xAA})
	s.queue(0x85, stale[10:], stale[10:])
	if err := p.ResetInputBuffer(); err != nil {
		t.Fatal(err)
	}
	if s.pending() {
		t.Fatal("ResetInputBuffer left transfers queued")
	}
	fresh := reply(idcard.StatusNoCard, 0)
	s.queue(0x81, fresh[:7])
	s.queue(0x85, fresh[7:])
	if got := readStream(t, p, 64); !bytes.Equal(got, fresh) {
		t.Fatalf("after the reset got % X, want % X", got, fresh)
	}

	// With draining off, only the port's own bytes go.
	s = newScript()
	p = newTestPort(s, nil)
	p.SetTimeouts(Timeouts{Flush: -1})
	s.queue(0x81, stale[:7])
	if err := p.ResetInputBuffer(); err != nil || len(s.reads) != 0 {
		t.Fatalf("ResetInputBuffer = %v after %d reads; want no transfers", err, len(s.reads))
	}
	// A device that is gone fails the flush.
	s = newScript()
	p = newTestPort(s, nil)
	s.queueStep(0x85, step{err: transport.ErrDisconnected})
	if err := p.ResetInputBuffer(); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("flush of a gone device: %v", err)
	}
}

func TestLayouts(t *testing.T) {
	for _, tc := range []struct {
		l   Layout
		err string
	}{
		{nil, ""},
		{SplitPipes{}, ""},
		{SplitPipes{HeaderOut: 0x01, BodyOut: 0x01, HeaderIn: 0x81, BodyIn: 0x81}, ""},
		{SinglePipe{Out: 0x02, In: 0x81}, ""},
		{SinglePipe{}, "not a bulk OUT"},
		{SinglePipe{Out: 0x02}, "not a bulk IN"},
		{SinglePipe{Out: 0x81, In: 0x81}, "not a bulk OUT"},
		{SplitPipes{BodyIn: 0x05}, "not a bulk IN"},
		{SplitPipes{HeaderOut: 0x10}, "not a bulk OUT"},
	} {
		err := Validate(tc.l)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Validate(%v) = %v, want %q", tc.l, err, tc.err)
		}
		func() {
			defer func() {
				if r := recover(); (r != nil) != (tc.err != "") {
					t.Errorf("NewPort(%v) panic: %v", tc.l, r)
				}
			}()
			NewPort(newScript(), tc.l)
		}()
	}
	if got := NewPort(newScript(), nil).String(); got != "usbframe split pipes (OUT 0x02+0x06, IN 0x81+0x85)" {
		t.Errorf("String() = %q", got)
	}
	if got := (SinglePipe{0x01, 0x82}).String(); got != "single pipe (OUT 0x01, IN 0x82)" {
		t.Errorf("String() = %q", got)
	}
}

func TestTimeoutsDefaults(t *testing.T) {
	got := Timeouts{Poll: time.Second, Flush: -1}.withDefaults()
	want := Timeouts{Poll: time.Second, Write: DefaultTimeouts.Write, Frame: DefaultTimeouts.Frame, Flush: -1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if DefaultTimeouts.Write != 200*time.Millisecond || DefaultTimeouts.Frame != 200*time.Millisecond {
		t.Errorf("defaults %+v differ from the 200 ms of open host code", DefaultTimeouts)
	}
}
