package pairing

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseFile checks the pairing file parser: it never panics, and what
// it accepts encodes to a file it reads back to the same encoding. The
// seed corpus is in testdata/fuzz/FuzzParseFile.
func FuzzParseFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := parseFile(b)
		if err != nil {
			return
		}
		enc, err := encodeFile(ps)
		if err != nil {
			t.Fatalf("encode %+v: %v", ps, err)
		}
		ps2, err := parseFile(enc)
		if err != nil {
			t.Fatalf("accepted %q, but not its encoding %q: %v", b, enc, err)
		}
		enc2, _ := encodeFile(ps2)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", enc, enc2)
		}
	})
}

// FuzzNormalizeOrigin checks that a normalised origin is normalised
// again to itself, and is http or https with a host and no path, query,
// fragment or user info. The seed corpus is in
// testdata/fuzz/FuzzNormalizeOrigin.
func FuzzNormalizeOrigin(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		o, err := NormalizeOrigin(s)
		IsSecure(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error with a newline: %q", err)
			}
			return
		}
		if again, err := NormalizeOrigin(o); err != nil || again != o {
			t.Fatalf("NormalizeOrigin(%q) = %q, but that gives %q, %v", s, o, again, err)
		}
		rest, ok := strings.CutPrefix(o, "https://")
		if !ok {
			rest, ok = strings.CutPrefix(o, "http://")
		}
		if !ok || rest == "" || strings.ContainsAny(rest, "/?#@ \\") || strings.ToLower(o) != o {
			t.Fatalf("NormalizeOrigin(%q) = %q", s, o)
		}
	})
}
