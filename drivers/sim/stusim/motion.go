package stusim

import "math"

// tracePoint is a point of a stroke's dense path.
type tracePoint struct {
	p    pt      // tablet units
	w    float64 // pressure factor
	stop bool    // the pen comes to rest here (a corner)
}

// trace turns key points (already in tablet units) into a dense smooth
// path: separate curves between sharp corners, each a centripetal
// Catmull-Rom spline through its key points.
func trace(pts []pt, wts []float64, corner float64) []tracePoint {
	var out []tracePoint
	start := 0
	for i := 1; i < len(pts); i++ {
		last := i == len(pts)-1
		if !last && turn(pts[i-1], pts[i], pts[i+1]) < corner {
			continue
		}
		seg := catmullRom(pts[start:i+1], wts[start:i+1], 12)
		if len(out) > 0 {
			seg = seg[1:]
		}
		out = append(out, seg...)
		if !last {
			out[len(out)-1].stop = true
		}
		start = i
	}
	if len(out) == 0 && len(pts) > 0 {
		out = append(out, tracePoint{p: pts[0], w: wts[0]})
	}
	return out
}

// turn is the change of direction at b, in degrees.
func turn(a, b, c pt) float64 {
	a1 := math.Atan2(b.y-a.y, b.x-a.x)
	a2 := math.Atan2(c.y-b.y, c.x-b.x)
	d := math.Abs(a2 - a1)
	if d > math.Pi {
		d = 2*math.Pi - d
	}
	return d * 180 / math.Pi
}

// catmullRom samples a centripetal Catmull-Rom spline through pts, n points
// a span, with the weights interpolated linearly.
func catmullRom(pts []pt, wts []float64, n int) []tracePoint {
	if len(pts) == 1 {
		return []tracePoint{{p: pts[0], w: wts[0]}}
	}
	ext := make([]pt, 0, len(pts)+2)
	f, l := pts[0], pts[len(pts)-1]
	ext = append(ext, pt{2*f.x - pts[1].x, 2*f.y - pts[1].y})
	ext = append(ext, pts...)
	ext = append(ext, pt{2*l.x - pts[len(pts)-2].x, 2*l.y - pts[len(pts)-2].y})
	out := []tracePoint{{p: pts[0], w: wts[0]}}
	knot := func(a, b pt) float64 { return math.Max(math.Sqrt(math.Hypot(b.x-a.x, b.y-a.y)), 1e-3) }
	lerp := func(a, b pt, ta, tb, t float64) pt {
		u := (t - ta) / (tb - ta)
		return pt{a.x + (b.x-a.x)*u, a.y + (b.y-a.y)*u}
	}
	for i := 1; i+2 < len(ext); i++ {
		p0, p1, p2, p3 := ext[i-1], ext[i], ext[i+1], ext[i+2]
		t0 := 0.0
		t1 := t0 + knot(p0, p1)
		t2 := t1 + knot(p1, p2)
		t3 := t2 + knot(p2, p3)
		for k := 1; k <= n; k++ {
			t := t1 + (t2-t1)*float64(k)/float64(n)
			a1, a2, a3 := lerp(p0, p1, t0, t1, t), lerp(p1, p2, t1, t2, t), lerp(p2, p3, t2, t3, t)
			b1, b2 := lerp(a1, a2, t0, t2, t), lerp(a2, a3, t1, t3, t)
			c := lerp(b1, b2, t1, t2, t)
			u := float64(k) / float64(n)
			out = append(out, tracePoint{p: c, w: wts[i-1] + (wts[i]-wts[i-1])*u})
		}
	}
	return out
}

// timed is a dense path with the time the pen passes each point.
type timed struct {
	pts []tracePoint
	t   []float64 // seconds from the stroke's start
	v   []float64 // speed there, mm/s
}

// pace gives the pen a human velocity profile along path: at most vmax,
// slower in tight curves (speed ∝ radius^⅓, the two-thirds power law),
// at rest at the ends and at corners, and never accelerating faster than
// accel.
func pace(path []tracePoint, w writer, mmPerUnit float64) timed {
	n := len(path)
	v := make([]float64, n)
	ds := make([]float64, n) // mm from the previous point
	for i := 1; i < n; i++ {
		a, b := path[i-1].p, path[i].p
		ds[i] = math.Hypot(b.x-a.x, b.y-a.y) * mmPerUnit
	}
	for i := range v {
		if i == 0 || i == n-1 || path[i].stop {
			continue
		}
		r := radius(path[i-1].p, path[i].p, path[i+1].p) * mmPerUnit
		v[i] = math.Min(w.vmax, w.curveK*math.Cbrt(r))
	}
	for i := 1; i < n; i++ { // accelerate no faster than accel
		v[i] = math.Min(v[i], math.Sqrt(v[i-1]*v[i-1]+2*w.accel*ds[i]))
	}
	for i := n - 2; i >= 0; i-- { // and brake no harder
		v[i] = math.Min(v[i], math.Sqrt(v[i+1]*v[i+1]+2*w.accel*ds[i+1]))
	}
	t := make([]float64, n)
	for i := 1; i < n; i++ {
		avg := math.Max((v[i-1]+v[i])/2, 2)
		t[i] = t[i-1] + ds[i]/avg
		if path[i].stop {
			t[i] += 0.005 // a short rest at the corner
		}
	}
	return timed{path, t, v}
}

// radius is the radius of the circle through a, b and c (tablet units).
func radius(a, b, c pt) float64 {
	ab := math.Hypot(b.x-a.x, b.y-a.y)
	bc := math.Hypot(c.x-b.x, c.y-b.y)
	ca := math.Hypot(a.x-c.x, a.y-c.y)
	area2 := math.Abs((b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x))
	if area2 < 1e-9 {
		return 1e9
	}
	return ab * bc * ca / (2 * area2)
}

// at returns the point and pressure factor at time t (seconds) and the
// speed there.
func (s timed) at(t float64) (pt, float64, float64) {
	i, j := 0, len(s.t)-1
	if t <= s.t[0] {
		return s.pts[0].p, s.pts[0].w, s.v[0]
	}
	if t >= s.t[j] {
		return s.pts[j].p, s.pts[j].w, s.v[j]
	}
	for j-i > 1 {
		m := (i + j) / 2
		if s.t[m] <= t {
			i = m
		} else {
			j = m
		}
	}
	u := (t - s.t[i]) / math.Max(s.t[j]-s.t[i], 1e-9)
	a, b := s.pts[i], s.pts[j]
	return pt{a.p.x + (b.p.x-a.p.x)*u, a.p.y + (b.p.y-a.p.y)*u}, a.w + (b.w-a.w)*u, s.v[i] + (s.v[j]-s.v[i])*u
}
