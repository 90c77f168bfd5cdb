package sigpad

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/hanvon"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/wacomstu"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid/hidraw"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid/libusbhid"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid/winhid"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// readPoll bounds one wait for a pen report. A report is taken the
// moment it comes either way; this is only how often an idle read wakes
// (closing the pad ends a read at once), so it is long.
const readPoll = 2 * time.Second

// Known says whether a device with these IDs is a pad the agent drives.
func Known(vendor, product uint16) bool {
	switch vendor {
	case wacomstu.VendorID:
		return product >= wacomstu.ProductIDMin && product <= wacomstu.ProductIDMax
	case hanvon.VendorID:
		return product == hanvon.ProductID
	}
	return false
}

// Drive starts the driver for the pad on dev (by its USB IDs). It closes
// dev when the pad does not answer as it should.
func Drive(ctx context.Context, dev hid.Device, vendor, product uint16) (sigpad.Pad, error) {
	var (
		p   sigpad.Pad
		err error
	)
	switch vendor {
	case wacomstu.VendorID:
		p, err = wacomstu.New(ctx, dev, wacomstu.Config{ProductID: product, PollPeriod: readPoll})
	case hanvon.VendorID:
		p, err = hanvon.New(ctx, dev, hanvon.Config{PollPeriod: readPoll})
	default:
		err = fmt.Errorf("%04X:%04X is not a signature pad the agent knows", vendor, product)
	}
	if err != nil {
		dev.Close()
		return nil, err
	}
	return p, nil
}

// OpenerFor returns the opener for a sigpad.port setting:
//
//   - "auto": the first Wacom STU or Hanvon ESP370U pad the system lists
//     (Linux hidraw, Windows hid.dll);
//   - a device path: /dev/hidrawN, or a Windows HID interface path;
//   - "usb:VVVV:PPPP": through libusb (builds with cgo and the usb tag),
//     for systems whose HID driver does not expose the pad.
func OpenerFor(port string) (Opener, error) {
	if rest, ok := strings.CutPrefix(port, "usb:"); ok {
		id, err := usb.ParseID(rest)
		if err != nil {
			return nil, fmt.Errorf("sigpad.port %q: %w", port, err)
		}
		return func(ctx context.Context) (sigpad.Pad, string, error) {
			dev, err := libusbhid.Open(usb.Match{IDs: []usb.ID{id}}, libusbhid.Options{})
			if err != nil {
				return nil, port, err
			}
			p, err := Drive(ctx, dev, id.Vendor, id.Product)
			return p, port, err
		}, nil
	}
	if port == "auto" {
		return func(ctx context.Context) (sigpad.Pad, string, error) {
			infos, err := listHID()
			if err != nil {
				return nil, port, err
			}
			for _, in := range infos {
				if Known(in.Vendor, in.Product) {
					return openPath(ctx, in.Path)
				}
			}
			return nil, port, device.Errorf("", "open", device.ErrNotFound, "no Wacom STU or Hanvon pad among %d HID devices", len(infos))
		}, nil
	}
	return func(ctx context.Context) (sigpad.Pad, string, error) { return openPath(ctx, port) }, nil
}

// listHID lists the system's HID devices.
func listHID() ([]hid.Info, error) {
	if runtime.GOOS == "windows" {
		return winhid.List()
	}
	return hidraw.List()
}

// openPath opens the HID device at path and drives it by its IDs.
func openPath(ctx context.Context, path string) (sigpad.Pad, string, error) {
	var (
		dev  hid.Device
		info hid.Info
	)
	if runtime.GOOS == "windows" {
		d, err := winhid.Open(path)
		if err != nil {
			return nil, path, err
		}
		dev, info = d, d.Info()
	} else {
		d, err := hidraw.Open(path)
		if err != nil {
			return nil, path, err
		}
		dev, info = d, d.Info()
	}
	if !Known(info.Vendor, info.Product) {
		dev.Close()
		return nil, path, device.Errorf("", "open", device.ErrNotFound, "%s is %04X:%04X, not a signature pad the agent knows", path, info.Vendor, info.Product)
	}
	p, err := Drive(ctx, dev, info.Vendor, info.Product)
	if err != nil {
		return nil, path, err
	}
	return p, path, nil
}
