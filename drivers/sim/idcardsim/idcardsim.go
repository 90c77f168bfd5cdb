// Package idcardsim simulates a second-generation ID card reader (SAM_V
// host protocol) from the reader's side of the wire. It answers the same
// bytes a real reader does, with realistic delays and the real card life
// cycle, over any transport.Port: a pseudo-terminal (see simlink) so the
// agent's real serial code is exercised, or an in-memory pipe.
//
// Life cycle, as on real readers: find (20 01) succeeds once per placement;
// after a successful read it answers "no card" (80) until the card has left
// the field and been placed again. 30 03 answers while the card that was
// read is still in the field, which is what hosts use to notice removal.
package idcardsim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Delays are the reader's processing times before it answers. The defaults
// follow what vendor code allows for: tens of milliseconds for find and
// select, hundreds for a read.
type Delays struct {
	Find, Select, Read, ReadFP, AppendedAddress, SAM time.Duration
}

// DefaultDelays are realistic command times for a desktop reader.
var DefaultDelays = Delays{
	Find:            25 * time.Millisecond,
	Select:          25 * time.Millisecond,
	Read:            350 * time.Millisecond,
	ReadFP:          450 * time.Millisecond,
	AppendedAddress: 40 * time.Millisecond,
	SAM:             10 * time.Millisecond,
}

// Faults injects transmission faults into replies, each with its own
// probability per reply (0 to 1).
type Faults struct {
	Garble   float64 // one or more bytes of the reply changed
	Drop     float64 // the reply never sent
	Truncate float64 // only a prefix of the reply sent
	// Late sends the reply LateBy after it was due, while the reader goes
	// on answering later commands (a reply the host has given up on).
	Late   float64
	LateBy time.Duration
	Seed   uint64 // seeds the fault dice, for repeatable runs
}

// Config describes the simulated reader.
type Config struct {
	Delays Delays
	// Baud, when non-zero, paces both directions as a serial line at this
	// rate with 10 bits per byte (8N1), so that timings include wire time.
	Baud   int
	Faults Faults
	// NoAppendedAddressCommand makes the reader answer 30 03 with "unknown
	// command" (21), like readers without that command.
	NoAppendedAddressCommand bool
	// NoFingerprint makes 30 10 fail with "unauthorised" (23), like readers
	// whose SAM may not read fingerprints.
	NoFingerprint bool
	// GoneStatus is how 30 03 answers when the card that was read has
	// left (default 41, read failed); readers also use 80 or 81.
	GoneStatus idcard.Status
	// StrictSelect refuses select (81) for a card that was already read,
	// as readers do that want the card placed again before it is read
	// again; by default a read card may be selected and read once more.
	StrictSelect bool
	// SAMFault makes the SAM status command answer 60 (self-test failed).
	SAMFault bool
	// SAMID is what 12 FF returns.
	SAMID [16]byte
}

type cardState int

const (
	absent   cardState = iota
	inField            // placed, not found yet
	found              // find succeeded
	selected           // select succeeded
	read               // read succeeded; find now answers 80 until removal
)

// Simulator is a simulated reader. Its methods are safe for concurrent use.
type Simulator struct {
	cfg Config

	sendMu sync.Mutex // one reply on the wire at a time

	mu    sync.Mutex
	card  *idcard.Card
	text  []byte
	state cardState
	rng   *rand.Rand
	log   []idcard.Command
	// failReads makes that many reads fail with 41, as when the card is
	// moved during the read.
	failReads int
	// liftAfterRead takes the card away right after the next good read
	// reply, before anything else is asked.
	liftAfterRead bool
	// dropReplies makes that many replies vanish on the line.
	dropReplies int
}

// New returns a reader with no card on it.
func New(cfg Config) *Simulator {
	if cfg.Delays == (Delays{}) {
		cfg.Delays = DefaultDelays
	}
	return &Simulator{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Faults.Seed, 0x5A4D))}
}

// Place puts a card on the reader (replacing any card there).
func (s *Simulator) Place(c *idcard.Card) error {
	text, err := textblock.Encode(c.Fields)
	if err != nil {
		return fmt.Errorf("idcardsim: encode card text: %w", err)
	}
	if n := len(c.Fingerprint); n != 0 && n != 512 && n != 1024 {
		return fmt.Errorf("idcardsim: fingerprint data must be 0, 512 or 1024 bytes, not %d", n)
	}
	if len(c.Photo) > 1024 {
		return fmt.Errorf("idcardsim: photo must be at most 1024 bytes, not %d", len(c.Photo))
	}
	if _, err := textblock.EncodeString(c.AppendedAddress, 70); err != nil {
		return fmt.Errorf("idcardsim: appended address: %w", err)
	}
	cp := *c
	cp.Photo = append([]byte(nil), c.Photo...)
	cp.Fingerprint = append([]byte(nil), c.Fingerprint...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.card, s.text, s.state = &cp, text, inField
	return nil
}

// Remove takes the card off the reader.
func (s *Simulator) Remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.card, s.text, s.state = nil, nil, absent
}

// FailNextReads makes the next n read commands fail with SW3 41 (read
// failed), as when a card is moved while it is being read.
func (s *Simulator) FailNextReads(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failReads = n
}

// LiftAfterNextRead makes the card leave the field right after the next
// good read (30 01 / 30 10), as a quick hand does between the read and the
// appended address (30 03).
func (s *Simulator) LiftAfterNextRead() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.liftAfterRead = true
}

// DropNextReplies makes the next n replies vanish on the line, as a noisy
// cable does (the command is still carried out).
func (s *Simulator) DropNextReplies(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropReplies = n
}

// HasCard reports whether a card is on the reader.
func (s *Simulator) HasCard() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.card != nil
}

// Commands returns the commands received so far, in order.
func (s *Simulator) Commands() []idcard.Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]idcard.Command(nil), s.log...)
}

// Serve answers host frames arriving on port until ctx ends or the port
// fails. It returns nil when ctx ends.
func (s *Simulator) Serve(ctx context.Context, port transport.Port) error {
	var dec idcard.Decoder
	buf := make([]byte, 4096)
	for {
		if ctx.Err() != nil {
			return nil
		}
		n, err := port.Read(buf)
		if n > 0 {
			dec.Feed(buf[:n])
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("idcardsim: read: %w", err)
		}
		for {
			body, err := dec.Next()
			if errors.Is(err, idcard.ErrNeedMore) {
				break
			}
			var reply []byte
			if err != nil {
				reply = idcard.EncodeResponse(0, 0, idcard.StatusChecksum, nil)
			} else {
				// The reply starts once the host frame has crossed the
				// line and the reader has done its work.
				rx := time.Now()
				var delay time.Duration
				reply, delay = s.handle(body)
				start := rx.Add(delay)
				if s.cfg.Baud > 0 {
					start = start.Add(WireTime(len(body)+8, s.cfg.Baud))
				}
				if late := s.lateBy(); late > 0 {
					go func() {
						// Wait outside the send lock: later replies go
						// out meanwhile, as on a reader that lags.
						if waitUntil(ctx, start.Add(late), false) {
							s.send(ctx, port, reply, time.Now())
						}
					}()
					continue
				}
				if err := s.send(ctx, port, reply, start); err != nil {
					return err
				}
				continue
			}
			if err := s.send(ctx, port, reply, time.Now()); err != nil {
				return err
			}
		}
	}
}

// handle computes the reply to one host frame body and how long the reader
// takes to produce it.
func (s *Simulator) handle(body []byte) ([]byte, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := func(data []byte) []byte { return idcard.EncodeResponse(0, 0, idcard.StatusOK, data) }
	fail := func(st idcard.Status) []byte { return idcard.EncodeResponse(0, 0, st, nil) }
	if len(body) < 2 {
		return fail(idcard.StatusLength), 0
	}
	cmd := idcard.Command{CMD: body[0], PARA: body[1]}
	d := s.cfg.Delays
	present := s.card != nil
	switch cmd.CMD {
	case 0x10, 0x11, 0x12:
		s.record(cmd, "SAM")
		switch {
		case s.cfg.SAMFault && cmd.CMD != 0x10:
			return fail(idcard.StatusSAMSelfTestFailed), d.SAM
		case cmd.CMD == 0x12:
			return ok(s.cfg.SAMID[:]), d.SAM
		case cmd.CMD == 0x10 && present:
			// A reset restarts the RF side: the card in the field is
			// found anew.
			s.state = inField
		}
		return ok(nil), d.SAM
	case 0x20:
		switch cmd.PARA {
		case 0x01:
			s.record(cmd, "find card")
			if present && (s.state == inField || s.state == found || s.state == selected) {
				s.state = found
				return idcard.EncodeResponse(0, 0, idcard.StatusFound, make([]byte, 4)), d.Find
			}
			return fail(idcard.StatusNoCard), d.Find
		case 0x02:
			s.record(cmd, "select card")
			if present && s.state >= found && !(s.cfg.StrictSelect && s.state == read) {
				if s.state < selected {
					s.state = selected
				}
				return ok(make([]byte, 8)), d.Select
			}
			return fail(idcard.StatusSelectFailed), d.Select
		}
	case 0x30:
		switch cmd.PARA {
		case 0x01, 0x10:
			fp := cmd.PARA == 0x10
			s.record(cmd, "read")
			delay := d.Read
			if fp {
				delay = d.ReadFP
				if s.cfg.NoFingerprint {
					return fail(idcard.StatusUnauthorized), delay
				}
			}
			if !present || s.state < selected {
				return fail(idcard.StatusReadFailed), delay
			}
			if s.failReads > 0 {
				s.failReads--
				return idcard.EncodeResponse(0x6A, 0x82, idcard.StatusReadFailed, nil), delay
			}
			s.state = read
			data := s.readData(fp)
			if s.liftAfterRead {
				s.liftAfterRead = false
				s.card, s.text, s.state = nil, nil, absent
			}
			return ok(data), delay
		case 0x03:
			s.record(cmd, "appended address")
			if s.cfg.NoAppendedAddressCommand {
				return fail(idcard.StatusCommand), d.AppendedAddress
			}
			if !present || s.state < selected {
				gone := s.cfg.GoneStatus
				if gone == 0 {
					gone = idcard.StatusReadFailed
				}
				return fail(gone), d.AppendedAddress
			}
			if s.card.AppendedAddress == "" {
				return fail(idcard.StatusNoContent), d.AppendedAddress
			}
			field, err := textblock.EncodeString(s.card.AppendedAddress, 70)
			if err != nil {
				return fail(idcard.StatusReadFailed), d.AppendedAddress
			}
			return ok(field), d.AppendedAddress
		}
	case 0x60, 0x61:
		s.record(cmd, "configure")
		return ok(nil), d.SAM
	}
	s.record(cmd, "unknown")
	return fail(idcard.StatusCommand), 0
}

func (s *Simulator) record(c idcard.Command, name string) {
	c.Name = name
	s.log = append(s.log, c)
}

// readData builds the data of a 30 01 / 30 10 reply.
func (s *Simulator) readData(fp bool) []byte {
	photo := make([]byte, 1024)
	copy(photo, s.card.Photo)
	var d []byte
	d = append(d, byte(len(s.text)>>8), byte(len(s.text)), byte(len(photo)>>8), byte(len(photo)))
	if fp {
		n := len(s.card.Fingerprint)
		d = append(d, byte(n>>8), byte(n))
	}
	d = append(d, s.text...)
	d = append(d, photo...)
	if fp {
		d = append(d, s.card.Fingerprint...)
	}
	return d
}

// send writes a reply that starts at start, after applying any injected
// fault. With Baud set, each chunk is written when its last byte would have
// arrived on a real line, and the final byte exactly on time, so that a
// benchmark's floor is met to within microseconds rather than the
// millisecond a plain sleep may overshoot.
func (s *Simulator) send(ctx context.Context, port transport.Port, reply []byte, start time.Time) error {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	f := s.cfg.Faults
	switch r := s.rng.Float64(); {
	case s.dropReplies > 0:
		s.dropReplies--
		reply = nil
	case r < f.Drop:
		reply = nil
	case r < f.Drop+f.Truncate:
		reply = reply[:s.rng.IntN(len(reply))]
	case r < f.Drop+f.Truncate+f.Garble:
		reply = append([]byte(nil), reply...)
		for k := 1 + s.rng.IntN(3); k > 0; k-- {
			i := s.rng.IntN(len(reply))
			reply[i] ^= byte(1 + s.rng.IntN(255))
		}
	}
	s.mu.Unlock()
	const chunk = 64
	for off := 0; off < len(reply); off += chunk {
		end := min(off+chunk, len(reply))
		last := end == len(reply)
		at := start
		if s.cfg.Baud > 0 {
			at = start.Add(WireTime(end, s.cfg.Baud))
			if !last {
				// Early rather than late: a timer that fires late here
				// must not push the final byte past its time.
				at = at.Add(-2 * time.Millisecond)
			}
		}
		if !waitUntil(ctx, at, last) {
			return nil
		}
		if _, err := port.Write(reply[off:end]); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("idcardsim: write: %w", err)
		}
	}
	return nil
}

// WireTime is how long n bytes take on a serial line at baud with 8N1
// framing (10 bits per byte).
func WireTime(n, baud int) time.Duration {
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// lateBy rolls the late-reply die: how late this reply is, or 0.
func (s *Simulator) lateBy() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.cfg.Faults
	if f.Late > 0 && s.rng.Float64() < f.Late {
		return f.LateBy
	}
	return 0
}

// waitUntil waits until t. A precise wait sleeps to just before t and spins
// the rest, because timers may fire up to a millisecond late.
func waitUntil(ctx context.Context, t time.Time, precise bool) bool {
	const spin = 1500 * time.Microsecond
	d := time.Until(t)
	if precise {
		d -= spin
	}
	if d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return false
		}
	}
	for precise && time.Now().Before(t) {
		runtime.Gosched()
	}
	return ctx.Err() == nil
}
