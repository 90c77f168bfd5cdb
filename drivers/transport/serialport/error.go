package serialport

import (
	"errors"

	"go.bug.st/serial"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Kind is what a serial error means for the caller.
type Kind int

// The kinds of serial error, each matching a transport sentinel.
const (
	// KindOther is an error that means none of the below.
	KindOther Kind = iota
	// KindDisconnected: the device went away (transport.ErrDisconnected).
	KindDisconnected
	// KindNotFound: there is no such port (transport.ErrNotFound, which
	// also matches transport.ErrDisconnected).
	KindNotFound
	// KindBusy: another program holds the port (transport.ErrBusy).
	KindBusy
	// KindPermission: the operating system refused access
	// (transport.ErrPermission).
	KindPermission
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindDisconnected:
		return "disconnected"
	case KindNotFound:
		return "not found"
	case KindBusy:
		return "busy"
	case KindPermission:
		return "permission"
	}
	return "other"
}

// Error is a serial error classified for callers: it matches the transport
// sentinel of its Kind, and unwraps to the library's own error (use
// errors.As with *serial.PortError for go.bug.st/serial's code).
type Error struct {
	Kind Kind
	Err  error
}

// Error returns the library's message.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the library's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches transport.ErrDisconnected for a device that went away,
// transport.ErrNotFound (and ErrDisconnected) for a port that does not
// exist, transport.ErrBusy for a port another program holds and
// transport.ErrPermission (and fs.ErrPermission) for a port the operating
// system will not let us open.
func (e *Error) Is(target error) bool {
	switch e.Kind {
	case KindDisconnected:
		return target == transport.ErrDisconnected
	case KindNotFound:
		return errors.Is(transport.ErrNotFound, target)
	case KindBusy:
		return target == transport.ErrBusy
	case KindPermission:
		return errors.Is(transport.ErrPermission, target)
	}
	return false
}

// classify wraps err in an *Error of the right Kind; opening says whether
// err came from opening the port or from I/O on a port already open.
func classify(err error, opening bool) *Error {
	k := KindOther
	var pe *serial.PortError
	if errors.As(err, &pe) {
		k = classifyPortCode(pe.Code(), opening)
	}
	if k == KindOther {
		k = errnoKind(err, opening)
	}
	return &Error{Kind: k, Err: err}
}

// classifyPortCode says what go.bug.st/serial's code means. PortBusy is
// also the zero value, which the library's Windows code returns for any
// failure of SetDTR, SetRTS, Break or GetModemStatusBits, so it means busy
// only when the port is being opened. PortClosed comes from I/O: on Linux
// a read of a tty whose device went away, on Windows an aborted read.
func classifyPortCode(c serial.PortErrorCode, opening bool) Kind {
	switch c {
	case serial.PortBusy:
		if opening {
			return KindBusy
		}
	case serial.PortNotFound:
		return KindNotFound
	case serial.PermissionDenied:
		return KindPermission
	case serial.PortClosed:
		return KindDisconnected
	}
	return KindOther
}
