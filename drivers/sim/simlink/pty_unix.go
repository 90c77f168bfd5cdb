//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package simlink

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// New returns a pseudo-terminal link.
func New() (*Link, error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("simlink: open pseudo-terminal: %w", err)
	}
	path := s.Name()
	// The host opens the slave by path, like a real port; the master stays
	// valid while nobody has it open.
	s.Close()
	// creack/pty returns a blocking master, whose Close does not interrupt a
	// blocked Read, so an "unplug" would never happen. Re-open the same fd
	// as a non-blocking file: Go then polls it, deadlines work and Close
	// wakes readers.
	fd, err := syscall.Dup(int(m.Fd()))
	m.Close()
	if err != nil {
		return nil, fmt.Errorf("simlink: dup master: %w", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("simlink: non-blocking master: %w", err)
	}
	f := os.NewFile(uintptr(fd), "ptmx("+path+")")
	return &Link{Device: &master{f: f}, Path: path}, nil
}

// devicePoll is how long the simulator's Read waits for the host. A
// simulator needs no fast deadlines (Close wakes a blocked Read), so it
// wakes rarely and costs next to nothing while idle.
const devicePoll = 250 * time.Millisecond

// eioPause is how long Read waits after the master reports EIO.
const eioPause = 2 * time.Millisecond

// master adapts the pty master to transport.Port.
type master struct{ f *os.File }

func (m *master) Read(b []byte) (int, error) {
	if err := m.f.SetReadDeadline(time.Now().Add(devicePoll)); err != nil {
		return 0, m.err(err)
	}
	n, err := m.f.Read(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return n, nil
	}
	if errors.Is(err, syscall.EIO) {
		// No process has the slave open: the host has not connected (or
		// has let go) — and, briefly, while the host works on its side of
		// the line. Like an idle cable, wait a moment and report nothing.
		// The wait must be short: a 20 ms one here was the whole tail of
		// the full-read benchmark.
		time.Sleep(eioPause)
		return 0, nil
	}
	if err != nil {
		return n, m.err(err)
	}
	return n, nil
}

func (m *master) Write(b []byte) (int, error) {
	n, err := m.f.Write(b)
	if errors.Is(err, syscall.EIO) {
		return len(b), nil // nobody on the other end: the bytes are lost, as on a cable
	}
	if err != nil {
		return n, m.err(err)
	}
	return n, nil
}

func (m *master) Close() error { return m.f.Close() }

func (m *master) err(err error) error {
	if errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("%w: %w", transport.ErrClosed, err)
	}
	return err
}
