package hidraw

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadUevent means a uevent file has no usable HID_ID.
var ErrBadUevent = errors.New("hidraw: uevent without a valid HID_ID")

// Uevent is what a hidraw node's device/uevent file says about the HID
// device.
type Uevent struct {
	Bus             uint16 // 0003 USB, 0005 Bluetooth
	Vendor, Product uint16
	Name            string // HID_NAME: manufacturer and product strings
	Uniq            string // HID_UNIQ: the serial number, often empty
	Phys            string // HID_PHYS: where it is on the bus
	Driver          string // DRIVER: hid-generic, wacom, …
}

// maxUeventLine bounds one line of a uevent file (the kernel's own buffer
// is 2048 bytes in all).
const maxUeventLine = 4096

// ParseUevent parses a uevent file: KEY=value lines, of which HID_ID
// ("0003:0000056A:000000A8": bus, vendor, product in hex) is required.
// Values are kept as valid UTF-8.
func ParseUevent(b []byte) (Uevent, error) {
	var u Uevent
	found := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 256), maxUeventLine)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		val = strings.ToValidUTF8(val, "\uFFFD")
		switch key {
		case "HID_ID":
			var err error
			if u.Bus, u.Vendor, u.Product, err = parseHIDID(val); err != nil {
				return Uevent{}, err
			}
			found = true
		case "HID_NAME":
			u.Name = val
		case "HID_UNIQ":
			u.Uniq = val
		case "HID_PHYS":
			u.Phys = val
		case "DRIVER":
			u.Driver = val
		}
	}
	if err := sc.Err(); err != nil {
		return Uevent{}, fmt.Errorf("%w: %v", ErrBadUevent, err)
	}
	if !found {
		return Uevent{}, ErrBadUevent
	}
	return u, nil
}

// parseHIDID parses "BBBB:VVVVVVVV:PPPPPPPP".
func parseHIDID(s string) (bus, vendor, product uint16, err error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, 0, 0, fmt.Errorf("%w: HID_ID %q", ErrBadUevent, s)
	}
	var v [3]uint64
	for i, p := range parts {
		if p == "" || len(p) > 8 {
			return 0, 0, 0, fmt.Errorf("%w: HID_ID %q", ErrBadUevent, s)
		}
		if v[i], err = strconv.ParseUint(p, 16, 32); err != nil || v[i] > 0xFFFF {
			return 0, 0, 0, fmt.Errorf("%w: HID_ID %q", ErrBadUevent, s)
		}
	}
	return uint16(v[0]), uint16(v[1]), uint16(v[2]), nil
}
