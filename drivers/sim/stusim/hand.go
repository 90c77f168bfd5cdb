package stusim

import (
	"image"
	"math"
	"math/rand/v2"
)

// The virtual hand (hand.go, plan.go, geometry.go, motion.go): it lays out the glyphs of a text in line units, varies
// them as a person does, fits them into the handwriting area and moves the
// pen along them with a human velocity profile (slow in tight curves and
// at corners, faster on long sweeps), pressure that builds up and decays,
// tremor, and pen-up hover between strokes, sampled at 200 reports/s.

// writer is a person's way of writing, fixed per seed.
type writer struct {
	slantLatin float64 // shear: x shift per unit of height
	slantHan   float64
	drift      float64 // baseline rotation (radians)
	vmax       float64 // top pen speed, mm/s
	curveK     float64 // speed in curves: v = curveK · radius^(1/3), mm/s
	accel      float64 // mm/s²
	peak       float64 // peak pressure, fraction of the maximum
	tremor     float64 // tablet units
	pace       float64 // pen-up pauses, × typical
}

func newWriter(seed uint64) writer {
	r := rand.New(rand.NewPCG(seed, 0x3717))
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
	return writer{
		slantLatin: u(0.12, 0.3),
		slantHan:   u(0.02, 0.08),
		drift:      u(-0.03, 0.02),
		vmax:       u(150, 210),
		curveK:     u(55, 75),
		accel:      u(4000, 6000),
		peak:       u(0.5, 0.68),
		tremor:     u(1.0, 2.0),
		pace:       u(0.85, 1.2),
	}
}

// sampleStep is the time between two pen reports over USB (200/s).
const sampleStep = 0.005

// hand turns planned strokes into pen samples.
type hand struct {
	w    writer
	g    geometry
	c    Capability
	r    *rand.Rand
	out  []sample
	nx   float64 // tremor state
	ny   float64
	last pt // where the pen is (tablet units)
}

// write plans text and returns its pen samples, 5 ms apart: hovering in,
// the strokes with pen-up moves between them, hovering out, and a final
// out-of-proximity report.
func write(text string, w writer, r *rand.Rand, area image.Rectangle, c Capability) []sample {
	strokes := plan(text, w, r)
	if len(strokes) == 0 {
		return nil
	}
	h := &hand{w: w, g: fit(strokes, w, area, c), c: c, r: r}
	mm := 1 / h.g.mmPerUnit // tablet units per mm
	for i, s := range strokes {
		key := make([]pt, len(s.pts))
		for k, q := range s.pts {
			key[k] = h.g.toTablet(h.g.skew(q, s.han))
		}
		if i == 0 {
			h.last = pt{key[0].x + 6*mm + r.Float64()*4*mm, key[0].y + 8*mm}
			h.hover(key[0], 0.08)
		} else {
			h.hover(key[0], s.pause*w.pace)
		}
		corner := 110.0
		if s.han {
			corner = 60
		}
		h.touch(pace(trace(key, s.weight, corner), w, h.g.mmPerUnit), s.han)
	}
	h.hover(pt{h.last.x + 5*mm, h.last.y + 7*mm}, 0)
	h.out = append(h.out, sample{})
	return h.out
}

// emit adds one sample at q with tremor.
func (h *hand) emit(q pt, pressure float64, touch bool) {
	h.nx = 0.8*h.nx + h.r.NormFloat64()*h.w.tremor
	h.ny = 0.8*h.ny + h.r.NormFloat64()*h.w.tremor
	x := math.Round(math.Max(0, math.Min(h.g.maxX, q.x+h.nx)))
	y := math.Round(math.Max(0, math.Min(h.g.maxY, q.y+h.ny)))
	s := sample{x: uint16(x), y: uint16(y), rdy: true, touch: touch}
	if touch {
		s.pressure = uint16(math.Max(1, math.Min(float64(h.c.TabletMaxPressure), math.Round(pressure))))
	}
	h.out = append(h.out, s)
	h.last = q
}

// hover moves the lifted pen to q in a low arc, taking longer for longer
// moves, plus extra seconds of hesitation.
func (h *hand) hover(q pt, extra float64) {
	a := h.last
	d := math.Hypot(q.x-a.x, q.y-a.y) * h.g.mmPerUnit
	dur := (0.06+0.025*math.Sqrt(d))*h.w.pace + extra + 0.02*h.r.Float64()
	n := max(1, int(math.Round(dur/sampleStep)))
	for k := 1; k <= n; k++ {
		u := minJerk(float64(k) / float64(n))
		lift := math.Sin(math.Pi*u) * d * 0.04 / h.g.mmPerUnit
		h.emit(pt{a.x + (q.x-a.x)*u, a.y + (q.y-a.y)*u - lift}, 0, false)
	}
}

// touch writes one stroke: pressure builds up over the first tens of
// milliseconds, eases off towards the end, wavers slowly, and is a little
// higher where the pen moves slowly.
func (h *hand) touch(s timed, han bool) {
	total := s.t[len(s.t)-1]
	peak := h.w.peak * float64(h.c.TabletMaxPressure) * (1 + h.r.NormFloat64()*0.06)
	phase := h.r.Float64() * 2 * math.Pi
	n := int(math.Ceil(total/sampleStep)) + 1
	riseT, fallT := math.Min(0.035, total*0.3), math.Min(0.05, total*0.4)
	for k := 0; k < n; k++ {
		t := math.Min(float64(k)*sampleStep, total)
		q, wt, v := s.at(t)
		rise := 0.3 + 0.7*smoothstep(t/math.Max(riseT, 1e-3))
		if han {
			rise += 0.12 * math.Exp(-math.Pow((t-0.04)/0.02, 2)) // the pressed start of a brush-like stroke
		}
		fall := 0.35 + 0.65*smoothstep((total-t)/math.Max(fallT, 1e-3))
		p := peak * wt * rise * fall * (1 + 0.06*math.Sin(2*math.Pi*t/0.4+phase)) * (1.1 - 0.2*math.Min(v/h.w.vmax, 1))
		h.emit(q, p+h.r.NormFloat64()*5, true)
	}
}

func smoothstep(x float64) float64 {
	x = math.Max(0, math.Min(1, x))
	return x * x * (3 - 2*x)
}

// minJerk is the minimum-jerk position profile from 0 to 1.
func minJerk(u float64) float64 {
	return u * u * u * (10 - 15*u + 6*u*u)
}
