package evidence

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence/jcs"
)

// locate gives every byte of a parsed text the path of the innermost
// value or member it belongs to: a member's name (inside its quotes) and
// value belong to the member; quotes around a name, colons, commas and
// braces to the object or array around them. inName marks the bytes of
// names and the brackets of objects and arrays: structure, where a change
// may be reported for the object around.
func locate(v jcs.Value, path string, out []string, inName []bool) {
	start, end := v.Span()
	for i := start; i < end; i++ {
		out[i] = path
	}
	if k := v.Kind(); k == jcs.Object || k == jcs.Array {
		inName[start], inName[end-1] = true, true // a bracket: structure
	}
	switch v.Kind() {
	case jcs.Object:
		for _, m := range v.Members() {
			p := path + "." + m.Name
			if path == "" {
				p = m.Name
			}
			nameEnd := m.NameStart + len(fmt.Sprintf("%q", m.Name)) - 1 // the closing quote; names here need no escapes
			for i := m.NameStart + 1; i < nameEnd; i++ {
				out[i] = p
				inName[i] = true
			}
			locate(m.Value, p, out, inName)
		}
	case jcs.Array:
		for i := range v.Len() {
			locate(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out, inName)
		}
	}
}

// within reports whether path b is a or lies inside a.
func within(b, a string) bool {
	return a == "" || b == a || strings.HasPrefix(b, a+".") || strings.HasPrefix(b, a+"[")
}

// member is the top-level member, or manifest or signature member, a
// path lies in: "format", "manifest.ink", "signature.value".
func member(path string) string {
	seg := strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' })
	switch {
	case len(seg) == 0:
		return ""
	case (seg[0] == "manifest" || seg[0] == "signature") && len(seg) > 1:
		return seg[0] + "." + seg[1]
	}
	return seg[0]
}

// TestDamageEveryByte changes every byte of a real bundle, several ways,
// and checks that Verify fails and names the part the byte is in: the
// member itself (or a value inside it) for a byte inside a member's name
// or value; for a quote, colon, comma or brace, the object around it or a
// member next to it. It logs, for each member, which parts were reported
// how often.
func TestDamageEveryByte(t *testing.T) {
	k := testKey(t, 1)
	pub := k.Public()
	orig := build(t, testManifest(), k)
	root, err := jcs.Parse(orig)
	if err != nil {
		t.Fatal(err)
	}
	loc := make([]string, len(orig))
	inName := make([]bool, len(orig))
	locate(root, "", loc, inName)

	summary := map[string]map[string]int{}
	examples := map[string][]string{}
	buf := make([]byte, len(orig))
	for i, was := range orig {
		variants := []byte{was ^ 0x01, '"', '7', '\\', 0xff}
		if testing.Short() || raceEnabled {
			variants = variants[:3]
		}
		for _, b := range variants {
			if b == was {
				continue
			}
			copy(buf, orig)
			buf[i] = b
			_, err := Verify(buf, &pub)
			where := fmt.Sprintf("byte %d of %d (%q in %s, context %q) changed to %q", i, len(orig), was, loc[i], orig[max(0, i-12):min(len(orig), i+12)], b)
			if err == nil {
				t.Fatalf("%s: the bundle still verifies", where)
			}
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("%s: %v, not a *VerifyError", where, err)
			}
			part := ve.Part
			if part == "bundle" {
				part = ""
			}
			// Related: the part is the byte's place, inside it, or
			// around it.
			if !within(part, loc[i]) && !within(loc[i], part) {
				t.Errorf("%s: reported %v", where, ve)
				continue
			}
			// Precise: for a byte inside a member's value, the member
			// (or a value inside it) is named. (A byte inside a
			// member's name may also name the object around it: a
			// broken name is no name.)
			if m := member(loc[i]); m != "" && within(loc[i], m) && !inName[i] {
				if !within(part, m) {
					t.Errorf("%s: reported %v, want %s or inside it", where, ve, m)
				}
			}
			key := member(loc[i])
			if key == "" {
				key = "(top-level structure)"
			}
			if summary[key] == nil {
				summary[key] = map[string]int{}
			}
			summary[key][ve.Part]++
			if r := ve.Reason; len(examples[ve.Part]) < 3 && !slices.Contains(examples[ve.Part], r) && !inName[i] && !strings.HasPrefix(r, "is not valid JSON") {
				examples[ve.Part] = append(examples[ve.Part], r)
			}
		}
	}
	keys := make([]string, 0, len(summary))
	for k := range summary {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var parts []string
		for p, n := range summary[k] {
			parts = append(parts, fmt.Sprintf("%s×%d", p, n))
		}
		slices.Sort(parts)
		t.Logf("damage in %-24s → %s", k, strings.Join(parts, ", "))
	}
	parts := make([]string, 0, len(examples))
	for p := range examples {
		parts = append(parts, p)
	}
	sort.Strings(parts)
	for _, p := range parts {
		if !strings.Contains(p, "[") || strings.HasSuffix(p, "samples[3]") || strings.HasSuffix(p, "samples[3][1]") {
			t.Logf("%s: %s", p, strings.Join(examples[p], " | "))
		}
	}
}
