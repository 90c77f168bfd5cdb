package escpos

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// What golang.org/x/text v0.44.0 encodes, checked here because the layout
// rests on it (spec §1.2 and the brief's open question about 䶮).
func TestGB18030Facts(t *testing.T) {
	enc := simplifiedchinese.GB18030.NewEncoder()
	dec := simplifiedchinese.GB18030.NewDecoder()
	for _, c := range []struct{ s, hex string }{
		{"社会救助申请回执", "C9 E7 BB E1 BE C8 D6 FA C9 EA C7 EB BB D8 D6 B4"},
		{"￥", "A3 A4"},            // full-width yen: two bytes
		{"¥", "81 30 84 36"},      // U+00A5: four bytes (node-escpos #332: printed "0 6")
		{"•", "81 36 A6 31"},      // U+2022: four bytes
		{"·", "A1 A4"},            // U+00B7: two bytes
		{"䶮", "FE 9F"},            // U+4DAE, Extension A: TWO bytes (GB18030-2005 mapping), in the FE50–FEA0 zone
		{"𠮷", "95 34 B2 35"},      // U+20BB7, Extension B: four bytes
		{"𠀀", "95 32 82 36"},      // U+20000: four bytes (spec §1.2)
		{"😀", "94 39 FC 36"},      // U+1F600: four bytes
		{"€", "A2 E3"},            // two bytes in GB18030 (0x80 only in CP936)
		{"\uFFFD", "84 31 A4 37"}, // what x/text makes of invalid UTF-8: validate first
	} {
		got, err := enc.Bytes([]byte(c.s))
		if err != nil || !bytes.Equal(got, hexb(t, c.hex)) {
			t.Errorf("%q: % X (%v), want %s", c.s, got, err, c.hex)
		}
	}
	// 82 35 8F 33 is not 䶮 in x/text (it may be in GB18030-2000 tables).
	if got, _ := dec.Bytes(hexb(t, "82 35 8F 33")); string(got) != "\u9FA6" {
		t.Errorf("82 35 8F 33 decodes to %q", got)
	}
	// Invalid UTF-8 is silently encoded as U+FFFD: the encoder must refuse it.
	if got, _ := enc.Bytes([]byte("a\xffb")); !bytes.Equal(got, hexb(t, "61 84 31 A4 37 62")) {
		t.Errorf("invalid UTF-8: % X", got)
	}
}

func TestPrintable(t *testing.T) {
	type row struct {
		r                 rune
		gbk, gb2312, full bool
	}
	for _, c := range []row{
		{'A', true, true, true},
		{' ', true, true, true},
		{'中', true, true, true},
		{'￥', true, true, true},
		{'·', true, true, true},
		{'：', true, true, true},
		{'é', true, true, true},  // pinyin, A8 A6
		{'€', true, true, true},  // A2 E3
		{'喆', true, false, true}, // GBK only: 86 B4
		{'¥', false, false, true},
		{'•', false, false, true},
		{'𠮷', false, false, true},
		{'😀', false, false, true},
		{'䶮', false, false, false},      // FE 9F: mapping changed between editions
		{'\u2E81', false, false, false}, // ⺁ FE 50: likewise
		{'\uE000', false, false, false}, // private use
		{'\t', false, false, false},
		{0x7F, false, false, false},
	} {
		for _, p := range []struct {
			cs   Charset
			want bool
		}{{CharsetGBK, c.gbk}, {CharsetGB2312, c.gb2312}, {CharsetGB18030, c.full}} {
			prof := Generic58()
			prof.Charset = p.cs
			if got := prof.Printable(c.r); got != p.want {
				t.Errorf("%q (%U) with %v: %v, want %v", c.r, c.r, p.cs, got, p.want)
			}
		}
	}
}
