package winhid

import (
	"errors"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// ErrUnsupported is returned by Open and List on systems other than
// Windows.
var ErrUnsupported = errors.New("winhid: hid.dll exists on Windows only")

// Windows error codes the transport tells apart (winerror.h).
const (
	errorFileNotFound       = 2
	errorPathNotFound       = 3
	errorAccessDenied       = 5
	errorBadCommand         = 22
	errorGenFailure         = 31
	errorSharingViolation   = 32
	errorDevNotExist        = 55
	errorNoSuchDevice       = 433
	errorOperationAborted   = 995
	errorDeviceNotConnected = 1167
)

// classifyCode maps a Windows error code to the transport error it means,
// or nil. A device pulled out mid-transfer answers ERROR_GEN_FAILURE or
// ERROR_BAD_COMMAND on many hosts (hidapi sees the same), so both count as
// gone.
func classifyCode(code uint32) error {
	switch code {
	case errorFileNotFound, errorPathNotFound:
		return transport.ErrNotFound
	case errorDeviceNotConnected, errorDevNotExist, errorNoSuchDevice, errorGenFailure, errorBadCommand:
		return transport.ErrDisconnected
	case errorAccessDenied:
		return transport.ErrPermission
	case errorSharingViolation:
		return transport.ErrBusy
	}
	return nil
}

// Error is a failed operation on a HID device. It unwraps to the system's
// error and matches the transport error it was classified as, if any.
type Error struct {
	Op, Path string
	Err      error
	kind     error
}

// Error says what failed where.
func (e *Error) Error() string { return "winhid: " + e.Op + " " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the system's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the transport error the failure was classified as.
func (e *Error) Is(target error) bool { return e.kind != nil && errors.Is(e.kind, target) }

// wrapCode classifies err, whose Windows error code is code; closing says
// the device's own Close is under way, which turns an aborted operation
// into transport.ErrClosed.
func wrapCode(op, path string, err error, code uint32, closing bool) error {
	kind := classifyCode(code)
	if closing {
		kind = transport.ErrClosed
	}
	return &Error{Op: op, Path: path, Err: err, kind: kind}
}
