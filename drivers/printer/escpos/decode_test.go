package escpos

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// A small ESC/POS decoder written from the spec's tables, for the tests:
// it accounts for every byte of a job and turns it into printed items.

type item struct {
	kind  string // "text", "raster", "barcode", "qr", "feed", "cut", "marker"
	text  string // text: the line, decoded from GB18030
	size  int    // GS ! height multiplier at the line
	bold  bool
	align int
	bm    *Bitmap // raster
	data  []byte  // barcode payload, QR data
	n     int     // feed lines, cut mode
	hri   int
	width int
}

type decoded struct {
	items   []item
	cmds    []string // every command, in order, e.g. "ESC @", "GS v 0"
	chinese bool
	spacing int
}

func (d *decoded) texts() []string {
	var out []string
	for _, it := range d.items {
		if it.kind == "text" {
			out = append(out, it.text)
		}
	}
	return out
}

func (d *decoded) of(kind string) []item {
	var out []item
	for _, it := range d.items {
		if it.kind == kind {
			out = append(out, it)
		}
	}
	return out
}

func decodeESCPOS(b []byte) (*decoded, error) {
	d := &decoded{chinese: true}
	size, bold, align, hri, width := 1, false, 0, 0, 0
	var line []byte
	need := func(i, n int) error {
		if i+n > len(b) {
			return fmt.Errorf("command at %d truncated", i)
		}
		return nil
	}
	flush := func() error {
		s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(line)
		back, _ := simplifiedchinese.GB18030.NewEncoder().Bytes(s)
		if err != nil || !bytes.Equal(back, line) {
			return fmt.Errorf("text % X does not decode", line)
		}
		d.items = append(d.items, item{kind: "text", text: string(s), size: size, bold: bold, align: align})
		line = line[:0]
		return nil
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == 0x0A:
			if err := flush(); err != nil {
				return d, err
			}
			d.cmds = append(d.cmds, "LF")
			i++
			continue
		case c >= 0x20 && c < 0x7F:
			line = append(line, c)
			i++
			continue
		case c >= 0x81 && c <= 0xFE && d.chinese:
			if err := need(i, 2); err != nil {
				return d, err
			}
			n := 2
			if b[i+1] >= 0x30 && b[i+1] <= 0x39 {
				n = 4
			}
			if err := need(i, n); err != nil {
				return d, err
			}
			line = append(line, b[i:i+n]...)
			i += n
			continue
		}
		if err := need(i, 2); err != nil {
			return d, err
		}
		name := fmt.Sprintf("%02X %02X", c, b[i+1])
		two := [2]byte{c, b[i+1]}
		arg := func(k int) int { return int(b[i+k]) }
		n := 3 // most commands: prefix, letter, one parameter
		switch two {
		case [2]byte{0x1B, 0x40}:
			name, n = "ESC @", 2
			size, bold, align = 1, false, 0
		case [2]byte{0x1C, 0x26}:
			name, n, d.chinese = "FS &", 2, true
		case [2]byte{0x1C, 0x2E}:
			name, n, d.chinese = "FS .", 2, false
		case [2]byte{0x1B, 0x32}:
			name, n = "ESC 2", 2
		case [2]byte{0x1B, 0x74}:
			name = "ESC t"
		case [2]byte{0x1B, 0x33}:
			name = "ESC 3"
			if need(i, 3) == nil {
				d.spacing = arg(2)
			}
		case [2]byte{0x1D, 0x21}:
			name = "GS !"
			if need(i, 3) == nil {
				size = arg(2)&7 + 1
			}
		case [2]byte{0x1C, 0x21}:
			name = "FS !"
		case [2]byte{0x1B, 0x45}:
			name = "ESC E"
			if need(i, 3) == nil {
				bold = arg(2)&1 == 1
			}
		case [2]byte{0x1B, 0x2D}:
			name = "ESC -"
		case [2]byte{0x1C, 0x2D}:
			name = "FS -"
		case [2]byte{0x1B, 0x61}:
			name = "ESC a"
			if need(i, 3) == nil {
				align = arg(2) % 48
			}
		case [2]byte{0x1B, 0x4A}:
			name = "ESC J"
			need(i, 3)
		case [2]byte{0x1B, 0x64}:
			name = "ESC d"
			if need(i, 3) == nil {
				d.items = append(d.items, item{kind: "feed", n: arg(2)})
			}
		case [2]byte{0x1D, 0x48}:
			name = "GS H"
			if need(i, 3) == nil {
				hri = arg(2)
			}
		case [2]byte{0x1D, 0x68}:
			name = "GS h"
		case [2]byte{0x1D, 0x77}:
			name = "GS w"
			if need(i, 3) == nil {
				width = arg(2)
			}
		case [2]byte{0x1D, 0x61}:
			name = "GS a"
		case [2]byte{0x1D, 0x72}:
			name = "GS r"
			d.items = append(d.items, item{kind: "marker"})
		case [2]byte{0x10, 0x04}:
			name = "DLE EOT"
		case [2]byte{0x10, 0x05}:
			name = "DLE ENQ"
		case [2]byte{0x1D, 0x56}:
			name = "GS V"
			if err := need(i, 3); err != nil {
				return d, err
			}
			if m := arg(2); m == 65 || m == 66 {
				n = 4
			}
			d.items = append(d.items, item{kind: "cut", n: arg(2)})
		case [2]byte{0x1D, 0x6B}:
			name = "GS k"
			if err := need(i, 4); err != nil {
				return d, err
			}
			if arg(2) != 73 {
				return d, fmt.Errorf("GS k m=%d", arg(2))
			}
			n = 4 + arg(3)
			if err := need(i, n); err != nil {
				return d, err
			}
			d.items = append(d.items, item{kind: "barcode", data: b[i+4 : i+n], align: align, hri: hri, width: width})
		case [2]byte{0x1D, 0x76}:
			name = "GS v 0"
			if err := need(i, 8); err != nil {
				return d, err
			}
			if b[i+2] != 0x30 || b[i+3] != 0 {
				return d, fmt.Errorf("GS v %02X m=%d", b[i+2], b[i+3])
			}
			xb, rows := arg(4)+256*arg(5), arg(6)+256*arg(7)
			n = 8 + xb*rows
			if err := need(i, n); err != nil {
				return d, err
			}
			bm := &Bitmap{W: xb * 8, H: rows, Stride: xb, Bits: b[i+8 : i+n]}
			// Consecutive bands of one image are one item.
			if k := len(d.items) - 1; k >= 0 && d.items[k].kind == "raster" && d.items[k].bm.Stride == xb && d.items[k].n == 1 && len(line) == 0 {
				prev := d.items[k].bm
				joined := &Bitmap{W: prev.W, H: prev.H + rows, Stride: xb, Bits: append(append([]byte(nil), prev.Bits...), bm.Bits...)}
				d.items[k].bm = joined
			} else {
				d.items = append(d.items, item{kind: "raster", bm: bm, align: align, n: 1})
			}
		case [2]byte{0x1D, 0x28}:
			name = "GS ( k"
			if err := need(i, 7); err != nil {
				return d, err
			}
			n = 5 + arg(3) + 256*arg(4)
			if err := need(i, n); err != nil {
				return d, err
			}
			if b[i+2] == 0x6B && b[i+5] == 0x31 && b[i+6] == 0x50 {
				d.items = append(d.items, item{kind: "qr", data: b[i+8 : i+n], align: align})
			}
		default:
			return d, fmt.Errorf("unknown command % X at %d", b[i:min(i+4, len(b))], i)
		}
		if err := need(i, n); err != nil {
			return d, err
		}
		d.cmds = append(d.cmds, name)
		// a raster item stays open for more bands only until the next command
		if name != "GS v 0" {
			for k := range d.items {
				if d.items[k].kind == "raster" {
					d.items[k].n = 0
				}
			}
		}
		i += n
	}
	if len(line) > 0 {
		return d, fmt.Errorf("text % X without LF at the end", line)
	}
	return d, nil
}

// savePNG writes a bitmap for looking at (debugging only).
func savePNG(bm *Bitmap, path string) error {
	img := image.NewGray(image.Rect(0, 0, bm.W, bm.H))
	for y := 0; y < bm.H; y++ {
		for x := 0; x < bm.W; x++ {
			c := color.Gray{Y: 255}
			if bm.At(x, y) {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}
