package usbframe

import (
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// StandardID is the VID:PID that 部标 bulk readers of several brands share.
var StandardID = usb.ID{Vendor: 0x0400, Product: 0xC35A}

// Candidate is a VID:PID that ID card readers are known to use.
type Candidate struct {
	ID   usb.ID
	Note string
}

// Candidates returns the VID:PIDs List reports (idcard-protocol.md §4.2).
// Only StandardID is opened by default; the others are listed so that a
// diagnostic can name them.
func Candidates() []Candidate {
	return []Candidate{
		{StandardID, "部标 bulk ID card reader (split pipes)"},
		{usb.ID{Vendor: 0x0425, Product: 0x8159}, "Routon/精伦 HID ID card reader (HID framing unpublished; not supported here)"},
		{usb.ID{Vendor: 0x0483, Product: 0x5750}, "accepted as an ID card reader by Telpo (also ST's stock HID example)"},
		{usb.ID{Vendor: 0x28E9, Product: 0x028A}, "accepted as an ID card reader by Telpo"},
		{usb.ID{Vendor: 0x0483, Product: 0xDF11}, "Routon reader in STM32 DFU (firmware update) mode"},
	}
}

// noteFor returns the Candidates note for id, or "".
func noteFor(id usb.ID) string {
	for _, c := range Candidates() {
		if c.ID == id {
			return c.Note
		}
	}
	return ""
}

// Info describes a USB device that may be an ID card reader: what
// drivers/transport/usb knows of it, and what its VID:PID is known as.
type Info struct {
	usb.Info
	// Note says what the VID:PID is known as (see Candidates).
	Note string
}

// infoOf adds the Candidates note to what the usb package says.
func infoOf(i usb.Info) Info { return Info{Info: i, Note: noteFor(i.ID)} }

// String formats the device for logs and the devices command, e.g.
// `0400:C35A bus 001 address 004 "Maker IDR" (部标 bulk ID card reader (split pipes))`,
// then ": " and the problem, if any.
func (i Info) String() string {
	s := i.Name()
	if i.Note != "" {
		s += " (" + i.Note + ")"
	}
	if i.Problem != "" {
		s += ": " + i.Problem
	}
	return s
}

// List returns the USB devices whose VID:PID is among Candidates, sorted by
// bus and address. With none it returns an empty list and no error; in a
// build without libusb, an error matching usb.ErrNoLibusb.
func List() ([]Info, error) {
	found, err := usb.List(func(id usb.ID) bool { return noteFor(id) != "" })
	if err != nil {
		return nil, err
	}
	infos := make([]Info, len(found))
	for i, f := range found {
		infos[i] = infoOf(f)
	}
	return infos, nil
}
