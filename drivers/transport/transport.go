// Package transport defines what device drivers need from the thing that
// carries their bytes (a serial port, a USB endpoint pair, a TCP socket or an
// in-memory pipe to a simulator), and the errors every transport reports in
// the same way.
//
// Drivers never open a port by name. They take a Port and speak their
// device's wire protocol over it, so the same driver code runs against real
// hardware and against the simulators in drivers/sim.
package transport

import (
	"errors"
	"io"
	"io/fs"
)

// Port is a byte stream to one device.
//
// Read must not block indefinitely: when no byte arrives within the port's
// poll period (tens of milliseconds) it returns 0, nil, so that a driver can
// honour its deadlines and contexts. Read and Write report a device that
// went away with an error matching ErrDisconnected, and a port closed by its
// own Close with one matching ErrClosed.
type Port interface {
	io.Reader
	io.Writer
	io.Closer
}

// InputFlusher is implemented by ports that can drop bytes received but not
// yet read, so a driver can start each exchange without stale replies.
type InputFlusher interface {
	ResetInputBuffer() error
}

// ErrDisconnected means the device is gone: unplugged, powered off, or its
// pseudo-terminal closed. Reopening may succeed once it is back.
var ErrDisconnected = errors.New("device disconnected")

// ErrBusy means another program holds the device open.
var ErrBusy = errors.New("device busy: in use by another program")

// ErrClosed means the port was closed by its owner.
var ErrClosed = errors.New("port closed")

// ErrNotFound means there is no such port or device, and it also matches
// ErrDisconnected, because a device that was unplugged is not found when it
// is opened again.
var ErrNotFound error = notFoundError{}

// ErrPermission means the operating system refused access to the device (a
// missing serial group, udev rule or WinUSB binding), and it also matches
// fs.ErrPermission.
var ErrPermission error = permissionError{}

type notFoundError struct{}

func (notFoundError) Error() string { return "device not found" }

func (notFoundError) Is(target error) bool { return target == ErrDisconnected }

type permissionError struct{}

func (permissionError) Error() string { return "permission denied: access to the device refused" }

func (permissionError) Is(target error) bool { return target == fs.ErrPermission }
