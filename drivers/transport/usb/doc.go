// Package usb opens USB devices through libusb (github.com/google/gousb)
// and moves bytes on their bulk endpoints, for any driver whose device
// speaks over bulk transfers: an ID card reader today, a USB receipt
// printer tomorrow. It knows no device's protocol; framing lives in the
// driver (for ID card readers, drivers/idcard/usbframe).
//
// # Concepts
//
// Endpoints is the seam a driver's framing code sits on: bulk Read and
// Write on an endpoint address with a timeout, and Close. Open returns a
// *Device that implements it; a driver's tests implement it in memory.
//
// ID is a VID:PID pair. Match says which device Open takes (VID:PIDs, and
// bus and address when several match) and which configuration, interface
// and alternate setting it claims. Info describes a device Open opened or
// List found.
//
// Errors are classified the same way everywhere (the mapping is pure Go
// and tested without libusb): a device that is gone matches
// transport.ErrDisconnected, one another program or a kernel driver holds
// matches transport.ErrBusy, one the operating system will not let us open
// (udev rule or WinUSB binding missing) matches transport.ErrPermission,
// and a transfer that timed out matches ErrTimeout. When no device matches,
// Open returns an error matching ErrNoDevice, which also matches
// transport.ErrNotFound and transport.ErrDisconnected.
//
// # Build
//
// The libusb binding needs cgo, pkg-config and the libusb-1.0 headers, and
// is compiled only with the build tag libusb:
//
//	go build -tags libusb ./...
//
// Without the tag (the default, and CGO_ENABLED=0 cross builds) Open and
// List return ErrNoLibusb. The binding is kept as thin as it can be: find
// the device, detach a kernel driver, set the configuration, claim the
// interface, open its bulk endpoints, and map libusb's error codes. On
// Windows, libusb needs the device bound to WinUSB (Zadig or an INF); a
// vendor driver blocks it. On Linux the user needs a udev rule granting
// access to the device.
//
// # What only real hardware can test
//
// The tests run the error mapping against libusb's codes and the binding
// only against a machine without USB (List finds nothing, Open reports
// ErrNoDevice). Not tested, because it needs a device on the bus:
//   - libusb's behaviour on unplug (which of NO_DEVICE, IO or a transfer
//     error a given host controller reports), on cancelling a read that
//     polls, and with a kernel driver bound;
//   - permissions: udev rules on Linux, the WinUSB binding on Windows;
//   - devices whose interface needs a configuration other than 1.
package usb
