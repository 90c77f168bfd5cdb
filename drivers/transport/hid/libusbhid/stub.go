//go:build !libusb || !cgo

package libusbhid

import (
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// Device is an open HID device. This build cannot open one (Open fails
// with ErrNoLibusb); the type exists so that callers compile in every
// build.
type Device struct{}

// Open fails with ErrNoLibusb: build with -tags libusb (and cgo).
func Open(m usb.Match, o Options) (*Device, error) { return nil, ErrNoLibusb }

// Info is never reached.
func (d *Device) Info() usb.Info { return usb.Info{} }

// GetFeature fails with ErrNoLibusb.
func (d *Device) GetFeature(id byte, size int) ([]byte, error) { return nil, ErrNoLibusb }

// SetFeature fails with ErrNoLibusb.
func (d *Device) SetFeature(report []byte) error { return ErrNoLibusb }

// ReadInput fails with ErrNoLibusb.
func (d *Device) ReadInput(timeout time.Duration) ([]byte, error) { return nil, ErrNoLibusb }

// Close does nothing.
func (d *Device) Close() error { return nil }

var _ hid.Device = (*Device)(nil)
