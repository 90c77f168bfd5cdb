package escpossim

// Raster is a 1-bit image as the printer received it: rows of packed
// bytes, bit 7 of each byte the leftmost dot, 1 printed (black).
type Raster struct {
	// Width is in dots, Height in rows; Stride is bytes per row.
	Width, Height, Stride int
	Bits                  []byte
}

// At reports whether the dot at (x, y) is printed.
func (r *Raster) At(x, y int) bool {
	if r == nil || x < 0 || y < 0 || x >= r.Width || y >= r.Height {
		return false
	}
	return r.Bits[y*r.Stride+x/8]&(0x80>>(x%8)) != 0
}

// newRaster copies a w×h raster of stride bytes per row from data,
// keeping only the first keepW dots of each row and the first keepH rows.
func newRaster(data []byte, stride, h, keepW, keepH int) *Raster {
	keepW = min(keepW, stride*8)
	keepH = min(keepH, h)
	ks := (keepW + 7) / 8
	r := &Raster{Width: keepW, Height: keepH, Stride: ks, Bits: make([]byte, ks*keepH)}
	for y := 0; y < keepH; y++ {
		row := r.Bits[y*ks : (y+1)*ks]
		copy(row, data[y*stride:y*stride+ks])
		if rem := keepW % 8; rem != 0 {
			row[ks-1] &= byte(0xFF << (8 - rem))
		}
	}
	return r
}
