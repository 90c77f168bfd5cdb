package escpossim

import "fmt"

// gs reads the GS commands: size, graphics, symbols, cuts, print area
// and the status and ID requests.
func (in *Interpreter) gs(buf []byte) (int, bool) {
	if len(buf) < 2 {
		return 0, false
	}
	st := &in.st
	switch buf[1] {
	case '!':
		return in.fixed(buf, 3, "GS !", func(b []byte) string {
			if b[2]&0x88 != 0 {
				return "ignored: size out of range"
			}
			w, h := sizeMul(b[2])
			st.sw, st.sh, st.cw, st.ch = w, h, w, h
			return ""
		})
	case '$':
		return in.fixed(buf, 4, "GS $", ignored("page mode"))
	case '(':
		if len(buf) < 5 {
			return 0, false
		}
		name, ok := fnName(buf, 5)
		if !ok {
			return 0, false
		}
		switch buf[2] {
		case 'k':
			return in.lengthPrefixed(buf, name, in.symbol)
		case 'L':
			return in.lengthPrefixed(buf, name, func(b []byte) string { return in.graphics(b[5:]) })
		}
		return in.lengthPrefixed(buf, name, nil)
	case '8':
		return in.long(buf)
	case '*':
		if len(buf) < 4 {
			return 0, false
		}
		return in.fixed(buf, 4+int(buf[2])*int(buf[3])*8, "GS *", ignored("downloaded bit images are not stored"))
	case '/':
		return in.fixed(buf, 3, "GS /", ignored("no downloaded bit image"))
	case ':':
		return in.fixed(buf, 2, "GS :", ignored("macros are not supported"))
	case 'B':
		return in.fixed(buf, 3, "GS B", func(b []byte) string { st.reverse = b[2]&1 != 0; return "" })
	case 'C':
		return in.counter(buf)
	case 'E':
		return in.fixed(buf, 3, "GS E", nil)
	case 'H':
		return in.fixed(buf, 3, "GS H", func(b []byte) string {
			n := b[2]
			if n >= 48 {
				n -= 48
			}
			if n > 3 {
				return "ignored: out of range"
			}
			st.hriPos = int(n)
			return ""
		})
	case 'I':
		return in.fixed(buf, 3, "GS I", func(b []byte) string {
			in.req = request{kind: reqID, n: b[2]}
			return ""
		})
	case 'L':
		return in.fixed(buf, 4, "GS L", func(b []byte) string {
			if !in.lineStart() {
				return "ignored: not at the start of a line"
			}
			st.margin = int(b[2]) | int(b[3])<<8
			return ""
		})
	case 'P':
		return in.fixed(buf, 4, "GS P", noted("motion units"))
	case 'Q':
		if len(buf) < 8 {
			return 0, false
		}
		x, y := int(buf[4])|int(buf[5])<<8, int(buf[6])|int(buf[7])<<8
		return in.fixed(buf, 8+x*y, "GS Q 0", ignored("variable-size bit images are not drawn"))
	case 'T':
		return in.fixed(buf, 3, "GS T", ignored("page mode"))
	case 'V':
		return in.cutCommand(buf)
	case 'W':
		return in.fixed(buf, 4, "GS W", func(b []byte) string {
			if !in.lineStart() {
				return "ignored: not at the start of a line"
			}
			st.width = int(b[2]) | int(b[3])<<8
			return ""
		})
	case '\\':
		return in.fixed(buf, 4, "GS \\", ignored("page mode"))
	case '^':
		return in.fixed(buf, 5, "GS ^", ignored("macros are not supported"))
	case 'a':
		return in.fixed(buf, 3, "GS a", func(b []byte) string {
			in.req = request{kind: reqASB, n: b[2]}
			return ""
		})
	case 'b':
		return in.fixed(buf, 3, "GS b", nil)
	case 'c':
		return in.fixed(buf, 2, "GS c", ignored("counters are not supported"))
	case 'f':
		return in.fixed(buf, 3, "GS f", func(b []byte) string { st.hriFontB = b[2]&1 != 0; return "" })
	case 'g':
		return in.fixed(buf, 6, "GS g", ignored("maintenance counters are not supported"))
	case 'h':
		return in.fixed(buf, 3, "GS h", func(b []byte) string {
			if b[2] == 0 {
				return "ignored: out of range"
			}
			st.barH = int(b[2])
			return ""
		})
	case 'k':
		return in.barcode(buf)
	case 'r':
		return in.fixed(buf, 3, "GS r", func(b []byte) string {
			in.req = request{kind: reqStatus, n: b[2]}
			return ""
		})
	case 'v':
		if len(buf) < 3 {
			return 0, false
		}
		if buf[2] == '0' {
			return in.raster(buf)
		}
	case 'w':
		return in.fixed(buf, 3, "GS w", func(b []byte) string {
			if b[2] < 1 || b[2] > 6 {
				return "ignored: out of range"
			}
			st.barW = int(b[2])
			return ""
		})
	case 'z':
		return in.fixed(buf, 5, "GS z", nil)
	case '|':
		return in.fixed(buf, 3, "GS |", nil)
	}
	return in.unknown(buf, "GS")
}

// counter skips the GS C counter commands.
func (in *Interpreter) counter(buf []byte) (int, bool) {
	if len(buf) < 3 {
		return 0, false
	}
	switch buf[2] {
	case '0', '2':
		return in.fixed(buf, 5, "GS C", ignored("counters are not supported"))
	case '1':
		return in.fixed(buf, 9, "GS C", ignored("counters are not supported"))
	case ';':
		// GS C ; sa ; sb ; sn ; sr ; sc ; — five more semicolons.
		seen := 0
		for i := 3; i < len(buf) && i < 64; i++ {
			if buf[i] == ';' {
				if seen++; seen == 5 {
					return in.fixed(buf, i+1, "GS C", ignored("counters are not supported"))
				}
			}
		}
		if len(buf) < 64 {
			return 0, false
		}
		return in.fixed(buf, 3, "GS C", ignored("malformed"))
	}
	return in.fixed(buf, 3, "GS C", ignored("counters are not supported"))
}

// long handles GS 8 L and GS 8 k: the four-byte-length forms of GS ( L and
// GS ( k.
func (in *Interpreter) long(buf []byte) (int, bool) {
	if len(buf) < 7 {
		return 0, false
	}
	p := int64(buf[3]) | int64(buf[4])<<8 | int64(buf[5])<<16 | int64(buf[6])<<24
	name, ok := fnName(buf, 7)
	if !ok {
		return 0, false
	}
	if 7+p > int64(in.maxCmd) {
		k := min(len(buf), 7)
		in.rec(name, buf[:k], "too large: skipped")
		in.skip = 7 + p - int64(k)
		return k, true
	}
	var f func([]byte) string
	if buf[2] == 'L' {
		f = func(b []byte) string { return in.graphics(b[7:]) }
	}
	return in.fixed(buf, 7+int(p), name, f)
}

// cutCommand reads GS V m [n].
func (in *Interpreter) cutCommand(buf []byte) (int, bool) {
	if len(buf) < 3 {
		return 0, false
	}
	m := buf[2]
	switch m {
	case 0, 48:
		return in.fixed(buf, 3, "GS V", func([]byte) string { return in.cut(CutFull, 0, false) })
	case 1, 49:
		return in.fixed(buf, 3, "GS V", func([]byte) string { return in.cut(CutPartial, 0, false) })
	case 65:
		return in.fixed(buf, 4, "GS V", func(b []byte) string { return in.cut(CutFull, int(b[3]), true) })
	case 66:
		return in.fixed(buf, 4, "GS V", func(b []byte) string { return in.cut(CutPartial, int(b[3]), true) })
	case 97, 98, 103, 104:
		return in.fixed(buf, 4, "GS V", ignored(fmt.Sprintf("cut function %d is not supported", m)))
	}
	return in.fixed(buf, 3, "GS V", ignored("no such cut"))
}

// cut cuts the paper (ESC i, ESC m, GS V). With feed, the paper first
// goes to the cutting position plus n rows, and the cut follows in the
// next step, once the feed has been printed.
func (in *Interpreter) cut(kind Cut, n int, feed bool) string {
	if !in.lineStart() {
		return "ignored: not at the start of a line"
	}
	if feed {
		in.feed(in.roll.gap + n)
		in.cutAfter = kind
		return ""
	}
	if !in.roll.cut(kind) {
		return "nothing above the cutter to cut"
	}
	return ""
}

// fnName names a GS ( x / GS 8 x command by its function, as manuals do:
// "GS ( k fn 180" for QR code's function 180 (cn 49, fn 80), "GS ( L fn
// 112". at is where the parameters start. It reports false until the
// bytes that name it are there.
func fnName(buf []byte, at int) (string, bool) {
	base := "GS " + printable(buf[1]) + " " + printable(buf[2])
	var p int64
	if at == 5 {
		p = int64(buf[3]) | int64(buf[4])<<8
	} else {
		p = int64(buf[3]) | int64(buf[4])<<8 | int64(buf[5])<<16 | int64(buf[6])<<24
	}
	if p < 2 {
		return base, true
	}
	if len(buf) < at+2 {
		return "", false
	}
	switch buf[2] {
	case 'k':
		if buf[at] == 49 {
			return fmt.Sprintf("%s fn %d", base, 100+int(buf[at+1])), true
		}
		return fmt.Sprintf("%s cn %d fn %d", base, buf[at], buf[at+1]), true
	case 'L':
		return fmt.Sprintf("%s fn %d", base, buf[at+1]), true
	}
	return fmt.Sprintf("%s fn %d", base, buf[at]), true
}
