package escpossim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

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

// take puts received bytes into the receive buffer, acting on real-time
// commands as they pass.
func (p *Printer) take(b []byte) {
	var replies [][]byte
	p.mu.Lock()
	limit := p.cfg.rxCap()
	for _, c := range b {
		if len(p.rx) < limit {
			p.rx = append(p.rx, c)
		} else {
			p.lost++
		}
		cmd, n, done := p.rt.feed(c)
		if !done {
			continue
		}
		switch cmd {
		case 0x04: // DLE EOT n
			if b, ok := p.status().realTime(n); ok {
				replies = append(replies, []byte{b})
			}
		case 0x05: // DLE ENQ n
			if n != 1 && n != 2 {
				break
			}
			if !p.jam {
				p.cutterErr = false
			}
			if n == 2 {
				// Recover and clear: what was received before this
				// command is dropped, as is the line being assembled.
				p.rx = append(p.rx[:0], 0x10, 0x05, 0x02)
				p.in.skip = 0
				p.in.clearBuffers()
			}
			if r := p.asbChange(); r != nil {
				replies = append(replies, r)
			}
		}
	}
	p.signal()
	p.mu.Unlock()
	for _, r := range replies {
		p.send(r)
	}
}

// run prints from the receive buffer until ctx ends.
func (p *Printer) run(ctx context.Context) {
	for {
		p.mu.Lock()
		wait := p.changed
		if p.stopped() || (len(p.rx) == 0 && p.in.cutAfter == CutNone) {
			p.mu.Unlock()
			if !waitFor(ctx, wait) {
				return
			}
			continue
		}
		head := p.in.roll.head
		n, eff, ok := p.in.step(p.rx)
		if !ok {
			p.mu.Unlock()
			if !waitFor(ctx, wait) {
				return
			}
			continue
		}
		p.rx = p.rx[n:]
		if len(p.rx) == 0 {
			p.rx = nil
		}
		p.mu.Unlock()
		if eff.rows > 0 && !p.print(ctx, head, eff.rows) {
			return
		}
		if eff.req.kind != reqNone {
			p.answer(eff.req)
		}
	}
}

// chunkRows is how many dot rows are printed between looks at the
// sensors.
const chunkRows = 24

// print moves rows of paper under the head at the print speed, the
// first at row head. Paper running out stops it there; an open cover, an
// error or going offline pauses it. It returns false when ctx ended.
func (p *Printer) print(ctx context.Context, head, rows int) bool {
	defer func() {
		p.mu.Lock()
		p.printing = false
		p.signal()
		p.mu.Unlock()
	}()
	for done := 0; done < rows; {
		p.mu.Lock()
		for p.paused() {
			wait := p.changed
			p.printing = false
			p.mu.Unlock()
			if !waitFor(ctx, wait) {
				return false
			}
			p.mu.Lock()
		}
		if p.paperLeft == 0 {
			p.in.paperEnd(head, done)
			p.mu.Unlock()
			return true
		}
		k := min(chunkRows, rows-done)
		if p.paperLeft > 0 {
			k = min(k, p.paperLeft)
			p.paperLeft -= k
		}
		p.printing = true
		p.mu.Unlock()
		if !sleep(ctx, p.cfg.rowTime(k)) {
			return false
		}
		done += k
		p.mu.Lock()
		if p.paperLeft == 0 {
			// The paper end sensor trips: the page ends where the
			// paper did.
			p.in.paperEnd(head, done)
		}
		r := p.asbChange()
		p.signal()
		p.mu.Unlock()
		if r != nil {
			p.send(r)
		}
		if p.paperLeftNow() == 0 {
			return true
		}
	}
	return true
}

func (p *Printer) paperLeftNow() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paperLeft
}

// answer sends the in-order reply a command asked for.
func (p *Printer) answer(r request) {
	var out []byte
	p.mu.Lock()
	st := p.status()
	switch r.kind {
	case reqStatus:
		switch r.n {
		case 1, 49:
			out = []byte{st.paperSensor()}
		case 2, 50:
			out = []byte{0x00} // drawer kick-out connector pin 3 low
		}
	case reqASB:
		p.asbMask = r.n
		if r.n != 0 {
			b := st.asb()
			p.asbLast = asbKey(b, r.n)
			out = b[:]
		}
	case reqID:
		out = p.id(r.n)
	}
	p.mu.Unlock()
	if out != nil {
		p.send(out)
	}
}

// id is the GS I n answer: one byte for 1–3 (49–51), a block 5F … 00 for
// 65–69.
func (p *Printer) id(n byte) []byte {
	block := func(s string) []byte { return append(append([]byte{0x5F}, s...), 0x00) }
	switch n {
	case 1, 49:
		return []byte{0x20} // model ID
	case 2, 50:
		return []byte{0x03} // type ID: two-byte characters, autocutter
	case 3, 51:
		return []byte{0x01} // firmware version ID
	case 65:
		return block("1.00")
	case 66:
		return block(p.cfg.maker())
	case 67:
		return block(p.cfg.model())
	case 68:
		return block("SIM00001")
	case 69:
		return block("CHINESE GB18030")
	}
	return nil
}

// asbChange returns the ASB block to send when an enabled item changed
// since the last one; p.mu must be held.
func (p *Printer) asbChange() []byte {
	if p.asbMask == 0 {
		return nil
	}
	b := p.status().asb()
	k := asbKey(b, p.asbMask)
	if k == p.asbLast {
		return nil
	}
	p.asbLast = k
	return b[:]
}

// send writes a reply to the host, paced at the line's rate. A blind
// printer, or one with nobody connected, sends nothing.
func (p *Printer) send(b []byte) {
	if p.cfg.Blind || len(b) == 0 {
		return
	}
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	p.mu.Lock()
	out := p.out
	p.mu.Unlock()
	if out == nil {
		return
	}
	time.Sleep(WireTime(len(b), p.cfg.Baud))
	_, _ = out.Write(b) // a lost reply is the host's to notice, as on a cable
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

// LoadPaper puts in a new roll of rows dot rows (0: endless). Printing
// goes on with what is in the receive buffer.
func (p *Printer) LoadPaper(rows int) {
	p.change(func() {
		p.paperLeft = -1
		if rows > 0 {
			p.paperLeft = rows
		}
	})
}

// RunOutAfter makes the roll end after rows more dot rows.
func (p *Printer) RunOutAfter(rows int) {
	p.change(func() { p.paperLeft = max(rows, 0) })
}

// OpenCover opens or closes the cover: printing stops while it is open.
// Closing it also clears an autocutter error whose jam is gone.
func (p *Printer) OpenCover(open bool) {
	p.change(func() {
		if p.cover && !open && !p.jam {
			p.cutterErr = false
		}
		p.cover = open
	})
}

// SetOffline takes the printer offline (true) or back online.
func (p *Printer) SetOffline(off bool) { p.change(func() { p.offline = off }) }

// SetCutterError jams the cutter (true): the printer goes into the
// autocutter error state and stops. Clearing the jam (false) does not
// end the error: DLE ENQ 1 or 2, or opening and closing the cover, does.
func (p *Printer) SetCutterError(jam bool) {
	p.change(func() {
		p.jam = jam
		if jam {
			p.cutterErr = true
		}
	})
}

// change applies f to the printer's state and tells the host, by ASB, of
// what changed.
func (p *Printer) change(f func()) {
	p.mu.Lock()
	f()
	r := p.asbChange()
	p.signal()
	p.mu.Unlock()
	if r != nil {
		p.send(r)
	}
}

// rtScanner finds the real-time commands DLE EOT n and DLE ENQ n in the
// incoming bytes, wherever they are, as a printer's receive interrupt
// does.
type rtScanner struct {
	state byte // 0 idle, 1 after DLE, else the command byte after DLE
}

// feed takes one byte; done reports a complete DLE EOT/ENQ n.
func (s *rtScanner) feed(c byte) (cmd, n byte, done bool) {
	switch s.state {
	case 0:
		if c == 0x10 {
			s.state = 1
		}
	case 1:
		switch c {
		case 0x04, 0x05:
			s.state = c
		case 0x10:
		default:
			s.state = 0
		}
	default:
		cmd, s.state = s.state, 0
		return cmd, c, true
	}
	return 0, 0, false
}

// sleep waits d, or until ctx ends (false).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// waitFor waits until ch is closed (a change), or ctx ends (false).
func waitFor(ctx context.Context, ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		return false
	}
}
