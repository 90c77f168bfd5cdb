package ink

import (
	"image"
	"image/draw"

	"golang.org/x/image/vector"
)

// tileSide is the largest tile the rasteriser draws at once: up to 512
// pixels x/image/vector uses its fixed-point code, which gives the same
// bytes everywhere (its floating-point code need not).
const tileSide = 512

// coverage is how much ink covers each pixel, 0…255, row by row: each
// stroke's outline filled on its own (non-zero winding, anti-aliased),
// then laid over the strokes before it.
func (d *Drawing) coverage() []uint8 {
	w, h := d.opt.Width, d.opt.Height
	cov := make([]uint8, w*h)
	var z vector.Rasterizer
	var pts []fpt
	for _, p := range d.paths {
		pts = flatten(pts[:0], p)
		x0, y0, x1, y1 := bounds(pts, w, h)
		for ty := y0; ty < y1; ty += tileSide {
			for tx := x0; tx < x1; tx += tileSide {
				tw, th := min(tileSide, x1-tx), min(tileSide, y1-ty)
				tile := fill(&z, pts, tx, ty, tw, th)
				for j := 0; j < th; j++ {
					row := cov[(ty+j)*w+tx : (ty+j)*w+tx+tw]
					for i, a := range tile.Pix[j*tile.Stride : j*tile.Stride+tw] {
						row[i] = over(row[i], a)
					}
				}
			}
		}
	}
	return cov
}

// over lays coverage a over coverage c.
func over(c, a uint8) uint8 {
	ci, ai := int(c), int(a)
	return uint8(ci + ai - (ci*ai+127)/255)
}

// fpt is a point in pixels, as the rasteriser takes it.
type fpt struct{ x, y float32 }

// flatten turns the closed outline p into line segments: the same
// quadratic curves SVG writes, each cut into up to 8 lines, one for about
// every pixel of its control polygon, with integer arithmetic up to one
// rounded division per coordinate.
func flatten(dst []fpt, p []ipt) []fpt {
	n := len(p)
	a := mid(p[n-1], p[0])
	dst = append(dst, toF(int64(a.x), int64(a.y), 1))
	for i, c := range p {
		b := mid(c, p[(i+1)%n])
		segs := int64((abs32(c.x-a.x) + abs32(c.y-a.y) + abs32(b.x-c.x) + abs32(b.y-c.y)) / 100)
		segs = max(1, min(segs, 8))
		for k := int64(1); k <= segs; k++ {
			u, v := segs-k, k
			x := u*u*int64(a.x) + 2*u*v*int64(c.x) + v*v*int64(b.x)
			y := u*u*int64(a.y) + 2*u*v*int64(c.y) + v*v*int64(b.y)
			dst = append(dst, toF(x, y, segs*segs))
		}
		a = b
	}
	return dst
}

// toF is (x, y) / (den·100) as float32: one correctly rounded division
// and one correctly rounded conversion each.
func toF(x, y, den int64) fpt {
	d := float64(den * 100)
	return fpt{float32(float64(x) / d), float32(float64(y) / d)}
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// bounds is the box of whole pixels that pts can touch, within the
// picture.
func bounds(pts []fpt, w, h int) (x0, y0, x1, y1 int) {
	minX, minY, maxX, maxY := pts[0].x, pts[0].y, pts[0].x, pts[0].y
	for _, q := range pts[1:] {
		minX, maxX = min(minX, q.x), max(maxX, q.x)
		minY, maxY = min(minY, q.y), max(maxY, q.y)
	}
	x0 = max(0, min(int(minX)-1, w))
	y0 = max(0, min(int(minY)-1, h))
	x1 = max(0, min(int(maxX)+2, w))
	y1 = max(0, min(int(maxY)+2, h))
	return
}

// fill rasterises the closed polygon pts into a tw×th tile whose top left
// pixel is (tx, ty) of the picture.
func fill(z *vector.Rasterizer, pts []fpt, tx, ty, tw, th int) *image.Alpha {
	z.Reset(tw, th)
	z.DrawOp = draw.Src
	ox, oy := float32(tx), float32(ty)
	z.MoveTo(pts[0].x-ox, pts[0].y-oy)
	for _, q := range pts[1:] {
		z.LineTo(q.x-ox, q.y-oy)
	}
	z.ClosePath()
	dst := image.NewAlpha(image.Rect(0, 0, tw, th))
	z.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	return dst
}
