package winhid

import (
	"strconv"
	"strings"
)

// IDsFromPath reads the vendor and product IDs out of a HID device
// interface path such as
// `\\?\hid#vid_056a&pid_00a8#7&2b1e3a5&0&0000#{4d1e55b2-f16f-11cf-88cb-001111000030}`,
// for devices whose attributes cannot be read (opened by another program
// exclusively).
func IDsFromPath(path string) (vendor, product uint16, ok bool) {
	p := strings.ToLower(path)
	v, okV := hexAfter(p, "vid_")
	d, okP := hexAfter(p, "pid_")
	if !okV || !okP {
		return 0, 0, false
	}
	return v, d, true
}

// hexAfter parses the four hex digits after the first key in s.
func hexAfter(s, key string) (uint16, bool) {
	i := strings.Index(s, key)
	if i < 0 || len(s) < i+len(key)+4 {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i+len(key):i+len(key)+4], 16, 16)
	return uint16(n), err == nil
}
