package stusim

import (
	"image"
	"math"
)

// geometry maps line units to tablet units.
type geometry struct {
	slantLatin, slantHan, drift float64
	scale                       float64 // pixels per line unit
	ox, oy                      float64 // pixel offset
	tx, ty                      float64 // tablet units per pixel
	mmPerUnit                   float64 // mm per tablet unit
	maxX, maxY                  float64
}

func (g geometry) skew(q pt, han bool) pt {
	s := g.slantLatin
	if han {
		s = g.slantHan
	}
	x := q.x - q.y*s
	return pt{x, q.y + x*g.drift}
}

// toTablet maps a skewed line-unit point to tablet units.
func (g geometry) toTablet(q pt) pt {
	return pt{(g.ox + q.x*g.scale) * g.tx, (g.oy + q.y*g.scale) * g.ty}
}

// fit chooses the scale and offset that put the strokes in the middle of
// area, as large as fits with margins, but no larger than a person writes
// (a line unit of at most 12 mm).
func fit(strokes []planStroke, w writer, area image.Rectangle, c Capability) geometry {
	g := geometry{
		slantLatin: w.slantLatin, slantHan: w.slantHan, drift: w.drift,
		tx:   float64(c.TabletMaxX) / float64(c.ScreenWidth),
		ty:   float64(c.TabletMaxY) / float64(c.ScreenHeight),
		maxX: float64(c.TabletMaxX), maxY: float64(c.TabletMaxY),
	}
	g.mmPerUnit = 25.4 / float64(max(c.Resolution, 1))
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range strokes {
		for _, q := range s.pts {
			q = g.skew(q, s.han)
			minX, maxX = math.Min(minX, q.x), math.Max(maxX, q.x)
			minY, maxY = math.Min(minY, q.y), math.Max(maxY, q.y)
		}
	}
	bw, bh := math.Max(maxX-minX, 0.1), math.Max(maxY-minY, 0.1)
	aw, ah := float64(area.Dx())*0.86, float64(area.Dy())*0.76
	pxPerMM := 1 / (g.tx * g.mmPerUnit)
	g.scale = math.Min(math.Min(aw/bw, ah/bh), 12*pxPerMM)
	g.ox = float64(area.Min.X) + (float64(area.Dx())-bw*g.scale)/2 - minX*g.scale
	g.oy = float64(area.Min.Y) + (float64(area.Dy())-bh*g.scale)/2 - minY*g.scale
	return g
}
