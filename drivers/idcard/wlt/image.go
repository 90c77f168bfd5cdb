package wlt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
)

// maxBMPPixels bounds the pictures BMPToPNG accepts, so a corrupt header
// cannot make it allocate without limit. A card photo is 12852 pixels.
const maxBMPPixels = 1 << 20

// RawToPNG encodes raw decoder output, RawSize bytes of Width×Height
// 24-bit pixels without row padding, as a PNG. channels is ChannelsBGR or
// ChannelsRGB and rows is RowsBottomUp or RowsTopDown; they describe how
// the vendor library stored the pixels.
func RawToPNG(raw []byte, channels, rows string) ([]byte, error) {
	if len(raw) != RawSize {
		return nil, fmt.Errorf("%w: raw output is %d bytes, want %d", ErrBadImage, len(raw), RawSize)
	}
	if channels != ChannelsBGR && channels != ChannelsRGB {
		return nil, fmt.Errorf("%w: unknown channel order %q", ErrConfig, channels)
	}
	if rows != RowsBottomUp && rows != RowsTopDown {
		return nil, fmt.Errorf("%w: unknown row order %q", ErrConfig, rows)
	}
	return pixelsToPNG(raw, Width, Height, Width*3, rows == RowsBottomUp, channels == ChannelsBGR)
}

// BMPToPNG converts an uncompressed 24-bit BMP file, as written by vendor
// decoders, into a PNG. Both bottom-up (positive height) and top-down
// (negative height) BMPs are accepted; bytes after the pixel array are
// ignored. Anything else is an error matching ErrBadImage.
func BMPToPNG(bmp []byte) ([]byte, error) {
	const fileHeader = 14
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: BMP: "+format, append([]any{ErrBadImage}, a...)...)
	}
	if len(bmp) < fileHeader+40 {
		return nil, bad("%d bytes is too short", len(bmp))
	}
	if bmp[0] != 'B' || bmp[1] != 'M' {
		return nil, bad("missing BM signature")
	}
	le := binary.LittleEndian
	offBits := uint64(le.Uint32(bmp[10:]))
	infoSize := le.Uint32(bmp[14:])
	if infoSize < 40 {
		return nil, bad("unsupported info header of %d bytes", infoSize)
	}
	width := int64(int32(le.Uint32(bmp[18:])))
	height := int64(int32(le.Uint32(bmp[22:])))
	planes := le.Uint16(bmp[26:])
	bpp := le.Uint16(bmp[28:])
	compression := le.Uint32(bmp[30:])
	if planes != 1 || bpp != 24 || compression != 0 {
		return nil, bad("want 1 plane, 24 bits per pixel, no compression; got %d, %d, %d", planes, bpp, compression)
	}
	bottomUp := height > 0
	if height < 0 {
		height = -height
	}
	if width <= 0 || height <= 0 || width*height > maxBMPPixels {
		return nil, bad("unsupported size %d×%d", width, height)
	}
	stride := (width*3 + 3) &^ 3
	if offBits < fileHeader+uint64(infoSize) || offBits+uint64(stride*height) > uint64(len(bmp)) {
		return nil, bad("pixel data (offset %d, %d bytes) outside the %d-byte file", offBits, stride*height, len(bmp))
	}
	return pixelsToPNG(bmp[offBits:], int(width), int(height), int(stride), bottomUp, true)
}

// pixelsToPNG encodes packed 24-bit pixels. src holds height rows of stride
// bytes; bgr tells whether a pixel's first byte is blue.
func pixelsToPNG(src []byte, width, height, stride int, bottomUp, bgr bool) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		srow := y
		if bottomUp {
			srow = height - 1 - y
		}
		in := src[srow*stride : srow*stride+width*3]
		out := img.Pix[y*img.Stride : y*img.Stride+width*4]
		for x := range width {
			p, q := in[x*3:x*3+3], out[x*4:x*4+4]
			if bgr {
				q[0], q[1], q[2] = p[2], p[1], p[0]
			} else {
				q[0], q[1], q[2] = p[0], p[1], p[2]
			}
			q[3] = 0xff
		}
	}
	var buf bytes.Buffer
	// An opaque RGBA image is written as 8-bit truecolour without alpha.
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("wlt: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}
