package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	ksvc "github.com/kardianos/service"
)

// DefaultStopTimeout is how long [Program.Stop] waits for Run to return.
const DefaultStopTimeout = 5 * time.Second

// ErrEndedEarly is what a Program reports when its Run returned nil before
// anyone asked it to stop: for a service that is a failure, so that the
// service manager restarts it.
var ErrEndedEarly = errors.New("the agent ended without being asked to stop")

// Program adapts a Run(ctx) core to kardianos/service's Interface: Start
// launches Run in a goroutine, Stop cancels its context and waits for it.
// The zero value plus Run is ready to use; a Program runs once.
type Program struct {
	// Run serves until its context ends. It returns nil or
	// context.Canceled after a requested stop, an error when it fails.
	Run func(ctx context.Context) error
	// StopTimeout bounds how long Stop waits for Run; DefaultStopTimeout
	// when zero.
	StopTimeout time.Duration

	once     sync.Once
	done     chan struct{} // closed when Run returned
	stopping chan struct{} // closed when Stop was called
	mu       sync.Mutex
	started  bool
	stopped  bool
	cancel   context.CancelFunc
	err      error
}

var _ ksvc.Interface = (*Program)(nil)

func (p *Program) init() {
	p.once.Do(func() {
		p.done = make(chan struct{})
		p.stopping = make(chan struct{})
	})
}

// Start launches Run in a goroutine and returns at once, as service
// managers require (the Windows SCM waits for Start before it counts the
// service as running).
func (p *Program) Start(ksvc.Service) error {
	p.init()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return errors.New("service: the program was already started")
	}
	if p.Run == nil {
		return errors.New("service: the program has no Run function")
	}
	p.started = true
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() {
		err := p.Run(ctx)
		p.mu.Lock()
		if err == nil && !p.stopped {
			err = ErrEndedEarly
		}
		p.err = err
		p.mu.Unlock()
		close(p.done)
	}()
	return nil
}

// Stop tells the service manager that the agent is stopping (STOPPING=1),
// cancels Run's context and waits up to StopTimeout for Run to return. It
// returns Run's error (nil for a clean stop), or an error saying that Run
// did not return in time.
func (p *Program) Stop(ksvc.Service) error {
	p.init()
	p.mu.Lock()
	if !p.started {
		p.mu.Unlock()
		return nil
	}
	if !p.stopped {
		p.stopped = true
		close(p.stopping)
	}
	cancel := p.cancel
	p.mu.Unlock()
	Stopping() // best effort: systemd learns it from our exit anyway
	cancel()
	timeout := p.stopTimeout()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return p.Err()
	case <-t.C:
		return fmt.Errorf("service: the agent did not stop within %v", timeout)
	}
}

// Done is closed when Run has returned.
func (p *Program) Done() <-chan struct{} {
	p.init()
	return p.done
}

// Stopping is closed when Stop has been called.
func (p *Program) Stopping() <-chan struct{} {
	p.init()
	return p.stopping
}

// Err is Run's result once Done is closed: nil after a clean stop
// (context.Canceled counts as clean), ErrEndedEarly when Run returned nil
// on its own, Run's error otherwise.
func (p *Program) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if errors.Is(p.err, context.Canceled) && p.stopped {
		return nil
	}
	return p.err
}

func (p *Program) stopTimeout() time.Duration {
	if p.StopTimeout > 0 {
		return p.StopTimeout
	}
	return DefaultStopTimeout
}
