//go:build windows

package winhid

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// The DLL entry points, resolved on first use (system directory only).
var (
	modHID      = windows.NewLazySystemDLL("hid.dll")
	modSetupAPI = windows.NewLazySystemDLL("setupapi.dll")

	procGetHidGuid             = modHID.NewProc("HidD_GetHidGuid")
	procGetAttributes          = modHID.NewProc("HidD_GetAttributes")
	procGetFeature             = modHID.NewProc("HidD_GetFeature")
	procSetFeature             = modHID.NewProc("HidD_SetFeature")
	procGetPreparsedData       = modHID.NewProc("HidD_GetPreparsedData")
	procFreePreparsedData      = modHID.NewProc("HidD_FreePreparsedData")
	procGetCaps                = modHID.NewProc("HidP_GetCaps")
	procGetProductString       = modHID.NewProc("HidD_GetProductString")
	procGetSerialNumberString  = modHID.NewProc("HidD_GetSerialNumberString")
	procEnumDeviceInterfaces   = modSetupAPI.NewProc("SetupDiEnumDeviceInterfaces")
	procGetInterfaceDetailData = modSetupAPI.NewProc("SetupDiGetDeviceInterfaceDetailW")
)

// hidpStatusSuccess is HIDP_STATUS_SUCCESS.
const hidpStatusSuccess = 0x00110000

// hiddAttributes is HIDD_ATTRIBUTES.
type hiddAttributes struct {
	Size                               uint32
	VendorID, ProductID, VersionNumber uint16
}

// hidpCaps is HIDP_CAPS.
type hidpCaps struct {
	Usage, UsagePage                                                       uint16
	InputReportByteLength, OutputReportByteLength, FeatureReportByteLength uint16
	Reserved                                                               [17]uint16
	Counts                                                                 [10]uint16
}

// spDeviceInterfaceData is SP_DEVICE_INTERFACE_DATA.
type spDeviceInterfaceData struct {
	CbSize             uint32
	InterfaceClassGUID windows.GUID
	Flags              uint32
	Reserved           uintptr
}

// Device is an open HID device. It implements hid.Device. Feature reports
// may be exchanged from several goroutines; one ReadInput runs at a time;
// Close may be called from any goroutine and ends a ReadInput in progress.
type Device struct {
	path string
	h    windows.Handle
	info hid.Info
	caps hidpCaps

	mu      sync.RWMutex // held shared by feature calls, exclusively by Close
	readMu  sync.Mutex   // one ReadInput at a time; guards the fields below
	ov      *windows.Overlapped
	in      []byte
	pending bool // a ReadFile is in flight (kept across timeouts)
	closing atomic.Bool
}

var _ hid.Device = (*Device)(nil)

// Open opens the HID device interface at path (as List returns it) for
// overlapped reading and writing, shared with other programs, and reads
// its attributes, report lengths and strings.
func Open(path string) (*Device, error) {
	p16, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &Error{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p16, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, windows.FILE_FLAG_OVERLAPPED, 0)
	if err != nil {
		return nil, wrapErr("open", path, err, false)
	}
	d := &Device{path: path, h: h}
	if d.info, err = describe(h, path); err != nil {
		windows.CloseHandle(h)
		return nil, err
	}
	if d.caps, err = capsOf(h); err != nil {
		windows.CloseHandle(h)
		return nil, &Error{Op: "get caps", Path: path, Err: err}
	}
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		windows.CloseHandle(h)
		return nil, &Error{Op: "create event", Path: path, Err: err}
	}
	d.ov = &windows.Overlapped{HEvent: ev}
	d.in = make([]byte, max(int(d.caps.InputReportByteLength), 1))
	return d, nil
}

// describe reads a device's attributes and strings.
func describe(h windows.Handle, path string) (hid.Info, error) {
	a := hiddAttributes{Size: uint32(unsafe.Sizeof(hiddAttributes{}))}
	if r, _, err := procGetAttributes.Call(uintptr(h), uintptr(unsafe.Pointer(&a))); r == 0 {
		return hid.Info{}, wrapErr("get attributes", path, err, false)
	}
	return hid.Info{Path: path, Vendor: a.VendorID, Product: a.ProductID,
		Name: hidString(procGetProductString, h), Serial: hidString(procGetSerialNumberString, h)}, nil
}

// hidString calls one of the HidD_Get…String functions.
func hidString(proc *windows.LazyProc, h windows.Handle) string {
	buf := make([]uint16, 127) // the USB string descriptor's limit, and a NUL
	if r, _, _ := proc.Call(uintptr(h), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)*2)); r == 0 {
		return ""
	}
	return windows.UTF16ToString(buf)
}

// capsOf reads the top-level collection's report lengths.
func capsOf(h windows.Handle) (hidpCaps, error) {
	var pp uintptr
	if r, _, err := procGetPreparsedData.Call(uintptr(h), uintptr(unsafe.Pointer(&pp))); r == 0 {
		return hidpCaps{}, err
	}
	defer procFreePreparsedData.Call(pp)
	var c hidpCaps
	if r, _, _ := procGetCaps.Call(pp, uintptr(unsafe.Pointer(&c))); uint32(r) != hidpStatusSuccess {
		return hidpCaps{}, fmt.Errorf("HidP_GetCaps: status %#x", uint32(r))
	}
	return c, nil
}

// Info describes the device.
func (d *Device) Info() hid.Info { return d.info }

// GetFeature asks for feature report id and returns size bytes of it,
// report ID first.
func (d *Device) GetFeature(id byte, size int) ([]byte, error) {
	if size < 1 {
		return nil, fmt.Errorf("winhid: a feature report of %d bytes", size)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closing.Load() {
		return nil, transport.ErrClosed
	}
	buf := make([]byte, max(size, int(d.caps.FeatureReportByteLength)))
	buf[0] = id
	if r, _, err := procGetFeature.Call(uintptr(d.h), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))); r == 0 {
		return nil, wrapErr(fmt.Sprintf("get feature %02X", id), d.path, err, d.closing.Load())
	}
	return buf[:size], nil
}

// SetFeature sends a feature report (report ID first), padded with zeros
// to the device's feature report length.
func (d *Device) SetFeature(report []byte) error {
	if len(report) == 0 {
		return errors.New("winhid: an empty feature report")
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closing.Load() {
		return transport.ErrClosed
	}
	buf := make([]byte, max(len(report), int(d.caps.FeatureReportByteLength)))
	copy(buf, report)
	if r, _, err := procSetFeature.Call(uintptr(d.h), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))); r == 0 {
		return wrapErr(fmt.Sprintf("set feature %02X", report[0]), d.path, err, d.closing.Load())
	}
	return nil
}

// ReadInput returns the next input report (report ID first), or
// hid.ErrTimeout when none came within timeout; zero or less takes a
// report already waiting without waiting. A read that timed out stays
// pending, so that a report arriving between two calls is not lost.
func (d *Device) ReadInput(timeout time.Duration) ([]byte, error) {
	d.readMu.Lock()
	defer d.readMu.Unlock()
	if d.closing.Load() {
		return nil, transport.ErrClosed
	}
	if !d.pending {
		windows.ResetEvent(d.ov.HEvent)
		var n uint32
		err := windows.ReadFile(d.h, d.in, &n, d.ov)
		if err == nil {
			return bytes.Clone(d.in[:n]), nil
		}
		if err != windows.ERROR_IO_PENDING {
			return nil, wrapErr("read", d.path, err, d.closing.Load())
		}
		d.pending = true
	}
	ms := uint32(0)
	if timeout > 0 {
		ms = uint32(min(max(timeout.Milliseconds(), 1), windows.INFINITE-1))
	}
	ev, err := windows.WaitForSingleObject(d.ov.HEvent, ms)
	switch {
	case ev == uint32(windows.WAIT_TIMEOUT):
		return nil, hid.ErrTimeout
	case ev != windows.WAIT_OBJECT_0:
		return nil, &Error{Op: "wait for input", Path: d.path, Err: err}
	}
	var n uint32
	err = windows.GetOverlappedResult(d.h, d.ov, &n, false)
	d.pending = false
	if err != nil {
		return nil, wrapErr("read", d.path, err, d.closing.Load())
	}
	return bytes.Clone(d.in[:n]), nil
}

// Close cancels a pending read, waits for it to end, and closes the
// device.
func (d *Device) Close() error {
	if d.closing.Swap(true) {
		return nil
	}
	windows.CancelIoEx(d.h, nil)
	d.readMu.Lock()
	defer d.readMu.Unlock()
	if d.pending {
		var n uint32
		windows.GetOverlappedResult(d.h, d.ov, &n, true)
		d.pending = false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	windows.CloseHandle(d.ov.HEvent)
	return windows.CloseHandle(d.h)
}

// List returns the HID devices present: every interface of the HID class,
// opened without access rights (so that keyboards and devices other
// programs hold can be described too) for their attributes and strings.
// An interface that cannot be described is listed with the IDs in its
// path.
func List() ([]hid.Info, error) {
	var guid windows.GUID
	procGetHidGuid.Call(uintptr(unsafe.Pointer(&guid)))
	set, err := windows.SetupDiGetClassDevsEx(&guid, "", 0, windows.DIGCF_PRESENT|windows.DIGCF_DEVICEINTERFACE, 0, "")
	if err != nil {
		return nil, fmt.Errorf("winhid: list: %w", err)
	}
	defer set.Close()
	infos := []hid.Info{}
	for i := 0; ; i++ {
		did := spDeviceInterfaceData{CbSize: uint32(unsafe.Sizeof(spDeviceInterfaceData{}))}
		r, _, err := procEnumDeviceInterfaces.Call(uintptr(set), 0, uintptr(unsafe.Pointer(&guid)), uintptr(i), uintptr(unsafe.Pointer(&did)))
		if r == 0 {
			if err == windows.ERROR_NO_MORE_ITEMS {
				return infos, nil
			}
			return nil, fmt.Errorf("winhid: list: %w", err)
		}
		path, err := interfacePath(set, &did)
		if err != nil {
			continue
		}
		infos = append(infos, probe(path))
	}
}

// interfacePath reads an interface's device path.
func interfacePath(set windows.DevInfo, did *spDeviceInterfaceData) (string, error) {
	var need uint32
	procGetInterfaceDetailData.Call(uintptr(set), uintptr(unsafe.Pointer(did)), 0, 0, uintptr(unsafe.Pointer(&need)), 0)
	if need < 8 || need > 1<<16 {
		return "", errors.New("winhid: no interface detail")
	}
	buf := make([]uint16, (need+1)/2)
	// cbSize is the fixed part's size: 8 on 64-bit Windows, 6 on 32-bit.
	cb := uint32(6)
	if unsafe.Sizeof(uintptr(0)) == 8 {
		cb = 8
	}
	*(*uint32)(unsafe.Pointer(&buf[0])) = cb
	r, _, err := procGetInterfaceDetailData.Call(uintptr(set), uintptr(unsafe.Pointer(did)),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)*2), 0, 0)
	if r == 0 {
		return "", err
	}
	return windows.UTF16ToString(buf[2:]), nil
}

// probe describes the device at path without claiming it.
func probe(path string) hid.Info {
	info := hid.Info{Path: path}
	info.Vendor, info.Product, _ = IDsFromPath(path)
	p16, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return info
	}
	h, err := windows.CreateFile(p16, 0, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return info
	}
	defer windows.CloseHandle(h)
	if got, err := describe(h, path); err == nil {
		return got
	}
	return info
}

// wrapErr classifies a Windows error.
func wrapErr(op, path string, err error, closing bool) error {
	var code uint32
	var errno windows.Errno
	if errors.As(err, &errno) {
		code = uint32(errno)
	}
	return wrapCode(op, path, err, code, closing)
}
