package audit

import (
	"reflect"
	"testing"
)

// FuzzParseLine checks the line parser that Verify trusts: it never
// panics; what it accepts holds no full ID number in a caller's field, and
// encodes back to a line it parses to the same record. The seed corpus is
// in testdata/fuzz/FuzzParseLine.
func FuzzParseLine(f *testing.F) {
	f.Fuzz(func(t *testing.T, line []byte) {
		w, err := parseLine(line)
		if err != nil {
			return
		}
		if err := checkNoFullID(&w); err != nil {
			t.Fatalf("accepted %q: %v", line, err)
		}
		b, err := w.encode()
		if err != nil {
			t.Fatalf("encode %+v: %v", w, err)
		}
		w2, err := parseLine(b)
		if err != nil {
			t.Fatalf("accepted %q, but not its encoding %q: %v", line, b, err)
		}
		if !reflect.DeepEqual(w, w2) {
			t.Fatalf("%q parses to %+v, its encoding %q to %+v", line, w, b, w2)
		}
	})
}
