package usbframe

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

const (
	// unit is what every IN transfer size is a multiple of: a multiple of
	// every full- and high-speed bulk max packet size (8 to 512), so the
	// reader can never send more in a packet than the buffer has room for
	// (a libusb overflow).
	unit = 512
	// bufSize holds the longest frame body (idcard.MaxLen) rounded up.
	bufSize = 8 * unit
	// maxDrain bounds the reads per endpoint in ResetInputBuffer.
	maxDrain = 16
)

// Port is a transport.Port over a reader's bulk endpoints. Write takes one
// whole SAM_V frame per call and splits it as the Layout says; Read returns
// the reader's frames as one byte stream, as a serial port would, for
// idcard.Reader to decode. It also implements transport.InputFlusher.
//
// Read and Write may be called from different goroutines, and Close from
// any goroutine.
type Port struct {
	ep     usb.Endpoints
	layout Layout
	p      plan
	now    func() time.Time // a test clock

	rmu      sync.Mutex // read side; guards everything down to wmu
	t        Timeouts   // guarded by both rmu and wmu
	buf      []byte     // transfer buffer
	pending  []byte     // bytes read but not yet handed out
	scan     headerScan // split layout: header parser for the header IN endpoint
	owed     int        // split layout: body bytes still due on the body IN endpoint
	lastBody time.Time  // when the body last advanced (or its header came)

	wmu sync.Mutex // write side

	closed    atomic.Bool
	closeOnce sync.Once
}

var (
	_ transport.Port         = (*Port)(nil)
	_ transport.InputFlusher = (*Port)(nil)
)

// NewPort returns a Port speaking over ep with layout l (nil means
// SplitPipes{}). It panics if l is invalid (see Validate): a layout is
// configuration, checked before a device is opened.
func NewPort(ep usb.Endpoints, l Layout) *Port {
	if l == nil {
		l = SplitPipes{}
	}
	pl, err := l.plan()
	if err != nil {
		panic(err)
	}
	return &Port{ep: ep, layout: l, p: pl, now: time.Now, t: DefaultTimeouts, buf: make([]byte, bufSize)}
}

// SetTimeouts changes the Port's timeouts. Zero fields take the defaults.
func (p *Port) SetTimeouts(t Timeouts) {
	t = t.withDefaults()
	p.rmu.Lock()
	p.wmu.Lock()
	p.t = t
	p.wmu.Unlock()
	p.rmu.Unlock()
}

// String describes the port's layout.
func (p *Port) String() string { return "usbframe " + p.layout.String() }

// Write sends one whole SAM_V frame (as idcard.Reader writes them). With
// SplitPipes the preamble and LEN go to the header OUT endpoint and the rest
// to the body OUT endpoint; with SinglePipe the frame goes out in one
// transfer. Anything that is not exactly one frame is refused with an error
// matching ErrNotFrame, and nothing is sent. Write timeouts are errors
// (matching usb.ErrTimeout).
func (p *Port) Write(b []byte) (int, error) {
	if p.closed.Load() {
		return 0, &TransferError{Op: "write", Endpoint: p.p.headerOut, Err: transport.ErrClosed}
	}
	if err := checkFrame(b); err != nil {
		return 0, err
	}
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if !p.p.split {
		return p.out(p.p.headerOut, b)
	}
	n, err := p.out(p.p.headerOut, b[:headerSize])
	if err != nil {
		return n, err
	}
	m, err := p.out(p.p.bodyOut, b[headerSize:])
	return n + m, err
}

// out sends b to ep, going on after a short transfer.
func (p *Port) out(ep uint8, b []byte) (int, error) {
	done := 0
	for done < len(b) {
		n, err := p.ep.Write(ep, b[done:], p.t.Write)
		done += max(0, min(n, len(b)-done))
		if err != nil {
			return done, p.fail("write", ep, err)
		}
		if n <= 0 {
			return done, p.fail("write", ep, io.ErrShortWrite)
		}
	}
	return done, nil
}

// Read returns bytes the reader sent, as a stream of frames. When nothing
// arrives within the poll period it returns 0, nil. With SplitPipes it reads
// a header from the header IN endpoint, then the LEN bytes it announces
// from the body IN endpoint; bytes that are not a header are passed on as
// they are, for the frame decoder to skip.
func (p *Port) Read(b []byte) (int, error) {
	if p.closed.Load() {
		return 0, &TransferError{Op: "read", Endpoint: p.p.headerIn, Err: transport.ErrClosed}
	}
	if len(b) == 0 {
		return 0, nil
	}
	p.rmu.Lock()
	defer p.rmu.Unlock()
	var err error
	if len(p.pending) == 0 {
		var data []byte
		data, err = p.transfer()
		p.pending = append(p.pending, data...)
	}
	n := copy(b, p.pending)
	p.pending = p.pending[:copy(p.pending, p.pending[n:])]
	return n, err
}

// transfer runs the one IN transfer the read state calls for and returns
// what it brought (a slice of p.buf).
func (p *Port) transfer() ([]byte, error) {
	if !p.p.split {
		return p.in("read", p.p.headerIn, p.buf, p.t.Poll)
	}
	if p.owed > 0 && p.now().Sub(p.lastBody) > p.t.Frame {
		// The rest of the body never came: give the frame up (the
		// decoder drops its start) and look for the next header.
		p.owed = 0
		p.scan.reset()
	}
	if p.owed == 0 {
		data, err := p.in("read", p.p.headerIn, p.buf[:unit], p.t.Poll)
		if len(data) > 0 {
			if p.owed = p.scan.feed(data); p.owed > 0 {
				p.lastBody = p.now()
			}
		}
		return data, err
	}
	want := min(roundUp(p.owed, unit), len(p.buf))
	data, err := p.in("read", p.p.bodyIn, p.buf[:want], p.t.Poll)
	if len(data) > 0 {
		// Bytes beyond the body are passed on too; the decoder judges.
		p.owed = max(0, p.owed-len(data))
		p.lastBody = p.now()
	}
	return data, err
}

// in runs one IN transfer into b. A timeout is not an error: it only means
// fewer (or no) bytes.
func (p *Port) in(op string, ep uint8, b []byte, timeout time.Duration) ([]byte, error) {
	n, err := p.ep.Read(ep, b, timeout)
	n = max(0, min(n, len(b)))
	if err == nil || errors.Is(err, usb.ErrTimeout) {
		return b[:n], nil
	}
	return b[:n], p.fail(op, ep, err)
}

// fail wraps a transfer error; after our own Close every failure is
// ErrClosed, whatever the device layer made of it.
func (p *Port) fail(op string, ep uint8, err error) error {
	if p.closed.Load() {
		err = transport.ErrClosed
	}
	return &TransferError{Op: op, Endpoint: ep, Err: err}
}

// ResetInputBuffer drops what the Port holds and drains the IN endpoints
// with short reads, so that a reply that came too late for the previous
// command does not answer the next one.
func (p *Port) ResetInputBuffer() error {
	if p.closed.Load() {
		return &TransferError{Op: "flush", Endpoint: p.p.headerIn, Err: transport.ErrClosed}
	}
	p.rmu.Lock()
	defer p.rmu.Unlock()
	p.pending = p.pending[:0]
	p.owed = 0
	p.scan.reset()
	if p.t.Flush < 0 {
		return nil
	}
	for _, ep := range p.p.ins() {
		for range maxDrain {
			data, err := p.in("flush", ep, p.buf, p.t.Flush)
			if err != nil {
				return err
			}
			if len(data) == 0 {
				break
			}
		}
	}
	return nil
}

// Close closes the port and releases the device. Reads and writes
// afterwards fail with an error matching transport.ErrClosed.
func (p *Port) Close() error {
	var err error
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		err = p.ep.Close()
	})
	return err
}
