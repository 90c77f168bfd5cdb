package ink

import (
	"errors"
	"fmt"
)

// Sample is one report of the pen: [t_ms, x, y, pressure, sw] — the time
// in milliseconds (from the first sample, or any origin), the position and
// the pressure in the pad's units, and the tip switch (0: the pen is up).
type Sample [5]int64

// The positions of the values in a Sample.
const (
	SampleT = iota
	SampleX
	SampleY
	SamplePressure
	SampleSwitch
)

// Pad is the range of a pad's reports: X runs from 0 to MaxX, Y from 0 to
// MaxY (down), the pressure from 0 to MaxPressure (0: the device reports no
// pressure).
type Pad struct {
	MaxX, MaxY, MaxPressure int64
}

// Limits of what Draw and ISO19794_7 accept.
const (
	// MaxExtent is the largest MaxX, MaxY and MaxPressure.
	MaxExtent = 1 << 20
	// MaxSamples is the most samples one call takes: 22 minutes of
	// reports at 200 a second. (Drawing costs, for each stroke, the area
	// of the box around it, so the worst case is many long strokes.)
	MaxSamples = 1 << 18
)

// Errors of the input; the returned errors wrap them with the detail.
var (
	ErrPad     = errors.New("ink: bad pad")
	ErrOptions = errors.New("ink: bad options")
	ErrSamples = errors.New("ink: bad samples")
)

func (p Pad) check() error {
	if p.MaxX < 1 || p.MaxX > MaxExtent || p.MaxY < 1 || p.MaxY > MaxExtent {
		return fmt.Errorf("%w: MaxX and MaxY must be 1 to %d, not %d and %d", ErrPad, MaxExtent, p.MaxX, p.MaxY)
	}
	if p.MaxPressure < 0 || p.MaxPressure > MaxExtent {
		return fmt.Errorf("%w: MaxPressure must be 0 to %d, not %d", ErrPad, MaxExtent, p.MaxPressure)
	}
	return nil
}

// penPoint is a pen-down sample, clamped into the pad.
type penPoint struct {
	t, x, y, p int64
}

func clamp64(v, lo, hi int64) int64 {
	return max(lo, min(v, hi))
}

// strokes splits samples into runs of pen-down samples (sw != 0), each
// clamped into the pad. A hover sample ends a stroke.
func strokes(samples []Sample, pad Pad) [][]penPoint {
	var out [][]penPoint
	var cur []penPoint
	for _, s := range samples {
		if s[SampleSwitch] == 0 {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, penPoint{
			t: s[SampleT],
			x: clamp64(s[SampleX], 0, pad.MaxX),
			y: clamp64(s[SampleY], 0, pad.MaxY),
			p: clamp64(s[SamplePressure], 0, pad.MaxPressure),
		})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// hasPressure reports whether any pen-down sample carries a pressure above
// zero; without one, the pressure is simulated from the speed.
func hasPressure(strokes [][]penPoint) bool {
	for _, st := range strokes {
		for _, p := range st {
			if p.p > 0 {
				return true
			}
		}
	}
	return false
}
