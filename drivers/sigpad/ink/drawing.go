package ink

import (
	"fmt"
	"math"
)

// Drawing is the geometry of a signature: one closed outline per stroke,
// its vertices on a 1/50-pixel grid. SVG and PNG render it.
type Drawing struct {
	opt   Options
	paths [][]ipt
}

// ipt is an outline vertex in hundredths of a pixel (always even: the
// grid is 1/50 px, so the midpoints the curves pass through are whole
// hundredths).
type ipt struct{ x, y int32 }

// Draw computes the drawing of samples, made on pad, with opt. It fails
// only on a bad pad, bad options or more than MaxSamples samples; any
// sample values are fine (they are clamped into the pad).
func Draw(samples []Sample, pad Pad, opt Options) (*Drawing, error) {
	l, err := opt.layout(pad)
	if err != nil {
		return nil, err
	}
	if len(samples) > MaxSamples {
		return nil, fmt.Errorf("%w: %d samples, at most %d", ErrSamples, len(samples), MaxSamples)
	}
	st := strokes(samples, pad)
	simulate := pad.MaxPressure == 0 || !hasPressure(st)
	d := &Drawing{opt: l.opt}
	for _, s := range st {
		if p := l.quantize(outline(l.centerline(s, pad, simulate))); len(p) >= 3 {
			d.paths = append(d.paths, p)
		}
	}
	return d, nil
}

// Options are the options the drawing was made with, every default
// filled in.
func (d *Drawing) Options() Options { return d.opt }

// Strokes is how many outlines the drawing has.
func (d *Drawing) Strokes() int { return len(d.paths) }

// quantize puts the outline on the 1/50-pixel grid, clamped to a margin
// around the picture, without repeated vertices.
func (l *layout) quantize(pts []vec) []ipt {
	const margin = 10000 // 100 px, wider than any stroke
	maxX, maxY := float64(l.w*100+margin), float64(l.h*100+margin)
	q := func(v, hi float64) int32 {
		if math.IsNaN(v) {
			v = 0
		}
		v = math.Round(mul(v, 50)) * 2
		return int32(max(-margin, min(v, hi)))
	}
	out := make([]ipt, 0, len(pts))
	for _, p := range pts {
		v := ipt{q(p.x, maxX), q(p.y, maxY)}
		if n := len(out); n > 0 && out[n-1] == v {
			continue
		}
		out = append(out, v)
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	return out
}
