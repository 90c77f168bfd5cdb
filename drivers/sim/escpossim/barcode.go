package escpossim

import "fmt"

// hriGap is the space between bars and human-readable text, in dots.
const hriGap = 4

// barcode handles GS k m: format A (m 0–6, data ending in NUL) and
// format B (m 65–79, a length byte). Only Code 128 (m 73) is drawn.
func (in *Interpreter) barcode(buf []byte) (int, bool) {
	if len(buf) < 3 {
		return 0, false
	}
	m := buf[2]
	switch {
	case m <= 6:
		for i := 3; i < len(buf) && i < 3+256; i++ {
			if buf[i] == 0 {
				in.rec(fmt.Sprintf("GS k %d", m), buf[:i+1], "ignored: only Code 128 is drawn")
				return i + 1, true
			}
		}
		if len(buf) < 3+256 {
			return 0, false
		}
		in.rec(fmt.Sprintf("GS k %d", m), buf[:3+255], "ignored: no NUL within 255 bytes")
		return 3 + 255, true
	case m >= 65 && m <= 79:
		if len(buf) < 4 {
			return 0, false
		}
		n := 4 + int(buf[3])
		if len(buf) < n {
			return 0, false
		}
		name := fmt.Sprintf("GS k %d", m)
		if m != 73 {
			in.rec(name, buf[:n], "ignored: only Code 128 is drawn")
			return n, true
		}
		text, codes, err := code128(buf[4:n])
		if err != nil && (len(buf[4:n]) < 2 || buf[4] != '{') {
			// No code set selector: the printer abandons the command
			// and the data that follows prints as text.
			in.rec(name, buf[:4], "abandoned: "+err.Error()+"; the data prints as text")
			return 4, true
		}
		if err != nil {
			in.rec(name, buf[:n], "not printed: "+err.Error())
			return n, true
		}
		in.rec(name, buf[:n], in.printBarcode(text, codes))
		return n, true
	}
	in.rec(fmt.Sprintf("GS k %d", m), buf[:3], "ignored: no such barcode system")
	return 3, true
}

// printBarcode prints a Code 128 symbol at the current line.
func (in *Interpreter) printBarcode(text string, codes []int) string {
	if !in.lineStart() {
		return "ignored: not at the start of a line"
	}
	st := &in.st
	b := &Barcode{Symbology: "CODE128", Data: text, Codes: codes, Module: st.barW, BarHeight: st.barH, HRI: st.hriPos}
	if st.hriFontB {
		b.HRIFont = FontB
	}
	w := len(code128Modules(codes)) * st.barW
	if _, width := in.area(); w > width {
		return "not printed: the symbol is wider than the print area"
	}
	h := st.barH
	if st.hriPos != 0 {
		_, fh := hriCell(b.HRIFont)
		h += (hriGap + fh) * (st.hriPos&1 + st.hriPos>>1)
	}
	x, _ := in.place(w)
	b.Place = Place{X: x, Y: in.roll.y(), Width: w, Height: h}
	in.roll.add(b)
	in.roll.head += h
	return ""
}

// hriCell is the character cell of the HRI font.
func hriCell(f Font) (w, h int) {
	if f == FontB {
		return 9, 17
	}
	return 12, 24
}
