package usbframe

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// NewMemoryDevice returns an in-memory reader with layout l (nil means
// SplitPipes{}): host is its bulk endpoints, for NewPort, and device is the
// reader's side as a byte stream, for a simulator such as
// idcardsim.Simulator.Serve.
//
// The device side does what reader firmware does. With SplitPipes it joins
// each header transfer from the header OUT endpoint with the LEN bytes from
// the body OUT endpoint into the host frame stream it reads, and sends each
// complete frame written to it as a header transfer on the header IN
// endpoint and a body transfer on the body IN endpoint; bytes that do not
// form a valid frame are not sent (a simulator's line faults become lost
// replies). With SinglePipe both directions pass through, one transfer per
// write.
//
// Closing device unplugs the reader: host transfers then fail with
// transport.ErrDisconnected. Reads on device return 0, nil after
// transport.DefaultPollPeriod. host rejects endpoint addresses the layout
// does not have, and an IN transfer whose buffer is not a multiple of 64
// bytes that the queued transfer overflows, as libusb would. Like NewPort,
// it panics if l is invalid.
func NewMemoryDevice(l Layout) (host usb.Endpoints, device transport.Port) {
	p, err := planOf(l)
	if err != nil {
		panic(err)
	}
	m := &memDevice{p: p, notify: make(chan struct{}), in: make(map[uint8][][]byte)}
	return memHost{m}, memReader{m}
}

type memDevice struct {
	p plan

	mu      sync.Mutex
	notify  chan struct{}      // closed and replaced on every change
	in      map[uint8][][]byte // transfers queued on each IN endpoint
	hdrOut  []byte             // split: header OUT bytes not yet joined
	bodyOut []byte             // split: body OUT bytes not yet joined
	owed    int                // split: body bytes the current host frame still needs
	stream  []byte             // host frames for the device side to read
	dec     idcard.Decoder     // split: finds frames in what the device writes
	host    bool               // host side closed
	dev     bool               // device side closed (unplugged)
}

// errOverflow is libusb's overflow: the device sent more than the buffer
// had room for.
var errOverflow = errors.New("usbframe: memory device: transfer overflow")

// changed wakes waiters; m.mu must be held.
func (m *memDevice) changed() {
	close(m.notify)
	m.notify = make(chan struct{})
}

// wait waits until ready (called with m.mu held) returns true or timeout
// passes (timeout < 0 waits without limit). It returns with m.mu held and
// reports whether ready.
func (m *memDevice) wait(timeout time.Duration, ready func() bool) bool {
	var expired <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	for !ready() {
		ch := m.notify
		m.mu.Unlock()
		select {
		case <-ch:
			m.mu.Lock()
		case <-expired:
			m.mu.Lock()
			return ready()
		}
	}
	return true
}

// hostErr is what host transfers report once either side is closed.
func (m *memDevice) hostErr() error {
	switch {
	case m.host:
		return transport.ErrClosed
	case m.dev:
		return fmt.Errorf("usbframe: memory device unplugged: %w", transport.ErrDisconnected)
	}
	return nil
}

// memHost is the host's view: the device's bulk endpoints.
type memHost struct{ m *memDevice }

func (h memHost) Write(ep uint8, b []byte, _ time.Duration) (int, error) {
	m := h.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.hostErr(); err != nil {
		return 0, err
	}
	switch {
	case !m.p.split && ep == m.p.headerOut:
		m.stream = append(m.stream, b...)
	case m.p.split && ep == m.p.headerOut:
		m.hdrOut = append(m.hdrOut, b...)
		m.join()
	case m.p.split && ep == m.p.bodyOut:
		m.bodyOut = append(m.bodyOut, b...)
		m.join()
	default:
		return 0, fmt.Errorf("usbframe: memory device has no OUT endpoint 0x%02X", ep)
	}
	m.changed()
	return len(b), nil
}

// join moves whole headers, and the body bytes they announce, from the OUT
// endpoints into the host frame stream. A header that does not parse is
// passed on alone, for the simulator's decoder to reject.
func (m *memDevice) join() {
	for {
		if m.owed == 0 {
			if len(m.hdrOut) < headerSize {
				return
			}
			h := m.hdrOut[:headerSize]
			if bytes.Equal(h[:5], idcard.Preamble[:]) {
				if n := be16(h[5:]); n >= minLen && n <= idcard.MaxLen {
					m.owed = n
				}
			}
			m.stream = append(m.stream, h...)
			m.hdrOut = m.hdrOut[headerSize:]
			continue
		}
		n := min(m.owed, len(m.bodyOut))
		if n == 0 {
			return
		}
		m.stream = append(m.stream, m.bodyOut[:n]...)
		m.bodyOut = m.bodyOut[n:]
		m.owed -= n
	}
}

func (h memHost) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	m := h.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if ep != m.p.headerIn && ep != m.p.bodyIn {
		return 0, fmt.Errorf("usbframe: memory device has no IN endpoint 0x%02X", ep)
	}
	if timeout <= 0 {
		timeout = -1
	}
	if !m.wait(timeout, func() bool { return len(m.in[ep]) > 0 || m.hostErr() != nil }) {
		return 0, fmt.Errorf("usbframe: memory endpoint 0x%02X: %w", ep, usb.ErrTimeout)
	}
	if err := m.hostErr(); err != nil {
		return 0, err
	}
	q := m.in[ep]
	n := copy(b, q[0])
	if n < len(q[0]) {
		q[0] = q[0][n:]
		if len(b)%64 != 0 {
			return n, errOverflow
		}
	} else {
		m.in[ep] = q[1:]
	}
	return n, nil
}

func (h memHost) Close() error { return h.m.close(&h.m.host) }

// close marks one side closed (side points at m.host or m.dev).
func (m *memDevice) close(side *bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	*side = true
	m.changed()
	return nil
}

// memReader is the reader's side: a byte stream.
type memReader struct{ m *memDevice }

func (d memReader) err() error {
	switch {
	case d.m.dev:
		return transport.ErrClosed
	case d.m.host:
		return fmt.Errorf("usbframe: memory device: host closed: %w", transport.ErrDisconnected)
	}
	return nil
}

func (d memReader) Read(b []byte) (int, error) {
	m := d.m
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wait(transport.DefaultPollPeriod, func() bool { return len(m.stream) > 0 || d.err() != nil })
	if err := d.err(); err != nil {
		return 0, err
	}
	n := copy(b, m.stream)
	m.stream = m.stream[n:]
	return n, nil
}

func (d memReader) Write(b []byte) (int, error) {
	m := d.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := d.err(); err != nil {
		return 0, err
	}
	if !m.p.split {
		m.in[m.p.headerIn] = append(m.in[m.p.headerIn], bytes.Clone(b))
		m.changed()
		return len(b), nil
	}
	m.dec.Feed(b)
	for {
		body, err := m.dec.Next()
		if errors.Is(err, idcard.ErrNeedMore) {
			break
		}
		if err != nil {
			continue // a corrupted frame: firmware would not send it
		}
		frame := frameOf(body)
		m.in[m.p.headerIn] = append(m.in[m.p.headerIn], frame[:headerSize])
		m.in[m.p.bodyIn] = append(m.in[m.p.bodyIn], frame[headerSize:])
	}
	m.changed()
	return len(b), nil
}

func (d memReader) Close() error { return d.m.close(&d.m.dev) }

// frameOf rebuilds the frame around a decoded body.
func frameOf(body []byte) []byte {
	n := len(body) + 1
	f := make([]byte, 0, headerSize+n)
	f = append(f, idcard.Preamble[:]...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, body...)
	var x byte
	for _, c := range f[5:] {
		x ^= c
	}
	return append(f, x)
}
