//go:build linux

package devfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Port is an open device node.
type Port struct {
	path    string
	f       *os.File
	cfg     Config
	closing atomic.Bool
	noRead  atomic.Bool // the device has no read channel (EINVAL)
}

// Open opens the device node at path for reading and writing.
func Open(path string, cfg Config) (*Port, error) {
	if cfg.PollPeriod <= 0 {
		cfg.PollPeriod = 50 * time.Millisecond
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	// Non-blocking, so that the runtime's poller waits for the device and
	// deadlines work.
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, classify(err))
	}
	return &Port{path: path, f: f, cfg: cfg}, nil
}

// Path is the node's path.
func (p *Port) Path() string { return p.path }

// Read reads what the device sent; 0, nil after the poll period (and
// always, for a printer with no bulk-IN endpoint).
func (p *Port) Read(b []byte) (int, error) {
	if err := p.f.SetReadDeadline(time.Now().Add(p.cfg.PollPeriod)); err != nil {
		// Not pollable: never block.
		time.Sleep(p.cfg.PollPeriod)
		return 0, nil
	}
	if p.noRead.Load() {
		time.Sleep(p.cfg.PollPeriod)
		return 0, nil
	}
	n, err := p.f.Read(b)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscall.EAGAIN):
		return n, nil
	case errors.Is(err, syscall.EINVAL):
		// usblp refuses reads from a printer without a bulk-IN endpoint:
		// it never answers, and the caller learns that from silence.
		p.noRead.Store(true)
		return 0, nil
	case errors.Is(err, io.EOF):
		// A node that reads end-of-file has lost its device.
		return n, p.wrap("read", kindErr{err, transport.ErrDisconnected})
	}
	return n, p.wrap("read", err)
}

// Write sends b, waiting at most the write timeout.
func (p *Port) Write(b []byte) (int, error) {
	p.f.SetWriteDeadline(time.Now().Add(p.cfg.WriteTimeout))
	n, err := p.f.Write(b)
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return n, fmt.Errorf("write %s: the device took no data for %v: %w", p.path, p.cfg.WriteTimeout, err)
		}
		return n, p.wrap("write", err)
	}
	return n, nil
}

// Close closes the node.
func (p *Port) Close() error {
	p.closing.Store(true)
	return p.f.Close()
}

// Status asks usblp for the port status byte (LPGETSTATUS).
func (p *Port) Status() (LineStatus, error) {
	const lpGetStatus = 0x060B
	raw, err := p.f.SyscallConn()
	if err != nil {
		return LineStatus{}, err
	}
	var v int
	var ierr error
	raw.Control(func(fd uintptr) { v, ierr = unix.IoctlGetInt(int(fd), lpGetStatus) })
	if ierr != nil {
		return LineStatus{}, fmt.Errorf("status of %s: %w", p.path, ierr)
	}
	return LineStatus{PaperOut: v&0x20 != 0, Selected: v&0x10 != 0, Error: v&0x08 == 0}, nil
}

func (p *Port) wrap(op string, err error) error {
	if p.closing.Load() {
		return fmt.Errorf("%s %s: %w", op, p.path, transport.ErrClosed)
	}
	if _, ok := err.(kindErr); ok {
		return fmt.Errorf("%s %s: %w", op, p.path, err)
	}
	return fmt.Errorf("%s %s: %w", op, p.path, classify(err))
}

type kindErr struct {
	err  error
	kind error
}

func (k kindErr) Error() string { return k.err.Error() }
func (k kindErr) Unwrap() error { return k.err }
func (k kindErr) Is(target error) bool {
	return target == k.kind || k.kind == transport.ErrNotFound && target == transport.ErrDisconnected
}

// classify maps the errno of a device node to the transport's errors.
func classify(err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENXIO):
		return kindErr{err, transport.ErrNotFound}
	case errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.EIO), errors.Is(err, syscall.EBADF):
		return kindErr{err, transport.ErrDisconnected}
	case errors.Is(err, syscall.EBUSY):
		return kindErr{err, transport.ErrBusy}
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return kindErr{err, transport.ErrPermission}
	}
	return err
}
