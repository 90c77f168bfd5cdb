package service

import (
	"fmt"
	"io"
	"os"
	"time"

	ksvc "github.com/kardianos/service"
)

// Serve runs p the way the service manager runs it, and the same way in the
// foreground: through kardianos/service's Run, which on Windows talks to the
// service control manager when it started the process, and otherwise
// starts p and stops it on SIGINT or SIGTERM (systemd's stop), or when p's
// Run ends by itself (a failure). After the stop has begun, a second signal
// ends the process at once, and a process whose stop hangs past twice
// p's stop timeout is ended too; a normal stop returns long before that,
// since p's Stop gives up after its stop timeout. Serve returns p's error:
// nil after a clean stop.
func Serve(p *Program, o Options) error {
	o = o.withDefaults()
	c := &ksvc.Config{Name: o.Name, DisplayName: o.DisplayName, Description: o.Description, Option: ksvc.KeyValue{}}
	g := &guard{p: p, stderr: o.Stderr, name: o.Name, exit: os.Exit, disarmed: make(chan struct{})}
	defer close(g.disarmed)
	g.configure(c)
	s, err := ksvc.New(p, c)
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	return s.Run()
}

// guard ends a process whose stop does not finish: on a second signal at
// once, otherwise after the deadline. It is disarmed when Serve returns.
type guard struct {
	p        *Program
	stderr   io.Writer
	name     string
	exit     func(code int)
	disarmed chan struct{}
}

// afterStop waits, once a stop has begun, for a second signal on sig or
// the deadline, and ends the process.
func (g *guard) afterStop(sig <-chan os.Signal) {
	t := time.NewTimer(2 * g.p.stopTimeout())
	defer t.Stop()
	select {
	case s := <-sig:
		fmt.Fprintf(g.stderr, "%s: %v again: stopping at once\n", g.name, s)
	case <-t.C:
		fmt.Fprintf(g.stderr, "%s: shutdown took too long\n", g.name)
	case <-g.disarmed:
		return
	}
	g.exit(1)
}
