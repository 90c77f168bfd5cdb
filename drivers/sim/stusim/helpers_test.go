package stusim

import (
	"bytes"
	"compress/zlib"
	"errors"
	"image"
	"image/color"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// The helpers below encode what the host sends straight from the spec
// (§1.4, §1.7), independently of the simulator's decoder.

func mustSet(t testing.TB, d hid.Device, report ...byte) {
	t.Helper()
	if err := d.SetFeature(report); err != nil {
		t.Fatalf("SetFeature(% x): %v", report, err)
	}
}

func mustGet(t testing.TB, d hid.Device, id byte, size int) []byte {
	t.Helper()
	b, err := d.GetFeature(id, size)
	if err != nil {
		t.Fatalf("GetFeature(%02x, %d): %v", id, size, err)
	}
	if len(b) != size || b[0] != id {
		t.Fatalf("GetFeature(%02x, %d) = % x", id, size, b)
	}
	return b
}

// status reads report 03: statusCode, lastResultCode.
func status(t testing.TB, d hid.Device) (byte, byte) {
	t.Helper()
	b := mustGet(t, d, 0x03, 5)
	return b[1], b[2]
}

// wantResult checks lastResultCode after a set.
func wantResult(t testing.TB, d hid.Device, want byte) {
	t.Helper()
	if _, got := status(t, d); got != want {
		t.Fatalf("lastResultCode = %02x, want %02x", got, want)
	}
}

// le16 is a little-endian 16-bit value as two bytes.
func le16(v int) []byte { return []byte{byte(v), byte(v >> 8)} }

func rectBytes(x1, y1, x2, y2 int) []byte {
	var b []byte
	for _, v := range []int{x1, y1, x2, y2} {
		b = append(b, le16(v)...)
	}
	return b
}

// encode1Bit packs img the way the SDK does: rows padded to whole bytes,
// MSB leftmost, all bits 1 to begin with and 0 for ink (R|G|B <= 240).
func encode1Bit(img image.Image) []byte {
	b := img.Bounds()
	stride := (b.Dx() + 7) / 8
	buf := bytes.Repeat([]byte{0xFF}, stride*b.Dy())
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
			if c.R|c.G|c.B <= 240 {
				buf[y*stride+x/8] &^= 0x80 >> (x % 8)
			}
		}
	}
	return buf
}

func zlibBytes(t testing.TB, raw []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// encode24 packs img as B, G, R per pixel, row-major, no padding.
func encode24(img image.Image) []byte {
	b := img.Bounds()
	var buf []byte
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			buf = append(buf, c.B, c.G, c.R)
		}
	}
	return buf
}

// encode565 packs img as RGB565, high byte first.
func encode565(img image.Image) []byte {
	b := img.Bounds()
	var buf []byte
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			v := uint16(c.R>>3)<<11 | uint16(c.G>>2)<<5 | uint16(c.B>>3)
			buf = append(buf, byte(v>>8), byte(v))
		}
	}
	return buf
}

// blocks cuts data into ImageDataBlock reports: 26, length LE16, up to 253
// bytes, padded to 256.
func blocks(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := min(len(data), 253)
		r := make([]byte, 256)
		r[0] = 0x26
		copy(r[1:], le16(n))
		copy(r[3:], data[:n])
		out = append(out, r)
		data = data[n:]
	}
	return out
}

// sendImage sends a whole image: start (25, or 24 with area), blocks, commit.
// It checks lastResultCode 0 after every report.
func sendImage(t testing.TB, d hid.Device, mode byte, data []byte, area []byte) {
	t.Helper()
	if area == nil {
		mustSet(t, d, 0x25, mode)
	} else {
		mustSet(t, d, append([]byte{0x24, mode, 0x01}, area...)...)
	}
	wantResult(t, d, 0)
	for _, b := range blocks(data) {
		mustSet(t, d, b...)
		wantResult(t, d, 0)
	}
	mustSet(t, d, 0x27, 0x00)
	wantResult(t, d, 0)
}

// sameImage compares the pixels of got in r (at got's coordinates) with
// want (at its own origin), through conv.
func sameImage(t testing.TB, got image.Image, r image.Rectangle, want image.Image, conv func(color.RGBA) color.RGBA) {
	t.Helper()
	bad := 0
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			g := got.(*image.RGBA).RGBAAt(r.Min.X+x, r.Min.Y+y)
			w := conv(want.(*image.RGBA).RGBAAt(want.Bounds().Min.X+x, want.Bounds().Min.Y+y))
			if g != w {
				if bad < 5 {
					t.Errorf("pixel (%d,%d) = %v, want %v", r.Min.X+x, r.Min.Y+y, g, w)
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d pixels differ", bad)
	}
}

var red = color.RGBA{0xFF, 0, 0, 0xFF}

func isDisconnected(err error) bool { return errors.Is(err, transport.ErrDisconnected) }

var blue = color.RGBA{0, 0, 0xFF, 0xFF}
