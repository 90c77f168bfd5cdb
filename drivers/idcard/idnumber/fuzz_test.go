package idnumber

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMask checks that Mask keeps the rune count, gives valid UTF-8, and
// never shows more than 10 characters of its input, each of them either
// as it was or as U+FFFD. The seed corpus is in testdata/fuzz/FuzzMask.
func FuzzMask(f *testing.F) {
	f.Add("370481198501011234")
	f.Fuzz(func(t *testing.T, in string) {
		out := Mask(in)
		n := utf8.RuneCountInString(in)
		if got := utf8.RuneCountInString(out); got != n {
			t.Fatalf("Mask(%q) = %q: %d runes, want %d", in, out, got, n)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Mask(%q) = %q: invalid UTF-8", in, out)
		}
		inRunes := []rune(in) // invalid bytes become U+FFFD here too
		clear := 0
		for i, r := range []rune(out) {
			if r == '*' {
				continue
			}
			clear++
			if r != inRunes[i] && r != utf8.RuneError {
				t.Fatalf("Mask(%q) = %q: rune %d is %q, not from the input", in, out, i, r)
			}
			if n > 10 && i >= 6 && i < n-4 || n <= 10 && i < n-4 || n <= 4 {
				t.Fatalf("Mask(%q) = %q: rune %d should be masked", in, out, i)
			}
		}
		if clear > 10 {
			t.Fatalf("Mask(%q) = %q shows %d characters", in, out, clear)
		}
		if strings.ContainsAny(out, "\n\r\x00\u202e") {
			t.Fatalf("Mask(%q) = %q has a control character", in, out)
		}
	})
}

// FuzzValidate checks that the parsing functions never panic and agree
// with each other.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "370481850101123", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := Validate(id)
		_, bErr := BirthDate(id)
		_, sErr := Sex(id)
		if (bErr == nil) != (sErr == nil) {
			t.Fatalf("%q: BirthDate err %v, Sex err %v", id, bErr, sErr)
		}
		if err == nil {
			if bErr != nil {
				t.Fatalf("%q valid but BirthDate: %v", id, bErr)
			}
			c, cErr := CheckDigit(id[:17])
			if cErr != nil || c != upper(id[17]) {
				t.Fatalf("%q valid but CheckDigit = %q, %v", id, c, cErr)
			}
		}
		if up, uErr := Upgrade15(id); uErr == nil && !Valid(up) {
			t.Fatalf("Upgrade15(%q) = %q is not valid", id, up)
		}
	})
}
