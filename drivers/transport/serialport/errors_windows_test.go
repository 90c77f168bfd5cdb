//go:build windows

package serialport

import (
	"errors"
	"fmt"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

func TestWindowsCodesMatchSyscall(t *testing.T) {
	for _, c := range []struct {
		ours uint32
		sys  windows.Errno
	}{
		{winFileNotFound, windows.ERROR_FILE_NOT_FOUND},
		{winPathNotFound, windows.ERROR_PATH_NOT_FOUND},
		{winAccessDenied, windows.ERROR_ACCESS_DENIED},
		{winInvalidHandle, windows.ERROR_INVALID_HANDLE},
		{winNotReady, windows.ERROR_NOT_READY},
		{winBadCommand, windows.ERROR_BAD_COMMAND},
		{winGenFailure, windows.ERROR_GEN_FAILURE},
		{winSharingViolation, windows.ERROR_SHARING_VIOLATION},
		{winOperationAborted, windows.ERROR_OPERATION_ABORTED},
		{winDeviceNotConnected, windows.ERROR_DEVICE_NOT_CONNECTED},
		{winDeviceRemoved, windows.ERROR_DEVICE_REMOVED},
	} {
		if c.ours != uint32(c.sys) {
			t.Errorf("%v: x/sys/windows says %d, we say %d", c.sys, uint32(c.sys), c.ours)
		}
	}
}

func TestClassifyWindowsErrors(t *testing.T) {
	for _, c := range []struct {
		err     error
		opening bool
		want    error
	}{
		{windows.ERROR_PATH_NOT_FOUND, true, transport.ErrNotFound},
		{windows.ERROR_ACCESS_DENIED, true, transport.ErrBusy},
		{fmt.Errorf("write: %w", windows.ERROR_ACCESS_DENIED), false, transport.ErrDisconnected},
		{fmt.Errorf("read: %w", windows.ERROR_GEN_FAILURE), false, transport.ErrDisconnected},
		{windows.ERROR_SHARING_VIOLATION, true, transport.ErrBusy},
	} {
		if got := classify(c.err, c.opening); !errors.Is(got, c.want) || !errors.Is(got, c.err) {
			t.Errorf("classify(%v, %v) = %v (%v), want a match for %v", c.err, c.opening, got, got.Kind, c.want)
		}
	}
}
