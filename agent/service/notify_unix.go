//go:build !windows

package service

import (
	"errors"
	"net"
	"time"
)

// notifySupported: sd_notify exists on Unix (systemd on Linux).
const notifySupported = true

// notifyTimeout bounds a send: a service manager that does not drain its
// socket must not hang the agent.
const notifyTimeout = 2 * time.Second

// notify sends one datagram to the unixgram socket addr. Go's net package
// maps a leading '@' to Linux's abstract namespace (a leading NUL byte).
func notify(addr, state string) error {
	if addr[0] != '/' && addr[0] != '@' {
		return errors.New("not an absolute path or an abstract socket name")
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetWriteDeadline(time.Now().Add(notifyTimeout)); err != nil {
		return err
	}
	_, err = c.Write([]byte(state))
	return err
}
