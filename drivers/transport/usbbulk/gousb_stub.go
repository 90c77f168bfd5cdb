//go:build !libusb || !cgo

package usbbulk

// OpenDevice opens the reader match describes. This build has no libusb
// support, so it fails with ErrNoLibusb; build with -tags libusb (and cgo)
// for the real one.
func OpenDevice(match DeviceMatch) (*Port, Info, error) {
	return nil, Info{}, ErrNoLibusb
}

// List returns the USB devices whose VID:PID is among Candidates. This
// build has no libusb support, so it fails with ErrNoLibusb.
func List() ([]Info, error) {
	return nil, ErrNoLibusb
}
