//go:build windows

package service

import (
	"fmt"
	"os"
	"os/signal"

	ksvc "github.com/kardianos/service"
)

// configure watches p: kardianos/service on Windows waits for the service
// control manager (or, in a console, for Ctrl+C) and cannot be told that
// Run has ended by itself. Then the process exits with status 1, which the
// control manager counts as a failure and answers with the recovery
// action (a restart). Once a stop has begun, the guard is armed.
func (g *guard) configure(*ksvc.Config) {
	go func() {
		select {
		case <-g.p.Done():
		case <-g.p.Stopping():
		case <-g.disarmed:
			return
		}
		select {
		case <-g.p.Stopping():
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt)
			defer signal.Stop(sig)
			g.afterStop(sig)
		default:
			fmt.Fprintf(g.stderr, "%s: %v\n", g.name, g.p.Err())
			g.exit(1)
		}
	}()
}

// Managed reports whether the Windows service control manager started the
// agent, which gives it no standard error to write to.
func Managed() bool { return !ksvc.Interactive() }
