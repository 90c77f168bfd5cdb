package ink

import (
	"math"
	"math/rand/v2"
)

// A synthetic pen, for tests: it writes handwriting-like strokes on a
// Wacom STU-540-sized pad (10175 × 7631 units, pressure 0…1023) at 200
// reports a second, with a minimum-jerk speed profile along each stroke,
// a pressure that rises and falls, a little tremor, and hover reports
// between strokes.
type synthPen struct {
	rng     *rand.Rand
	t       int64
	samples []Sample
	last    [2]float64
	noPress bool // report pressure 0, as a device without pressure
}

var stu540 = Pad{MaxX: 10175, MaxY: 7631, MaxPressure: 1023}

func newPen(seed uint64) *synthPen {
	return &synthPen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// stroke writes the curve f (τ from 0 to 1, in pad units) in ms
// milliseconds with peak pressure peak (0…1).
func (p *synthPen) stroke(f func(tau float64) (x, y float64), ms int, peak float64) {
	x0, y0 := f(0)
	p.hover(x0, y0)
	n := max(1, ms/5)
	for i := 0; i <= n; i++ {
		u := float64(i) / float64(n)
		tau := u * u * u * (10 - 15*u + 6*u*u) // minimum jerk
		x, y := f(tau)
		x += p.rng.NormFloat64() * 1.5
		y += p.rng.NormFloat64() * 1.5
		pr := peak * math.Pow(math.Sin(math.Pi*(0.08+0.84*u)), 0.6) * (1 + 0.06*p.rng.NormFloat64())
		if n == 1 {
			pr = peak
		}
		p.emit(x, y, pr, 1)
	}
	p.t += 5
	lx, ly := p.last[0], p.last[1]
	p.emit(lx, ly, 0, 0)
}

// dot is a tap: one or two reports with the pen down.
func (p *synthPen) dot(x, y float64, reports int, peak float64) {
	p.hover(x, y)
	for range reports {
		p.emit(x, y, peak, 1)
	}
	p.emit(x, y, 0, 0)
}

// hover moves the pen, up, to (x, y) in about 150 ms.
func (p *synthPen) hover(x, y float64) {
	if len(p.samples) == 0 {
		p.last = [2]float64{x, y}
	}
	fx, fy := p.last[0], p.last[1]
	for i := 1; i <= 30; i++ {
		u := float64(i) / 30
		p.emit(fx+(x-fx)*u, fy+(y-fy)*u, 0, 0)
	}
}

func (p *synthPen) emit(x, y, pr float64, sw int64) {
	pressure := int64(math.Round(max(0, min(pr, 1)) * 1023))
	if p.noPress {
		pressure = 0
	}
	p.samples = append(p.samples, Sample{p.t, int64(math.Round(x)), int64(math.Round(y)), pressure, sw})
	p.last = [2]float64{x, y}
	p.t += 5
}

// cursive writes a Latin-looking signature: a capital with a loop, a run
// of loops and arches with a slant, a t-bar and an i-dot.
func cursive(seed uint64) []Sample {
	p := newPen(seed)
	// Capital: a tall loop.
	p.stroke(func(t float64) (float64, float64) {
		a := 2 * math.Pi * t * 1.15
		return 1500 + 700*math.Sin(a) + 900*t, 4200 - 1800*math.Sin(a/2+0.2) + 300*math.Cos(a)
	}, 700, 0.75)
	// Lower case run: prolate cycloid loops with a slant.
	p.stroke(func(t float64) (float64, float64) {
		w := t * 6 * 2 * math.Pi
		x := 2600 + 4600*t - 260*math.Sin(w)
		y := 4300 - 520*(1-math.Cos(w))/2*(1+0.4*math.Sin(t*7)) + 200*t
		return x - 0.25*(y-4300), y
	}, 1900, 0.6)
	// t-bar, fast and light.
	p.stroke(func(t float64) (float64, float64) { return 5200 + 1400*t, 3500 - 150*t }, 160, 0.35)
	// i-dot.
	p.dot(6400, 3300, 2, 0.55)
	// Underline flourish with a sharp turn back.
	p.stroke(func(t float64) (float64, float64) {
		if t < 0.7 {
			u := t / 0.7
			return 1700 + 6000*u, 5400 + 300*math.Sin(u*math.Pi)
		}
		u := (t - 0.7) / 0.3
		return 7700 - 2500*u, 5400 - 500*u
	}, 900, 0.5)
	return p.samples
}

// hanzi writes a signature of Chinese-looking characters: straight 横 and
// 竖, curved 撇 and 捺, 点 and a 钩 (a sharp hook).
func hanzi(seed uint64) []Sample {
	p := newPen(seed)
	line := func(x0, y0, x1, y1 float64, ms int, peak float64) {
		p.stroke(func(t float64) (float64, float64) { return x0 + (x1-x0)*t, y0 + (y1-y0)*t }, ms, peak)
	}
	for c := 0; c < 3; c++ {
		ox := 1200 + float64(c)*2700
		// 横 ×2 with a slight rise.
		line(ox, 2400, ox+1700, 2300, 280, 0.7)
		line(ox+200, 3600, ox+1500, 3520, 240, 0.65)
		// 竖 with a 钩 at the end: down, then a sharp flick up-left.
		p.stroke(func(t float64) (float64, float64) {
			if t < 0.85 {
				return ox + 850, 1700 + 3400*t/0.85
			}
			u := (t - 0.85) / 0.15
			return ox + 850 - 350*u, 5100 - 300*u
		}, 520, 0.8)
		// 撇: down-left, curving.
		p.stroke(func(t float64) (float64, float64) {
			return ox + 700 - 900*t*t, 3700 + 1300*t
		}, 300, 0.6)
		// 捺: down-right, heavier at the end.
		p.stroke(func(t float64) (float64, float64) {
			return ox + 950 + 900*t, 3800 + 1100*t*t
		}, 380, 0.85)
		// 点.
		p.dot(ox+400, 1500, 3, 0.6)
	}
	return p.samples
}

// scribble is a fast signature with zigzags (sharp turns), a tight loop
// and a long tail: the shapes where outlines break first.
func scribble(seed uint64) []Sample {
	p := newPen(seed)
	p.stroke(func(t float64) (float64, float64) {
		// Zigzag: triangle wave, 7 teeth.
		tri := math.Abs(math.Mod(t*7, 1)*2-1)*2 - 1
		return 1000 + 4500*t, 3500 + 1300*tri
	}, 1100, 0.7)
	p.stroke(func(t float64) (float64, float64) {
		a := 2 * math.Pi * t * 3
		r := 500 * (1 - 0.5*t)
		return 6200 + r*math.Cos(a) + 1800*t, 3500 + r*math.Sin(a)
	}, 1000, 0.55)
	p.stroke(func(t float64) (float64, float64) {
		return 1000 + 8000*t, 5600 - 800*math.Sin(t*math.Pi*1.5)
	}, 600, 0.4)
	return p.samples
}
