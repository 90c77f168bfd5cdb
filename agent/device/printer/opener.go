package printer

import (
	"context"
	"fmt"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/devfile"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/netport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// OpenerFor returns the opener for a printer.port setting: a serial device
// (at baud), tcp://HOST:PORT, a /dev/usb/lpN node, or usb:VVVV:PPPP.
func OpenerFor(port string, baud int) (Opener, error) {
	switch {
	case strings.HasPrefix(port, "tcp://"):
		addr := strings.TrimPrefix(port, "tcp://")
		return func(ctx context.Context) (transport.Port, string, error) {
			p, err := netport.Dial(ctx, addr, netport.Config{})
			if err != nil {
				return nil, port, err
			}
			return p, port, nil
		}, nil
	case strings.HasPrefix(port, "/dev/usb/lp"):
		return func(context.Context) (transport.Port, string, error) {
			p, err := devfile.Open(port, devfile.Config{})
			if err != nil {
				return nil, port, err
			}
			return p, port, nil
		}, nil
	case strings.HasPrefix(port, "usb:"):
		id, err := usb.ParseID(strings.TrimPrefix(port, "usb:"))
		if err != nil {
			return nil, fmt.Errorf("printer.port %q: %w", port, err)
		}
		return func(context.Context) (transport.Port, string, error) {
			dev, info, err := usb.Open(usb.Match{IDs: []usb.ID{id}})
			if err != nil {
				return nil, port, err
			}
			var out, in uint8
			for _, ep := range dev.BulkEndpoints() {
				switch {
				case ep&0x80 == 0 && out == 0:
					out = ep
				case ep&0x80 != 0 && in == 0:
					in = ep
				}
			}
			if out == 0 {
				dev.Close()
				return nil, port, fmt.Errorf("usb printer %s has no bulk OUT endpoint", info)
			}
			return usb.NewStreamPort(dev, out, in, 0, 0), "usb:" + info.Name(), nil
		}, nil
	}
	return func(context.Context) (transport.Port, string, error) {
		p, err := serialport.Open(port, serialport.Config{Baud: baud})
		if err != nil {
			return nil, port, err
		}
		return p, port, nil
	}, nil
}
