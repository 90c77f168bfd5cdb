//go:build !libusb || !cgo

package usb

import (
	"errors"
	"strings"
	"testing"
)

func TestWithoutLibusbOpenAndListExplain(t *testing.T) {
	d, _, err := Open(Match{IDs: []ID{{0x0400, 0xC35A}}})
	if d != nil || !errors.Is(err, ErrNoLibusb) || !strings.Contains(err.Error(), "-tags libusb") {
		t.Errorf("Open = %v, %v; want ErrNoLibusb naming the build tag", d, err)
	}
	if infos, err := List(nil); infos != nil || !errors.Is(err, ErrNoLibusb) {
		t.Errorf("List = %v, %v; want ErrNoLibusb", infos, err)
	}
	var dev Device
	if _, err := dev.Read(0x81, make([]byte, 64), 0); !errors.Is(err, ErrNoLibusb) {
		t.Errorf("Read on the stub device: %v", err)
	}
	if _, err := dev.Write(0x02, []byte{1}, 0); !errors.Is(err, ErrNoLibusb) {
		t.Errorf("Write on the stub device: %v", err)
	}
	if dev.BulkEndpoints() != nil || dev.Close() != nil {
		t.Error("the stub device has endpoints or fails to close")
	}
}
