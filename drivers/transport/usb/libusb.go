//go:build libusb && cgo

package usb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/gousb"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// This file is the only one that touches libusb (through gousb). It finds
// and claims a device and moves bytes; what the bytes mean is the driver's.

// Open opens the device match describes: the first matching device by bus
// and address, with the kernel driver detached if one is bound, the
// configuration set, the interface claimed and its bulk endpoints opened.
// It returns an error matching ErrNoDevice when no device matches,
// transport.ErrPermission when the device may not be opened, and
// transport.ErrBusy when another program holds it.
func Open(match Match) (*Device, Info, error) {
	m, err := match.withDefaults()
	if err != nil {
		return nil, Info{}, err
	}
	ctx, err := newContext()
	if err != nil {
		return nil, Info{}, err
	}
	matched := 0
	devs, err := ctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		ok := m.matches(ID{uint16(d.Vendor), uint16(d.Product)}, d.Bus, d.Address)
		if ok {
			matched++
		}
		return ok
	})
	if len(devs) == 0 {
		ctx.Close()
		if matched > 0 && err != nil {
			return nil, Info{}, fmt.Errorf("usb: open %s: %w", m, classify(err))
		}
		return nil, Info{}, m.noDevice()
	}
	slices.SortFunc(devs, func(a, b *gousb.Device) int {
		return cmp.Or(cmp.Compare(a.Desc.Bus, b.Desc.Bus), cmp.Compare(a.Desc.Address, b.Desc.Address))
	})
	for _, d := range devs[1:] {
		d.Close()
	}
	dev := devs[0]
	info := infoOf(dev)
	d, err := claim(ctx, dev, m)
	if err != nil {
		dev.Close()
		ctx.Close()
		return nil, info, fmt.Errorf("usb: open %s: %w", info, err)
	}
	return d, info, nil
}

// List returns the USB devices filter accepts (nil accepts every device),
// sorted by bus and address, with their strings where the device could be
// opened and a Problem where it could not. With no such devices it returns
// an empty list and no error.
func List(filter func(ID) bool) ([]Info, error) {
	ctx, err := newContext()
	if err != nil {
		return nil, err
	}
	defer ctx.Close()
	found := []Info{}
	devs, err := ctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		id := ID{uint16(d.Vendor), uint16(d.Product)}
		ok := filter == nil || filter(id)
		if ok {
			found = append(found, Info{ID: id, Bus: d.Bus, Address: d.Address, Problem: "cannot be opened"})
		}
		return ok
	})
	for _, d := range devs {
		got := infoOf(d)
		for i := range found {
			if found[i].Bus == got.Bus && found[i].Address == got.Address {
				found[i] = got
			}
		}
		d.Close()
	}
	if err != nil {
		if len(found) == 0 {
			return nil, fmt.Errorf("usb: list devices: %w", classify(err))
		}
		for i := range found {
			if found[i].Problem != "" {
				found[i].Problem = "cannot be opened: " + err.Error()
			}
		}
	}
	slices.SortFunc(found, func(a, b Info) int {
		return cmp.Or(cmp.Compare(a.Bus, b.Bus), cmp.Compare(a.Address, b.Address))
	})
	return found, nil
}

// newContext starts libusb; gousb panics when libusb_init fails.
func newContext() (ctx *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("usb: cannot start libusb: %v", r)
		}
	}()
	return gousb.NewContext(), nil
}

func infoOf(d *gousb.Device) Info {
	i := Info{ID: ID{uint16(d.Desc.Vendor), uint16(d.Desc.Product)}, Bus: d.Desc.Bus, Address: d.Desc.Address}
	i.Manufacturer, _ = d.Manufacturer()
	i.Product, _ = d.Product()
	i.Serial, _ = d.SerialNumber()
	return i
}

// claim sets the configuration, claims the interface and opens its bulk
// endpoints.
func claim(ctx *gousb.Context, dev *gousb.Device, m Match) (*Device, error) {
	if err := dev.SetAutoDetach(true); err != nil {
		return nil, fmt.Errorf("detach kernel driver: %w", classify(err))
	}
	cfg, err := dev.Config(m.Config)
	if err != nil {
		return nil, fmt.Errorf("set configuration %d: %w", m.Config, classify(err))
	}
	intf, err := cfg.Interface(m.Interface, m.AltSetting)
	if err != nil {
		cfg.Close()
		return nil, fmt.Errorf("claim interface %d: %w", m.Interface, classify(err))
	}
	d := &Device{ctx: ctx, dev: dev, cfg: cfg, intf: intf,
		in: map[uint8]*gousb.InEndpoint{}, out: map[uint8]*gousb.OutEndpoint{}}
	d.base, d.cancel = context.WithCancel(context.Background())
	for _, desc := range intf.Setting.Endpoints {
		if desc.TransferType != gousb.TransferTypeBulk {
			continue
		}
		if err = d.openEndpoint(desc); err != nil {
			break
		}
	}
	if err != nil {
		d.cancel()
		intf.Close()
		cfg.Close()
		return nil, fmt.Errorf("open endpoints of interface %d: %w", m.Interface, classify(err))
	}
	slices.Sort(d.bulk)
	return d, nil
}

// openEndpoint opens the bulk endpoint desc describes.
func (d *Device) openEndpoint(desc gousb.EndpointDesc) error {
	a := uint8(desc.Address)
	if desc.Direction == gousb.EndpointDirectionIn {
		in, err := d.intf.InEndpoint(desc.Number)
		if err != nil {
			return err
		}
		d.in[a] = in
	} else {
		out, err := d.intf.OutEndpoint(desc.Number)
		if err != nil {
			return err
		}
		d.out[a] = out
	}
	d.bulk = append(d.bulk, a)
	return nil
}

// Device is an opened USB device with one claimed interface, whose bulk
// endpoints it reads and writes (it implements Endpoints). Transfers may
// run from several goroutines, and Close from any goroutine.
type Device struct {
	ctx  *gousb.Context
	dev  *gousb.Device
	cfg  *gousb.Config
	intf *gousb.Interface
	in   map[uint8]*gousb.InEndpoint
	out  map[uint8]*gousb.OutEndpoint
	bulk []uint8

	base   context.Context // cancelled by Close, ending transfers in progress
	cancel context.CancelFunc

	mu     sync.RWMutex // held shared by transfers, exclusively by Close
	closed bool
}

// BulkEndpoints returns the addresses of the claimed interface's bulk
// endpoints in ascending order (OUT 0x01–0x0F before IN 0x81–0x8F).
func (d *Device) BulkEndpoints() []uint8 { return slices.Clone(d.bulk) }

// Read runs one bulk IN transfer from endpoint ep into b.
func (d *Device) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	var f func(context.Context, []byte) (int, error)
	if in, ok := d.in[ep]; ok {
		f = in.ReadContext
	}
	return d.transfer("IN", ep, f, b, timeout)
}

// Write runs one bulk OUT transfer of b to endpoint ep.
func (d *Device) Write(ep uint8, b []byte, timeout time.Duration) (int, error) {
	var f func(context.Context, []byte) (int, error)
	if out, ok := d.out[ep]; ok {
		f = out.WriteContext
	}
	return d.transfer("OUT", ep, f, b, timeout)
}

// transfer runs f, the opened endpoint's transfer (nil when the endpoint
// was not opened), with the timeout.
func (d *Device) transfer(dir string, ep uint8, f func(context.Context, []byte) (int, error), b []byte, timeout time.Duration) (int, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	switch {
	case d.closed:
		return 0, transport.ErrClosed
	case f == nil:
		return 0, fmt.Errorf("usb: %s endpoint 0x%02X is not a bulk endpoint of the claimed interface", dir, ep)
	}
	ctx, cancel := d.deadline(timeout)
	defer cancel()
	n, err := f(ctx, b)
	return n, d.classify(ctx, err)
}

func (d *Device) deadline(timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(d.base)
	}
	return context.WithTimeout(d.base, timeout)
}

// classify turns a transfer's error into the Endpoints contract: gousb
// reports our own timeout as a cancelled transfer.
func (d *Device) classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if d.base.Err() != nil {
		return transport.ErrClosed
	}
	var st gousb.TransferStatus
	if errors.As(err, &st) && st == gousb.TransferCancelled && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Err: err, kind: kindTimeout}
	}
	return classify(err)
}

// Close ends transfers in progress and releases the interface, the device
// and libusb.
func (d *Device) Close() error {
	d.cancel()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	d.intf.Close()
	return errors.Join(d.cfg.Close(), d.dev.Close(), d.ctx.Close())
}

// classify maps a gousb error onto Error.
func classify(err error) error {
	var code gousb.Error
	var st gousb.TransferStatus
	switch {
	case errors.As(err, &code):
		return classifyCode(int(code), err)
	case errors.As(err, &st):
		return classifyStatus(int(st), err)
	}
	return classifyMessage(err)
}
