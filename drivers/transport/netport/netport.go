// Package netport carries a device's bytes over TCP — a receipt printer's
// raw port 9100 — as a transport.Port: Read returns 0, nil when nothing
// came within the poll period, a connection the far end closed or reset
// matches transport.ErrDisconnected, and after Close every error matches
// transport.ErrClosed.
package netport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Config is how to connect. Zero fields take the defaults.
type Config struct {
	DialTimeout  time.Duration // default 3 s
	WriteTimeout time.Duration // one Write, default 10 s (a printer busy printing accepts slowly)
	PollPeriod   time.Duration // default 50 ms
}

// Port is a TCP connection to a device.
type Port struct {
	addr    string
	c       net.Conn
	cfg     Config
	closing atomic.Bool
}

// Dial connects to addr (host:port).
func Dial(ctx context.Context, addr string, cfg Config) (*Port, error) {
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 3 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.PollPeriod <= 0 {
		cfg.PollPeriod = 50 * time.Millisecond
	}
	d := net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 15 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, classify(err))
	}
	return &Port{addr: addr, c: c, cfg: cfg}, nil
}

// Addr is the address the port is connected to.
func (p *Port) Addr() string { return p.addr }

// Read reads what the device sent; 0, nil after the poll period.
func (p *Port) Read(b []byte) (int, error) {
	p.c.SetReadDeadline(time.Now().Add(p.cfg.PollPeriod))
	n, err := p.c.Read(b)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return n, nil
	}
	if err != nil {
		return n, p.wrap("read", err)
	}
	return n, nil
}

// Write sends b, waiting at most the write timeout.
func (p *Port) Write(b []byte) (int, error) {
	p.c.SetWriteDeadline(time.Now().Add(p.cfg.WriteTimeout))
	n, err := p.c.Write(b)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return n, fmt.Errorf("write to %s: the device took no data for %v: %w", p.addr, p.cfg.WriteTimeout, os.ErrDeadlineExceeded)
		}
		return n, p.wrap("write", err)
	}
	return n, nil
}

// Close closes the connection.
func (p *Port) Close() error {
	p.closing.Store(true)
	return p.c.Close()
}

func (p *Port) wrap(op string, err error) error {
	if p.closing.Load() {
		return fmt.Errorf("%s %s: %w", op, p.addr, transport.ErrClosed)
	}
	return fmt.Errorf("%s %s: %w", op, p.addr, classify(err))
}

// gone is an error that matches transport.ErrDisconnected and unwraps to
// the network's error.
type gone struct{ err error }

func (g gone) Error() string        { return g.err.Error() }
func (g gone) Unwrap() error        { return g.err }
func (g gone) Is(target error) bool { return target == transport.ErrDisconnected }

// classify marks the errors that mean the device is not (or no longer)
// there: end of stream, reset, refused, unreachable.
func classify(err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, syscall.ECONNABORTED):
		return gone{err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return gone{err} // could not connect in time: not there
	}
	return err
}
