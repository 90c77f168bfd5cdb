// Package serialport opens serial devices (RS-232, USB-serial bridges,
// pseudo-terminals) as transport.Ports, using go.bug.st/serial.
//
// It adds what the raw library leaves to its users: a read poll period so
// drivers can keep deadlines, and errors classified into the transport
// sentinels, the same on every operating system: the device went away
// (transport.ErrDisconnected), there is no such port (transport.ErrNotFound,
// which also matches ErrDisconnected), another program holds it
// (transport.ErrBusy), the operating system refused access
// (transport.ErrPermission), and the port's own Close (transport.ErrClosed),
// which go.bug.st/serial reports as PortClosed like an unplug. The tables
// of Unix errno values and Windows system error codes are in
// classify_codes.go, pure Go, and tested on every machine.
package serialport

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.bug.st/serial"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// DefaultPollPeriod is how long Read waits for a byte before it returns 0,
// nil. A reply wakes the wait at once, so this bounds only how soon a
// caller notices a cancelled context or a passed deadline; a find, whose
// reply takes ~30 ms, then costs one blocking read, not two (the Go
// scheduler's work around each blocking read is most of what an idle agent
// costs).
const DefaultPollPeriod = 50 * time.Millisecond

// Config is how to open a port. The zero value of each field means its
// default: 115200 baud, 8 data bits, no parity, one stop bit (8N1), which is
// what ID card readers use.
type Config struct {
	Baud       int
	DataBits   int
	Parity     serial.Parity
	StopBits   serial.StopBits
	PollPeriod time.Duration
}

// Port is an open serial port.
type Port struct {
	path    string
	p       serial.Port
	closing atomic.Bool
	once    sync.Once
}

// Open opens the serial device at path.
func Open(path string, c Config) (*Port, error) {
	mode := &serial.Mode{BaudRate: c.Baud, DataBits: c.DataBits, Parity: c.Parity, StopBits: c.StopBits}
	if mode.BaudRate == 0 {
		mode.BaudRate = 115200
	}
	if mode.DataBits == 0 {
		mode.DataBits = 8
	}
	p, err := serial.Open(path, mode)
	if err != nil {
		return nil, fmt.Errorf("open serial port %s: %w", path, classify(err, true))
	}
	poll := c.PollPeriod
	if poll <= 0 {
		poll = DefaultPollPeriod
	}
	if err := p.SetReadTimeout(poll); err != nil {
		p.Close()
		return nil, fmt.Errorf("set read timeout on %s: %w", path, classify(err, true))
	}
	return &Port{path: path, p: p}, nil
}

// Path returns the device path the port was opened with.
func (p *Port) Path() string { return p.path }

// Read reads what the device sent; 0, nil after the poll period.
func (p *Port) Read(b []byte) (int, error) {
	n, err := p.p.Read(b)
	if err != nil {
		return n, p.wrap("read", err)
	}
	return n, nil
}

// Write sends b to the device.
func (p *Port) Write(b []byte) (int, error) {
	n, err := p.p.Write(b)
	if err != nil {
		return n, p.wrap("write", err)
	}
	return n, nil
}

// ResetInputBuffer drops bytes received but not yet read.
func (p *Port) ResetInputBuffer() error {
	if err := p.p.ResetInputBuffer(); err != nil {
		return p.wrap("flush", err)
	}
	return nil
}

// SetBaud changes the line speed (used when probing a reader's rate).
func (p *Port) SetBaud(baud int) error {
	if err := p.p.SetMode(&serial.Mode{BaudRate: baud, DataBits: 8}); err != nil {
		return p.wrap("set baud", err)
	}
	return nil
}

// Close closes the port. Reads and writes afterwards fail with
// transport.ErrClosed.
func (p *Port) Close() error {
	var err error
	p.once.Do(func() {
		p.closing.Store(true)
		err = p.p.Close()
	})
	return err
}

// wrap turns the library's errors into the transport sentinels: after our
// own Close everything is ErrClosed (go.bug.st/serial reports it as
// PortClosed, like a device that went away); otherwise the per-OS tables
// (classify_codes.go) decide.
func (p *Port) wrap(op string, err error) error {
	if p.closing.Load() {
		return fmt.Errorf("%s %s: %w", op, p.path, transport.ErrClosed)
	}
	return fmt.Errorf("%s %s: %w", op, p.path, classify(err, false))
}
