package usb

import (
	"errors"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// fakeEP is an in-memory device: OUT transfers are recorded, IN transfers
// return what is queued, and gone makes every transfer fail.
type fakeEP struct {
	out     [][]byte
	in      [][]byte
	maxOut  int
	gone    bool
	timeout bool
}

func (f *fakeEP) Write(ep uint8, b []byte, _ time.Duration) (int, error) {
	if f.gone {
		return 0, &Error{Err: errors.New("LIBUSB_ERROR_NO_DEVICE"), kind: kindGone}
	}
	n := len(b)
	if f.maxOut > 0 && n > f.maxOut {
		n = f.maxOut
	}
	f.out = append(f.out, append([]byte(nil), b[:n]...))
	return n, nil
}

func (f *fakeEP) Read(ep uint8, b []byte, _ time.Duration) (int, error) {
	if f.gone {
		return 0, &Error{Err: errors.New("LIBUSB_ERROR_NO_DEVICE"), kind: kindGone}
	}
	if len(f.in) == 0 {
		return 0, ErrTimeout
	}
	n := copy(b, f.in[0])
	f.in = f.in[1:]
	return n, nil
}

func (f *fakeEP) Close() error { return nil }

func TestStreamPort(t *testing.T) {
	f := &fakeEP{maxOut: 64, in: [][]byte{{0x12, 0x16, 0x72}}}
	p := NewStreamPort(f, 0x01, 0x82, time.Millisecond, time.Second)
	job := make([]byte, 200)
	if n, err := p.Write(job); n != 200 || err != nil || len(f.out) != 4 {
		t.Fatalf("write: %d %v in %d transfers", n, err, len(f.out))
	}
	b := make([]byte, 2)
	if n, err := p.Read(b); n != 2 || err != nil || b[0] != 0x12 {
		t.Fatalf("first read: %d %v %x", n, err, b)
	}
	if n, err := p.Read(b); n != 1 || err != nil || b[0] != 0x72 {
		t.Fatalf("the rest of the packet: %d %v %x", n, err, b[:n])
	}
	if n, err := p.Read(b); n != 0 || err != nil {
		t.Fatalf("nothing pending: %d %v", n, err)
	}
	f.gone = true
	if _, err := p.Read(b); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("unplugged: %v", err)
	}
	if _, err := p.Write(job); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("unplugged write: %v", err)
	}
	uni := NewStreamPort(&fakeEP{}, 0x01, 0, time.Millisecond, time.Second)
	if n, err := uni.Read(b); n != 0 || err != nil {
		t.Fatalf("unidirectional read: %d %v", n, err)
	}
}
