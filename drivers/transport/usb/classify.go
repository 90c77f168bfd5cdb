package usb

import (
	"strconv"
	"strings"
)

// libusb return codes (LIBUSB_ERROR_*, negative) and transfer statuses
// (LIBUSB_TRANSFER_*, non-negative). Their values are part of libusb's ABI;
// a test built with the libusb tag checks them against gousb's constants.
const (
	libusbErrorIO       = -1
	libusbErrorAccess   = -3
	libusbErrorNoDevice = -4
	libusbErrorBusy     = -6
	libusbErrorTimeout  = -7

	transferError    = 1
	transferTimedOut = 2
	transferNoDevice = 5
)

// classifyCode classifies a libusb return code. An I/O error counts as a
// device that is gone: that is how an unplug shows up on some hosts, and
// reopening is the right reaction to both.
func classifyCode(code int, err error) error {
	k := kindOther
	switch code {
	case libusbErrorIO, libusbErrorNoDevice:
		k = kindGone
	case libusbErrorBusy:
		k = kindBusy
	case libusbErrorAccess:
		k = kindAccess
	case libusbErrorTimeout:
		k = kindTimeout
	}
	return &Error{Err: err, kind: k}
}

// classifyStatus classifies a failed transfer's status. A generic transfer
// error (EPROTO, EILSEQ on Linux) is what a device pulled out mid-transfer
// often produces, so it counts as gone too.
func classifyStatus(status int, err error) error {
	k := kindOther
	switch status {
	case transferError, transferNoDevice:
		k = kindGone
	case transferTimedOut:
		k = kindTimeout
	}
	return &Error{Err: err, kind: k}
}

// classifyMessage classifies an error whose libusb code survives only in
// its text: gousb formats codes as "libusb: … [code -6]" and wraps some of
// them with %v (claiming an interface, detaching a kernel driver).
func classifyMessage(err error) error {
	msg := err.Error()
	i := strings.LastIndex(msg, "[code ")
	if i < 0 {
		return &Error{Err: err}
	}
	rest := msg[i+len("[code "):]
	j := strings.IndexByte(rest, ']')
	if j < 0 {
		return &Error{Err: err}
	}
	code, perr := strconv.Atoi(rest[:j])
	if perr != nil || code >= 0 {
		return &Error{Err: err}
	}
	return classifyCode(code, err)
}
