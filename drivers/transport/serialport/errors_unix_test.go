//go:build unix

package serialport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

func TestUnixErrnoNumbersMatchSyscall(t *testing.T) {
	for _, c := range []struct {
		ours uintptr
		sys  syscall.Errno
	}{
		{unixEPERM, syscall.EPERM},
		{unixENOENT, syscall.ENOENT},
		{unixEIO, syscall.EIO},
		{unixENXIO, syscall.ENXIO},
		{unixEBADF, syscall.EBADF},
		{unixEACCES, syscall.EACCES},
		{unixEBUSY, syscall.EBUSY},
		{unixENODEV, syscall.ENODEV},
	} {
		if c.ours != uintptr(c.sys) {
			t.Errorf("%v: syscall says %d, we say %d", c.sys, uintptr(c.sys), c.ours)
		}
	}
}

func TestClassifyUnixErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want error
	}{
		{&os.PathError{Op: "open", Path: "/dev/ttyUSB0", Err: syscall.ENOENT}, transport.ErrNotFound},
		{&os.PathError{Op: "open", Path: "/dev/ttyUSB0", Err: syscall.ENOENT}, transport.ErrDisconnected},
		{fmt.Errorf("write: %w", syscall.EIO), transport.ErrDisconnected},
		{syscall.ENXIO, transport.ErrDisconnected},
		{syscall.EACCES, transport.ErrPermission},
		{syscall.EPERM, fs.ErrPermission},
		{syscall.EBUSY, transport.ErrBusy},
	} {
		if got := classify(c.err, true); !errors.Is(got, c.want) || !errors.Is(got, c.err) {
			t.Errorf("classify(%v) = %v (%v), want a match for %v", c.err, got, got.Kind, c.want)
		}
	}
	if got := classify(syscall.EINVAL, false); got.Kind != KindOther {
		t.Errorf("EINVAL: %v", got.Kind)
	}
}
