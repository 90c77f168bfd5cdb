package escpossim

// maxImageRows bounds one image's height (about 1 m of paper); rows
// beyond it are dropped.
const maxImageRows = 8192

// raster handles GS v 0 m xL xH yL yH d1…dk: a raster image of x bytes by
// y rows, bit 7 the leftmost dot, 1 printed.
func (in *Interpreter) raster(buf []byte) (int, bool) {
	if len(buf) < 8 {
		return 0, false
	}
	m := buf[3]
	x, y := int(buf[4])|int(buf[5])<<8, int(buf[6])|int(buf[7])<<8
	n := 8 + x*y
	return in.fixed(buf, n, "GS v 0", func(b []byte) string {
		sx, sy := 1, 1
		switch m {
		case 0, 48:
		case 1, 49:
			sx = 2
		case 2, 50:
			sy = 2
		case 3, 51:
			sx, sy = 2, 2
		default:
			return "ignored: no such mode"
		}
		return in.printRaster(b[8:], x, y, sx, sy)
	})
}

// printRaster prints a raster of stride bytes by h rows at the current
// line, scaled sx by sy.
func (in *Interpreter) printRaster(data []byte, stride, h, sx, sy int) string {
	if !in.lineStart() {
		return "ignored: not at the start of a line"
	}
	if stride == 0 || h == 0 {
		return "empty image"
	}
	_, width := in.area()
	r := newRaster(data, stride, h, (width+sx-1)/sx, maxImageRows)
	problem := ""
	if r.Width < stride*8 || r.Height < h {
		problem = "clipped to the print area"
	}
	x, w := in.place(r.Width * sx)
	in.roll.add(&Image{Place: Place{X: x, Y: in.roll.y(), Width: w, Height: r.Height * sy}, Raster: r, ScaleX: sx, ScaleY: sy})
	in.roll.head += r.Height * sy
	return problem
}

// graphics carries out the GS ( L / GS 8 L functions that print raster
// graphics: fn 112 stores an image in the print buffer, fn 50 (or 2)
// prints it. b starts at m.
func (in *Interpreter) graphics(b []byte) string {
	if len(b) < 2 {
		return "ignored: too short"
	}
	switch fn := b[1]; fn {
	case 112:
		// m fn a bx by c xL xH yL yH d1…dk
		if len(b) < 10 {
			return "ignored: too short"
		}
		if b[2] != 48 {
			return "ignored: multi-tone graphics are not supported"
		}
		if b[5] != 49 {
			return "ignored: only the first colour prints on a thermal printer"
		}
		bx, by := int(b[3]), int(b[4])
		if bx < 1 || bx > 2 || by < 1 || by > 2 {
			return "ignored: scale out of range"
		}
		w, h := int(b[6])|int(b[7])<<8, int(b[8])|int(b[9])<<8
		stride := (w + 7) / 8
		if len(b) < 10+stride*h {
			return "ignored: data shorter than the image"
		}
		_, width := in.area()
		in.gfx = newRaster(b[10:], stride, h, min(w, (width+bx-1)/bx), maxImageRows)
		in.gfxScale = [2]int{bx, by}
		return ""
	case 50, 2:
		if in.gfx == nil {
			return "nothing stored to print"
		}
		r := in.gfx
		in.gfx = nil
		if !in.lineStart() {
			return "ignored: not at the start of a line"
		}
		sx, sy := in.gfxScale[0], in.gfxScale[1]
		x, w := in.place(r.Width * sx)
		in.roll.add(&Image{Place: Place{X: x, Y: in.roll.y(), Width: w, Height: r.Height * sy}, Raster: r, ScaleX: sx, ScaleY: sy})
		in.roll.head += r.Height * sy
		return ""
	default:
		return "ignored: graphics function not supported"
	}
}
