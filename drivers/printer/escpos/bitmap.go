package escpos

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	xdraw "golang.org/x/image/draw"
)

// Bitmap is a 1-bit raster as GS v 0 takes it: rows of Stride bytes, bit 7
// of each byte the leftmost dot, 1 = print (black).
type Bitmap struct {
	W, H   int
	Stride int // bytes per row: (W+7)/8
	Bits   []byte
}

// NewBitmap returns a blank (white) bitmap of w×h dots; w and h are
// clamped to at least 0.
func NewBitmap(w, h int) *Bitmap {
	w, h = max(w, 0), max(h, 0)
	stride := (w + 7) / 8
	return &Bitmap{W: w, H: h, Stride: stride, Bits: make([]byte, stride*h)}
}

// Set marks the dot at (x, y) to print; outside the bitmap it does nothing.
func (b *Bitmap) Set(x, y int) {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return
	}
	b.Bits[y*b.Stride+x/8] |= 0x80 >> (x % 8)
}

// At reports whether the dot at (x, y) prints.
func (b *Bitmap) At(x, y int) bool {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return false
	}
	return b.Bits[y*b.Stride+x/8]&(0x80>>(x%8)) != 0
}

// Rows returns rows [y0, y1) as a bitmap sharing this one's memory.
func (b *Bitmap) Rows(y0, y1 int) *Bitmap {
	y0, y1 = min(max(y0, 0), b.H), min(max(y1, 0), b.H)
	if y1 < y0 {
		y1 = y0
	}
	return &Bitmap{W: b.W, H: y1 - y0, Stride: b.Stride, Bits: b.Bits[y0*b.Stride : y1*b.Stride]}
}

// Ink is the number of dots that print.
func (b *Bitmap) Ink() int {
	n := 0
	for _, v := range b.Bits {
		for ; v != 0; v &= v - 1 {
			n++
		}
	}
	return n
}

// cropRight returns the bitmap narrowed to its last byte column with ink
// (at least one byte wide); with left alignment it prints the same.
func (b *Bitmap) cropRight() *Bitmap {
	last := 0
	for y := 0; y < b.H; y++ {
		row := b.Bits[y*b.Stride : (y+1)*b.Stride]
		for x := len(row) - 1; x >= last; x-- {
			if row[x] != 0 {
				last = x
				break
			}
		}
	}
	stride := last + 1
	if stride >= b.Stride {
		return b
	}
	out := NewBitmap(stride*8, b.H)
	for y := 0; y < b.H; y++ {
		copy(out.Bits[y*stride:(y+1)*stride], b.Bits[y*b.Stride:])
	}
	return out
}

// Raster is GS v 0 m xL xH yL yH d1…dk (1D 76 30 00 …) in normal mode,
// sent in bands of at most bandRows rows (1 to 2303) so that no command
// exceeds what a printer accepts. Bytes per row xL+256·xH, rows
// yL+256·yH; bit 7 is the leftmost dot, 1 prints. ESC a applies when it
// starts a line.
func (e *Encoder) Raster(b *Bitmap, bandRows int) {
	switch {
	case b == nil || b.W < 1 || b.H < 1:
		e.fail("GS v 0", "empty image")
		return
	case b.Stride > 0xFFFF || len(b.Bits) < b.Stride*b.H || b.Stride != (b.W+7)/8:
		e.fail("GS v 0", "malformed bitmap %d×%d, stride %d", b.W, b.H, b.Stride)
		return
	case bandRows < 1 || bandRows > 2303:
		e.fail("GS v 0", "band of %d rows; 1 to 2303", bandRows)
		return
	}
	for y := 0; y < b.H; y += bandRows {
		rows := min(bandRows, b.H-y)
		e.Raw(0x1D, 0x76, 0x30, 0x00, byte(b.Stride), byte(b.Stride>>8), byte(rows), byte(rows>>8))
		e.Raw(b.Bits[y*b.Stride : (y+rows)*b.Stride]...)
	}
}

// Image limits: a PNG larger than this is refused before it is decoded.
const (
	MaxImagePixels = 16 << 20 // width × height of all the PNGs of a receipt together
	MaxImageSide   = 16384    // a PNG's width or height
	MaxImageRows   = 2400     // rows printed, after scaling (30 cm at 203 dpi)
	MaxPNGBytes    = 4 << 20  // a PNG file
)

// decodePNG checks a PNG's size before decoding it, and takes its pixels
// from budget, so that a receipt's images cannot exhaust memory together.
func decodePNG(data []byte, budget *int) (image.Image, error) {
	if len(data) > MaxPNGBytes {
		return nil, fmt.Errorf("%d bytes; at most %d", len(data), MaxPNGBytes)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
		return nil, fmt.Errorf("%d×%d pixels; at most %d a side", cfg.Width, cfg.Height, MaxImageSide)
	}
	px := cfg.Width * cfg.Height
	if px > *budget {
		return nil, fmt.Errorf("%d×%d pixels; the receipt's images may have %d in all, %d are left", cfg.Width, cfg.Height, MaxImagePixels, *budget)
	}
	*budget -= px
	return png.Decode(bytes.NewReader(data))
}

// scaledSize is the size an image of w×h prints at on a line of maxW dots:
// scaled down, keeping its aspect, if wider; as it is otherwise.
func scaledSize(w, h, maxW int) (int, int) {
	if w <= maxW {
		return w, h
	}
	return maxW, max(1, (h*maxW+w/2)/w)
}

// Dither turns img into a bitmap at most maxW dots wide: scaled down
// (bilinear) if wider, composited over white (transparent is paper), and
// reduced to one bit by Floyd–Steinberg error diffusion.
func Dither(img image.Image, maxW int) *Bitmap {
	sb := img.Bounds()
	w, h := scaledSize(sb.Dx(), sb.Dy(), max(maxW, 1))
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.Draw(rgba, rgba.Bounds(), image.NewUniform(color.White), image.Point{}, xdraw.Src)
	if w == sb.Dx() && h == sb.Dy() {
		xdraw.Draw(rgba, rgba.Bounds(), img, sb.Min, xdraw.Over)
	} else {
		xdraw.BiLinear.Scale(rgba, rgba.Bounds(), img, sb, xdraw.Over, nil)
	}
	// Luma in 1/256 steps, with room for the diffused error.
	lum := make([]int32, w*h)
	for i := range lum {
		p := rgba.Pix[i*4 : i*4+3]
		lum[i] = (299*int32(p[0]) + 587*int32(p[1]) + 114*int32(p[2])) * 256 / 1000
	}
	bm := NewBitmap(w, h)
	const white = 255 * 256
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			old := lum[i]
			var nw int32 // the value chosen: 0 (print) or white
			if old >= white/2 {
				nw = white
			} else {
				bm.Set(x, y)
			}
			e := old - nw
			if x+1 < w {
				lum[i+1] += e * 7 / 16
			}
			if y+1 < h {
				if x > 0 {
					lum[i+w-1] += e * 3 / 16
				}
				lum[i+w] += e * 5 / 16
				if x+1 < w {
					lum[i+w+1] += e / 16
				}
			}
		}
	}
	return bm
}
