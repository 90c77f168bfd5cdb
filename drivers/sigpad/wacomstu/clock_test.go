package wacomstu

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	ms := func(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
	var c Clock
	for i, step := range []struct {
		count uint16
		host  time.Duration // arrival, after t0
		want  time.Duration // result, after t0
	}{
		{65000, 3 * time.Millisecond, 3 * time.Millisecond}, // the anchor: host time
		{65005, ms(9), ms(8)},                               // the pad's 5 ms, not the host's 6
		{100, ms(650), ms(3 + 636)},                         // wrapped during a 0.6 s pause
		{100 + 40000, ms(40650), ms(3 + 40636)},             // 40 s in one step
		{100 + 40000 + 6000, ms(46650), ms(3 + 46636)},      // wrap inside the step (40100+6000 > 65535)
		// 70 s with no reports: one whole wrap unseen, resolved by the host.
		{uint16((100 + 46000 + 70000) % 65536), ms(116650), ms(3 + 116636)},
		// The count jumps by 15 s in 50 ms: that step follows the host.
		{5, ms(116700), ms(3 + 116636 + 50)},
		{10, ms(116706), ms(3 + 116636 + 55)},
		// One step back (a reordered report) likewise: times never decrease.
		{8, ms(116710), ms(3 + 116636 + 59)},
		{8, ms(116711), ms(3 + 116636 + 59)}, // a repeat adds nothing
		// A backlog read at once: the pad's 5 ms steps, not the host's 0.
		{13, ms(116711), ms(3 + 116636 + 64)},
		{18, ms(116711), ms(3 + 116636 + 69)},
	} {
		got := c.Time(step.count, t0.Add(step.host)).Sub(t0)
		if got != step.want {
			t.Fatalf("step %d (count %d): %v, want %v", i, step.count, got, step.want)
		}
	}
	c.Reset()
	if got := c.Time(7, t0); !got.Equal(t0) {
		t.Fatalf("after Reset: %v", got)
	}
}

func TestSequence(t *testing.T) {
	var s Sequence
	for i, step := range []struct {
		seq     uint16
		missing int
		fresh   bool
	}{
		{1, 0, true}, {2, 0, true}, {5, 2, true},
		{5, 0, false},                  // delivered twice
		{65534, 0, true},               // backwards by more than half: the counter restarted
		{65535, 0, true}, {1, 1, true}, // across the wrap: 0 is missing
		{0, 0, true}, // one step back: out of order, none missing
	} {
		missing, fresh := s.Observe(step.seq)
		if missing != step.missing || fresh != step.fresh {
			t.Fatalf("step %d (%d): %d missing, fresh %v", i, step.seq, missing, fresh)
		}
	}
	if s.Dropped() != 3 {
		t.Fatalf("dropped %d", s.Dropped())
	}
	s.Reset()
	if m, f := s.Observe(40000); m != 0 || !f || s.Dropped() != 3 {
		t.Fatal("Reset")
	}
}
