//go:build windows

package service

// notifySupported is false: Windows has no sd_notify. The service control
// manager learns the agent's state through kardianos/service instead.
const notifySupported = false

func notify(addr, state string) error { return nil }
