package escpossim

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sync"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// maxRenderRows bounds a rendered page (4 m of paper); rows beyond it are
// not drawn.
const maxRenderRows = 32768

// Renderer draws pages as the printer prints them: black dots on white
// paper, the page's printable width wide, characters from a font found
// on the system turned into the printer's 12×24 and 24×24 dot cells. It
// is safe for concurrent use; it keeps the glyphs it has made.
type Renderer struct {
	fonts textimage.Chain

	mu     sync.Mutex
	glyphs map[glyphKey]*bitmap
}

type glyphKey struct {
	s string
	f Font
}

// NewRenderer returns a renderer that draws characters with fonts (from
// textimage.Find). Without fonts, characters are left blank.
func NewRenderer(fonts textimage.Chain) *Renderer {
	return &Renderer{fonts: fonts, glyphs: map[glyphKey]*bitmap{}}
}

// Image renders the page with the system's fonts (textimage.Find).
func (p *Page) Image() *image.Gray {
	fonts, err := textimage.Find()
	if err != nil {
		fonts = nil
	}
	defer fonts.Close()
	return NewRenderer(fonts).Render(p)
}

// PNG renders the page with the system's fonts as a 1-bit PNG.
func (p *Page) PNG() ([]byte, error) { return encodePNG(p.Image()) }

// PNG renders the page as a 1-bit PNG.
func (r *Renderer) PNG(p *Page) ([]byte, error) { return encodePNG(r.Render(p)) }

func encodePNG(g *image.Gray) ([]byte, error) {
	pal := image.NewPaletted(g.Rect, color.Palette{color.Black, color.White})
	for i, v := range g.Pix {
		if v >= 128 {
			pal.Pix[i] = 1
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, pal); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// canvas is a page being drawn: dots are set black, clipped to the page.
type canvas struct{ *image.Gray }

func (c canvas) dot(x, y int, black bool) {
	if !(image.Point{x, y}.In(c.Rect)) {
		return
	}
	if black {
		c.Pix[y*c.Stride+x] = 0
	} else {
		c.Pix[y*c.Stride+x] = 0xFF
	}
}

func (c canvas) fill(x0, y0, x1, y1 int, black bool) {
	r := image.Rect(x0, y0, x1, y1).Intersect(c.Rect)
	v := byte(0xFF)
	if black {
		v = 0
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.Pix[y*c.Stride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			row[x] = v
		}
	}
}

// Render draws the page.
func (r *Renderer) Render(p *Page) *image.Gray {
	w := p.Width
	if w <= 0 {
		w = 576
	}
	h := min(max(p.Height, 1), maxRenderRows)
	c := canvas{image.NewGray(image.Rect(0, 0, w, h))}
	for i := range c.Pix {
		c.Pix[i] = 0xFF
	}
	for _, e := range p.Elements {
		b := e.Box()
		if b.Y >= h || b.Y+b.Height <= 0 {
			continue
		}
		switch v := e.(type) {
		case *TextLine:
			r.drawLine(c, v)
		case *Image:
			drawImage(c, v)
		case *QR:
			drawQR(c, v)
		case *Barcode:
			r.drawBarcode(c, v)
		}
	}
	drawCut(c, p.Cut)
	return c.Gray
}

// glyph returns the bitmap of s in font f, made once.
func (r *Renderer) glyph(s string, f Font) *bitmap {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := glyphKey{s, f}
	if g, ok := r.glyphs[k]; ok {
		return g
	}
	g := makeGlyph(r.fonts, s, f)
	r.glyphs[k] = g
	return g
}

// drawLine draws a line of characters the way the printer's head does:
// each character's cell bitmap, multiplied, bold printed twice a dot
// apart, underline and reverse over the whole advance.
func (r *Renderer) drawLine(c canvas, l *TextLine) {
	bottom := 0
	for _, run := range l.Runs {
		for _, g := range run.Glyphs {
			bottom = max(bottom, g.Top+g.H)
		}
	}
	for _, run := range l.Runs {
		s := run.Style
		mx, my := max(s.Width, 1), max(s.Height, 1)
		for _, g := range run.Glyphs {
			top := l.Y + g.Top
			if s.Reverse {
				c.fill(g.X, top, g.X+g.Advance, top+g.H, true)
			}
			bm := r.glyph(g.Text, s.Font)
			cx := g.X + g.Left
			for y := 0; y < g.H; y++ {
				for x := 0; x < g.W; x++ {
					on := bm.at(x/mx, y/my) || (s.Bold && x > 0 && bm.at((x-1)/mx, y/my))
					if on {
						c.dot(cx+x, top+y, !s.Reverse)
					}
				}
			}
			if s.Underline > 0 {
				ub := l.Y + bottom
				c.fill(g.X, ub-s.Underline, g.X+g.Advance, ub, !s.Reverse)
			}
		}
	}
}

func drawImage(c canvas, im *Image) {
	sx, sy := max(im.ScaleX, 1), max(im.ScaleY, 1)
	for y := 0; y < im.Height; y++ {
		for x := 0; x < im.Width; x++ {
			if im.Raster.At(x/sx, y/sy) {
				c.dot(im.X+x, im.Y+y, true)
			}
		}
	}
}

func drawQR(c canvas, q *QR) {
	m := max(q.Module, 1)
	for j, row := range q.Modules {
		for i, dark := range row {
			if dark {
				c.fill(q.X+i*m, q.Y+j*m, q.X+(i+1)*m, q.Y+(j+1)*m, true)
			}
		}
	}
}

// drawBarcode draws the bars, and the human-readable text centred above,
// below or both.
func (r *Renderer) drawBarcode(c canvas, b *Barcode) {
	fw, fh := hriCell(b.HRIFont)
	y := b.Y
	hri := func() {
		w := len(b.Data) * fw
		x := b.X + (b.Width-w)/2
		for i := 0; i < len(b.Data); i++ {
			ch := b.Data[i]
			if ch < 0x20 || ch > 0x7E {
				ch = ' '
			}
			bm := r.glyph(string(rune(ch)), b.HRIFont)
			for gy := 0; gy < fh; gy++ {
				for gx := 0; gx < fw; gx++ {
					if bm.at(gx, gy) {
						c.dot(x+i*fw+gx, y+gy, true)
					}
				}
			}
		}
	}
	if b.HRI&1 != 0 {
		hri()
		y += fh + hriGap
	}
	m := max(b.Module, 1)
	for i, bar := range b.Modules() {
		if bar {
			c.fill(b.X+i*m, y, b.X+(i+1)*m, y+b.BarHeight, true)
		}
	}
	y += b.BarHeight
	if b.HRI&2 != 0 {
		y += hriGap
		hri()
	}
}

// drawCut marks where the knife went: a thin dashed line along the
// page's bottom edge, right across for a full cut, and broken in the
// middle, where the paper still holds, for a partial one.
func drawCut(c canvas, cut Cut) {
	if cut == CutNone {
		return
	}
	w, y := c.Rect.Dx(), c.Rect.Dy()-1
	for x := 0; x < w; x++ {
		if x%12 >= 7 {
			continue
		}
		if cut == CutPartial && x >= w/2-24 && x < w/2+24 {
			continue
		}
		c.dot(x, y, true)
	}
}
