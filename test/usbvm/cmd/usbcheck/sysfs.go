package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// usbDevice returns the sysfs directory of the USB device vid:pid, or "".
func usbDevice(vid, pid uint16) string {
	dirs, _ := filepath.Glob("/sys/bus/usb/devices/*")
	for _, d := range dirs {
		v, err1 := os.ReadFile(filepath.Join(d, "idVendor"))
		p, err2 := os.ReadFile(filepath.Join(d, "idProduct"))
		if err1 == nil && err2 == nil && strings.TrimSpace(string(v)) == fmt.Sprintf("%04x", vid) &&
			strings.TrimSpace(string(p)) == fmt.Sprintf("%04x", pid) {
			return d
		}
	}
	return ""
}

// waitUSB waits until vid:pid is on the bus (present) or gone (!present).
func waitUSB(vid, pid uint16, present bool, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		if (usbDevice(vid, pid) != "") == present {
			return nil
		}
		if time.Now().After(deadline) {
			state := "appear"
			if !present {
				state = "go"
			}
			return fmt.Errorf("%04x:%04x did not %s within %v", vid, pid, state, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openFDs lists this process's open file descriptors, but for the pad's
// and the printer's device nodes and the pad's fonts: their checks may be
// running meanwhile (the pad's over hidraw, without libusb).
func openFDs() []string {
	ents, _ := os.ReadDir("/proc/self/fd")
	var fds []string
	for _, e := range ents {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if !strings.HasPrefix(target, "/dev/hidraw") && !strings.HasPrefix(target, "/dev/usb/") && !strings.HasPrefix(target, "/usr/share/fonts/") {
			fds = append(fds, e.Name()+"→"+target)
		}
	}
	return fds
}
