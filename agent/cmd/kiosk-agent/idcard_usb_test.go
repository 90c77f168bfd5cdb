package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard/discover"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// "idcard read --port usb" opens the USB bulk reader, never a serial
// device called "usb". This machine has no USB: the USB path answers that
// it found no reader (libusb build) or that the build has no USB support;
// a serial open would have said "open usb: no such file or directory".
// The real-USB testbed (.ci/usb-vm, check reader.cli) reads a card this way.
func TestIDCardReadPortUSBIsTheUSBReader(t *testing.T) {
	_, _, err := openReaderPort(context.Background(), "usb", t.TempDir(), &bytes.Buffer{})
	if err == nil {
		t.Skip("a USB ID card reader is plugged in")
	}
	if !errors.Is(err, usb.ErrNoDevice) && !errors.Is(err, discover.ErrUnsupported) {
		t.Fatalf("--port usb: %v; want the USB reader's error (no device, or no USB in this build)", err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"idcard", "read", "--port", "usb", "--timeout", "1s"}, &out, &errb); code != 1 ||
		strings.Contains(errb.String(), "no such file") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}
