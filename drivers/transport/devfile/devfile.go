// Package devfile opens a device node — a USB printer's /dev/usb/lpN,
// bound to the kernel's usblp driver — as a transport.Port: writes go to
// the device, reads return what its bulk-IN endpoint sent (status replies)
// or 0, nil after the poll period, and an unplugged device matches
// transport.ErrDisconnected. Linux only; elsewhere Open reports
// ErrUnsupported.
package devfile

import (
	"errors"
	"time"
)

// ErrUnsupported is returned by Open where device nodes are not available.
var ErrUnsupported = errors.New("devfile: device nodes are not supported on this system")

// Config is how to open a node. Zero fields take the defaults.
type Config struct {
	PollPeriod   time.Duration // default 50 ms
	WriteTimeout time.Duration // default 10 s: usblp blocks while the printer is out of paper
}

// LineStatus is the printer port's status byte (usblp's LPGETSTATUS):
// what a printer without a bulk-IN endpoint can still say.
type LineStatus struct {
	PaperOut bool // LP_POUTPA
	Selected bool // LP_PSELECD: online
	Error    bool // LP_PERRORP is active low: set here when the printer reports an error
}
