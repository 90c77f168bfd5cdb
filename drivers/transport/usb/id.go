package usb

import (
	"fmt"
	"strconv"
	"strings"
)

// ID is a USB vendor and product ID pair.
type ID struct{ Vendor, Product uint16 }

// String formats the pair as "0400:C35A".
func (id ID) String() string { return fmt.Sprintf("%04X:%04X", id.Vendor, id.Product) }

// ParseID parses "VVVV:PPPP" (hexadecimal, either case).
func ParseID(s string) (ID, error) {
	v, p, ok := strings.Cut(strings.TrimSpace(s), ":")
	if ok {
		vid, err1 := strconv.ParseUint(v, 16, 16)
		pid, err2 := strconv.ParseUint(p, 16, 16)
		if err1 == nil && err2 == nil && len(v) == 4 && len(p) == 4 {
			return ID{uint16(vid), uint16(pid)}, nil
		}
	}
	return ID{}, fmt.Errorf("usb: %q is not a VID:PID such as 0400:C35A", s)
}
