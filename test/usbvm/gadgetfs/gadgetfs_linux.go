//go:build linux

// Package gadgetfs is a minimal user-space USB device on Linux's gadgetfs
// (CONFIG_USB_GADGETFS): the program writes its own device and
// configuration descriptors and picks which controller endpoint serves
// which address. The 部标 reader needs that: its endpoints are OUT 0x02 and
// 0x06, IN 0x81 and 0x85, which FunctionFS renumbers on dummy_hcd (see
// ../shared/specs/usb-testbed.md).
//
// One Device is one bind of the gadget to a controller: Start writes the
// descriptors (the host then sees the device), Close unbinds it (the host
// sees an unplug). Start again to plug it back in.
package gadgetfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Endpoint names one controller endpoint file (e.g. dummy_hcd's
// "ep7out-bulk") and the endpoint descriptor the host sees for it.
type Endpoint struct {
	File      string
	Address   uint8
	Attr      uint8 // 2 bulk, 3 interrupt
	MaxPacket uint16
	Interval  uint8
}

func (e Endpoint) descriptor() []byte {
	return []byte{7, 5, e.Address, e.Attr, byte(e.MaxPacket), byte(e.MaxPacket >> 8), e.Interval}
}

// Config describes the device: one configuration with one interface, full
// speed.
type Config struct {
	Vendor, Product, BCDDevice     uint16
	Class, SubClass, Protocol      uint8 // of the interface
	Manufacturer, ProductName, Ser string
	Endpoints                      []Endpoint
	// Configured is called once the host has set the configuration and
	// every endpoint is enabled, with the open endpoints by address. Its
	// work must end when the endpoints fail (the host unconfigured the
	// device, or Close unbound it).
	Configured func(eps map[uint8]*EP)
	// Log, when set, reports events.
	Log func(format string, args ...any)
}

// EP is an enabled endpoint. Read runs one OUT transfer, Write one IN
// transfer; both block until the host takes part, or the gadget is
// unbound (ErrUnbound).
type EP struct {
	Address  uint8
	fd       int
	tid      atomic.Int32 // the thread blocked in a transfer, or 0
	stopping *atomic.Bool
}

// ErrUnbound is what transfers return once Close has begun.
var ErrUnbound = errors.New("gadgetfs: gadget unbound")

// Read waits for one OUT transfer from the host.
func (e *EP) Read(b []byte) (int, error) {
	return e.io("read", func() (int, error) { return unix.Read(e.fd, b) })
}

// Write sends b as one IN transfer and waits until the host has read it.
func (e *EP) Write(b []byte) (int, error) {
	return e.io("write", func() (int, error) { return unix.Write(e.fd, b) })
}

// io runs a transfer on a known thread, so that unbind can interrupt it:
// gadgetfs holds the endpoint's lock while a transfer waits, and
// unregistering the gadget waits for that lock, while dummy_hcd does not
// end the transfers of a gadget whose pull-up merely went away.
func (e *EP) io(op string, f func() (int, error)) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	e.tid.Store(int32(unix.Gettid()))
	defer e.tid.Store(0)
	for {
		if e.stopping.Load() {
			return 0, fmt.Errorf("ep 0x%02x %s: %w", e.Address, op, ErrUnbound)
		}
		n, err := f()
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("ep 0x%02x %s: %w", e.Address, op, err)
		}
		return n, nil
	}
}

// interrupt makes a transfer in progress return EINTR.
func (e *EP) interrupt() {
	if t := e.tid.Load(); t != 0 {
		unix.Tgkill(unix.Getpid(), int(t), unix.SIGURG)
	}
}

// Device is one bind of the gadget.
type Device struct {
	dir  string
	cfg  Config
	ep0  int
	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	eps      map[uint8]*EP
	wg       sync.WaitGroup // the Configured work
	stopping atomic.Bool
}

// Start binds the gadget: dir is the gadgetfs mount (/dev/gadget), whose
// one controller file is opened and given the descriptors.
func Start(dir string, cfg Config) (*Device, error) {
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	ctrl, err := controllerFile(dir)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Open(ctrl, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("gadgetfs: open %s: %w", ctrl, err)
	}
	buf := binary.LittleEndian.AppendUint32(nil, 0) // the message tag
	buf = append(buf, cfg.configDescriptor()...)
	buf = append(buf, cfg.deviceDescriptor()...)
	if _, err := unix.Write(fd, buf); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("gadgetfs: write descriptors: %w", err)
	}
	d := &Device{dir: dir, cfg: cfg, ep0: fd, stop: make(chan struct{}), done: make(chan struct{})}
	go d.events()
	return d, nil
}

// controllerFile finds the controller's file in the gadgetfs mount (it is
// named after the controller, e.g. dummy_udc).
func controllerFile(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("gadgetfs: %w", err)
	}
	for _, e := range ents {
		if !e.IsDir() && !isEndpointFile(e.Name()) {
			return filepath.Join(dir, e.Name()), nil
		}
	}
	return "", fmt.Errorf("gadgetfs: no controller file in %s", dir)
}

func isEndpointFile(name string) bool { return len(name) > 2 && name[:2] == "ep" }

// Close unbinds the gadget: the host sees the device unplugged, and every
// endpoint transfer in progress fails.
func (d *Device) Close() error {
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	<-d.done
	return nil
}

const (
	evNop = iota
	evConnect
	evDisconnect
	evSetup
	evSuspend
)

// events handles ep0 until Close: configuration, strings, stalls.
func (d *Device) events() {
	defer close(d.done)
	buf := make([]byte, 12*8)
	for {
		select {
		case <-d.stop:
			d.unbind()
			return
		default:
		}
		fds := []unix.PollFd{{Fd: int32(d.ep0), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 50)
		if err != nil && !errors.Is(err, unix.EINTR) {
			d.cfg.Log("gadgetfs: poll: %v", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if n == 0 || fds[0].Revents&unix.POLLIN == 0 {
			continue
		}
		m, err := unix.Read(d.ep0, buf)
		if err != nil {
			if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
				d.cfg.Log("gadgetfs: read events: %v", err)
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		for off := 0; off+12 <= m; off += 12 {
			ev := buf[off : off+12]
			switch binary.LittleEndian.Uint32(ev[8:]) {
			case evConnect:
				d.cfg.Log("gadgetfs: connect, speed %d", binary.LittleEndian.Uint32(ev[:4]))
			case evDisconnect:
				d.cfg.Log("gadgetfs: disconnect")
			case evSetup:
				d.setup(ev[:8])
			}
		}
	}
}

// setup answers a control request the kernel passed on.
func (d *Device) setup(s []byte) {
	reqType, req := s[0], s[1]
	value := binary.LittleEndian.Uint16(s[2:])
	length := binary.LittleEndian.Uint16(s[6:])
	switch {
	case reqType == 0x80 && req == 6 && value>>8 == 3: // GET_DESCRIPTOR string
		if str, ok := d.cfg.stringDescriptor(uint8(value)); ok {
			d.reply(str[:min(len(str), int(length))])
			return
		}
	case reqType == 0x00 && req == 9: // SET_CONFIGURATION
		if value != 0 {
			d.configure()
		}
		d.ack()
		return
	case reqType == 0x01 && req == 11: // SET_INTERFACE
		d.ack()
		return
	}
	d.cfg.Log("gadgetfs: stall request %02x.%02x value %04x", reqType, req, value)
	d.stall(reqType)
}

// ack finishes a request without a data stage: a zero-length read (Go's
// os.File would make no system call for it).
func (d *Device) ack() {
	if _, err := unix.Read(d.ep0, nil); err != nil {
		d.cfg.Log("gadgetfs: ack: %v", err)
	}
}

func (d *Device) reply(b []byte) {
	if _, err := unix.Write(d.ep0, b); err != nil {
		d.cfg.Log("gadgetfs: reply: %v", err)
	}
}

// stall refuses a request: I/O in the wrong direction.
func (d *Device) stall(reqType uint8) {
	if reqType&0x80 != 0 {
		unix.Read(d.ep0, nil)
	} else {
		unix.Write(d.ep0, nil)
	}
}

// configure enables the endpoints and starts the gadget's work, once: a
// host that sets the same configuration again (libusb does, on every open)
// keeps the endpoints it has.
func (d *Device) configure() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.eps != nil {
		return
	}
	eps := map[uint8]*EP{}
	for _, e := range d.cfg.Endpoints {
		ep, err := d.enable(e)
		if err != nil {
			d.cfg.Log("gadgetfs: %v", err)
			for _, ep := range eps {
				unix.Close(ep.fd)
			}
			return
		}
		eps[e.Address] = ep
	}
	d.eps = eps
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.cfg.Configured(eps)
	}()
}

// enable opens an endpoint file and writes its descriptor. Enabling can
// race the bus reset that precedes configuration (ESHUTDOWN): retry.
func (d *Device) enable(e Endpoint) (*EP, error) {
	desc := append(binary.LittleEndian.AppendUint32(nil, 1), e.descriptor()...)
	var err error
	for try := 0; try < 20; try++ {
		var fd int
		fd, err = unix.Open(filepath.Join(d.dir, e.File), unix.O_RDWR|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", e.File, err)
		}
		if _, err = unix.Write(fd, desc); err == nil {
			return &EP{Address: e.Address, fd: fd, stopping: &d.stopping}, nil
		}
		unix.Close(fd)
		time.Sleep(5 * time.Millisecond)
	}
	return nil, fmt.Errorf("enable %s as 0x%02x: %w", e.File, e.Address, err)
}

// unbind ends the gadget's work (its transfers fail with ErrUnbound), then
// closes ep0, which unregisters the gadget: the host sees the device go.
// Then the endpoint files are closed.
func (d *Device) unbind() {
	d.stopping.Store(true)
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	for waiting := true; waiting; {
		d.mu.Lock()
		for _, ep := range d.eps {
			ep.interrupt()
		}
		d.mu.Unlock()
		select {
		case <-done:
			waiting = false
		case <-time.After(10 * time.Millisecond):
		}
	}
	unix.Close(d.ep0)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ep := range d.eps {
		unix.Close(ep.fd)
	}
	d.eps = nil
}

func (c Config) deviceDescriptor() []byte {
	le := binary.LittleEndian
	b := []byte{18, 1, 0, 0, 0, 0, 0, 64}
	b = le.AppendUint16(b, c.Vendor)
	b = le.AppendUint16(b, c.Product)
	b = le.AppendUint16(b, c.BCDDevice)
	return append(b, 1, 2, 3, 1)
}

func (c Config) configDescriptor() []byte {
	total := 9 + 9 + 7*len(c.Endpoints)
	b := []byte{9, 2, byte(total), byte(total >> 8), 1, 1, 0, 0xC0, 50}
	b = append(b, 9, 4, 0, 0, byte(len(c.Endpoints)), c.Class, c.SubClass, c.Protocol, 0)
	for _, e := range c.Endpoints {
		b = append(b, e.descriptor()...)
	}
	return b
}

func (c Config) stringDescriptor(i uint8) ([]byte, bool) {
	var s string
	switch i {
	case 0:
		return []byte{4, 3, 0x09, 0x04}, true
	case 1:
		s = c.Manufacturer
	case 2:
		s = c.ProductName
	case 3:
		s = c.Ser
	default:
		return nil, false
	}
	b := []byte{0, 3}
	for _, r := range s {
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
	}
	b[0] = byte(len(b))
	return b, true
}
