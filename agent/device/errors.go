package device

import (
	"errors"
	"fmt"
)

// The kinds of device error every device kind shares.
var (
	// ErrNotFound: no such device is configured, or it has never been found.
	ErrNotFound = errors.New("device not found")
	// ErrDisconnected: the device was there and has gone (unplugged,
	// powered off), before or during the call.
	ErrDisconnected = errors.New("device disconnected")
	// ErrBusy: another program holds the device, or another client holds
	// it exclusively.
	ErrBusy = errors.New("device busy")
	// ErrTimeout: what the caller waited for did not happen in time.
	ErrTimeout = errors.New("timed out")
)

// Error is a device service's error: which device, what it was doing, the
// kind of failure (one of the Err* values, or a kind's own sentinel), and
// the cause it wraps.
type Error struct {
	Device string // e.g. "idcard0"
	Op     string // e.g. "read", "open", "acquire"
	Kind   error
	Err    error // the cause; may be nil
}

func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Device != "" {
		s = e.Device + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches the error's Kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind for device and op, whose cause is
// formatted from format and args (with %w allowed).
func Errorf(device, op string, kind error, format string, args ...any) *Error {
	return &Error{Device: device, Op: op, Kind: kind, Err: fmt.Errorf(format, args...)}
}
