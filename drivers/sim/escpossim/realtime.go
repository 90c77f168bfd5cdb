package escpossim

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
