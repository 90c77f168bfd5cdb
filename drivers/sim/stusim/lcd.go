package stusim

import (
	"image"
	"image/color"
	"math"
)

// inkState is where the pad's own ink line was last drawn to.
type inkState struct {
	have bool
	x, y float64 // LCD pixels
}

// backgroundLocked is the colour ClearScreen fills with.
func (p *Pad) backgroundLocked() color.RGBA {
	if !p.model.colour {
		return white
	}
	return p.nv.background
}

// fillLocked paints r (clipped to the screen) with c.
func (p *Pad) fillLocked(r image.Rectangle, c color.RGBA) {
	r = r.Intersect(p.lcd.Rect)
	if r.Empty() {
		return
	}
	row := p.lcd.Pix[p.lcd.PixOffset(r.Min.X, r.Min.Y) : p.lcd.PixOffset(r.Max.X-1, r.Min.Y)+4]
	for i := 0; i < len(row); i += 4 {
		row[0+i], row[1+i], row[2+i], row[3+i] = c.R, c.G, c.B, c.A
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(p.lcd.Pix[p.lcd.PixOffset(r.Min.X, y):], row)
	}
}

// inkLocked follows the pen: while it touches (down), inking is on and the
// point lies in the handwriting area, the pad draws a line from the last
// point with the set colour and thickness, clipped to the area.
func (p *Pad) inkLocked(tx, ty uint16, down bool) {
	c := p.model.capability
	x := float64(tx) * float64(c.ScreenWidth) / float64(c.TabletMaxX)
	y := float64(ty) * float64(c.ScreenHeight) / float64(c.TabletMaxY)
	area := p.st.area.rect()
	if !down || !p.st.inking || !image.Pt(int(x), int(y)).In(area) {
		p.ink = inkState{}
		return
	}
	from := p.ink
	if !from.have {
		from = inkState{true, x, y}
	}
	col := p.st.inkColour
	if !p.model.colour {
		col = black
	}
	p.strokeLocked(from.x, from.y, x, y, 1+2*float64(p.st.thickness), col, area)
	p.ink = inkState{true, x, y}
}

// strokeLocked draws a line of width w with round ends from (x0,y0) to
// (x1,y1), clipped to clip.
func (p *Pad) strokeLocked(x0, y0, x1, y1, w float64, col color.RGBA, clip image.Rectangle) {
	r := w / 2
	minX := int(math.Floor(math.Min(x0, x1) - r))
	maxX := int(math.Ceil(math.Max(x0, x1) + r))
	minY := int(math.Floor(math.Min(y0, y1) - r))
	maxY := int(math.Ceil(math.Max(y0, y1) + r))
	box := image.Rect(minX, minY, maxX+1, maxY+1).Intersect(clip).Intersect(p.lcd.Rect)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for py := box.Min.Y; py < box.Max.Y; py++ {
		for px := box.Min.X; px < box.Max.X; px++ {
			// Distance from the pixel centre to the segment.
			cx, cy := float64(px)+0.5, float64(py)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, ((cx-x0)*dx+(cy-y0)*dy)/l2))
			}
			ex, ey := cx-(x0+t*dx), cy-(y0+t*dy)
			if ex*ex+ey*ey <= r*r+0.25 {
				p.lcd.SetRGBA(px, py, col)
			}
		}
	}
}

// Differing counts the pixels of r in which a and b differ by more than
// the pad's RGB565 rounding: how a test tells that the pad's screen (its
// Screen) shows a picture that was sent to it.
func Differing(a, b image.Image, r image.Rectangle) int {
	diff := func(x, y uint32) uint32 { return max(x, y) - min(x, y) }
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			if diff(ar, br) > 0x1000 || diff(ag, bg) > 0x1000 || diff(ab, bb) > 0x1000 {
				n++
			}
		}
	}
	return n
}
