// Package hid is the seam between HID device drivers (signature pads) and
// the ways the operating system reaches an HID device: Linux hidraw,
// Windows hid.dll, or libusb. A driver takes a Device and speaks its
// reports over it; it never opens a device by name.
//
// Reports are byte slices whose first byte is the report ID (0 for a
// device without numbered reports), as hidraw and hid.dll both pass them.
package hid

import (
	"errors"
	"time"
)

// Device is an open HID device.
type Device interface {
	// GetFeature asks the device for feature report id and returns it,
	// report ID first. size is the report's length including the ID byte.
	GetFeature(id byte, size int) ([]byte, error)
	// SetFeature sends a feature report (report ID first).
	SetFeature(report []byte) error
	// ReadInput returns the next input report (report ID first), or
	// ErrTimeout when none came within timeout.
	ReadInput(timeout time.Duration) ([]byte, error)
	// Close releases the device; a ReadInput in progress returns.
	Close() error
}

// ErrTimeout is returned by ReadInput when no report came in time.
var ErrTimeout = errors.New("hid: no input report in time")

// Info describes an HID device found on the system.
type Info struct {
	Path            string // /dev/hidraw3, \\?\hid#vid_056a&pid_00a8..., usb:1:7
	Vendor, Product uint16
	Name            string // the product string, when known
	Serial          string
}
