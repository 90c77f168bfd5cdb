package stusim

import (
	"math"
	"math/rand/v2"
)

// planStroke is one pen-down movement, in line units (y down, baseline 0,
// x-height 1).
type planStroke struct {
	pts    []pt
	weight []float64 // pressure factor at each key point (connectors are light)
	han    bool
	pause  float64 // extra pen-up time before it, seconds
}

const (
	hanSize = 2.6  // a Han character's box, in line units
	hanTop  = -2.2 // where the box starts above the baseline
)

// plan lays the text out as pen-down strokes in writing order.
func plan(text string, w writer, r *rand.Rand) []planStroke {
	var (
		out      []planStroke
		open     = -1 // index of a stroke the next lowercase letter runs on from
		late     []planStroke
		x        float64
		pause    float64
		prevHan  bool
		anything bool
	)
	gauss := func(sd float64) float64 { return r.NormFloat64() * sd }
	flushWord := func() {
		open = -1
		for i := range late {
			late[i].pause += 0.08
		}
		out = append(out, late...)
		late = nil
	}
	for _, ch := range text {
		g, ok := glyphFor(ch)
		if !ok {
			flushWord()
			if anything {
				x += 0.9
				pause += 0.25
			}
			continue
		}
		anything = true
		// How this one comes out: size, tilt and height vary a little.
		sc := 1 + gauss(0.04)
		rot := gauss(0.03)
		dy := gauss(0.05)
		jit := 0.025
		var place func(pt) pt
		var cx, cy float64
		if g.han {
			flushWord()
			if x > 0 && !prevHan {
				x += 0.3
			}
			cx, cy = x+hanSize/2, hanTop+hanSize/2
			ox := x
			place = func(q pt) pt { return pt{ox + q.x*hanSize, hanTop + q.y*hanSize} }
			jit = 0.035
		} else {
			if prevHan {
				x += 0.4
			}
			cx, cy = x+g.adv/2, -0.5
			ox := x
			place = func(q pt) pt { return pt{ox + q.x, -q.y} }
		}
		sin, cos := math.Sincos(rot)
		tf := func(q pt) pt {
			q = place(q)
			dx, dy2 := (q.x-cx)*sc, (q.y-cy)*sc
			return pt{cx + dx*cos - dy2*sin + gauss(jit), cy + dx*sin + dy2*cos + dy + gauss(jit)}
		}
		build := func(src []pt) planStroke {
			s := planStroke{han: g.han}
			for _, q := range bow(src, r) {
				s.pts = append(s.pts, tf(q))
				s.weight = append(s.weight, 1)
			}
			return s
		}
		if g.han {
			pause += 0.1 + 0.1*r.Float64()
			first := true
			for i, src := range g.strokes {
				s := build(src)
				// Cursive: now and then the pen stays down from the end of
				// one stroke to the start of the next when they are close.
				if !first && i > 0 && near(g.strokes[i-1], src, 0.4) && r.Float64() < 0.3 {
					prev := &out[len(out)-1]
					a, b := prev.pts[len(prev.pts)-1], s.pts[0]
					mid := pt{(a.x+b.x)/2 + gauss(0.05), (a.y+b.y)/2 - 0.08}
					prev.pts = append(prev.pts, mid)
					prev.weight = append(prev.weight, 0.35)
					prev.pts = append(prev.pts, s.pts...)
					prev.weight = append(prev.weight, s.weight...)
					continue
				}
				s.pause = pause
				pause = 0
				out = append(out, s)
				first = false
			}
			x += hanSize*g.adv + 0.5 + gauss(0.1)
			prevHan = true
			continue
		}
		prevHan = false
		for i, src := range g.strokes {
			s := build(src)
			if i == 0 && g.lower && open >= 0 {
				prev := &out[open]
				prev.pts = append(prev.pts, s.pts...)
				prev.weight = append(prev.weight, s.weight...)
				continue
			}
			s.pause = pause
			pause = 0
			out = append(out, s)
		}
		open = -1
		if g.joinOut && len(g.strokes) > 0 {
			open = len(out) - 1
		}
		for _, src := range g.late {
			late = append(late, build(src))
		}
		x += g.adv*(1+gauss(0.04)) + 0.06
	}
	flushWord()
	return out
}

// bow bends a two-point stroke a little: nobody draws a ruler-straight
// line.
func bow(src []pt, r *rand.Rand) []pt {
	if len(src) != 2 {
		return src
	}
	a, b := src[0], src[1]
	dx, dy := b.x-a.x, b.y-a.y
	k := r.NormFloat64() * 0.03
	return []pt{a, {(a.x+b.x)/2 - dy*k, (a.y+b.y)/2 + dx*k}, b}
}

// near reports whether stroke b starts within d of where a ends.
func near(a, b []pt, d float64) bool {
	e, s := a[len(a)-1], b[0]
	return math.Hypot(e.x-s.x, e.y-s.y) < d
}
