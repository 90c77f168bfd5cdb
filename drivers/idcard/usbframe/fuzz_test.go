package usbframe

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// Fuzz input for FuzzReadTransfers: one mode byte, then operations of the
// form [op][n][n bytes]. The mode's low bit picks SinglePipe; the rest sets
// the Read buffer size. op&1 picks the body IN endpoint (split layout) and
// op&2 makes the transfer end in a timeout after its bytes.
func opsInput(single bool, bufSize byte, ops ...[]byte) []byte {
	mode := bufSize << 1
	if single {
		mode |= 1
	}
	in := []byte{mode}
	for _, op := range ops {
		in = append(in, op[0], byte(len(op)-1))
		in = append(in, op[1:]...)
	}
	return in
}

func op(code byte, data []byte) []byte { return append([]byte{code}, data...) }

// recorder wraps a script and logs what it delivered, in order.
type recorder struct {
	*script
	delivered []byte
	hdrSeen   []byte // bytes delivered on the header endpoint
	bodyEarly bool   // the body endpoint was read with no sync mark seen
}

func (r *recorder) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	if ep == StdBodyIn && !bytes.Contains(r.hdrSeen, syncMark) {
		r.bodyEarly = true
	}
	n, err := r.script.Read(ep, b, timeout)
	r.delivered = append(r.delivered, b[:n]...)
	if ep == StdHeaderIn {
		r.hdrSeen = append(r.hdrSeen, b[:n]...)
	}
	return n, err
}

// FuzzReadTransfers feeds a Port arbitrary transfers on its IN endpoints,
// in arbitrary order, with timeouts, and checks that the Port neither loses
// nor invents a byte, never overfills the caller's buffer, only asks for
// whole packets, reads the body endpoint only after a header, and always
// runs dry.
func FuzzReadTransfers(f *testing.F) {
	found := idcard.EncodeResponse(0, 0, idcard.StatusFound, make([]byte, 4))
	long := idcard.EncodeResponse(0, 0, idcard.StatusOK, bytes.Repeat([]byte{0x5A}, 200))
	f.Add(opsInput(false, 64, op(0, found[:7]), op(1, found[7:])))
	f.Add(opsInput(false, 3, op(0, long[:7]), op(1, long[7:64]), op(3, long[64:100]), op(1, long[100:])))
	f.Add(opsInput(false, 255, op(0, found[:3]), op(0, found[3:12]), op(1, found[12:])))
	f.Add(opsInput(false, 1, op(0, []byte{0xAA, 0x96, 0x69, 0xFF, 0xFF}), op(2, found), op(1, []byte{1, 2})))
	f.Add(opsInput(true, 16, op(0, found[:9]), op(2, found[9:]), op(0, long)))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		single, size := in[0]&1 == 1, max(1, int(in[0]>>1))
		s := newScript()
		r := &recorder{script: s}
		var l Layout = SplitPipes{}
		if single {
			l = SinglePipe{Out: StdHeaderOut, In: StdHeaderIn}
		}
		p := NewPort(r, l)
		p.now = s.now
		ops := 0
		for rest := in[1:]; len(rest) >= 2; ops++ {
			code, n := rest[0], min(int(rest[1]), len(rest)-2)
			data := bytes.Clone(rest[2 : 2+n])
			rest = rest[2+n:]
			ep := StdHeaderIn
			if code&1 == 1 && !single {
				ep = StdBodyIn
			}
			st := step{data: data}
			if code&2 != 0 {
				st.err = fmt.Errorf("fuzz: %w", usb.ErrTimeout)
			}
			s.queueStep(ep, st)
		}
		out := readStreamMax(t, p, size, 3*ops+len(in)+100)
		if !bytes.Equal(out, r.delivered) {
			t.Fatalf("stream differs from what the endpoints delivered\n got % X\nwant % X", out, r.delivered)
		}
		for i, sz := range s.sizes {
			if sz < 64 || sz%64 != 0 {
				t.Fatalf("read %d asked for %d bytes: not whole packets", i, sz)
			}
		}
		if r.bodyEarly {
			t.Fatal("the body endpoint was read before any header")
		}
	})
}

// FuzzWriteFrame checks Write against a plain statement of "one whole
// frame": it either refuses with ErrNotFrame and sends nothing, or sends the
// 7-byte header to the header endpoint and the rest to the body endpoint.
func FuzzWriteFrame(f *testing.F) {
	f.Add(idcard.Encode(idcard.CmdFind))
	f.Add(idcard.Encode(idcard.Command{CMD: 0x61, PARA: 0xFF}, 0x50))
	f.Add([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x02, 0x20, 0x22})
	f.Add(append(idcard.Encode(idcard.CmdFind), 0xAA))
	f.Add([]byte{0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := -1
		if len(b) >= headerSize {
			n = int(b[5])<<8 | int(b[6])
		}
		whole := n >= 3 && n <= idcard.MaxLen && len(b) == headerSize+n &&
			string(b[:5]) == string(idcard.Preamble[:])
		s := newScript()
		got, err := NewPort(s, nil).Write(b)
		if !whole {
			if !errors.Is(err, ErrNotFrame) || got != 0 || len(s.writes) != 0 {
				t.Fatalf("Write(% X) = %d, %v with %d transfers; want a refusal", b, got, err, len(s.writes))
			}
			return
		}
		if err != nil || got != len(b) || len(s.writes) != 2 {
			t.Fatalf("Write(% X) = %d, %v with %d transfers", b, got, err, len(s.writes))
		}
		if w := s.writes[0]; w.ep != StdHeaderOut || !bytes.Equal(w.data, b[:7]) {
			t.Fatalf("header transfer %X", w)
		}
		if w := s.writes[1]; w.ep != StdBodyOut || !bytes.Equal(w.data, b[7:]) {
			t.Fatalf("body transfer %X", w)
		}
	})
}
