package usb

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// StreamPort is a byte stream over one bulk OUT and one bulk IN endpoint,
// as a transport.Port: what a USB printer-class device (class 7) speaks,
// ESC/POS out and status replies in. It knows nothing of the protocol on
// top. In is 0 for a unidirectional device: Read then never returns bytes.
type StreamPort struct {
	ep           Endpoints
	out, in      uint8
	poll, writeT time.Duration

	mu  sync.Mutex // one Read at a time; pending keeps what a transfer returned beyond b
	buf []byte
}

// NewStreamPort returns a Port over ep. poll bounds how long Read waits
// (default 50 ms); write bounds one Write (default 10 s: a printer that is
// out of paper stops taking data).
func NewStreamPort(ep Endpoints, out, in uint8, poll, write time.Duration) *StreamPort {
	if poll <= 0 {
		poll = 50 * time.Millisecond
	}
	if write <= 0 {
		write = 10 * time.Second
	}
	return &StreamPort{ep: ep, out: out, in: in, poll: poll, writeT: write}
}

// Write sends b in one or more bulk transfers.
func (p *StreamPort) Write(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := p.ep.Write(p.out, b[n:], p.writeT)
		n += m
		if err != nil {
			if errors.Is(err, ErrTimeout) {
				return n, fmt.Errorf("usb: endpoint 0x%02X took no data for %v: %w", p.out, p.writeT, err)
			}
			return n, fmt.Errorf("usb: write endpoint 0x%02X: %w", p.out, err)
		}
		if m == 0 {
			return n, fmt.Errorf("usb: endpoint 0x%02X took no data", p.out)
		}
	}
	return n, nil
}

// Read returns what the device sent, or 0, nil after the poll period.
func (p *StreamPort) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	if p.in == 0 {
		time.Sleep(p.poll)
		return 0, nil
	}
	// A bulk IN transfer must take a whole packet: read into our own
	// buffer of at least 512 bytes, and keep what b cannot hold.
	tmp := make([]byte, max(512, len(b)))
	n, err := p.ep.Read(p.in, tmp, p.poll)
	if err != nil && !errors.Is(err, ErrTimeout) {
		return 0, fmt.Errorf("usb: read endpoint 0x%02X: %w", p.in, err)
	}
	m := copy(b, tmp[:n])
	p.buf = append(p.buf[:0], tmp[m:n]...)
	return m, nil
}

// Close releases the device.
func (p *StreamPort) Close() error { return p.ep.Close() }
