package ink

const (
	// cosSmooth is the cosine of the largest turn, between two segments of
	// the centre line, that gets a plain (mitred) join; a sharper turn
	// gets a round join on its outer side.
	cosSmooth = 0.86602540378443864676 // cos 30°
	// cosHalfStep is the cosine of half a table angle (π/32): an arc
	// point this close to the arc's end is left out.
	cosHalfStep = 0.99518472667219688624
	// sideStep is the shortest distance, in pixels, between two points
	// kept on one side of an outline.
	sideStep = 0.4
	// flatness is how far, in pixels, a vertex may be from the line
	// between its neighbours and still be dropped as adding nothing.
	flatness = 0.08
)

// outline is the closed outline of one stroke: its left side forwards,
// the round cap at its end, its right side backwards, the round cap at its
// start. A stroke of one node is a disc.
func outline(nd []node) []vec {
	n := len(nd)
	if n == 1 {
		return disc(nd[0].p, nd[0].r)
	}
	dir := make([]vec, n-1)
	prev := vec{1, 0}
	for i := range dir {
		if d, ok := nd[i+1].p.sub(nd[i].p).unit(); ok {
			prev = d
		}
		dir[i] = prev
	}
	var left, right side
	for i := 0; i < n; i++ {
		p, r := nd[i].p, nd[i].r
		if i == 0 || i == n-1 {
			nn := dir[min(i, n-2)].perp().scale(r)
			left.push(p.add(nn))
			right.push(p.sub(nn))
			continue
		}
		din, dout := dir[i-1], dir[i]
		nin, nout := din.perp(), dout.perp()
		if dot(din, dout) >= cosSmooth {
			// A gentle turn: offset along the mean normal, lengthened so
			// the stroke keeps its width through the bend.
			t, _ := din.add(dout).unit()
			nn := t.perp()
			off := nn.scale(r / dot(nn, nin))
			left.push(p.add(off))
			right.push(p.sub(off))
			continue
		}
		// A sharp turn: the inner side takes one point between the two
		// normals, the outer side goes round the corner.
		inner := nin.add(nout).scale(r / 2)
		if cross(din, dout) >= 0 {
			left.push(p.add(inner))
			right.push(p.sub(nin.scale(r)))
			right.arc(p, r, nin.neg(), nout.neg(), 1)
			right.push(p.sub(nout.scale(r)))
		} else {
			left.push(p.add(nin.scale(r)))
			left.arc(p, r, nin, nout, -1)
			left.push(p.add(nout.scale(r)))
			right.push(p.sub(inner))
		}
	}
	out := left
	last, nEnd := nd[n-1], dir[n-2].perp()
	out.arc(last.p, last.r, nEnd, nEnd.neg(), -1)
	for i := len(right) - 1; i >= 0; i-- {
		out.push(right[i])
	}
	first, nStart := nd[0], dir[0].perp()
	out.arc(first.p, first.r, nStart.neg(), nStart, -1)
	return simplify(out)
}

// simplify drops the vertices that lie within flatness of the straight
// line from the vertex kept before them to the vertex after them.
func simplify(pts []vec) []vec {
	if len(pts) < 3 {
		return pts
	}
	out := pts[:1]
	for i := 1; i < len(pts)-1; i++ {
		a, b, c := out[len(out)-1], pts[i], pts[i+1]
		ac := c.sub(a)
		l := ac.length()
		if l > 0 && dot(b.sub(a), c.sub(b)) > 0 && abs(cross(b.sub(a), ac)) <= mul(flatness, l) {
			continue
		}
		out = append(out, b)
	}
	return append(out, pts[len(pts)-1])
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// side is a list of outline points that skips a point too close to the
// one before it.
type side []vec

func (s *side) push(v vec) {
	if n := len(*s); n > 0 && dist((*s)[n-1], v) < sideStep {
		return
	}
	*s = append(*s, v)
}

// arc pushes the points of the circle around c with radius r that lie
// strictly between the directions from and to (unit vectors), turning by
// table angles in the direction dir (+1 or −1). It stops when the next
// step would not come nearer to `to`, so a wrong direction adds nothing.
func (s *side) arc(c vec, r float64, from, to vec, dir int) {
	prev := dot(from, to)
	for k := 1; k < steps; k++ {
		co, si := angle(dir * k)
		u := from.rotate(co, si)
		d := dot(u, to)
		if d <= prev || d >= cosHalfStep {
			return
		}
		s.push(c.add(u.scale(r)))
		prev = d
	}
}

// disc is a circle of 32 points.
func disc(c vec, r float64) []vec {
	out := make([]vec, 0, 2*steps)
	for k := 0; k < 2*steps; k++ {
		co, si := angle(k)
		out = append(out, c.add(vec{co, si}.scale(r)))
	}
	return out
}
