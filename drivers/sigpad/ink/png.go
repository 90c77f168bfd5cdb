package ink

import (
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/color"
)

// Image is the drawing as a paletted image: palette entry i is the ink at
// coverage i/255 — over the background when it is opaque, else the ink's
// colour with alpha i.
func (d *Drawing) Image() *image.Paletted {
	w, h := d.opt.Width, d.opt.Height
	return &image.Paletted{Pix: d.coverage(), Stride: w, Rect: image.Rect(0, 0, w, h), Palette: d.palette()}
}

func (d *Drawing) palette() color.Palette {
	ink, bg := d.opt.Color, d.opt.Background
	p := make(color.Palette, 256)
	for i := range p {
		if bg.A == 0 {
			p[i] = color.NRGBA{ink.R, ink.G, ink.B, uint8(i)}
			continue
		}
		mix := func(b, f uint8) uint8 { return uint8((int(b)*(255-i) + int(f)*i + 127) / 255) }
		p[i] = color.NRGBA{mix(bg.R, ink.R), mix(bg.G, ink.G), mix(bg.B, ink.B), 255}
	}
	return p
}

// PNG is the drawing as a PNG file: 8-bit indexed colour (the palette of
// Image, with a tRNS chunk when the background is transparent), no
// interlacing, every row filtered with None, one IDAT chunk holding a zlib
// stream made by deflate. The encoding is this package's own, so the bytes
// stay the same with every Go release.
func (d *Drawing) PNG() []byte {
	w, h := d.opt.Width, d.opt.Height
	cov := d.coverage()
	raw := make([]byte, 0, (w+1)*h)
	for y := 0; y < h; y++ {
		raw = append(raw, 0) // filter type None
		raw = append(raw, cov[y*w:(y+1)*w]...)
	}

	out := []byte("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 3 // bit depth 8, indexed colour; compression, filter, interlace 0
	out = chunk(out, "IHDR", ihdr[:])

	pal := d.palette()
	plte := make([]byte, 0, 3*len(pal))
	trns := make([]byte, 0, len(pal))
	for _, c := range pal {
		n := c.(color.NRGBA)
		plte = append(plte, n.R, n.G, n.B)
		trns = append(trns, n.A)
	}
	out = chunk(out, "PLTE", plte)
	if d.opt.Background.A == 0 {
		out = chunk(out, "tRNS", trns)
	}

	z := []byte{0x78, 0x01} // zlib: deflate, 32 KiB window, no dictionary
	z = deflate(z, raw)
	z = binary.BigEndian.AppendUint32(z, adler32.Checksum(raw))
	out = chunk(out, "IDAT", z)
	return chunk(out, "IEND", nil)
}

// chunk appends one PNG chunk: length, type, data, CRC of type and data.
func chunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}
