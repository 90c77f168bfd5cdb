package wacomstu

import "time"

const (
	countWrap = 1 << 16 // the time count wraps after 65,536 ms
	halfWrap  = countWrap / 2
	// jumpSlack is how much further the pad's count may advance between
	// two reports than the host's clock did before the count is taken to
	// have jumped. Reports that queued up arrive together (the host sees
	// no time pass, the count 5 ms a report), so only more than a second
	// of difference is a jump, or a count that ran backwards.
	jumpSlack = 1000
)

// Clock turns the pad's 16-bit millisecond time counts into host times.
// The first count seen is anchored to the host time it arrived at; later
// counts advance from there by the pad's own clock, unwrapped across its
// wrap every 65.5 s. A pause longer than a wrap (the pen away for minutes)
// is resolved with the host's clock, which says how many wraps were
// missed. A step in which the count ran backwards (a repeated or
// reordered report, a pad that restarted its count) or jumped ahead by
// more than a second beyond the host's clock advances by the host's clock
// instead. The times returned never decrease. The zero Clock is ready; it
// is not safe for concurrent use.
type Clock struct {
	started   bool
	anchor    time.Time // host time of elapsed 0
	elapsed   int64     // pad milliseconds since the anchor
	lastCount uint16
	lastHost  time.Time
}

// Reset forgets the anchor: the next count is anchored anew.
func (c *Clock) Reset() { *c = Clock{} }

// Time returns the host time of a sample whose time count is count and
// which arrived at host.
func (c *Clock) Time(count uint16, host time.Time) time.Time {
	if !c.started {
		*c = Clock{started: true, anchor: host, lastCount: count, lastHost: host}
		return host
	}
	d := int64(uint16(count - c.lastCount))
	hostD := max(host.Sub(c.lastHost).Milliseconds(), 0)
	switch {
	case hostD > d+halfWrap:
		// Whole wraps passed unseen: add as many as the host's clock says.
		d += (hostD - d + halfWrap) / countWrap * countWrap
	case d > hostD+jumpSlack:
		// The count jumped or ran backwards: follow the host for this step.
		d = hostD
	}
	c.elapsed += d
	c.lastCount, c.lastHost = count, host
	return c.anchor.Add(time.Duration(c.elapsed) * time.Millisecond)
}

// Sequence counts the reports missing from a stream of 16-bit sequence
// numbers. The zero Sequence is ready; it is not safe for concurrent use.
type Sequence struct {
	started bool
	last    uint16
	dropped uint64
}

// Reset forgets the last number seen (the count of dropped reports stays).
func (s *Sequence) Reset() { s.started = false }

// Observe takes the next sequence number and returns how many reports are
// missing before it, and whether it is fresh: a number equal to the last
// one is a report delivered twice (not fresh, none missing). One that runs
// backwards (the pad restarted its counter, or a report came out of
// order) counts none missing.
func (s *Sequence) Observe(seq uint16) (missing int, fresh bool) {
	if !s.started {
		s.started, s.last = true, seq
		return 0, true
	}
	gap := uint16(seq - s.last)
	if gap == 0 {
		return 0, false
	}
	s.last = seq
	if gap >= halfWrap {
		return 0, true
	}
	s.dropped += uint64(gap - 1)
	return int(gap - 1), true
}

// Dropped is how many reports were missing in total.
func (s *Sequence) Dropped() uint64 { return s.dropped }
