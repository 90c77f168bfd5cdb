package escpossim

import "fmt"

// The command set of spec §1, and the neighbours a real printer knows (so
// that their bytes are skipped rather than printed), is read by prefix:
// ESC in commands_esc.go, FS in commands_fs.go, GS in commands_gs.go; DLE
// and the single-byte controls here, with the helpers they all share.

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

// dle reads the DLE commands: the real-time requests (acted on by the
// device as they arrive, only logged here) and DLE DC4.
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
