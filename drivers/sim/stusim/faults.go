package stusim

import "time"

// holdState is a late burst in progress: delivery is stalled until until,
// then every report held meanwhile goes out at once.
type holdState struct {
	until time.Time
	held  [][]byte
	timer *time.Timer
	gen   uint64 // tells a stale release timer from the current one
}

func (h *holdState) reset() {
	if h.timer != nil {
		h.timer.Stop()
		h.timer = nil
	}
	h.gen++
	h.until = time.Time{}
	h.held = nil
}

// deliverLocked sends one input report to every open handle, after the
// fault dice have had their say.
func (p *Pad) deliverLocked(b []byte) {
	p.stats.Sent++
	f := p.cfg.Faults
	if f.Drop > 0 && p.rng.Float64() < f.Drop {
		p.stats.Dropped++
		return
	}
	copies := 1
	if f.Duplicate > 0 && p.rng.Float64() < f.Duplicate {
		copies = 2
		p.stats.Duplicated++
	}
	late := f.Late > 0 && p.rng.Float64() < f.Late
	now := time.Now()
	if !p.hold.until.IsZero() {
		if now.Before(p.hold.until) {
			for range copies {
				p.hold.held = append(p.hold.held, b)
			}
			p.stats.Delayed++
			return
		}
		p.releaseLocked()
	}
	if late {
		p.hold.until = now.Add(f.LateBy)
		for range copies {
			p.hold.held = append(p.hold.held, b)
		}
		p.stats.Delayed++
		gen := p.hold.gen
		p.hold.timer = time.AfterFunc(f.LateBy, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.hold.gen == gen {
				p.releaseLocked()
			}
		})
		return
	}
	for range copies {
		p.broadcastLocked(b)
	}
}

// releaseLocked ends a late burst: the held reports go out in order.
func (p *Pad) releaseLocked() {
	held := p.hold.held
	p.hold.reset()
	for _, b := range held {
		p.broadcastLocked(b)
	}
}

// broadcastLocked queues b for every open handle's reader, each with its
// own copy.
func (p *Pad) broadcastLocked(b []byte) {
	for h := range p.handles {
		if !h.pushLocked(append([]byte(nil), b...), p.cfg.InputBuffer) {
			p.stats.Overrun++
		}
	}
}
