// Package winhid reaches HID devices on Windows through hid.dll and
// setupapi.dll, in pure Go (golang.org/x/sys/windows, lazily loaded system
// DLLs, no cgo): feature reports with HidD_GetFeature and HidD_SetFeature,
// input reports with an overlapped ReadFile and a timeout, the device's IDs
// with HidD_GetAttributes, and enumeration with SetupDiGetClassDevs over the
// HID interface class (HidD_GetHidGuid). A *Device implements hid.Device.
// The package is named winhid, not windows, so that it does not shadow
// golang.org/x/sys/windows where both are imported.
//
// Windows wants report buffers of the length the device's top-level
// collection declares (HIDP_CAPS.FeatureReportByteLength and
// InputReportByteLength): SetFeature pads a report to it with zeros, and
// an input report comes back that long (a short report padded with
// zeros), report ID first. Drivers read reports by their prefix, so this
// does not change what they decode.
//
// The file is kept thin: it is compiled here (GOOS=windows go vet) but
// never run, because this machine is not Windows. The classification of
// Windows error codes into transport errors (classify.go) and the parsing
// of device paths (path.go) are plain Go and tested on every system.
//
// # What only real hardware (on Windows) can test
//
// Everything in winhid_windows.go: the structure sizes passed to setupapi,
// the overlapped read kept pending across timeouts and cancelled by Close,
// the feature buffers' padding, which error codes an unplug produces, and
// whether a Wacom or Hanvon driver holds the device exclusively.
//
// Elsewhere than Windows, Open and List return ErrUnsupported.
package winhid
