//go:build !libusb || !cgo

package usbbulk

import (
	"errors"
	"strings"
	"testing"
)

func TestWithoutLibusbOpenAndListExplain(t *testing.T) {
	p, _, err := OpenDevice(DeviceMatch{})
	if p != nil || !errors.Is(err, ErrNoLibusb) || !strings.Contains(err.Error(), "-tags libusb") {
		t.Errorf("OpenDevice = %v, %v; want ErrNoLibusb naming the build tag", p, err)
	}
	if infos, err := List(); infos != nil || !errors.Is(err, ErrNoLibusb) {
		t.Errorf("List = %v, %v; want ErrNoLibusb", infos, err)
	}
}
