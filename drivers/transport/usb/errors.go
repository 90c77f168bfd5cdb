package usb

import (
	"errors"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// ErrTimeout means a transfer did not complete within its timeout. An
// Endpoints implementation reports read and write timeouts with an error
// matching it.
var ErrTimeout = errors.New("usb: transfer timed out")

// ErrNoDevice means no USB device matched: none is plugged in, or it has
// another VID:PID. It matches transport.ErrNotFound, and so
// transport.ErrDisconnected: a device that was unplugged is not found when
// it is opened again.
var ErrNoDevice error = noDeviceError{}

// ErrNoLibusb is returned by Open and List in builds without the libusb
// build tag (or without cgo).
var ErrNoLibusb = errors.New("usb: built without libusb support (build with -tags libusb and cgo)")

type noDeviceError struct{}

func (noDeviceError) Error() string { return "usb: no matching device" }

func (noDeviceError) Is(target error) bool { return errors.Is(transport.ErrNotFound, target) }

// Error is a libusb error classified for callers. It matches
// transport.ErrDisconnected when the device is gone, transport.ErrBusy when
// another program (or a kernel driver) holds the interface,
// transport.ErrPermission (and so fs.ErrPermission) when the device may not
// be opened (udev rule or WinUSB binding missing), and ErrTimeout for
// timeouts. It unwraps to the library's own error.
type Error struct {
	Err  error
	kind kind
}

type kind int

const (
	kindOther kind = iota
	kindGone
	kindBusy
	kindAccess
	kindTimeout
)

// Error returns the library's message.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the library's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel for the error's kind.
func (e *Error) Is(target error) bool {
	switch e.kind {
	case kindGone:
		return target == transport.ErrDisconnected
	case kindBusy:
		return target == transport.ErrBusy
	case kindAccess:
		return errors.Is(transport.ErrPermission, target)
	case kindTimeout:
		return target == ErrTimeout
	}
	return false
}
