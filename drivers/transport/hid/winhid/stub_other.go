//go:build !windows

package winhid

import (
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// Device is an open HID device (Windows only).
type Device struct{}

// Open reports ErrUnsupported on this system.
func Open(path string) (*Device, error) {
	return nil, fmt.Errorf("winhid: open %s: %w", path, ErrUnsupported)
}

// List reports ErrUnsupported on this system.
func List() ([]hid.Info, error) { return nil, ErrUnsupported }

// Info is never reached.
func (d *Device) Info() hid.Info { return hid.Info{} }

// GetFeature is never reached.
func (d *Device) GetFeature(id byte, size int) ([]byte, error) { return nil, ErrUnsupported }

// SetFeature is never reached.
func (d *Device) SetFeature(report []byte) error { return ErrUnsupported }

// ReadInput is never reached.
func (d *Device) ReadInput(timeout time.Duration) ([]byte, error) { return nil, ErrUnsupported }

// Close does nothing.
func (d *Device) Close() error { return nil }
