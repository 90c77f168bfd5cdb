package usbframe

import "github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"

// Match says which USB reader OpenReader opens and how to frame on it.
type Match struct {
	// USB picks the device and the interface to claim. Empty IDs mean
	// StandardID only.
	USB usb.Match
	// Layout is the endpoint layout; nil means SplitPipes{}.
	Layout Layout
	// Timeouts are the Port's timeouts; zero fields take DefaultTimeouts.
	Timeouts Timeouts
}

func (m Match) withDefaults() Match {
	if len(m.USB.IDs) == 0 {
		m.USB.IDs = []usb.ID{StandardID}
	}
	if m.Layout == nil {
		m.Layout = SplitPipes{}
	}
	return m
}
