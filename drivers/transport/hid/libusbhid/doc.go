// Package libusbhid reaches HID devices through libusb
// (github.com/google/gousb), for systems where neither hidraw nor hid.dll
// binds the device: feature reports as HID class control transfers
// (GET_REPORT and SET_REPORT with wValue 0x0300 | report ID, wIndex the
// interface), input reports from the interface's interrupt IN endpoint. A
// *Device implements hid.Device. It reuses drivers/transport/usb's Match,
// Info and errors.
//
// Opening detaches the kernel's usbhid driver from the interface (the
// hidraw node disappears while the device is held) and claims it. On
// Windows the device must be bound to WinUSB instead of the HID driver,
// which takes it away from every other HID consumer; prefer winhid there.
//
// # Build
//
// The binding needs cgo and libusb-1.0 and is compiled only with the
// build tag libusb. Without it (the default, and CGO_ENABLED=0 builds)
// Open returns ErrNoLibusb, which is usb.ErrNoLibusb.
//
// # What only real hardware can test
//
// The request encoding (setup.go) and the error mapping (classify.go) are
// plain Go and tested everywhere. Not tested, because this kernel has no
// USB: the control transfers against a device (whether it returns the
// report ID first, as the HID specification says numbered reports do),
// the interrupt endpoint's packet size against reports longer than a
// packet, report loss between two reads (each ReadInput submits one
// transfer; the device buffers reports while none is pending), and the
// kernel-driver detach.
package libusbhid
