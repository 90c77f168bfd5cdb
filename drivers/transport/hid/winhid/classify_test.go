package winhid

import (
	"errors"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

type fakeErr uint32

func (e fakeErr) Error() string { return "Windows error" }

func TestClassifyCode(t *testing.T) {
	for _, tc := range []struct {
		code uint32
		want error
	}{
		{errorFileNotFound, transport.ErrNotFound},
		{errorPathNotFound, transport.ErrNotFound},
		{errorDeviceNotConnected, transport.ErrDisconnected},
		{errorGenFailure, transport.ErrDisconnected},
		{errorBadCommand, transport.ErrDisconnected},
		{errorDevNotExist, transport.ErrDisconnected},
		{errorNoSuchDevice, transport.ErrDisconnected},
		{errorAccessDenied, transport.ErrPermission},
		{errorSharingViolation, transport.ErrBusy},
		{87, nil}, // ERROR_INVALID_PARAMETER: a wrong buffer, not a lost device
		{errorOperationAborted, nil},
	} {
		err := wrapCode("op", `\\?\hid#vid_056a&pid_00a8`, fakeErr(tc.code), tc.code, false)
		if tc.want == nil {
			if errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed) || errors.Is(err, transport.ErrPermission) {
				t.Errorf("%d classified: %v", tc.code, err)
			}
		} else if !errors.Is(err, tc.want) {
			t.Errorf("%d: not %v", tc.code, tc.want)
		}
		if !errors.Is(err, fakeErr(tc.code)) {
			t.Errorf("%d: the system error is lost", tc.code)
		}
	}
	// During Close every failure is the owner's doing.
	if err := wrapCode("read", "p", fakeErr(errorOperationAborted), errorOperationAborted, true); !errors.Is(err, transport.ErrClosed) {
		t.Fatal(err)
	}
	if !errors.Is(wrapCode("open", "p", fakeErr(2), 2, false), transport.ErrDisconnected) {
		t.Fatal("not found must also match disconnected")
	}
}

func TestIDsFromPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		v, p uint16
		ok   bool
	}{
		{`\\?\hid#vid_056a&pid_00a8#7&2b1e3a5&0&0000#{4d1e55b2-f16f-11cf-88cb-001111000030}`, 0x056A, 0x00A8, true},
		{`\\?\HID#VID_0B57&PID_8420&MI_00#8&1&0&0000#{4d1e55b2-f16f-11cf-88cb-001111000030}`, 0x0B57, 0x8420, true},
		{`\\?\hid#{00001124-0000-1000-8000-00805f9b34fb}_vid&0002046d_pid&b01a`, 0, 0, false},
		{`\\?\hid#vid_05`, 0, 0, false},
		{`\\?\hid#vid_zzzz&pid_0001`, 0, 0, false},
	} {
		v, p, ok := IDsFromPath(tc.path)
		if v != tc.v || p != tc.p || ok != tc.ok {
			t.Errorf("%s: %04X %04X %v", tc.path, v, p, ok)
		}
	}
}
