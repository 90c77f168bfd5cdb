package stusim

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"image"
	"image/color"
	"io"
)

// upload is an image transfer in progress (between StartImageData and
// EndImageData).
type upload struct {
	active bool
	mode   byte
	area   image.Rectangle
	data   []byte
	limit  int  // the most data bytes the image can take
	failed byte // a result code that spoils the commit, or 0
	resume byte // the status to return to afterwards
}

// rawSize is the size of an uncompressed w×h image in encoding mode.
func rawSize(mode byte, w, h int) int {
	switch mode {
	case Encoding1Bit, Encoding1BitZlib:
		return (w + 7) / 8 * h
	case Encoding16Bit:
		return w * h * 2
	case Encoding24Bit:
		return w * h * 3
	}
	return 0
}

// supports reports whether the pad takes images in mode through
// feature reports.
func (m model) supports(mode byte) bool {
	switch mode {
	case Encoding1Bit, Encoding1BitZlib:
		return true
	case Encoding16Bit, Encoding24Bit:
		return m.colour
	}
	// The bulk modes (10, 12, 14) need the bulk endpoint, which is not
	// simulated; anything else is no encoding at all.
	return false
}

// startImageLocked begins an upload into area (StartImageData or
// StartImageDataArea).
func (p *Pad) startImageLocked(mode byte, area image.Rectangle) byte {
	if !p.model.supports(mode) {
		return ResultWrongEncoding
	}
	n := rawSize(mode, area.Dx(), area.Dy())
	limit := n
	if mode == Encoding1BitZlib {
		// Room for the worst case of deflate's stored blocks.
		limit = n + 5*(n/16383+1) + 6 + 64
	}
	p.up = upload{active: true, mode: mode, area: area, limit: limit, resume: p.st.status}
	p.st.status = StatusImage
	return ResultNone
}

// imageBlockLocked takes one ImageDataBlock payload: length LE16 and up to
// 253 data bytes, padded to the report size.
func (p *Pad) imageBlockLocked(d []byte) byte {
	n := int(binary.LittleEndian.Uint16(d))
	if n == 0 || n > imageBlockMaxData {
		return ResultBadParameter
	}
	if p.up.failed != 0 {
		return p.up.failed
	}
	if len(p.up.data)+n > p.up.limit {
		p.up.failed = ResultImageTooLong
		return ResultImageTooLong
	}
	p.up.data = append(p.up.data, d[2:2+n]...)
	return ResultNone
}

// endImageLocked commits (draws) or abandons the upload.
func (p *Pad) endImageLocked(commit bool) byte {
	up := p.up
	p.up = upload{}
	p.st.status = up.resume
	if p.st.status == StatusImage {
		p.st.status = StatusReady
	}
	if !commit {
		return ResultNone
	}
	if up.failed != 0 {
		return up.failed
	}
	img, res := decodeImage(up.mode, up.area.Dx(), up.area.Dy(), up.data)
	if res != ResultNone {
		return res
	}
	if !p.model.colour {
		for i := 0; i < len(img.Pix); i += 4 {
			c := monochrome(color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], 0xFF})
			img.Pix[i], img.Pix[i+1], img.Pix[i+2] = c.R, c.G, c.B
		}
	}
	for y := 0; y < img.Rect.Dy(); y++ {
		copy(p.lcd.Pix[p.lcd.PixOffset(up.area.Min.X, up.area.Min.Y+y):], img.Pix[img.PixOffset(0, y):img.PixOffset(0, y+1)])
	}
	p.ink = inkState{}
	return ResultNone
}

// decodeImage turns the bytes of a w×h image in encoding mode into
// pixels, or says why it cannot.
func decodeImage(mode byte, w, h int, data []byte) (*image.RGBA, byte) {
	n := rawSize(mode, w, h)
	if mode == Encoding1BitZlib {
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, ResultZlibError
		}
		raw, err := io.ReadAll(io.LimitReader(zr, int64(n)+1))
		if err != nil {
			return nil, ResultZlibError
		}
		if len(raw) > n {
			return nil, ResultImageTooLong
		}
		data = raw
	}
	if len(data) < n {
		return nil, ResultBadParameter
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	px := img.Pix
	set := func(i int, c color.RGBA) {
		px[4*i], px[4*i+1], px[4*i+2], px[4*i+3] = c.R, c.G, c.B, 0xFF
	}
	switch mode {
	case Encoding1Bit, Encoding1BitZlib:
		stride := (w + 7) / 8
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if data[y*stride+x/8]&(0x80>>(x%8)) == 0 {
					set(y*w+x, black) // a 0 bit is ink
				} else {
					set(y*w+x, white)
				}
			}
		}
	case Encoding16Bit:
		for i := 0; i < w*h; i++ {
			set(i, fromRGB565(uint16(data[2*i])<<8|uint16(data[2*i+1]))) // high byte first
		}
	case Encoding24Bit:
		for i := 0; i < w*h; i++ {
			set(i, color.RGBA{data[3*i+2], data[3*i+1], data[3*i], 0xFF}) // B, G, R
		}
	}
	return img, ResultNone
}

var (
	black = color.RGBA{0, 0, 0, 0xFF}
	white = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

// rgb565 packs a colour into 16 bits: 5 red, 6 green, 5 blue.
func rgb565(c color.RGBA) uint16 {
	return uint16(c.R>>3)<<11 | uint16(c.G>>2)<<5 | uint16(c.B>>3)
}

// fromRGB565 expands 16 bits of 5-6-5 colour to 8 bits a channel.
func fromRGB565(v uint16) color.RGBA {
	r, g, b := byte(v>>11&0x1F), byte(v>>5&0x3F), byte(v&0x1F)
	return color.RGBA{r<<3 | r>>2, g<<2 | g>>4, b<<3 | b>>2, 0xFF}
}

// monochrome is how a mono LCD shows a colour: ink unless near white (the
// SDK's rule: the OR of R, G and B at most 240 is ink).
func monochrome(c color.RGBA) color.RGBA {
	if c.R|c.G|c.B <= 240 {
		return black
	}
	return white
}
