package usb

import (
	"fmt"
	"strconv"
	"strings"
)

// Info describes a USB device found by List or opened by Open.
type Info struct {
	ID           ID
	Bus, Address int
	// Manufacturer, Product and Serial are the device's strings; empty
	// when the device has none or could not be opened.
	Manufacturer, Product, Serial string
	// Problem says why the device could not be opened, e.g. missing
	// permissions; empty when it could.
	Problem string
}

// String formats the device for logs and diagnostics:
// `0400:C35A bus 001 address 004 "Maker Product" serial "0001"`, then
// ": " and the problem, if any.
func (i Info) String() string {
	s := i.Name()
	if i.Problem != "" {
		s += ": " + i.Problem
	}
	return s
}

// Name is String without the problem: the VID:PID, where the device is on
// the bus, and its strings.
func (i Info) Name() string {
	s := fmt.Sprintf("%s bus %03d address %03d", i.ID, i.Bus, i.Address)
	if name := strings.TrimSpace(i.Manufacturer + " " + i.Product); name != "" {
		s += " " + strconv.Quote(name)
	}
	if i.Serial != "" {
		s += " serial " + strconv.Quote(i.Serial)
	}
	return s
}
