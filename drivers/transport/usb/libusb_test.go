//go:build libusb && cgo

package usb

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
// nothing and Open must find no device.
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
		{gousb.ErrorAccess, transport.ErrPermission},
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
	infos, err := List(nil)
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
		t.Logf("found %v", i)
	}
	none, err := List(func(ID) bool { return false })
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("List with a filter that takes nothing = %v, %v", none, err)
	}
}

func TestOpenFindsNoDevice(t *testing.T) {
	// No device has this VID:PID, on any host.
	d, _, err := Open(Match{IDs: []ID{{0xFFFF, 0xFFFE}}})
	if d != nil || !errors.Is(err, ErrNoDevice) || !errors.Is(err, transport.ErrNotFound) {
		t.Fatalf("Open = %v, %v; want ErrNoDevice", d, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "no matching device") || !strings.Contains(msg, "FFFF:FFFE") {
		t.Errorf("unclear error %q", msg)
	}
	// A match without IDs is refused before libusb is touched.
	if _, _, err := Open(Match{Bus: 1, Address: 2}); !errors.Is(err, errNoIDs) {
		t.Errorf("Open without IDs: %v", err)
	}
}

// gousb reports the end of our own per-transfer deadline as a cancelled
// transfer, and so it reports our Close.
func TestTransferCancellationMeaning(t *testing.T) {
	d := &Device{}
	d.base, d.cancel = context.WithCancel(context.Background())
	ctx, cancel := d.deadline(time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if err := d.classify(ctx, gousb.TransferCancelled); !errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled at the deadline: %v, want ErrTimeout", err)
	}
	if err := d.classify(ctx, gousb.TransferNoDevice); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("no device: %v", err)
	}
	if err := d.classify(context.Background(), nil); err != nil {
		t.Errorf("no error: %v", err)
	}
	if _, err := d.Read(0x81, make([]byte, 64), time.Millisecond); err == nil {
		t.Error("Read on an endpoint that was never opened succeeded")
	}
	if _, err := d.Write(0x02, []byte{1}, time.Millisecond); err == nil {
		t.Error("Write on an endpoint that was never opened succeeded")
	}
	d.cancel()
	if err := d.classify(ctx, gousb.TransferNoDevice); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}
