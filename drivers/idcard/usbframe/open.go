package usbframe

import (
	"errors"
	"fmt"
	"slices"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// OpenReader opens the USB reader match describes through
// drivers/transport/usb and returns a Port on it. A SinglePipe address left
// zero takes the claimed interface's first bulk endpoint of that
// direction. It returns an error matching usb.ErrNoDevice (and so
// transport.ErrNotFound) when no reader is plugged in, usb.ErrNoLibusb in a
// build without libusb, and the usb package's classified errors
// (transport.ErrPermission, transport.ErrBusy, …) when the device will not
// open. A layout that is not valid is refused before any device is
// touched.
func OpenReader(match Match) (*Port, Info, error) {
	m := match.withDefaults()
	if s, ok := m.Layout.(SinglePipe); !ok || s.Out != 0 && s.In != 0 {
		if err := Validate(m.Layout); err != nil {
			return nil, Info{}, err
		}
	}
	dev, ui, err := usb.Open(m.USB)
	info := infoOf(ui)
	if errors.Is(err, usb.ErrNoDevice) {
		return nil, info, fmt.Errorf("usbframe: no ID card reader found: %w", err)
	}
	if err != nil {
		return nil, info, err
	}
	bulk := dev.BulkEndpoints()
	l := fillSinglePipe(m.Layout, bulk)
	if err := checkEndpoints(l, bulk); err != nil {
		dev.Close()
		return nil, info, fmt.Errorf("usbframe: open %s: %w", info, err)
	}
	p := NewPort(dev, l)
	p.SetTimeouts(m.Timeouts)
	return p, info, nil
}

// fillSinglePipe gives a SinglePipe with a zero address the first of bulk
// (the interface's bulk endpoint addresses) of that direction.
func fillSinglePipe(l Layout, bulk []uint8) Layout {
	sp, ok := l.(SinglePipe)
	if !ok {
		return l
	}
	addrs := slices.Sorted(slices.Values(bulk))
	for _, a := range addrs {
		if a&0x80 == 0 && sp.Out == 0 {
			sp.Out = a
		}
		if a&0x80 != 0 && sp.In == 0 {
			sp.In = a
		}
	}
	return sp
}

// checkEndpoints reports whether l is valid and every endpoint it uses is
// among bulk, the claimed interface's bulk endpoint addresses.
func checkEndpoints(l Layout, bulk []uint8) error {
	p, err := planOf(l)
	if err != nil {
		return err
	}
	for _, a := range append(p.outs(), p.ins()...) {
		if !slices.Contains(bulk, a) {
			return fmt.Errorf("%s: the interface has no bulk endpoint 0x%02X (it has % X)", l, a, bulk)
		}
	}
	return nil
}
