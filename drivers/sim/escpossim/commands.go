package escpossim

import "fmt"

// This file reads the command set of spec §1 (and the neighbours a real
// printer knows, so that their bytes are skipped rather than printed):
// the ESC, FS, DLE and single-byte controls. GS is in commands_gs.go.

// fixed handles a command of n bytes: it waits for them, lets f act on
// them, and logs it with f's problem, if any.
func (in *Interpreter) fixed(buf []byte, n int, name string, f func(b []byte) string) (int, bool) {
	if n > in.maxCmd {
		// Too big to keep: take what is here, drop the rest as it comes.
		k := min(len(buf), n)
		in.rec(name, buf[:k], "too large: skipped")
		in.skip = int64(n - k)
		return k, true
	}
	if len(buf) < n {
		return 0, false
	}
	problem := ""
	if f != nil {
		problem = f(buf[:n])
	}
	in.rec(name, buf[:n], problem)
	return n, true
}

// unknown skips a command the printer does not know: its prefix and
// function byte.
func (in *Interpreter) unknown(buf []byte, prefix string) (int, bool) {
	if len(buf) < 2 {
		return 0, false
	}
	in.rec(fmt.Sprintf("%s %#02x", prefix, buf[1]), buf[:2], "unknown: skipped")
	return 2, true
}

// lengthPrefixed handles "prefix ( x pL pH d1…dp" commands: 5+p bytes.
func (in *Interpreter) lengthPrefixed(buf []byte, name string, f func(b []byte) string) (int, bool) {
	if len(buf) < 5 {
		return 0, false
	}
	p := int(buf[3]) | int(buf[4])<<8
	return in.fixed(buf, 5+p, name, f)
}

// noted marks a command that is understood and needs no action here.
func noted(string) func([]byte) string { return nil }

// ignored marks a command that is understood but not carried out.
func ignored(why string) func([]byte) string { return func([]byte) string { return "ignored: " + why } }

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

func (in *Interpreter) fs(buf []byte) (int, bool) {
	if len(buf) < 2 {
		return 0, false
	}
	st := &in.st
	switch buf[1] {
	case '!':
		return in.fixed(buf, 3, "FS !", func(b []byte) string {
			n := b[2]
			st.cw, st.ch = 1+int(n>>2&1), 1+int(n>>3&1)
			st.kul = 0
			if n&0x80 != 0 {
				st.kul = 1
			}
			return ""
		})
	case '&':
		return in.fixed(buf, 2, "FS &", func([]byte) string { st.kanji = true; return "" })
	case '.':
		return in.fixed(buf, 2, "FS .", func([]byte) string { st.kanji = false; return "" })
	case '-':
		return in.fixed(buf, 3, "FS -", func(b []byte) string { st.kul = underline(b[2]); return "" })
	case '2':
		return in.fixed(buf, 4+72, "FS 2", ignored("user-defined characters are not supported"))
	case '?':
		return in.fixed(buf, 4, "FS ?", nil)
	case 'C':
		return in.fixed(buf, 3, "FS C", nil)
	case 'S':
		return in.fixed(buf, 4, "FS S", func(b []byte) string { st.kl, st.kr = int(b[2]), int(b[3]); return "" })
	case 'W':
		return in.fixed(buf, 3, "FS W", func(b []byte) string {
			st.cw, st.ch = 1+int(b[2]&1), 1+int(b[2]&1)
			return ""
		})
	case 'p':
		return in.fixed(buf, 4, "FS p", ignored("NV bit images are not stored"))
	case 'q':
		return in.nvImages(buf)
	case '(':
		if len(buf) < 3 {
			return 0, false
		}
		if buf[2] == 'C' {
			return in.lengthPrefixed(buf, "FS ( C", in.encoding)
		}
		return in.lengthPrefixed(buf, "FS ( "+printable(buf[2]), nil)
	}
	return in.unknown(buf, "FS")
}

// encoding carries out FS ( C fn 48 m: one-byte codes or UTF-8.
func (in *Interpreter) encoding(b []byte) string {
	if len(b) < 7 || b[5] != 48 {
		return "ignored: function not supported"
	}
	switch b[6] {
	case 1, 49:
		in.st.utf8 = false
	case 2, 50:
		in.st.utf8 = true
	default:
		return "ignored: no such encoding"
	}
	return ""
}

// nvImages skips FS q n [xL xH yL yH d1…dk]…: NV bit images.
func (in *Interpreter) nvImages(buf []byte) (int, bool) {
	if len(buf) < 3 {
		return 0, false
	}
	i := 3
	for k := 0; k < int(buf[2]); k++ {
		if len(buf) < i+4 {
			return 0, false
		}
		x, y := int(buf[i])|int(buf[i+1])<<8, int(buf[i+2])|int(buf[i+3])<<8
		i += 4 + x*y*8
		if i > in.maxCmd {
			in.rec("FS q", buf[:min(len(buf), 3)], "too large: data skipped")
			in.skip = int64(i - 3)
			return 3, true
		}
	}
	return in.fixed(buf, i, "FS q", ignored("NV bit images are not stored"))
}

func (in *Interpreter) dle(buf []byte) (int, bool) {
	if len(buf) < 2 {
		return 0, false
	}
	switch buf[1] {
	case 0x04:
		if len(buf) < 3 {
			return 0, false
		}
		n := 3
		if buf[2] == 7 || buf[2] == 8 {
			n = 4
		}
		return in.fixed(buf, n, fmt.Sprintf("DLE EOT %d", buf[2]), nil)
	case 0x05:
		if len(buf) < 3 {
			return 0, false
		}
		return in.fixed(buf, 3, fmt.Sprintf("DLE ENQ %d", buf[2]), nil)
	case 0x14:
		if len(buf) < 3 {
			return 0, false
		}
		n := map[byte]int{1: 5, 2: 5, 3: 8, 7: 4, 8: 10}[buf[2]]
		if n == 0 {
			n = 3
		}
		return in.fixed(buf, n, fmt.Sprintf("DLE DC4 %d", buf[2]), nil)
	}
	in.rec("DLE", buf[:1], "ignored: a lone DLE")
	return 1, true
}

// control handles the single-byte controls below 0x20.
func (in *Interpreter) control(buf []byte) (int, bool) {
	switch buf[0] {
	case 0x0A:
		in.rec("LF", buf[:1], "")
		in.printLine(in.st.spacing)
	case 0x09:
		in.rec("HT", buf[:1], in.tab())
	case 0x0D:
		in.rec("CR", buf[:1], "")
	case 0x0C:
		in.rec("FF", buf[:1], "ignored: page mode")
	case 0x18:
		in.rec("CAN", buf[:1], "ignored: page mode")
	case 0x00:
		in.rec("NUL", buf[:1], "")
	default:
		in.rec("control", buf[:1], "")
	}
	return 1, true
}
