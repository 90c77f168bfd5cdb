//go:build libusb && cgo

package libusbhid

import (
	"errors"
	"testing"

	"github.com/google/gousb"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// This machine has no USB: Open finds no STU pad.
func TestOpenNoDevice(t *testing.T) {
	_, err := Open(usb.Match{IDs: []usb.ID{{Vendor: 0x056A, Product: 0x00A8}}}, Options{})
	if !errors.Is(err, usb.ErrNoDevice) && !errors.Is(err, transport.ErrPermission) {
		t.Skipf("this machine has USB, and libusb answered other than no device or no permission: %v", err)
	}
	if _, err := Open(usb.Match{}, Options{}); err == nil {
		t.Fatal("a match without IDs opened something")
	}
}

// The constants in classify.go are libusb's.
func TestLibusbCodes(t *testing.T) {
	for _, tc := range []struct{ got, want int }{
		{libusbErrorIO, int(gousb.ErrorIO)},
		{libusbErrorAccess, int(gousb.ErrorAccess)},
		{libusbErrorNoDevice, int(gousb.ErrorNoDevice)},
		{libusbErrorBusy, int(gousb.ErrorBusy)},
		{libusbErrorTimeout, int(gousb.ErrorTimeout)},
		{libusbErrorPipe, int(gousb.ErrorPipe)},
		{transferError, int(gousb.TransferError)},
		{transferTimedOut, int(gousb.TransferTimedOut)},
		{transferStall, int(gousb.TransferStall)},
		{transferNoDevice, int(gousb.TransferNoDevice)},
	} {
		if tc.got != tc.want {
			t.Errorf("%d, libusb has %d", tc.got, tc.want)
		}
	}
}
