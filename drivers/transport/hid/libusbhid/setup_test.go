package libusbhid

import (
	"errors"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

func TestFeatureSetup(t *testing.T) {
	// GET_REPORT(Feature, 0x03) on interface 0: A1 01 0303 0000.
	if s := featureSetup(true, 0x03, 0); s != (setup{0xA1, 0x01, 0x0303, 0}) {
		t.Fatalf("%+v", s)
	}
	// SET_REPORT(Feature, 0x26) on interface 2: 21 09 0326 0002.
	if s := featureSetup(false, 0x26, 2); s != (setup{0x21, 0x09, 0x0326, 2}) {
		t.Fatalf("%+v", s)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		kind error
		want error
	}{
		{kindOfCode(libusbErrorIO), transport.ErrDisconnected},
		{kindOfCode(libusbErrorNoDevice), transport.ErrDisconnected},
		{kindOfCode(libusbErrorAccess), transport.ErrPermission},
		{kindOfCode(libusbErrorBusy), transport.ErrBusy},
		{kindOfCode(libusbErrorTimeout), usb.ErrTimeout},
		{kindOfCode(libusbErrorPipe), nil},
		{kindOfStatus(transferError), transport.ErrDisconnected},
		{kindOfStatus(transferNoDevice), transport.ErrDisconnected},
		{kindOfStatus(transferTimedOut), usb.ErrTimeout},
		{kindOfStatus(transferStall), nil},
	} {
		if tc.kind != tc.want {
			t.Errorf("got %v, want %v", tc.kind, tc.want)
		}
	}
	e := &Error{Op: "get feature 03", Err: errors.New("libusb: no device [code -4]"), kind: transport.ErrDisconnected}
	if !errors.Is(e, transport.ErrDisconnected) || errors.Is(e, transport.ErrPermission) {
		t.Fatal(e)
	}
	if !errors.Is(&Error{Op: "x", Err: e, kind: transport.ErrPermission}, transport.ErrPermission) {
		t.Fatal("permission")
	}
}
