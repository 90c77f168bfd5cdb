package ink

import (
	"strconv"
)

// SVG is the drawing as an SVG document: one filled path per stroke, made
// of quadratic curves through the midpoints of the outline's vertices,
// each vertex the control point of its curve.
func (d *Drawing) SVG() []byte {
	w, h := strconv.Itoa(d.opt.Width), strconv.Itoa(d.opt.Height)
	b := make([]byte, 0, 256+d.vertices()*24)
	b = append(b, `<svg xmlns="http://www.w3.org/2000/svg" width="`+w+`" height="`+h+`" viewBox="0 0 `+w+` `+h+`">`+"\n"...)
	if d.opt.Background.A != 0 {
		b = append(b, `<rect width="`+w+`" height="`+h+`" fill="`+FormatColor(d.opt.Background)+`"/>`+"\n"...)
	}
	b = append(b, `<g fill="`+FormatColor(d.opt.Color)+`">`+"\n"...)
	for _, p := range d.paths {
		b = append(b, `<path d="`...)
		b = appendPath(b, p)
		b = append(b, `"/>`+"\n"...)
	}
	b = append(b, "</g>\n</svg>\n"...)
	return b
}

func (d *Drawing) vertices() int {
	n := 0
	for _, p := range d.paths {
		n += len(p)
	}
	return n
}

// appendPath writes one closed outline: M m₋₁ Q p₀ m₀ p₁ m₁ … Z, where mᵢ
// is the midpoint of pᵢ and the next vertex.
func appendPath(b []byte, p []ipt) []byte {
	n := len(p)
	b = append(b, 'M')
	b = appendPoint(b, mid(p[n-1], p[0]))
	b = append(b, 'Q')
	for i, v := range p {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendPoint(b, v)
		b = append(b, ' ')
		b = appendPoint(b, mid(v, p[(i+1)%n]))
	}
	return append(b, 'Z')
}

func mid(a, b ipt) ipt { return ipt{(a.x + b.x) / 2, (a.y + b.y) / 2} }

func appendPoint(b []byte, v ipt) []byte {
	b = appendHundredths(b, v.x)
	b = append(b, ' ')
	return appendHundredths(b, v.y)
}

// appendHundredths writes v/100 in the fewest digits: 1234 → 12.34, 1230
// → 12.3, 1200 → 12, -5 → -0.05.
func appendHundredths(b []byte, v int32) []byte {
	u := int64(v)
	if u < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendInt(b, u/100, 10)
	f := u % 100
	switch {
	case f == 0:
	case f%10 == 0:
		b = append(b, '.', byte('0'+f/10))
	default:
		b = append(b, '.', byte('0'+f/10), byte('0'+f%10))
	}
	return b
}
