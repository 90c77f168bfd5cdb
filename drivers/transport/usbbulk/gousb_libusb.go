//go:build libusb && cgo

package usbbulk

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
// and claims the device and moves bytes; all framing is in port.go.

// OpenDevice opens the reader match describes: the first matching device by
// bus and address, with the kernel driver detached if one is bound, the
// configuration set and the interface claimed. It returns an error matching
// ErrNoReader when no device matches, fs.ErrPermission when the device may
// not be opened, and transport.ErrBusy when another program holds it.
func OpenDevice(match DeviceMatch) (*Port, Info, error) {
	m := match.withDefaults()
	if s, ok := m.Layout.(SinglePipe); !ok || s.Out != 0 && s.In != 0 {
		if err := Validate(m.Layout); err != nil {
			return nil, Info{}, err
		}
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
			return nil, Info{}, fmt.Errorf("usbbulk: open reader: %w", classify(err))
		}
		return nil, Info{}, m.noReader()
	}
	slices.SortFunc(devs, func(a, b *gousb.Device) int {
		return cmp.Or(cmp.Compare(a.Desc.Bus, b.Desc.Bus), cmp.Compare(a.Desc.Address, b.Desc.Address))
	})
	for _, d := range devs[1:] {
		d.Close()
	}
	dev := devs[0]
	info := infoOf(dev)
	eps, l, err := claim(ctx, dev, m)
	if err != nil {
		dev.Close()
		ctx.Close()
		return nil, info, fmt.Errorf("usbbulk: open %s: %w", info, err)
	}
	p := NewPort(eps, l)
	p.SetTimeouts(m.Timeouts)
	return p, info, nil
}

// List returns the USB devices whose VID:PID is among Candidates, with
// their strings where the device could be opened. With no USB devices it
// returns an empty list and no error.
func List() ([]Info, error) {
	ctx, err := newContext()
	if err != nil {
		return nil, err
	}
	defer ctx.Close()
	found := []Info{}
	devs, err := ctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		id := ID{uint16(d.Vendor), uint16(d.Product)}
		note := noteFor(id)
		if note != "" {
			found = append(found, Info{ID: id, Bus: d.Bus, Address: d.Address, Note: note, Problem: "cannot be opened"})
		}
		return note != ""
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
			return nil, fmt.Errorf("usbbulk: list devices: %w", classify(err))
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
			err = fmt.Errorf("usbbulk: cannot start libusb: %v", r)
		}
	}()
	return gousb.NewContext(), nil
}

func infoOf(d *gousb.Device) Info {
	id := ID{uint16(d.Desc.Vendor), uint16(d.Desc.Product)}
	i := Info{ID: id, Bus: d.Desc.Bus, Address: d.Desc.Address, Note: noteFor(id)}
	i.Manufacturer, _ = d.Manufacturer()
	i.Product, _ = d.Product()
	i.Serial, _ = d.SerialNumber()
	return i
}

// claim sets the configuration, claims the interface and opens the layout's
// endpoints.
func claim(ctx *gousb.Context, dev *gousb.Device, m DeviceMatch) (*gousbEndpoints, Layout, error) {
	if err := dev.SetAutoDetach(true); err != nil {
		return nil, nil, fmt.Errorf("detach kernel driver: %w", classify(err))
	}
	cfg, err := dev.Config(m.Config)
	if err != nil {
		return nil, nil, fmt.Errorf("set configuration %d: %w", m.Config, classify(err))
	}
	intf, err := cfg.Interface(m.Interface, m.AltSetting)
	if err != nil {
		cfg.Close()
		return nil, nil, fmt.Errorf("claim interface %d: %w", m.Interface, classify(err))
	}
	l := fillSinglePipe(m.Layout, intf.Setting)
	e := &gousbEndpoints{ctx: ctx, dev: dev, cfg: cfg, intf: intf,
		in: map[uint8]*gousb.InEndpoint{}, out: map[uint8]*gousb.OutEndpoint{}}
	e.base, e.cancel = context.WithCancel(context.Background())
	pl, err := planOf(l)
	for _, a := range pl.ins() {
		if err == nil {
			e.in[a], err = intf.InEndpoint(int(a & 0x0F))
		}
	}
	for _, a := range pl.outs() {
		if err == nil {
			e.out[a], err = intf.OutEndpoint(int(a & 0x0F))
		}
	}
	if err != nil {
		intf.Close()
		cfg.Close()
		return nil, nil, err
	}
	return e, l, nil
}

// fillSinglePipe gives a SinglePipe with a zero address the interface's
// first bulk endpoint of that direction.
func fillSinglePipe(l Layout, s gousb.InterfaceSetting) Layout {
	sp, ok := l.(SinglePipe)
	if !ok {
		return l
	}
	var addrs []uint8
	for a, d := range s.Endpoints {
		if d.TransferType == gousb.TransferTypeBulk {
			addrs = append(addrs, uint8(a))
		}
	}
	slices.Sort(addrs)
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

// gousbEndpoints is Endpoints over a claimed gousb interface.
type gousbEndpoints struct {
	ctx  *gousb.Context
	dev  *gousb.Device
	cfg  *gousb.Config
	intf *gousb.Interface
	in   map[uint8]*gousb.InEndpoint
	out  map[uint8]*gousb.OutEndpoint

	base   context.Context // cancelled by Close, ending transfers in progress
	cancel context.CancelFunc

	mu     sync.RWMutex // held shared by transfers, exclusively by Close
	closed bool
}

func (e *gousbEndpoints) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	var f func(context.Context, []byte) (int, error)
	if in, ok := e.in[ep]; ok {
		f = in.ReadContext
	}
	return e.transfer("IN", ep, f, b, timeout)
}

func (e *gousbEndpoints) Write(ep uint8, b []byte, timeout time.Duration) (int, error) {
	var f func(context.Context, []byte) (int, error)
	if out, ok := e.out[ep]; ok {
		f = out.WriteContext
	}
	return e.transfer("OUT", ep, f, b, timeout)
}

// transfer runs f, the opened endpoint's transfer (nil when the endpoint
// was not opened), with the timeout.
func (e *gousbEndpoints) transfer(dir string, ep uint8, f func(context.Context, []byte) (int, error), b []byte, timeout time.Duration) (int, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	switch {
	case e.closed:
		return 0, transport.ErrClosed
	case f == nil:
		return 0, fmt.Errorf("usbbulk: %s endpoint 0x%02X was not opened", dir, ep)
	}
	ctx, cancel := e.deadline(timeout)
	defer cancel()
	n, err := f(ctx, b)
	return n, e.classify(ctx, err)
}

func (e *gousbEndpoints) deadline(timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(e.base)
	}
	return context.WithTimeout(e.base, timeout)
}

// classify turns a transfer's error into the Endpoints contract: gousb
// reports our own timeout as a cancelled transfer.
func (e *gousbEndpoints) classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if e.base.Err() != nil {
		return transport.ErrClosed
	}
	var st gousb.TransferStatus
	if errors.As(err, &st) && st == gousb.TransferCancelled && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &USBError{Err: err, kind: kindTimeout}
	}
	return classify(err)
}

// Close ends transfers in progress and releases the interface, the device
// and libusb.
func (e *gousbEndpoints) Close() error {
	e.cancel()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	e.intf.Close()
	return errors.Join(e.cfg.Close(), e.dev.Close(), e.ctx.Close())
}

// classify maps a gousb error onto USBError.
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
