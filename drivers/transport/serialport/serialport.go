// Package serialport opens serial devices (RS-232, USB-serial bridges,
// pseudo-terminals) as transport.Ports, using go.bug.st/serial.
//
// It adds what the raw library leaves to its users: a read poll period so
// drivers can keep deadlines, and one error for "the device went away"
// (transport.ErrDisconnected) that is told apart from the port's own Close
// (transport.ErrClosed) — go.bug.st/serial reports both as PortClosed.
package serialport

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.bug.st/serial"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// DefaultPollPeriod is how long Read waits for a byte before it returns 0, nil.
const DefaultPollPeriod = 20 * time.Millisecond

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
		return nil, fmt.Errorf("open serial port %s: %w", path, classify(err))
	}
	poll := c.PollPeriod
	if poll <= 0 {
		poll = DefaultPollPeriod
	}
	if err := p.SetReadTimeout(poll); err != nil {
		p.Close()
		return nil, fmt.Errorf("set read timeout on %s: %w", path, err)
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
// own Close everything is ErrClosed; otherwise a closed port, EIO, ENXIO or
// EBADF means the device is gone.
func (p *Port) wrap(op string, err error) error {
	if p.closing.Load() {
		return fmt.Errorf("%s %s: %w", op, p.path, transport.ErrClosed)
	}
	return fmt.Errorf("%s %s: %w", op, p.path, classify(err))
}

// Error is a serial error classified for callers: it matches
// transport.ErrDisconnected when the device is gone, and unwraps to the
// library's own error.
type Error struct {
	Code serial.PortErrorCode // go.bug.st/serial's code, when it gave one
	Err  error
	gone bool
	busy bool
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the library's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches transport.ErrDisconnected for a device that went away and
// transport.ErrBusy for a port another program holds.
func (e *Error) Is(target error) bool {
	return e.gone && target == transport.ErrDisconnected || e.busy && target == transport.ErrBusy
}

func classify(err error) error {
	e := &Error{Err: err}
	var pe *serial.PortError
	if errors.As(err, &pe) {
		e.Code = pe.Code()
		switch pe.Code() {
		case serial.PortClosed, serial.PortNotFound:
			e.gone = true
		case serial.PortBusy:
			e.busy = true
		}
	}
	if errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.EBADF) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENODEV) {
		e.gone = true
	}
	return e
}
