package escpossim

// fs reads the FS commands: Chinese (Kanji) mode and its print modes,
// and the character encoding.
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
