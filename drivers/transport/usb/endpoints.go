package usb

import "time"

// Endpoints is the thinnest seam to a USB device: bulk transfers on
// endpoint addresses. *Device implements it with libusb; drivers' tests
// implement it in memory.
//
// Errors must be classified: a transfer that timed out matches ErrTimeout
// (and may come with n > 0 bytes moved before it did), a device that is
// gone matches transport.ErrDisconnected, and a transfer after Close
// matches transport.ErrClosed.
type Endpoints interface {
	// Write runs one bulk OUT transfer of b to endpoint ep and returns how
	// many bytes the device took.
	Write(ep uint8, b []byte, timeout time.Duration) (int, error)
	// Read runs one bulk IN transfer from endpoint ep into b. It returns
	// when the device ends the transfer (a short packet), when b is full,
	// or when timeout has passed.
	Read(ep uint8, b []byte, timeout time.Duration) (int, error)
	// Close releases the device. Transfers in progress return.
	Close() error
}

var _ Endpoints = (*Device)(nil)
