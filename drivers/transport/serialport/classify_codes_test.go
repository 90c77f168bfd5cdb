package serialport

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"go.bug.st/serial"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Both tables run on every machine: the numbers are plain numbers here,
// checked against each platform's syscall constants in errors_unix_test.go
// and errors_windows_test.go.

func TestClassifyUnixErrno(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    uintptr
		want Kind
	}{
		{"EPERM", 1, KindPermission},
		{"ENOENT", 2, KindNotFound},
		{"ESRCH", 3, KindOther},
		{"EINTR", 4, KindOther},
		{"EIO", 5, KindDisconnected},
		{"ENXIO", 6, KindDisconnected},
		{"EBADF", 9, KindDisconnected},
		{"EAGAIN", 11, KindOther},
		{"EACCES", 13, KindPermission},
		{"EBUSY", 16, KindBusy},
		{"ENODEV", 19, KindDisconnected},
		{"EINVAL", 22, KindOther},
		{"ENOTTY", 25, KindOther},
		{"zero", 0, KindOther},
	} {
		if got := classifyUnixErrno(tc.n); got != tc.want {
			t.Errorf("%s (%d): %v, want %v", tc.name, tc.n, got, tc.want)
		}
	}
}

func TestClassifyWindowsCode(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n          uint32
		open, read Kind // opening the port; I/O on an open port
	}{
		{"ERROR_FILE_NOT_FOUND", 2, KindNotFound, KindNotFound},
		{"ERROR_PATH_NOT_FOUND", 3, KindNotFound, KindNotFound},
		{"ERROR_ACCESS_DENIED", 5, KindBusy, KindDisconnected},
		{"ERROR_INVALID_HANDLE", 6, KindDisconnected, KindDisconnected},
		{"ERROR_NOT_READY", 21, KindDisconnected, KindDisconnected},
		{"ERROR_BAD_COMMAND", 22, KindDisconnected, KindDisconnected},
		{"ERROR_GEN_FAILURE", 31, KindDisconnected, KindDisconnected},
		{"ERROR_SHARING_VIOLATION", 32, KindBusy, KindBusy},
		{"ERROR_OPERATION_ABORTED", 995, KindDisconnected, KindDisconnected},
		{"ERROR_DEVICE_NOT_CONNECTED", 1167, KindDisconnected, KindDisconnected},
		{"ERROR_DEVICE_REMOVED", 1617, KindDisconnected, KindDisconnected},
		{"ERROR_SUCCESS", 0, KindOther, KindOther},
		{"ERROR_INVALID_FUNCTION", 1, KindOther, KindOther},
		{"ERROR_INVALID_PARAMETER", 87, KindOther, KindOther},
		{"ERROR_IO_PENDING", 997, KindOther, KindOther},
		{"ERROR_SEM_TIMEOUT", 121, KindOther, KindOther},
	} {
		if got := classifyWindowsCode(tc.n, true); got != tc.open {
			t.Errorf("%s (%d) opening: %v, want %v", tc.name, tc.n, got, tc.open)
		}
		if got := classifyWindowsCode(tc.n, false); got != tc.read {
			t.Errorf("%s (%d) on an open port: %v, want %v", tc.name, tc.n, got, tc.read)
		}
	}
}

func TestClassifyPortCode(t *testing.T) {
	for _, tc := range []struct {
		code       serial.PortErrorCode
		open, read Kind
	}{
		{serial.PortBusy, KindBusy, KindOther}, // the zero code: busy only from Open
		{serial.PortNotFound, KindNotFound, KindNotFound},
		{serial.PermissionDenied, KindPermission, KindPermission},
		{serial.PortClosed, KindDisconnected, KindDisconnected},
		{serial.InvalidSerialPort, KindOther, KindOther},
		{serial.InvalidSpeed, KindOther, KindOther},
		{serial.InvalidTimeoutValue, KindOther, KindOther},
		{serial.ErrorEnumeratingPorts, KindOther, KindOther},
		{serial.FunctionNotImplemented, KindOther, KindOther},
	} {
		if got := classifyPortCode(tc.code, true); got != tc.open {
			t.Errorf("code %d opening: %v, want %v", tc.code, got, tc.open)
		}
		if got := classifyPortCode(tc.code, false); got != tc.read {
			t.Errorf("code %d on an open port: %v, want %v", tc.code, got, tc.read)
		}
	}
}

func TestErrorMatchesItsKindOnly(t *testing.T) {
	sentinels := map[string]error{
		"ErrDisconnected":  transport.ErrDisconnected,
		"ErrNotFound":      transport.ErrNotFound,
		"ErrBusy":          transport.ErrBusy,
		"ErrPermission":    transport.ErrPermission,
		"fs.ErrPermission": fs.ErrPermission,
		"ErrClosed":        transport.ErrClosed,
	}
	for kind, want := range map[Kind][]string{
		KindOther:        nil,
		KindDisconnected: {"ErrDisconnected"},
		KindNotFound:     {"ErrNotFound", "ErrDisconnected"},
		KindBusy:         {"ErrBusy"},
		KindPermission:   {"ErrPermission", "fs.ErrPermission"},
	} {
		cause := errors.New("library error")
		err := fmt.Errorf("open serial port COM3: %w", &Error{Kind: kind, Err: cause})
		for name, s := range sentinels {
			w := false
			for _, n := range want {
				w = w || n == name
			}
			if got := errors.Is(err, s); got != w {
				t.Errorf("%v: errors.Is(err, %s) = %v", kind, name, got)
			}
		}
		if !errors.Is(err, cause) || err.Error() != "open serial port COM3: library error" {
			t.Errorf("%v: %v hides the library's error", kind, err)
		}
		if kind.String() == "" {
			t.Errorf("kind %d has no name", kind)
		}
	}
}

// After our own Close, whatever the library reports is ErrClosed: it says
// PortClosed both for that and for a device that went away.
func TestAfterCloseEveryErrorIsErrClosed(t *testing.T) {
	p := &Port{path: "/dev/ttyUSB0"}
	p.closing.Store(true)
	err := p.wrap("read", &Error{Kind: KindDisconnected, Err: errors.New("Port has been closed")})
	if !errors.Is(err, transport.ErrClosed) || errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("after Close: %v; want ErrClosed only", err)
	}
}
