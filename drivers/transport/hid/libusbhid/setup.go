package libusbhid

import "github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"

// ErrNoLibusb is returned by Open in builds without the libusb tag or
// without cgo. It is usb.ErrNoLibusb.
var ErrNoLibusb = usb.ErrNoLibusb

// HID class requests (HID 1.11 §7.2).
const (
	requestGetReport = 0x01
	requestSetReport = 0x09

	// bmRequestType: class request to an interface, device to host or
	// host to device.
	typeClassInterfaceIn  = 0xA1
	typeClassInterfaceOut = 0x21

	reportTypeFeature = 0x03
)

// setup is a control transfer's setup fields.
type setup struct {
	requestType, request uint8
	value, index         uint16
}

// featureSetup is the setup of GET_REPORT (get) or SET_REPORT (set) for
// feature report id on interface iface: wValue is the report type
// (feature, 3) in the high byte and the report ID in the low byte.
func featureSetup(get bool, id byte, iface int) setup {
	s := setup{requestType: typeClassInterfaceOut, request: requestSetReport,
		value: reportTypeFeature<<8 | uint16(id), index: uint16(iface)}
	if get {
		s.requestType, s.request = typeClassInterfaceIn, requestGetReport
	}
	return s
}

// Options tune Open. Zero fields take the defaults.
type Options struct {
	// Unnumbered says the device does not number its reports: the wire
	// carries no report ID byte, and the Device adds and strips the 0 that
	// hid.Device puts first. STU and ESP370U pads number theirs.
	Unnumbered bool
}
