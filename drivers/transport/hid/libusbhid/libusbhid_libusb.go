//go:build libusb && cgo

package libusbhid

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
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// controlTimeout bounds one feature report's control transfer.
const controlTimeout = 2 * time.Second

// Device is an HID interface claimed through libusb. It implements
// hid.Device. Feature reports may be exchanged from several goroutines;
// one ReadInput runs at a time; Close may be called from any goroutine and
// ends a ReadInput in progress.
type Device struct {
	ctx  *gousb.Context
	dev  *gousb.Device
	cfg  *gousb.Config
	intf *gousb.Interface
	in   *gousb.InEndpoint
	info usb.Info
	opts Options
	num  int // the interface number

	base   context.Context // cancelled by Close
	cancel context.CancelFunc

	mu     sync.RWMutex // held shared by transfers, exclusively by Close
	readMu sync.Mutex   // one ReadInput at a time
	closed bool
}

var _ hid.Device = (*Device)(nil)

// Open opens the first device m matches (by bus and address), detaches the
// kernel's HID driver, sets the configuration (default 1), claims the
// interface m names (default 0, which must be of the HID class) and finds
// its interrupt IN endpoint. No matching device is usb.ErrNoDevice.
func Open(m usb.Match, o Options) (*Device, error) {
	if len(m.IDs) == 0 {
		return nil, errors.New("libusbhid: open: the match names no VID:PID")
	}
	if m.Config == 0 {
		m.Config = 1
	}
	ctx, err := newContext()
	if err != nil {
		return nil, err
	}
	devs, err := ctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		if m.Bus != 0 && m.Bus != d.Bus || m.Address != 0 && m.Address != d.Address {
			return false
		}
		return slices.Contains(m.IDs, usb.ID{Vendor: uint16(d.Vendor), Product: uint16(d.Product)})
	})
	if len(devs) == 0 {
		ctx.Close()
		if err != nil {
			return nil, classify("open "+m.String(), err)
		}
		return nil, fmt.Errorf("libusbhid: %w (looked for %s)", usb.ErrNoDevice, m)
	}
	slices.SortFunc(devs, func(a, b *gousb.Device) int {
		return cmp.Or(cmp.Compare(a.Desc.Bus, b.Desc.Bus), cmp.Compare(a.Desc.Address, b.Desc.Address))
	})
	for _, d := range devs[1:] {
		d.Close()
	}
	d, err := claim(ctx, devs[0], m, o)
	if err != nil {
		devs[0].Close()
		ctx.Close()
		return nil, err
	}
	return d, nil
}

// newContext starts libusb; gousb panics when libusb_init fails.
func newContext() (ctx *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("libusbhid: cannot start libusb: %v", r)
		}
	}()
	return gousb.NewContext(), nil
}

// claim takes the HID interface of dev.
func claim(ctx *gousb.Context, dev *gousb.Device, m usb.Match, o Options) (*Device, error) {
	info := usb.Info{ID: usb.ID{Vendor: uint16(dev.Desc.Vendor), Product: uint16(dev.Desc.Product)},
		Bus: dev.Desc.Bus, Address: dev.Desc.Address}
	info.Manufacturer, _ = dev.Manufacturer()
	info.Product, _ = dev.Product()
	info.Serial, _ = dev.SerialNumber()
	if err := dev.SetAutoDetach(true); err != nil {
		return nil, classify("detach kernel driver", err)
	}
	dev.ControlTimeout = controlTimeout
	cfg, err := dev.Config(m.Config)
	if err != nil {
		return nil, classify(fmt.Sprintf("set configuration %d", m.Config), err)
	}
	intf, err := cfg.Interface(m.Interface, m.AltSetting)
	if err != nil {
		cfg.Close()
		return nil, classify(fmt.Sprintf("claim interface %d", m.Interface), err)
	}
	fail := func(err error) (*Device, error) {
		intf.Close()
		cfg.Close()
		return nil, err
	}
	if intf.Setting.Class != gousb.ClassHID {
		return fail(fmt.Errorf("libusbhid: interface %d of %s is %v, not HID", m.Interface, info, intf.Setting.Class))
	}
	var in *gousb.InEndpoint
	for _, ep := range intf.Setting.Endpoints {
		if ep.Direction == gousb.EndpointDirectionIn && ep.TransferType == gousb.TransferTypeInterrupt {
			if in, err = intf.InEndpoint(ep.Number); err != nil {
				return fail(classify("open interrupt endpoint", err))
			}
			break
		}
	}
	if in == nil {
		return fail(fmt.Errorf("libusbhid: interface %d of %s has no interrupt IN endpoint", m.Interface, info))
	}
	d := &Device{ctx: ctx, dev: dev, cfg: cfg, intf: intf, in: in, info: info, opts: o, num: m.Interface}
	d.base, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// Info describes the device.
func (d *Device) Info() usb.Info { return d.info }

// GetFeature runs GET_REPORT(Feature, id) and returns the report, ID
// first.
func (d *Device) GetFeature(id byte, size int) ([]byte, error) {
	if size < 1 || size > 0xFFFF {
		return nil, fmt.Errorf("libusbhid: a feature report of %d bytes", size)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, transport.ErrClosed
	}
	s := featureSetup(true, id, d.num)
	buf := make([]byte, size)
	data := buf
	if d.opts.Unnumbered {
		data = buf[1:]
	}
	n, err := d.dev.Control(s.requestType, s.request, s.value, s.index, data)
	if err != nil {
		return nil, d.classify(fmt.Sprintf("get feature %02X", id), err)
	}
	if d.opts.Unnumbered {
		return buf[:n+1], nil
	}
	return buf[:n], nil
}

// SetFeature runs SET_REPORT(Feature) with the report.
func (d *Device) SetFeature(report []byte) error {
	if len(report) == 0 {
		return errors.New("libusbhid: an empty feature report")
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return transport.ErrClosed
	}
	s := featureSetup(false, report[0], d.num)
	data := report
	if d.opts.Unnumbered {
		data = report[1:]
	}
	if _, err := d.dev.Control(s.requestType, s.request, s.value, s.index, data); err != nil {
		return d.classify(fmt.Sprintf("set feature %02X", report[0]), err)
	}
	return nil
}

// ReadInput runs one interrupt IN transfer and returns the report (ID
// first), or hid.ErrTimeout when none came within timeout; zero or less
// waits a millisecond (libusb cannot look without a transfer).
func (d *Device) ReadInput(timeout time.Duration) ([]byte, error) {
	d.readMu.Lock()
	defer d.readMu.Unlock()
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, transport.ErrClosed
	}
	ctx, cancel := context.WithTimeout(d.base, max(timeout, time.Millisecond))
	defer cancel()
	buf := make([]byte, max(d.in.Desc.MaxPacketSize, 1)+1)
	data := buf
	if d.opts.Unnumbered {
		data = buf[1:]
	}
	n, err := d.in.ReadContext(ctx, data[:max(d.in.Desc.MaxPacketSize, 1)])
	if err != nil {
		if d.base.Err() != nil {
			return nil, transport.ErrClosed
		}
		var st gousb.TransferStatus
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && errors.As(err, &st) && st == gousb.TransferCancelled {
			return nil, hid.ErrTimeout
		}
		return nil, d.classify("read input", err)
	}
	if d.opts.Unnumbered {
		return buf[:n+1], nil
	}
	return buf[:n], nil
}

// Close ends a ReadInput in progress and releases the interface, the
// device and libusb.
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

// classify maps a gousb error for an operation on the open device.
func (d *Device) classify(op string, err error) error {
	if d.base.Err() != nil {
		return &Error{Op: op, Err: err, kind: transport.ErrClosed}
	}
	return classify(op, err)
}

// classify maps a gousb error to Error.
func classify(op string, err error) error {
	var code gousb.Error
	var st gousb.TransferStatus
	switch {
	case errors.As(err, &code):
		return &Error{Op: op, Err: err, kind: kindOfCode(int(code))}
	case errors.As(err, &st):
		return &Error{Op: op, Err: err, kind: kindOfStatus(int(st))}
	}
	return &Error{Op: op, Err: err}
}
