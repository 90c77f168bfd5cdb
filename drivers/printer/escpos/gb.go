package escpos

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbEncoder encodes runes to GB18030 one at a time without allocating. It
// is not safe for concurrent use; each Encoder and each layout has its own.
type gbEncoder struct {
	enc *encoding.Encoder
	src [utf8.UTFMax]byte
}

func newGBEncoder() *gbEncoder {
	return &gbEncoder{enc: simplifiedchinese.GB18030.NewEncoder()}
}

// rune writes r's GB18030 code into dst and returns its length (1, 2 or
// 4), or 0 if r is not a valid scalar value.
func (g *gbEncoder) rune(dst *[4]byte, r rune) int {
	if r < utf8.RuneSelf && r >= 0 {
		dst[0] = byte(r)
		return 1
	}
	if !utf8.ValidRune(r) {
		return 0
	}
	n := utf8.EncodeRune(g.src[:], r)
	g.enc.Reset()
	nDst, _, err := g.enc.Transform(dst[:], g.src[:n], true)
	if err != nil || (nDst != 2 && nDst != 4) {
		return 0
	}
	return nDst
}

// printable reports whether the printer's ROM font, in Chinese mode with
// this charset, prints r as text: printable ASCII always; two-byte GB
// codes outside the zones whose Unicode mapping has changed between GBK,
// GB18030-2000, -2005 and -2022 (so that a ROM font may hold another
// glyph there, or none); four-byte codes only with CharsetGB18030; the
// private use areas never (no ROM font has our private characters).
func (g *gbEncoder) printable(r rune, cs Charset) bool {
	if r < utf8.RuneSelf {
		return r >= 0x20 && r < 0x7F
	}
	if isPrivateUse(r) {
		return false
	}
	var b [4]byte
	switch g.rune(&b, r) {
	case 2:
		return twoBytePrintable(b[0], b[1], cs)
	case 4:
		return cs == CharsetGB18030
	}
	return false
}

// twoBytePrintable applies the charset to a two-byte code.
func twoBytePrintable(lead, trail byte, cs Charset) bool {
	if unstableTwoByte(lead, trail) || userDefinedTwoByte(lead, trail) {
		return false
	}
	if cs == CharsetGB2312 {
		return ((lead >= 0xA1 && lead <= 0xA9) || (lead >= 0xB0 && lead <= 0xF7)) && trail >= 0xA1 && trail <= 0xFE
	}
	return true
}

// unstableTwoByte is a two-byte code that GBK (CP936) left unassigned or
// mapped to the private use area and GB18030 later assigned (or
// re-assigned in 2005 and 2022): FE50–FEA0 (among them FE9F, 䶮 U+4DAE),
// the vertical punctuation A6D9–A6DF, A6EC–A6ED, A6F3, the pinyin A8BC
// (ḿ) and A8BF (ǹ), and the ideographic description characters A989–A995.
// A printer's ROM font may have another glyph there, or none.
func unstableTwoByte(lead, trail byte) bool {
	switch lead {
	case 0xFE:
		return trail >= 0x50 && trail <= 0xA0
	case 0xA6:
		return (trail >= 0xD9 && trail <= 0xDF) || trail == 0xEC || trail == 0xED || trail == 0xF3
	case 0xA8:
		return trail == 0xBC || trail == 0xBF
	case 0xA9:
		return trail >= 0x89 && trail <= 0x95
	}
	return false
}

// userDefinedTwoByte is one of GB18030's user-defined areas (AAA1–AFFE,
// F8A1–FEFE, A140–A7A0).
func userDefinedTwoByte(lead, trail byte) bool {
	switch {
	case lead >= 0xAA && lead <= 0xAF && trail >= 0xA1:
		return true
	case lead >= 0xF8 && trail >= 0xA1:
		return true
	case lead >= 0xA1 && lead <= 0xA7 && trail < 0xA1:
		return true
	}
	return false
}

func isPrivateUse(r rune) bool {
	return (r >= 0xE000 && r <= 0xF8FF) || r >= 0xF0000
}
