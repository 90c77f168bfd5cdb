package escpossim

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
