package usbframe

import "time"

// Timeouts are a Port's transfer timeouts. Zero fields take the values in
// DefaultTimeouts.
type Timeouts struct {
	// Poll is how long one Read waits for the reader before it returns
	// 0, nil (the transport.Port contract).
	Poll time.Duration
	// Write bounds each OUT transfer.
	Write time.Duration
	// Frame is how long a frame's body may stall after its header before
	// the Port gives it up and goes back to reading headers.
	Frame time.Duration
	// Flush bounds each draining read of ResetInputBuffer. A negative
	// Flush disables draining: ResetInputBuffer then only drops what the
	// Port itself holds.
	Flush time.Duration
}

// DefaultTimeouts are the timeouts a new Port uses. Write and Frame follow
// the 200 ms of open 部标 host code.
var DefaultTimeouts = Timeouts{
	Poll:  50 * time.Millisecond,
	Write: 200 * time.Millisecond,
	Frame: 200 * time.Millisecond,
	Flush: 2 * time.Millisecond,
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Poll <= 0 {
		t.Poll = DefaultTimeouts.Poll
	}
	if t.Write <= 0 {
		t.Write = DefaultTimeouts.Write
	}
	if t.Frame <= 0 {
		t.Frame = DefaultTimeouts.Frame
	}
	if t.Flush == 0 {
		t.Flush = DefaultTimeouts.Flush
	}
	return t
}
