package stusim

import (
	"bytes"
	"image"
	"image/color"
	"testing"
)

// picture is a known test image: a colour gradient with a black frame, a
// diagonal and a checkerboard patch.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 0xFF}
			switch {
			case x == 0 || y == 0 || x == w-1 || y == h-1 || x*h/w == y:
				c = color.RGBA{0, 0, 0, 0xFF}
			case x < w/4 && y < h/4:
				if (x/3+y/3)%2 == 0 {
					c = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
				} else {
					c = color.RGBA{0x20, 0x40, 0xF0, 0xFF}
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// mono is how a 1-bit image shows: ink (black) where R|G|B <= 240.
func mono(c color.RGBA) color.RGBA {
	if c.R|c.G|c.B <= 240 {
		return color.RGBA{0, 0, 0, 0xFF}
	}
	return color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
}

func same(c color.RGBA) color.RGBA { return c }

// as565 is what a colour survives RGB565 as, expanded back to 8 bits.
func as565(c color.RGBA) color.RGBA {
	r, g, b := c.R>>3, c.G>>2, c.B>>3
	return color.RGBA{r<<3 | r>>2, g<<2 | g>>4, b<<3 | b>>2, 0xFF}
}

func TestImageUploadRoundTrip(t *testing.T) {
	full := image.Rect(0, 0, 800, 480)
	pic := picture(800, 480)
	for _, tc := range []struct {
		name string
		mode byte
		data []byte
		conv func(color.RGBA) color.RGBA
	}{
		{"1-bit raw", 0x00, encode1Bit(pic), mono},
		{"1-bit zlib", 0x01, zlibBytes(t, encode1Bit(pic)), mono},
		{"16-bit RGB565", 0x02, encode565(pic), as565},
		{"24-bit BGR", 0x04, encode24(pic), same},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{})
			d := p.Device()
			sendImage(t, d, tc.mode, tc.data, nil)
			sameImage(t, p.Screen(), full, pic, tc.conv)
		})
	}
}

func TestImageUploadArea(t *testing.T) {
	// 13 pixels wide: each 1-bit row is padded to 2 bytes.
	pic := picture(13, 9)
	for _, mode := range []byte{0x00, 0x01, 0x04} {
		p := New(Config{})
		d := p.Device()
		data := encode1Bit(pic)
		conv := mono
		switch mode {
		case 0x01:
			data = zlibBytes(t, data)
		case 0x04:
			data, conv = encode24(pic), same
		}
		sendImage(t, d, mode, data, rectBytes(100, 50, 112, 58))
		scr := p.Screen()
		sameImage(t, scr, image.Rect(100, 50, 113, 59), pic, conv)
		// Outside the area the screen is still white.
		for _, pt := range []image.Point{{99, 50}, {113, 50}, {100, 49}, {100, 59}} {
			if c := scr.At(pt.X, pt.Y); c != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) {
				t.Errorf("mode %02x: pixel %v = %v outside the area", mode, pt, c)
			}
		}
	}
}

func TestSTU430MonoUpload(t *testing.T) {
	p := New(Config{Product: STU430})
	d := p.Device()
	pic := picture(320, 200)
	sendImage(t, d, 0x01, zlibBytes(t, encode1Bit(pic)), nil)
	sameImage(t, p.Screen(), image.Rect(0, 0, 320, 200), pic, mono)
}

func TestImageUploadErrors(t *testing.T) {
	full1bit := 100 * 480 // 800/8 × 480
	t.Run("wrong encoding", func(t *testing.T) {
		d := New(Config{}).Device()
		for _, m := range []byte{0x03, 0x05, 0x10, 0x12, 0x14, 0xFF} {
			mustSet(t, d, 0x25, m)
			if st, res := status(t, d); res != ResultWrongEncoding || st != StatusReady {
				t.Errorf("mode %02x: %02x/%02x, want Ready/10", m, st, res)
			}
		}
	})
	t.Run("too long", func(t *testing.T) {
		p := New(Config{})
		d := p.Device()
		mustSet(t, d, 0x25, 0x00)
		var last byte
		for _, b := range blocks(bytes.Repeat([]byte{0x00}, full1bit+1)) {
			mustSet(t, d, b...)
			_, last = status(t, d)
		}
		if last != ResultImageTooLong {
			t.Fatalf("last block: lastResultCode %02x, want 11", last)
		}
		mustSet(t, d, 0x27, 0x00)
		wantResult(t, d, ResultImageTooLong)
		if c := p.Screen().At(5, 5); c != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) {
			t.Error("a spoilt image was drawn")
		}
		if st, _ := status(t, d); st != StatusReady {
			t.Error("not Ready after the failed commit")
		}
	})
	t.Run("too long zlib", func(t *testing.T) {
		d := New(Config{}).Device()
		mustSet(t, d, 0x25, 0x01)
		for _, b := range blocks(zlibBytes(t, make([]byte, full1bit+10))) {
			mustSet(t, d, b...)
			wantResult(t, d, 0)
		}
		mustSet(t, d, 0x27, 0x00)
		wantResult(t, d, ResultImageTooLong)
	})
	t.Run("zlib error", func(t *testing.T) {
		d := New(Config{}).Device()
		mustSet(t, d, 0x25, 0x01)
		for _, b := range blocks(bytes.Repeat([]byte{0x5A}, 600)) {
			mustSet(t, d, b...)
		}
		mustSet(t, d, 0x27, 0x00)
		wantResult(t, d, ResultZlibError)
	})
	t.Run("bad block length", func(t *testing.T) {
		d := New(Config{}).Device()
		mustSet(t, d, 0x25, 0x00)
		for _, n := range []int{0, 254, 0xFFFF} {
			r := make([]byte, 256)
			r[0] = 0x26
			copy(r[1:], le16(n))
			mustSet(t, d, r...)
			wantResult(t, d, ResultBadParameter)
		}
	})
	t.Run("short image", func(t *testing.T) {
		p := New(Config{})
		d := p.Device()
		mustSet(t, d, 0x25, 0x00)
		for _, b := range blocks(make([]byte, full1bit-1)) {
			mustSet(t, d, b...)
		}
		mustSet(t, d, 0x27, 0x00)
		wantResult(t, d, ResultBadParameter)
		if c := p.Screen().At(5, 5); c != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) {
			t.Error("a short image was drawn")
		}
	})
	t.Run("bad area", func(t *testing.T) {
		d := New(Config{}).Device()
		for _, r := range [][]byte{rectBytes(0, 0, 800, 10), rectBytes(10, 10, 9, 20), rectBytes(0, 0, 10, 480)} {
			mustSet(t, d, append([]byte{0x24, 0x00, 0x01}, r...)...)
			wantResult(t, d, ResultBadArea)
		}
		mustSet(t, d, append([]byte{0x24, 0x00, 0x02}, rectBytes(0, 0, 9, 9)...)...)
		wantResult(t, d, ResultBadParameter)
	})
	t.Run("abandon", func(t *testing.T) {
		p := New(Config{})
		d := p.Device()
		mustSet(t, d, 0x25, 0x00)
		for _, b := range blocks(make([]byte, full1bit)) {
			mustSet(t, d, b...)
		}
		mustSet(t, d, 0x27, 0x01)
		wantResult(t, d, 0)
		if c := p.Screen().At(5, 5); c != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) {
			t.Error("an abandoned image was drawn")
		}
	})
}

func TestClearScreenShowsBackground(t *testing.T) {
	p := New(Config{ClearScreenTime: -1})
	d := p.Device()
	sendImage(t, d, 0x00, make([]byte, 100*480), nil) // all ink
	if c := p.Screen().At(400, 240); c != (color.RGBA{0, 0, 0, 0xFF}) {
		t.Fatalf("after a black image: %v", c)
	}
	mustSet(t, d, 0x2E, 0x00, 0xFF, 0x00) // green, shown at the next clear
	if c := p.Screen().At(400, 240); c != (color.RGBA{0, 0, 0, 0xFF}) {
		t.Fatalf("background shown before ClearScreen: %v", c)
	}
	mustSet(t, d, append([]byte{0x23, 0x00, 0x01}, rectBytes(0, 0, 9, 9)...)...)
	wantResult(t, d, 0)
	if c := p.Screen().At(9, 9); c != (color.RGBA{0, 0xFF, 0, 0xFF}) {
		t.Fatalf("ClearScreenArea: %v", c)
	}
	if c := p.Screen().At(10, 10); c != (color.RGBA{0, 0, 0, 0xFF}) {
		t.Fatalf("ClearScreenArea cleared too much: %v", c)
	}
	mustSet(t, d, 0x20, 0x00)
	if c := p.Screen().At(400, 240); c != (color.RGBA{0, 0xFF, 0, 0xFF}) {
		t.Fatalf("after ClearScreen: %v", c)
	}
}
