package ink

import "math"

// Tuning of the centre line. Changing any of them changes the drawing:
// that is a new Renderer.
const (
	// streamline is the weight of a new position against the smoothed
	// one before it, in each of the two passes (perfect-freehand's
	// 0.15 + (1 − streamline)·0.85 with streamline 0.6).
	streamline = 0.49
	// smoothFar is the least distance, in pixels, from which on reports
	// are not smoothed at all (see smoothVecs).
	smoothFar = 8.0
	// pressureFollow is the same weight for the pressure.
	pressureFollow = 0.35
	// minStep is the shortest distance, in pixels, between two points of
	// the centre line that are both kept.
	minStep = 0.5
	// simulatedSpeed is the speed, in pixels per millisecond for a
	// picture whose longer side is DefaultSide, at which a simulated
	// pressure is one half.
	simulatedSpeed = 0.6
	// taperTip is how much of its width a stroke keeps at its very ends.
	taperTip = 0.5
	// taperWidths is how long the taper is, in maximum stroke widths (at
	// most 40% of the stroke's length).
	taperWidths = 2.5
	// maxGap is the longest a segment of the centre line may be, in
	// pixels: longer ones (sparse input) are cut up along a curve through
	// the reports.
	maxGap = 1.5
	// maxPieces is the most pieces one segment is cut into.
	maxPieces = 24
	// minRadius is the thinnest a stroke gets, in pixels.
	minRadius = 0.05
)

// node is a point of a stroke's smoothed centre line and the stroke's
// radius there.
type node struct {
	p vec
	r float64
}

// centerline turns one stroke's pen points into its smoothed centre line
// with a radius at each point.
func (l *layout) centerline(st []penPoint, pad Pad, simulate bool) []node {
	n := len(st)
	pos := make([]vec, n)
	pr := make([]float64, n)
	for i, q := range st {
		pos[i] = vec{l.ox + mul(float64(q.x), l.scale), l.oy + mul(float64(q.y), l.scale)}
		if !simulate {
			pr[i] = float64(q.p) / float64(pad.MaxPressure)
		}
	}
	if simulate {
		l.simulatePressure(st, pos, pr)
	}
	// Reports in whole pad units carry up to half a unit of rounding:
	// where a unit is a good part of a pixel (a screen), smooth over
	// longer distances.
	smoothVecs(pos, streamline, max(1, 2*l.scale), max(smoothFar, 16*l.scale))
	smooth(pr, pressureFollow)

	// Keep the points at least minStep apart; the last point stays.
	nodes := make([]node, 0, n)
	nodes = append(nodes, node{p: pos[0], r: pr[0]})
	for i := 1; i < n; i++ {
		if dist(nodes[len(nodes)-1].p, pos[i]) >= minStep {
			nodes = append(nodes, node{p: pos[i], r: pr[i]})
		} else if i == n-1 && len(nodes) > 1 {
			nodes[len(nodes)-1] = node{p: pos[i], r: pr[i]}
		}
	}

	nodes = subdivide(nodes)

	// The radius follows the pressure (held in r until now); then the
	// ends taper.
	total := 0.0
	cum := make([]float64, len(nodes))
	for i := 1; i < len(nodes); i++ {
		total += dist(nodes[i-1].p, nodes[i].p)
		cum[i] = total
	}
	taper := min(mul(taperWidths, 2*l.maxR), mul(total, 0.4))
	for i := range nodes {
		r := lerp(l.minR, l.maxR, pressureCurve(nodes[i].r))
		if len(nodes) == 1 {
			// A tap: a dot looks smaller than a line of its width, and
			// a pen pressed down spreads its ink.
			r = lerp(r, l.maxR, 0.5)
		}
		if len(nodes) > 1 && taper > 0 {
			f := min(taperFactor(cum[i]/taper), taperFactor((total-cum[i])/taper))
			r = mul(r, f)
		}
		nodes[i].r = max(r, minRadius)
	}
	return nodes
}

// pressureCurve maps a pressure (0…1) to how far the width goes from
// MinWidth to MaxWidth.
func pressureCurve(p float64) float64 {
	return max(0, min(p, 1))
}

// taperFactor is the share of its width a stroke has at u (0 at the tip,
// 1 at the taper's end and beyond), eased out.
func taperFactor(u float64) float64 {
	if !(u < 1) {
		return 1
	}
	u = max(u, 0)
	return lerp(taperTip, 1, mul(u, 2-u))
}

// simulatePressure fills pr from the pen's speed: slow is heavy, fast is
// light.
func (l *layout) simulatePressure(st []penPoint, pos []vec, pr []float64) {
	ref := mul(simulatedSpeed, float64(max(l.w, l.h))/DefaultSide)
	for i := range st {
		j := max(i, 1)
		if j >= len(st) {
			pr[i] = 0.5
			continue
		}
		dt := float64(clamp64(st[j].t-st[j-1].t, 1, 1000))
		v := dist(pos[j-1], pos[j]) / dt
		pr[i] = ref / (ref + v)
	}
}

// smooth runs an exponential filter over v forwards, then backwards, so
// the result does not lag; the ends stay where they are.
func smooth(v []float64, k float64) {
	n := len(v)
	if n < 3 {
		return
	}
	first, last := v[0], v[n-1]
	for i := 1; i < n; i++ {
		v[i] = lerp(v[i-1], v[i], k)
	}
	v[n-1] = last
	for i := n - 2; i >= 0; i-- {
		v[i] = lerp(v[i+1], v[i], k)
	}
	v[0] = first
}

// smoothVecs is smooth for points, with a weight that grows with the
// distance to the point: reports near pixels or less apart (a pad's, at
// the usual sizes) are smoothed with weight k, reports far pixels apart or
// more (a slow screen capture's) not at all, so that sparse input keeps
// its corners and curves.
func smoothVecs(v []vec, k, near, far float64) {
	n := len(v)
	if n < 3 {
		return
	}
	weight := func(a, b vec) float64 {
		u := max(0, min((dist(a, b)-near)/(far-near), 1))
		return lerp(k, 1, u)
	}
	first, last := v[0], v[n-1]
	for i := 1; i < n; i++ {
		v[i] = v[i-1].lerp(v[i], weight(v[i-1], v[i]))
	}
	v[n-1] = last
	for i := n - 2; i >= 0; i-- {
		v[i] = v[i+1].lerp(v[i], weight(v[i+1], v[i]))
	}
	v[0] = first
}

// subdivide cuts every segment longer than maxGap into pieces along the
// centripetal Catmull-Rom spline through the nodes (which passes through
// each report, makes no loops or cusps of its own, and keeps sharp turns
// sharp); the pressure (in r) is interpolated linearly.
func subdivide(nd []node) []node {
	n := len(nd)
	if n < 2 {
		return nd
	}
	at := func(i int) vec {
		switch {
		case i < 0:
			return nd[0].p.add(nd[0].p.sub(nd[1].p))
		case i >= n:
			return nd[n-1].p.add(nd[n-1].p.sub(nd[n-2].p))
		}
		return nd[i].p
	}
	out := make([]node, 0, n)
	for i := 0; i+1 < n; i++ {
		out = append(out, nd[i])
		p0, p1, p2, p3 := at(i-1), at(i), at(i+1), at(i+2)
		l := dist(p1, p2)
		if !(l > maxGap) {
			continue
		}
		pieces := min(maxPieces, int(l/maxGap)+1)
		// Knots spaced by the square root of the distances.
		t0 := 0.0
		t1 := t0 + knot(p0, p1)
		t2 := t1 + knot(p1, p2)
		t3 := t2 + knot(p2, p3)
		for k := 1; k < pieces; k++ {
			u := float64(k) / float64(pieces)
			t := lerp(t1, t2, u)
			a1 := p0.lerp(p1, (t-t0)/(t1-t0))
			a2 := p1.lerp(p2, (t-t1)/(t2-t1))
			a3 := p2.lerp(p3, (t-t2)/(t3-t2))
			b1 := a1.lerp(a2, (t-t0)/(t2-t0))
			b2 := a2.lerp(a3, (t-t1)/(t3-t1))
			out = append(out, node{p: b1.lerp(b2, (t-t1)/(t2-t1)), r: lerp(nd[i].r, nd[i+1].r, u)})
		}
	}
	return append(out, nd[n-1])
}

// knot is the centripetal spline's knot spacing: the square root of the
// distance, and never 0 (nodes are at least minStep apart, the mirrored
// end points as far from their neighbours).
func knot(a, b vec) float64 {
	return max(math.Sqrt(dist(a, b)), 1e-6)
}
