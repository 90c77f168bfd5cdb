//go:build !libusb || !cgo

package usb

import "time"

// Open opens the device match describes. This build has no libusb support,
// so it fails with ErrNoLibusb; build with -tags libusb (and cgo) for the
// real one.
func Open(match Match) (*Device, Info, error) {
	return nil, Info{}, ErrNoLibusb
}

// List returns the USB devices filter accepts. This build has no libusb
// support, so it fails with ErrNoLibusb.
func List(filter func(ID) bool) ([]Info, error) {
	return nil, ErrNoLibusb
}

// Device is an opened USB device. This build cannot open one (Open fails
// with ErrNoLibusb); the type exists so that drivers compile in every
// build.
type Device struct{}

// BulkEndpoints returns nothing: this build opens no device.
func (d *Device) BulkEndpoints() []uint8 { return nil }

// Read fails with ErrNoLibusb.
func (d *Device) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	return 0, ErrNoLibusb
}

// Write fails with ErrNoLibusb.
func (d *Device) Write(ep uint8, b []byte, timeout time.Duration) (int, error) {
	return 0, ErrNoLibusb
}

// Close does nothing: this build opens no device.
func (d *Device) Close() error { return nil }
