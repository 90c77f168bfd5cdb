package usbbulk

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// ErrTimeout means a transfer did not complete within its timeout. An
// Endpoints implementation reports read and write timeouts with an error
// matching it; a Port turns read timeouts into "no data yet" (0, nil) and
// returns write timeouts as errors.
var ErrTimeout = errors.New("usbbulk: transfer timed out")

// ErrNotFrame means Port.Write was given something other than exactly one
// whole SAM_V frame.
var ErrNotFrame = errors.New("usbbulk: write needs exactly one whole SAM_V frame")

// ErrNoReader means no USB device matched: no reader is plugged in, or it
// has another VID:PID.
var ErrNoReader = errors.New("usbbulk: no ID card reader found")

// ErrNoLibusb is returned by OpenDevice and List in builds without the
// libusb build tag (or without cgo).
var ErrNoLibusb = errors.New("usbbulk: built without libusb support (build with -tags libusb and cgo)")

// TransferError is a bulk transfer that failed on a Port. It unwraps to the
// Endpoints error, so errors.Is(err, transport.ErrDisconnected) and friends
// see through it.
type TransferError struct {
	Op       string // "read", "write" or "flush"
	Endpoint uint8  // endpoint address, e.g. 0x85
	Err      error
}

func (e *TransferError) Error() string {
	return fmt.Sprintf("usbbulk: %s endpoint 0x%02X: %v", e.Op, e.Endpoint, e.Err)
}

// Unwrap returns the cause.
func (e *TransferError) Unwrap() error { return e.Err }

// USBError is a libusb error classified for callers. It matches
// transport.ErrDisconnected when the device is gone, transport.ErrBusy when
// another program (or a kernel driver) holds the interface, fs.ErrPermission
// when the device may not be opened (udev rule or WinUSB binding missing),
// and ErrTimeout for timeouts. It unwraps to the library's own error.
type USBError struct {
	Err  error
	kind usbKind
}

type usbKind int

const (
	kindOther usbKind = iota
	kindGone
	kindBusy
	kindAccess
	kindTimeout
)

func (e *USBError) Error() string { return e.Err.Error() }

// Unwrap returns the library's error.
func (e *USBError) Unwrap() error { return e.Err }

// Is matches the sentinel for the error's kind.
func (e *USBError) Is(target error) bool {
	switch e.kind {
	case kindGone:
		return target == transport.ErrDisconnected
	case kindBusy:
		return target == transport.ErrBusy
	case kindAccess:
		return target == fs.ErrPermission
	case kindTimeout:
		return target == ErrTimeout
	}
	return false
}

// libusb return codes (LIBUSB_ERROR_*, negative) and transfer statuses
// (LIBUSB_TRANSFER_*, non-negative). Their values are part of libusb's ABI;
// a test built with the libusb tag checks them against gousb's constants.
const (
	libusbErrorIO       = -1
	libusbErrorAccess   = -3
	libusbErrorNoDevice = -4
	libusbErrorBusy     = -6
	libusbErrorTimeout  = -7

	transferError    = 1
	transferTimedOut = 2
	transferNoDevice = 5
)

// classifyCode classifies a libusb return code. An I/O error counts as a
// device that is gone: that is how an unplug shows up on some hosts, and
// reopening is the right reaction to both.
func classifyCode(code int, err error) error {
	k := kindOther
	switch code {
	case libusbErrorIO, libusbErrorNoDevice:
		k = kindGone
	case libusbErrorBusy:
		k = kindBusy
	case libusbErrorAccess:
		k = kindAccess
	case libusbErrorTimeout:
		k = kindTimeout
	}
	return &USBError{Err: err, kind: k}
}

// classifyStatus classifies a failed transfer's status. A generic transfer
// error (EPROTO, EILSEQ on Linux) is what a reader pulled out mid-transfer
// often produces, so it counts as gone too.
func classifyStatus(status int, err error) error {
	k := kindOther
	switch status {
	case transferError, transferNoDevice:
		k = kindGone
	case transferTimedOut:
		k = kindTimeout
	}
	return &USBError{Err: err, kind: k}
}

// classifyMessage classifies an error whose libusb code survives only in
// its text: gousb formats codes as "libusb: … [code -6]" and wraps some of
// them with %v (claiming an interface, detaching a kernel driver).
func classifyMessage(err error) error {
	msg := err.Error()
	i := strings.LastIndex(msg, "[code ")
	if i < 0 {
		return &USBError{Err: err}
	}
	rest := msg[i+len("[code "):]
	j := strings.IndexByte(rest, ']')
	if j < 0 {
		return &USBError{Err: err}
	}
	code, perr := strconv.Atoi(rest[:j])
	if perr != nil || code >= 0 {
		return &USBError{Err: err}
	}
	return classifyCode(code, err)
}
