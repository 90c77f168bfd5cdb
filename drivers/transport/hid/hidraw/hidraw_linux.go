//go:build linux

package hidraw

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// maxInputReport is the read buffer: the kernel's HID_MAX_BUFFER_SIZE.
// hidraw returns one report per read and truncates to the buffer.
const maxInputReport = 16384

// Device is an open hidraw node. It implements hid.Device. Feature
// reports may be exchanged from several goroutines (the kernel serialises
// them); one ReadInput runs at a time; Close may be called from any
// goroutine and ends a ReadInput in progress.
type Device struct {
	path string
	f    *os.File
	rc   syscall.RawConn
	info hid.Info

	readMu  sync.Mutex // one ReadInput at a time; guards buf
	buf     []byte
	closing atomic.Bool
}

var _ hid.Device = (*Device)(nil)

// Open opens the hidraw node at path (/dev/hidraw3), takes an advisory
// exclusive lock on it (a second agent gets transport.ErrBusy; programs
// that do not lock are not kept out), and reads the device's IDs, name and
// serial number. A path that is not a hidraw node is an error.
func Open(path string) (*Device, error) { return open(path, true) }

// List returns the hidraw nodes on this system with their vendor and
// product IDs, names and serial numbers, read from sysfs, in node order.
// It opens no device. With no hidraw nodes it returns an empty list.
func List() ([]hid.Info, error) {
	infos, err := listIn("/sys/class/hidraw", "/dev")
	if err != nil {
		return nil, fmt.Errorf("hidraw: list: %w", err)
	}
	return infos, nil
}

// open opens path; requireHID says the node must answer HIDIOCGRAWINFO
// (the tests open pseudo-terminals, which do not).
func open(path string, requireHID bool) (*Device, error) {
	// Non-blocking, so that the runtime's poller waits for reports and
	// read deadlines work.
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, wrap("open", path, err)
	}
	d := &Device{path: path, f: f, buf: make([]byte, maxInputReport), info: hid.Info{Path: path}}
	if d.rc, err = f.SyscallConn(); err != nil {
		f.Close()
		return nil, wrap("open", path, err)
	}
	if err := d.lock(); err != nil {
		f.Close()
		return nil, err
	}
	if err := d.readInfo(); err != nil && requireHID {
		f.Close()
		return nil, fmt.Errorf("hidraw: %s is not a hidraw node: %w", path, err)
	}
	return d, nil
}

// lock takes the advisory exclusive lock.
func (d *Device) lock() error {
	var lerr error
	if err := d.rc.Control(func(fd uintptr) { lerr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB) }); err != nil {
		return wrap("lock", d.path, err)
	}
	if errors.Is(lerr, unix.EWOULDBLOCK) {
		return &Error{Op: "lock", Path: d.path, Err: lerr, kind: transport.ErrBusy}
	}
	if lerr != nil {
		return wrap("lock", d.path, lerr)
	}
	return nil
}

// readInfo asks the node for its IDs, name and serial number.
func (d *Device) readInfo() error {
	var ierr error
	err := d.rc.Control(func(fd uintptr) {
		var ri *unix.HIDRawDevInfo
		if ri, ierr = unix.IoctlHIDGetRawInfo(int(fd)); ierr != nil {
			return
		}
		d.info.Vendor, d.info.Product = uint16(ri.Vendor), uint16(ri.Product)
		d.info.Name, _ = unix.IoctlHIDGetRawName(int(fd))
		d.info.Serial, _ = unix.IoctlHIDGetRawUniq(int(fd))
	})
	if err != nil {
		return err
	}
	return ierr
}

// Info describes the device: its path, IDs, name and serial number.
func (d *Device) Info() hid.Info { return d.info }

// GetFeature asks for feature report id of size bytes (ID included) and
// returns what the device sent, report ID first.
func (d *Device) GetFeature(id byte, size int) ([]byte, error) {
	req, err := nativeLayout.hidiocFeature(false, size)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, size)
	buf[0] = id
	n, err := d.ioctl(req, buf)
	if err != nil {
		return nil, d.wrap(fmt.Sprintf("get feature %02X", id), err)
	}
	return buf[:min(n, size)], nil
}

// SetFeature sends a feature report (report ID first).
func (d *Device) SetFeature(report []byte) error {
	req, err := nativeLayout.hidiocFeature(true, len(report))
	if err != nil {
		return err
	}
	if _, err := d.ioctl(req, report); err != nil {
		return d.wrap(fmt.Sprintf("set feature %02X", report[0]), err)
	}
	return nil
}

// ioctl runs one hidraw ioctl on buf and returns its result.
func (d *Device) ioctl(req uint, buf []byte) (int, error) {
	if d.closing.Load() {
		return 0, transport.ErrClosed
	}
	var r uintptr
	var errno syscall.Errno
	err := d.rc.Control(func(fd uintptr) {
		r, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(req), uintptr(unsafe.Pointer(&buf[0])))
	})
	if err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

// ReadInput returns the next input report (report ID first, for devices
// with numbered reports), or hid.ErrTimeout when none came within timeout.
// A timeout of zero or less takes a report already waiting, without
// waiting for one.
func (d *Device) ReadInput(timeout time.Duration) ([]byte, error) {
	d.readMu.Lock()
	defer d.readMu.Unlock()
	if d.closing.Load() {
		return nil, transport.ErrClosed
	}
	var n int
	var err error
	var deadline time.Time // none: an earlier deadline must not fail readNow
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	if err := d.f.SetReadDeadline(deadline); err != nil {
		return nil, d.wrap("read", err)
	}
	if timeout <= 0 {
		n, err = d.readNow()
	} else {
		n, err = d.f.Read(d.buf)
	}
	switch {
	case err == nil:
		return bytes.Clone(d.buf[:n]), nil
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, unix.EAGAIN):
		return nil, hid.ErrTimeout
	case errors.Is(err, io.EOF):
		return nil, &Error{Op: "read", Path: d.path, Err: err, kind: transport.ErrDisconnected}
	}
	return nil, d.wrap("read", err)
}

// readNow reads once without waiting: EAGAIN when no report is there.
func (d *Device) readNow() (int, error) {
	var n int
	var rerr error
	err := d.rc.Read(func(fd uintptr) bool {
		n, rerr = unix.Read(int(fd), d.buf)
		return true // never wait in the poller
	})
	if err != nil {
		return 0, err
	}
	if rerr == nil && n == 0 {
		return 0, io.EOF
	}
	return n, rerr
}

// Close closes the node; a ReadInput in progress returns
// transport.ErrClosed.
func (d *Device) Close() error {
	if d.closing.Swap(true) {
		return nil
	}
	return d.f.Close()
}

// wrap classifies err for an operation on the open device.
func (d *Device) wrap(op string, err error) error {
	if d.closing.Load() || errors.Is(err, os.ErrClosed) {
		return &Error{Op: op, Path: d.path, Err: err, kind: transport.ErrClosed}
	}
	return wrap(op, d.path, err)
}

// wrap classifies err by its errno.
func wrap(op, path string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if kind := classify(errno); kind != nil {
			return &Error{Op: op, Path: path, Err: err, kind: kind}
		}
	}
	return &Error{Op: op, Path: path, Err: err}
}

// classify maps an errno to the transport error it means, or nil.
func classify(errno syscall.Errno) error {
	switch errno {
	case unix.ENOENT, unix.ENXIO:
		return transport.ErrNotFound
	case unix.ENODEV, unix.EIO, unix.ESHUTDOWN:
		return transport.ErrDisconnected
	case unix.EACCES, unix.EPERM:
		return transport.ErrPermission
	case unix.EBUSY, unix.EWOULDBLOCK:
		return transport.ErrBusy
	}
	return nil
}
