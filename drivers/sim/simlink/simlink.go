// Package simlink connects a device simulator to the agent the way real
// hardware is connected: through a pseudo-terminal whose path the agent opens
// with its ordinary serial code. Where the operating system has no
// pseudo-terminals (Windows), it falls back to an in-memory pipe.
package simlink

import (
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Link is one simulated cable.
type Link struct {
	// Device is the simulator's end. Serve a simulator on it.
	Device transport.Port
	// Path is the serial device path the host side opens (e.g.
	// /dev/pts/3). It is empty when the link is an in-memory pipe.
	Path string
	// Host is the host's end when the link is an in-memory pipe (Path is
	// empty); nil otherwise.
	Host transport.Port
}

// Unplug closes the device end: the host side then sees the device vanish
// (transport.ErrDisconnected), as when a USB cable is pulled.
func (l *Link) Unplug() error { return l.Device.Close() }

// NewPipe returns an in-memory link, on every operating system.
func NewPipe() *Link {
	a, b := transport.Pipe()
	return &Link{Device: a, Host: b}
}
