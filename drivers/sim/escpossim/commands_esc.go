package escpossim

import "fmt"

// esc reads the ESC commands: initialisation, print modes, positions,
// feeds and the old cuts.
func (in *Interpreter) esc(buf []byte) (int, bool) {
	if len(buf) < 2 {
		return 0, false
	}
	st := &in.st
	switch buf[1] {
	case '@':
		return in.fixed(buf, 2, "ESC @", func([]byte) string {
			in.st = defaultState(in.cfg.dots())
			in.line = lineBuf{}
			in.gfx = nil
			return ""
		})
	case ' ':
		return in.fixed(buf, 3, "ESC SP", func(b []byte) string { st.right = int(b[2]); return "" })
	case '!':
		return in.fixed(buf, 3, "ESC !", func(b []byte) string {
			n := b[2]
			st.fontB = n&1 != 0
			st.bold = n&8 != 0
			st.sh, st.sw = 1+int(n>>4&1), 1+int(n>>5&1)
			st.ul = 0
			if n&0x80 != 0 {
				st.ul = 1
			}
			return ""
		})
	case '$':
		return in.fixed(buf, 4, "ESC $", func(b []byte) string {
			x := int(b[2]) | int(b[3])<<8
			if _, w := in.area(); x > w {
				return "ignored: beyond the print area"
			}
			in.line.x = x
			return ""
		})
	case '\\':
		return in.fixed(buf, 4, "ESC \\", func(b []byte) string {
			x := in.line.x + int(int16(uint16(b[2])|uint16(b[3])<<8))
			if _, w := in.area(); x < 0 || x > w {
				return "ignored: beyond the print area"
			}
			in.line.x = x
			return ""
		})
	case '%':
		return in.fixed(buf, 3, "ESC %", ignored("user-defined characters are not supported"))
	case '&':
		return in.userChars(buf)
	case '*':
		return in.bitImage(buf)
	case '-':
		return in.fixed(buf, 3, "ESC -", func(b []byte) string { st.ul = underline(b[2]); return "" })
	case '2':
		return in.fixed(buf, 2, "ESC 2", func([]byte) string { st.spacing = defaultLineSpacing; return "" })
	case '3':
		return in.fixed(buf, 3, "ESC 3", func(b []byte) string { st.spacing = int(b[2]); return "" })
	case '=':
		return in.fixed(buf, 3, "ESC =", noted("peripheral device"))
	case '?':
		return in.fixed(buf, 3, "ESC ?", noted("cancel user-defined character"))
	case 'D':
		return in.tabStops(buf)
	case 'E':
		return in.fixed(buf, 3, "ESC E", func(b []byte) string { st.bold = b[2]&1 != 0; return "" })
	case 'G':
		return in.fixed(buf, 3, "ESC G", func(b []byte) string { st.bold = b[2]&1 != 0; return "" })
	case 'J':
		return in.fixed(buf, 3, "ESC J", func(b []byte) string { in.printLine(int(b[2])); return "" })
	case 'K':
		return in.fixed(buf, 3, "ESC K", ignored("reverse feed"))
	case 'L':
		return in.fixed(buf, 2, "ESC L", ignored("page mode is not supported: data prints in standard mode"))
	case 'M':
		return in.fixed(buf, 3, "ESC M", func(b []byte) string {
			switch b[2] {
			case 0, 48:
				st.fontB = false
			case 1, 49:
				st.fontB = true
			default:
				return "ignored: no such font"
			}
			return ""
		})
	case 'R':
		return in.fixed(buf, 3, "ESC R", func(b []byte) string { st.intl = int(b[2]); return "" })
	case 'S':
		return in.fixed(buf, 2, "ESC S", nil)
	case 'T':
		return in.fixed(buf, 3, "ESC T", ignored("page mode"))
	case 'U':
		return in.fixed(buf, 3, "ESC U", nil)
	case 'V':
		return in.fixed(buf, 3, "ESC V", ignored("90° rotation is not drawn"))
	case 'W':
		return in.fixed(buf, 10, "ESC W", ignored("page mode"))
	case 'a':
		return in.fixed(buf, 3, "ESC a", func(b []byte) string {
			n := b[2]
			if n >= 48 {
				n -= 48
			}
			if n > 2 {
				return "ignored: no such alignment"
			}
			if !in.lineStart() {
				return "ignored: not at the start of a line"
			}
			st.align = int(n)
			return ""
		})
	case 'c':
		return in.fixed(buf, 4, "ESC c", nil)
	case 'd':
		return in.fixed(buf, 3, "ESC d", func(b []byte) string { in.feedLines(int(b[2])); return "" })
	case 'e':
		return in.fixed(buf, 3, "ESC e", ignored("reverse feed"))
	case 'i', 'm':
		return in.fixed(buf, 2, "ESC "+string(buf[1]), func([]byte) string { return in.cut(CutPartial, 0, false) })
	case 'p':
		return in.fixed(buf, 5, "ESC p", noted("drawer pulse"))
	case 'r':
		return in.fixed(buf, 3, "ESC r", nil)
	case 't':
		return in.fixed(buf, 3, "ESC t", func(b []byte) string {
			st.codePage = int(b[2])
			if b[2] > 1 {
				return "code page decoded as '?' above 0x7F"
			}
			return ""
		})
	case 'u':
		return in.fixed(buf, 3, "ESC u", ignored("peripheral status is not answered"))
	case 'v':
		return in.fixed(buf, 2, "ESC v", ignored("paper sensor status is not answered"))
	case '{':
		return in.fixed(buf, 3, "ESC {", func(b []byte) string { st.upside = b[2]&1 != 0; return "" })
	case '(':
		if len(buf) < 3 {
			return 0, false
		}
		return in.lengthPrefixed(buf, "ESC ( "+printable(buf[2]), nil)
	}
	return in.unknown(buf, "ESC")
}

// feedLines prints the line buffer and feeds n lines (ESC d).
func (in *Interpreter) feedLines(n int) {
	if n == 0 {
		if !in.lineStart() {
			in.printLine(0)
		}
		return
	}
	in.printLine(in.st.spacing)
	in.feed((n - 1) * in.st.spacing)
}

func underline(n byte) int {
	if n >= 48 {
		n -= 48
	}
	if n > 2 {
		return 0
	}
	return int(n)
}

func printable(b byte) string {
	if b > 0x20 && b < 0x7F {
		return string(b)
	}
	return fmt.Sprintf("%#02x", b)
}

// userChars skips ESC & y c1 c2 [x d1…d(y·x)]…: user-defined characters.
func (in *Interpreter) userChars(buf []byte) (int, bool) {
	if len(buf) < 5 {
		return 0, false
	}
	y, c1, c2 := int(buf[2]), int(buf[3]), int(buf[4])
	if y < 1 || y > 3 || c1 < 32 || c2 > 126 || c1 > c2 {
		in.rec("ESC &", buf[:5], "ignored: parameters out of range")
		return 5, true
	}
	i := 5
	for c := c1; c <= c2; c++ {
		if len(buf) <= i {
			return 0, false
		}
		x := int(buf[i])
		if x > 12 {
			in.rec("ESC &", buf[:i+1], "ignored: character wider than 12 dots")
			return i + 1, true
		}
		i += 1 + x*y
	}
	return in.fixed(buf, i, "ESC &", ignored("user-defined characters are not supported"))
}

// bitImage skips ESC * m nL nH d1…dk (column-format bit image).
func (in *Interpreter) bitImage(buf []byte) (int, bool) {
	if len(buf) < 5 {
		return 0, false
	}
	n := int(buf[3]) | int(buf[4])<<8
	switch buf[2] {
	case 0, 1:
	case 32, 33:
		n *= 3
	default:
		in.rec("ESC *", buf[:5], "ignored: no such mode")
		return 5, true
	}
	return in.fixed(buf, 5+n, "ESC *", ignored("column bit images are not drawn"))
}

// tabStops reads ESC D n1…nk NUL (at most 32 stops).
func (in *Interpreter) tabStops(buf []byte) (int, bool) {
	var stops []int
	for i := 2; ; i++ {
		if i >= len(buf) {
			return 0, false
		}
		b := buf[i]
		if b == 0 || len(stops) == 32 {
			end := i + 1
			if b != 0 {
				end = i // the 33rd byte is data again
			}
			in.rec("ESC D", buf[:end], "")
			in.st.tabs = stops
			return end, true
		}
		if len(stops) > 0 && int(b) <= stops[len(stops)-1] {
			// Stops must ascend; the printer ends the list here.
			in.rec("ESC D", buf[:i], "stops not ascending: list ended early")
			in.st.tabs = stops
			return i, true
		}
		stops = append(stops, int(b))
	}
}
