package escpossim

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"
)

// char is one character decoded from the stream.
type char struct {
	text string
	wide bool // a two-byte (Hanzi) cell
	n    int  // bytes taken
}

// decodeChar decodes the character at the start of buf (buf[0] >= 0x20).
// It returns ok false when buf ends inside a multi-byte character.
func (in *Interpreter) decodeChar(buf []byte) (c char, ok bool) {
	b := buf[0]
	switch {
	case in.st.utf8:
		return decodeUTF8(buf)
	case in.st.kanji && b >= 0x81 && b <= 0xFE:
		return in.decodeGB(buf)
	}
	return char{text: string(in.singleByte(b)), n: 1}, true
}

// decodeGB decodes a GB18030 character as a Chinese printer does: two
// bytes, or four where the printer supports them. A lead byte that is not
// followed by a valid second byte prints as a blank and the next byte is
// taken on its own, which is how a two-byte-only printer turns ¥'s four
// bytes 81 30 84 36 into " 0 6".
func (in *Interpreter) decodeGB(buf []byte) (char, bool) {
	if len(buf) < 2 {
		return char{}, false
	}
	b1 := buf[1]
	switch {
	case (b1 >= 0x40 && b1 <= 0x7E) || (b1 >= 0x80 && b1 <= 0xFE):
		return char{text: gbText(buf[:2]), wide: true, n: 2}, true
	case in.cfg.FourByteGB18030 && b1 >= 0x30 && b1 <= 0x39:
		if len(buf) < 3 {
			return char{}, false
		}
		if buf[2] >= 0x81 && buf[2] <= 0xFE {
			if len(buf) < 4 {
				return char{}, false
			}
			if buf[3] >= 0x30 && buf[3] <= 0x39 {
				return char{text: gbText(buf[:4]), wide: true, n: 4}, true
			}
		}
	}
	return char{text: " ", n: 1}, true
}

// gbText decodes one GB18030 character; one the table lacks prints blank.
func gbText(b []byte) string {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(out) {
		return " "
	}
	r, _ := utf8.DecodeRune(out)
	if r == utf8.RuneError {
		return " "
	}
	return string(r)
}

// decodeUTF8 decodes a character in UTF-8 mode (FS ( C fn 48 m=2).
func decodeUTF8(buf []byte) (char, bool) {
	if !utf8.FullRune(buf) {
		return char{}, false
	}
	r, n := utf8.DecodeRune(buf)
	if r == utf8.RuneError {
		return char{text: "?", n: 1}, true
	}
	return char{text: string(r), wide: wideRune(r), n: n}, true
}

// wideRune reports whether r takes a two-column cell.
func wideRune(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

// displayWidth is how many text columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if wideRune(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// singleByte maps a byte through the selected code page (ESC t).
func (in *Interpreter) singleByte(b byte) rune {
	if b < 0x80 {
		if b == 0x7F && in.st.codePage == 0 {
			return '⌂'
		}
		return rune(b)
	}
	switch in.st.codePage {
	case 0:
		return charmap.CodePage437.DecodeByte(b)
	case 1:
		return katakana(b)
	}
	return '?'
}

// katakanaGraphics are the block and line graphics at 0x80 to 0x9F of the
// Katakana page (ESC t 1), which receiptline draws its rules with.
var katakanaGraphics = [32]rune{
	'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '┼',
	'┴', '┬', '┤', '├', '▔', '─', '│', '▕', '┌', '┐', '└', '┘', '╭', '╮', '╰', '╯',
}

// katakana maps the upper half of the Katakana page: line graphics, then
// JIS X 0201 half-width katakana.
func katakana(b byte) rune {
	switch {
	case b < 0xA0:
		return katakanaGraphics[b-0x80]
	case b == 0xA0:
		return ' '
	case b <= 0xDF:
		return rune(0xFF61 + int(b) - 0xA1)
	}
	return '?'
}
