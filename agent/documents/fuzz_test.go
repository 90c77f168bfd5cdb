package documents

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// drawn is the document text a laid-out doc draws, in order: its text
// runs and the characters of its boxes, box labels left out.
func drawn(d *doc) []rune {
	var out []rune
	for _, p := range d.pages {
		for _, o := range p {
			switch {
			case o.kind == opText && !o.label:
				out = append(out, []rune(o.text)...)
			case o.kind == opRect && o.box:
				out = append(out, o.r)
			}
		}
	}
	return out
}

// expected is what of s must be drawn: everything but spaces, tabs and
// line breaks (which only move the pen), invalid bytes as U+FFFD.
func expected(s string) []rune {
	var out []rune
	for i := 0; i < len(s); {
		c, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		out = append(out, c)
	}
	return out
}

// checkNothingDropped lays s out in a few columns and sizes and checks
// every character is drawn, in order, and every missing one reported.
func checkNothingDropped(t *testing.T, r *Renderer, s string) {
	t.Helper()
	for _, w := range []float64{contentW, 60, 9} {
		d := r.newDoc("fuzz")
		d.paraAt(marginL, w, s, style{size: sizeBody, hang: 6})
		got := drawn(d)
		want := expected(s)
		// Spaces are drawn inside runs but may be dropped at a break.
		gotNoSpace := []rune(strings.ReplaceAll(string(got), " ", ""))
		if string(gotNoSpace) != string(want) {
			t.Fatalf("width %v: drew %q, want %q", w, string(gotNoSpace), string(want))
		}
		for _, o := range d.pages {
			for _, op := range o {
				if op.box && !containsRune(d.rp.missing, op.r) {
					t.Fatalf("U+%04X drawn as a box but not reported", op.r)
				}
			}
		}
	}
}

// Arbitrary text — names and addresses with rare characters, very long
// text, control characters, invalid UTF-8 — goes through the templates
// without a panic, and nothing is dropped: it wraps or is reported.
func FuzzTemplates(f *testing.F) {
	for _, s := range []string{
		"王秀兰", nameHusband + nameSon, "𠮷野家 龑 堃 䶮 𡒄 𨭆", "欧阳\u200d娜娜\u202e", "a\x00b\x07c\x1bd\x7f",
		"\xff\xfe 无效", strings.Repeat("很长的地址滕州市龙泉街道荆河社区", 80), strings.Repeat("W", 500),
		"line1\nline2\r\nline3\rline4\ttab", "，。、开头的标点（《", "\U0010FFFF\uFFFF\uE000\U000E0100",
		"370481195203141371", "",
	} {
		f.Add(s)
	}
	r := testRenderer(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			s = s[:4096]
		}
		checkNothingDropped(t, r, s)
		c := commitment()
		c.Application.Applicant.Name = s
		c.Household.Region.Name = s
		c.Household.Members[1].Name = s
		c.Signers[1].Name = s
		c.Office.Name = s
		c.Application.Items = append(c.Application.Items, s)
		if _, err := r.Commitment(c); err != nil {
			t.Fatalf("commitment: %v", err)
		}
		n := notice()
		n.Items[0].Materials = append(n.Items[0].Materials, platform.Material{Name: s, Note: s})
		n.Items[0].Basis = s
		n.CaseNumber = s
		if _, err := r.Notice(n); err != nil {
			t.Fatalf("notice: %v", err)
		}
		rc := receipt()
		rc.Submitted.ApplicationID = s
		rc.Submitted.Deadline = s
		if _, err := r.Receipt(rc); err != nil {
			t.Fatalf("receipt: %v", err)
		}
	})
}
