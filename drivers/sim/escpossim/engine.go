package escpossim

import (
	"context"
	"time"
)

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
