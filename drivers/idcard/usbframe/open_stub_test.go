//go:build !libusb || !cgo

package usbframe

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

func TestWithoutLibusbOpenAndListExplain(t *testing.T) {
	p, _, err := OpenReader(Match{})
	if p != nil || !errors.Is(err, usb.ErrNoLibusb) || !strings.Contains(err.Error(), "-tags libusb") {
		t.Errorf("OpenReader = %v, %v; want ErrNoLibusb naming the build tag", p, err)
	}
	if infos, err := List(); infos != nil || !errors.Is(err, usb.ErrNoLibusb) {
		t.Errorf("List = %v, %v; want ErrNoLibusb", infos, err)
	}
	// A bad layout is refused before the usb package is asked.
	if _, _, err := OpenReader(Match{Layout: SplitPipes{BodyIn: 0x05}}); err == nil || errors.Is(err, usb.ErrNoLibusb) {
		t.Errorf("bad layout: %v", err)
	}
}
