package wacomstu

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// EncodingMode is the image encoding named in StartImageData (spec §1.7).
type EncodingMode byte

// The encoding modes. The bulk variants send the pixels through the USB
// bulk endpoint, which this driver does not use.
const (
	Mode1bit      EncodingMode = 0x00
	Mode1bitZlib  EncodingMode = 0x01
	Mode16bit     EncodingMode = 0x02 // RGB565, high byte first
	Mode24bit     EncodingMode = 0x04 // B, G, R
	Mode1bitBulk  EncodingMode = 0x10
	Mode16bitBulk EncodingMode = 0x12
	Mode24bitBulk EncodingMode = 0x14
)

// String names the mode.
func (m EncodingMode) String() string {
	switch m {
	case Mode1bit:
		return "1-bit"
	case Mode1bitZlib:
		return "1-bit zlib"
	case Mode16bit:
		return "16-bit"
	case Mode24bit:
		return "24-bit"
	case Mode1bitBulk:
		return "1-bit bulk"
	case Mode16bitBulk:
		return "16-bit bulk"
	case Mode24bitBulk:
		return "24-bit bulk"
	}
	return fmt.Sprintf("mode %02X", byte(m))
}

// MaxImageBlock is how many data bytes one ImageDataBlock report carries
// over HID.
const MaxImageBlock = 253

// EncodeStartImageData starts a full-screen image (25 mode).
func EncodeStartImageData(m EncodingMode) []byte {
	b := report(ReportStartImageData)
	b[1] = byte(m)
	return b
}

// EncodeStartImageDataArea starts an image for part of the screen (24
// mode 01 rect).
func EncodeStartImageDataArea(m EncodingMode, r Rect) []byte {
	b := report(ReportStartImageDataArea)
	b[1], b[2] = byte(m), 1
	r.put(b[3:])
	return b
}

// EncodeImageDataBlock frames up to MaxImageBlock bytes of image data: 26,
// the length little-endian, the data, zeros up to 256 bytes.
func EncodeImageDataBlock(data []byte) ([]byte, error) {
	b := report(ReportImageDataBlock)
	if err := putImageDataBlock(b, data); err != nil {
		return nil, err
	}
	return b, nil
}

// putImageDataBlock fills b (256 bytes) with a block of data, reusing b.
func putImageDataBlock(b, data []byte) error {
	if len(data) > MaxImageBlock {
		return fmt.Errorf("wacomstu: image block of %d bytes, at most %d", len(data), MaxImageBlock)
	}
	b[0] = byte(ReportImageDataBlock)
	b[1], b[2] = byte(len(data)), byte(len(data)>>8)
	n := copy(b[3:], data)
	clear(b[3+n:])
	return nil
}

// EncodeEndImageData commits (27 00) or abandons (27 01) an image.
func EncodeEndImageData(commit bool) []byte {
	b := report(ReportEndImageData)
	if !commit {
		b[1] = 1
	}
	return b
}

// IsInk reports whether a pixel is ink on a 1-bit screen: when the bitwise
// OR of its red, green and blue is at most 240, i.e. everything but
// near-white.
func IsInk(r, g, b uint8) bool { return r|g|b <= 240 }

// PackMono packs the part r of img as a 1-bit image: rows top to bottom,
// each padded to whole bytes, the leftmost pixel in the most significant
// bit, 1 for white and 0 for ink (IsInk). Pixels outside img are white.
func PackMono(img image.Image, r image.Rectangle) []byte {
	stride := (r.Dx() + 7) / 8
	out := bytes.Repeat([]byte{0xFF}, stride*max(r.Dy(), 0))
	px := newPixels(img)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := out[(y-r.Min.Y)*stride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb := px.at(x, y)
			if IsInk(cr, cg, cb) {
				i := x - r.Min.X
				row[i/8] &^= 0x80 >> (i % 8)
			}
		}
	}
	return out
}

// PackRGB565 packs the part r of img as RGB565, two bytes per pixel, high
// byte first, rows without padding.
func PackRGB565(img image.Image, r image.Rectangle) []byte {
	out := make([]byte, 0, 2*max(r.Dx(), 0)*max(r.Dy(), 0))
	px := newPixels(img)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := rgb565(px.at(x, y))
			out = append(out, byte(v>>8), byte(v))
		}
	}
	return out
}

// PackBGR24 packs the part r of img as three bytes per pixel in the order
// blue, green, red, rows without padding.
func PackBGR24(img image.Image, r image.Rectangle) []byte {
	out := make([]byte, 0, 3*max(r.Dx(), 0)*max(r.Dy(), 0))
	px := newPixels(img)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb := px.at(x, y)
			out = append(out, cb, cg, cr)
		}
	}
	return out
}

// CompressZlib compresses packed 1-bit data for Mode1bitZlib: a zlib
// stream (RFC 1950) of the whole buffer.
func CompressZlib(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pixels reads 8-bit RGB composited over white, straight from the pixel
// buffer for the image types the agent draws (RGBA, NRGBA, Gray) and
// through At for the rest.
type pixels struct {
	img   image.Image
	rgba  *image.RGBA
	nrgba *image.NRGBA
	gray  *image.Gray
}

func newPixels(img image.Image) pixels {
	p := pixels{img: img}
	switch m := img.(type) {
	case *image.RGBA:
		p.rgba = m
	case *image.NRGBA:
		p.nrgba = m
	case *image.Gray:
		p.gray = m
	}
	return p
}

func (p pixels) at(x, y int) (r, g, b uint8) {
	if !(image.Point{x, y}.In(p.img.Bounds())) {
		return 0xFF, 0xFF, 0xFF
	}
	switch {
	case p.rgba != nil:
		s := p.rgba.Pix[p.rgba.PixOffset(x, y):]
		a := uint32(s[3]) * 0x101
		return overWhite(uint32(s[0])*0x101, a), overWhite(uint32(s[1])*0x101, a), overWhite(uint32(s[2])*0x101, a)
	case p.nrgba != nil:
		s := p.nrgba.Pix[p.nrgba.PixOffset(x, y):]
		a := uint32(s[3]) * 0x101
		return overWhite(uint32(s[0])*0x101*a/0xFFFF, a), overWhite(uint32(s[1])*0x101*a/0xFFFF, a), overWhite(uint32(s[2])*0x101*a/0xFFFF, a)
	case p.gray != nil:
		v := p.gray.Pix[p.gray.PixOffset(x, y)]
		return v, v, v
	}
	return rgb8(p.img.At(x, y))
}

// overWhite composites a premultiplied 16-bit channel c with 16-bit alpha
// a over white and returns 8 bits, as rgb8 does (saturating, for RGBA
// buffers whose colour exceeds their alpha).
func overWhite(c, a uint32) uint8 {
	v := (c + 0xFFFF - a) >> 8
	if v > 0xFF {
		return 0xFF
	}
	return uint8(v)
}

// imageMode chooses the encoding for a pad that accepts enc.
func imageMode(enc sigpad.Encoding, noZlib bool) EncodingMode {
	switch {
	case enc.Has(sigpad.EncodingBGR24):
		return Mode24bit
	case enc.Has(sigpad.EncodingRGB565):
		return Mode16bit
	case enc.Has(sigpad.EncodingMonoZlib) && !noZlib:
		return Mode1bitZlib
	}
	return Mode1bit
}

// packImage encodes the part r of img in mode m.
func packImage(img image.Image, r image.Rectangle, m EncodingMode) ([]byte, error) {
	switch m {
	case Mode24bit:
		return PackBGR24(img, r), nil
	case Mode16bit:
		return PackRGB565(img, r), nil
	case Mode1bitZlib:
		return CompressZlib(PackMono(img, r))
	case Mode1bit:
		return PackMono(img, r), nil
	}
	return nil, fmt.Errorf("wacomstu: %v: %w", m, sigpad.ErrUnsupported)
}
