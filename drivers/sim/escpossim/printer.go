package escpossim

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Printer is a simulated receipt printer: the device side of the byte
// stream. What it receives goes into a receive buffer and is printed from
// there at the print speed, each dot row taking paper off the roll; the
// real-time commands DLE EOT and DLE ENQ are acted on the moment they
// arrive, even while printing has stopped. Its methods are safe for
// concurrent use.
type Printer struct {
	cfg Config

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	in        *Interpreter
	rx        []byte
	rt        rtScanner
	lost      int64
	paperLeft int // dot rows; -1 endless
	cover     bool
	offline   bool
	jam       bool // the cutter is jammed
	cutterErr bool // autocutter error state, until DLE ENQ
	printing  bool
	asbMask   byte
	asbLast   [4]byte // key of the last ASB block sent
	out       transport.Port
	serving   bool

	sendMu sync.Mutex // one reply on the wire at a time
}

// New returns a printer with a fresh roll, as after power-on.
func New(cfg Config) *Printer {
	p := &Printer{cfg: cfg, changed: make(chan struct{})}
	p.powerOn()
	return p
}

func (p *Printer) powerOn() {
	p.in = NewInterpreter(p.cfg)
	p.rx, p.rt, p.lost = nil, rtScanner{}, 0
	p.paperLeft = -1
	if p.cfg.PaperLength > 0 {
		p.paperLeft = p.cfg.PaperLength
	}
	p.cover, p.offline, p.jam, p.cutterErr = false, false, false, false
	p.asbMask, p.asbLast = 0, [4]byte{}
}

// Reset powers the printer off and on: buffers, modes, pages and faults
// are forgotten and a fresh roll is in.
func (p *Printer) Reset() {
	p.mu.Lock()
	p.powerOn()
	p.signal()
	p.mu.Unlock()
}

// ErrBusy means the printer is already serving a connection.
var ErrBusy = errors.New("escpossim: the printer is already serving a connection")

// Serve is the device end of port (a pseudo-terminal from simlink, or an
// in-memory transport.Pipe): it takes in what the host sends and prints
// it, until ctx ends (it returns nil) or the port fails. What was received
// and not yet printed stays in the receive buffer for the next Serve.
func (p *Printer) Serve(ctx context.Context, port transport.Port) error {
	if !p.attach(port) {
		return ErrBusy
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.run(ctx)
	}()
	defer func() {
		cancel()
		wg.Wait()
		p.detach()
	}()
	return p.receive(ctx, port)
}

func (p *Printer) attach(port transport.Port) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.serving {
		return false
	}
	p.serving, p.out = true, port
	return true
}

func (p *Printer) detach() {
	p.mu.Lock()
	p.serving, p.out = false, nil
	p.mu.Unlock()
}

// receive reads the host's bytes until ctx ends or the port fails.
func (p *Printer) receive(ctx context.Context, port transport.Port) error {
	size := 4096
	if p.cfg.Baud > 0 {
		size = 64 // take the line in small pieces, as a UART does
	}
	buf := make([]byte, size)
	for {
		if ctx.Err() != nil {
			return nil
		}
		n, err := port.Read(buf)
		if n > 0 {
			if !sleep(ctx, WireTime(n, p.cfg.Baud)) {
				return nil
			}
			p.take(buf[:n])
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("escpossim: read: %w", err)
		}
	}
}

// status is the sensors' view now; p.mu must be held.
func (p *Printer) status() Status {
	return Status{
		PaperOut:    p.paperLeft == 0,
		NearEnd:     p.cfg.NearEnd > 0 && p.paperLeft >= 0 && p.paperLeft <= p.cfg.NearEnd,
		PaperLeft:   p.paperLeft,
		CoverOpen:   p.cover,
		Offline:     p.offline,
		CutterJam:   p.jam,
		CutterError: p.cutterErr,
		Buffered:    len(p.rx),
		Lost:        p.lost,
		Printing:    p.printing,
	}
}

func (p *Printer) stopped() bool { return p.status().Stopped() }

// paused reports whether printing must wait: paper aside, the stops that
// end when their cause does.
func (p *Printer) paused() bool { return p.cover || p.offline || p.cutterErr }

// signal wakes everything waiting for a change; p.mu must be held.
func (p *Printer) signal() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// Status returns the printer's condition now.
func (p *Printer) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status()
}

// WaitFor waits until cond holds for the printer's status, or ctx ends.
func (p *Printer) WaitFor(ctx context.Context, cond func(Status) bool) error {
	for {
		p.mu.Lock()
		st, wait := p.status(), p.changed
		p.mu.Unlock()
		if cond(st) {
			return nil
		}
		if !waitFor(ctx, wait) {
			return ctx.Err()
		}
	}
}

// WaitIdle waits until everything received has been printed, or printing
// has stopped, or ctx ends.
func (p *Printer) WaitIdle(ctx context.Context) error {
	return p.WaitFor(ctx, func(s Status) bool { return s.Stopped() || (s.Buffered == 0 && !s.Printing) })
}

// Pages returns the pages printed so far, the page being printed last
// (marked Incomplete).
func (p *Printer) Pages() []*Page {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.in.roll.pages()
}

// Commands returns the log of the commands printed (carried out) so far.
func (p *Printer) Commands() []Command {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.in.Commands()
}
