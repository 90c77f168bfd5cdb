//go:build !windows

package service

import (
	"os"
	"os/signal"
	"syscall"

	ksvc "github.com/kardianos/service"
)

// configure replaces kardianos' wait for a signal (its RunWait option) with
// one that also returns when p's Run has ended by itself, and that arms
// the guard. Signals are caught from here on, so one that comes while Run
// is starting stops the agent as soon as it has started rather than
// killing it.
func (g *guard) configure(c *ksvc.Config) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-g.disarmed
		signal.Stop(sig)
	}()
	c.Option["RunWait"] = func() {
		select {
		case <-sig:
		case <-g.p.Done():
		}
		go g.afterStop(sig)
	}
}

// Managed reports whether a service manager that does not read standard
// error started the agent: never here (systemd's journal takes it).
func Managed() bool { return false }
