//go:build libusb && cgo

package usbbulk

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/gousb"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// hostHasUSB reports whether this machine has a USB subsystem at all. The
// project's build VM has none (environment.md §2): there, List must find
// nothing and OpenDevice must find no reader.
func hostHasUSB() bool {
	for _, p := range []string{"/sys/bus/usb", "/dev/bus/usb"} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

func TestLibusbCodesMatchGousb(t *testing.T) {
	for _, c := range []struct {
		ours int
		lib  gousb.Error
	}{
		{libusbErrorIO, gousb.ErrorIO},
		{libusbErrorAccess, gousb.ErrorAccess},
		{libusbErrorNoDevice, gousb.ErrorNoDevice},
		{libusbErrorBusy, gousb.ErrorBusy},
		{libusbErrorTimeout, gousb.ErrorTimeout},
	} {
		if c.ours != int(c.lib) {
			t.Errorf("%v: gousb says %d, we say %d", c.lib, int(c.lib), c.ours)
		}
	}
	for _, c := range []struct {
		ours int
		lib  gousb.TransferStatus
	}{
		{transferError, gousb.TransferError},
		{transferTimedOut, gousb.TransferTimedOut},
		{transferNoDevice, gousb.TransferNoDevice},
	} {
		if c.ours != int(c.lib) {
			t.Errorf("%v: gousb says %d, we say %d", c.lib, int(c.lib), c.ours)
		}
	}
	for _, c := range []struct {
		err  error
		want error
	}{
		{gousb.ErrorNoDevice, transport.ErrDisconnected},
		{gousb.ErrorIO, transport.ErrDisconnected},
		{gousb.TransferNoDevice, transport.ErrDisconnected},
		{fmt.Errorf("read: %w", gousb.ErrorNoDevice), transport.ErrDisconnected},
		// gousb wraps the claim error with %v: only its text is left.
		{fmt.Errorf("failed to claim interface 0 on dev: %v", gousb.ErrorBusy), transport.ErrBusy},
		{gousb.TransferTimedOut, ErrTimeout},
	} {
		got := classify(c.err)
		if !errors.Is(got, c.want) || !errors.Is(got, c.err) && got.Error() != c.err.Error() {
			t.Errorf("classify(%v) = %v, want a match for %v", c.err, got, c.want)
		}
	}
	if errors.Is(classify(gousb.TransferCancelled), transport.ErrDisconnected) {
		t.Error("a cancelled transfer is not an unplug")
	}
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
		if noteFor(i.ID) == "" {
			t.Errorf("List returned %v, which is not a candidate", i)
		}
		t.Logf("found %v", i)
	}
}

func TestOpenDeviceFindsNoReader(t *testing.T) {
	// No device has this VID:PID, on any host.
	p, _, err := OpenDevice(DeviceMatch{IDs: []ID{{0xFFFF, 0xFFFE}}})
	if p != nil || !errors.Is(err, ErrNoReader) {
		t.Fatalf("OpenDevice = %v, %v; want ErrNoReader", p, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "no ID card reader found") || !strings.Contains(msg, "FFFF:FFFE") {
		t.Errorf("unclear error %q", msg)
	}
	if !hostHasUSB() {
		p, _, err := OpenDevice(DeviceMatch{})
		if p != nil || !errors.Is(err, ErrNoReader) || !strings.Contains(err.Error(), "0400:C35A") {
			t.Fatalf("OpenDevice with the default match on a host without USB = %v, %v", p, err)
		}
	}
	// A bad layout is refused before libusb is touched.
	if _, _, err := OpenDevice(DeviceMatch{Layout: SplitPipes{BodyIn: 0x05}}); err == nil || errors.Is(err, ErrNoReader) {
		t.Errorf("bad layout: %v", err)
	}
}

// gousb reports the end of our own per-transfer deadline as a cancelled
// transfer, and so it reports our Close.
func TestTransferCancellationMeaning(t *testing.T) {
	e := &gousbEndpoints{}
	e.base, e.cancel = context.WithCancel(context.Background())
	ctx, cancel := e.deadline(time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if err := e.classify(ctx, gousb.TransferCancelled); !errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled at the deadline: %v, want ErrTimeout", err)
	}
	if err := e.classify(ctx, gousb.TransferNoDevice); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("no device: %v", err)
	}
	if err := e.classify(context.Background(), nil); err != nil {
		t.Errorf("no error: %v", err)
	}
	e.cancel()
	if err := e.classify(ctx, gousb.TransferNoDevice); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
	if _, err := e.Read(0x81, make([]byte, 64), time.Millisecond); err == nil {
		t.Error("Read on an endpoint that was never opened succeeded")
	}
}
