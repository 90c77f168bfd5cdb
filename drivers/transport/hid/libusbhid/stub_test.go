//go:build !libusb || !cgo

package libusbhid

import (
	"errors"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

func TestStub(t *testing.T) {
	_, err := Open(usb.Match{IDs: []usb.ID{{Vendor: 0x056A, Product: 0x00A8}}}, Options{})
	if !errors.Is(err, ErrNoLibusb) || !errors.Is(err, usb.ErrNoLibusb) {
		t.Fatal(err)
	}
}
