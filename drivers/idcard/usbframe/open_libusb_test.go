//go:build libusb && cgo

package usbframe

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// hostHasUSB reports whether this machine has a USB subsystem at all. The
// project's build VM has none (environment.md §2): there, List must find
// nothing and OpenReader must find no reader.
func hostHasUSB() bool {
	for _, p := range []string{"/sys/bus/usb", "/dev/bus/usb"} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

func TestListOnThisHost(t *testing.T) {
	infos, err := List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if infos == nil {
		t.Error("List returned nil, want an empty list")
	}
	if !hostHasUSB() && len(infos) != 0 {
		t.Fatalf("no USB on this host, yet List found %v", infos)
	}
	for _, i := range infos {
		if noteFor(i.ID) == "" || i.Note == "" {
			t.Errorf("List returned %v, which is not a candidate", i)
		}
		t.Logf("found %v", i)
	}
}

func TestOpenReaderFindsNoReader(t *testing.T) {
	// No device has this VID:PID, on any host.
	p, _, err := OpenReader(Match{USB: usb.Match{IDs: []usb.ID{{Vendor: 0xFFFF, Product: 0xFFFE}}}})
	if p != nil || !errors.Is(err, usb.ErrNoDevice) || !errors.Is(err, transport.ErrNotFound) {
		t.Fatalf("OpenReader = %v, %v; want usb.ErrNoDevice", p, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "no ID card reader found") || !strings.Contains(msg, "FFFF:FFFE") {
		t.Errorf("unclear error %q", msg)
	}
	if !hostHasUSB() {
		p, _, err := OpenReader(Match{})
		if p != nil || !errors.Is(err, usb.ErrNoDevice) || !strings.Contains(err.Error(), "0400:C35A") {
			t.Fatalf("OpenReader with the default match on a host without USB = %v, %v", p, err)
		}
	}
	// A bad layout is refused before libusb is touched.
	if _, _, err := OpenReader(Match{Layout: SplitPipes{BodyIn: 0x05}}); err == nil || errors.Is(err, usb.ErrNoDevice) {
		t.Errorf("bad layout: %v", err)
	}
}
