package hidraw

import "errors"

// Error is a failed operation on a hidraw node. It unwraps to the
// system's error (an errno) and matches the transport error it was
// classified as (transport.ErrDisconnected, ErrNotFound, ErrPermission,
// ErrBusy or ErrClosed), if any.
type Error struct {
	Op, Path string
	Err      error
	kind     error
}

// Error says what failed where.
func (e *Error) Error() string { return "hidraw: " + e.Op + " " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the system's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the transport error the failure was classified as.
func (e *Error) Is(target error) bool { return e.kind != nil && errors.Is(e.kind, target) }
