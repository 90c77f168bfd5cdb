package libusbhid

import (
	"errors"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// libusb return codes (LIBUSB_ERROR_*) and transfer statuses
// (LIBUSB_TRANSFER_*); their values are libusb's ABI.
const (
	libusbErrorIO       = -1
	libusbErrorAccess   = -3
	libusbErrorNoDevice = -4
	libusbErrorBusy     = -6
	libusbErrorTimeout  = -7
	libusbErrorPipe     = -9

	transferError    = 1
	transferTimedOut = 2
	transferStall    = 4
	transferNoDevice = 5
)

// kindOfCode maps a libusb return code to the error it means, or nil. A
// stall (PIPE) is a report the device refused, not a lost device.
func kindOfCode(code int) error {
	switch code {
	case libusbErrorIO, libusbErrorNoDevice:
		return transport.ErrDisconnected
	case libusbErrorAccess:
		return transport.ErrPermission
	case libusbErrorBusy:
		return transport.ErrBusy
	case libusbErrorTimeout:
		return usb.ErrTimeout
	}
	return nil
}

// kindOfStatus maps a failed transfer's status to the error it means, or
// nil. A generic transfer error is what a device pulled out mid-transfer
// often produces, so it counts as gone (as drivers/transport/usb does).
func kindOfStatus(status int) error {
	switch status {
	case transferError, transferNoDevice:
		return transport.ErrDisconnected
	case transferTimedOut:
		return usb.ErrTimeout
	}
	return nil
}

// Error is a failed operation. It unwraps to gousb's error and matches
// the error it was classified as, if any.
type Error struct {
	Op   string
	Err  error
	kind error
}

// Error says what failed.
func (e *Error) Error() string { return "libusbhid: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns gousb's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the error the failure was classified as.
func (e *Error) Is(target error) bool { return e.kind != nil && errors.Is(e.kind, target) }
