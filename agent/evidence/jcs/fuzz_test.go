package jcs

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzCanonicalize: what Parse accepts is JSON (encoding/json agrees);
// its canonical form parses, means the same, and is its own canonical
// form; nothing panics.
func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{
		`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
		`{"\u20ac":"Euro Sign","\r":"CR","\ufb33":"x","1":"One","\ud83d\ude00":"e","\u0080":"c","\u00f6":"o"}`,
		`[[0,1,2,3,1],[5,10,20,30,1]]`, `"签名"`, `-0.0`, `1e-7`, `[]`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Canonicalize(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted %q, which encoding/json calls invalid", data)
		}
		c2, err := Canonicalize(c)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", c, data, err)
		}
		if !bytes.Equal(c, c2) {
			t.Fatalf("canonical form is not stable: %q → %q → %q", data, c, c2)
		}
		var a, b any
		if err := json.Unmarshal(data, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q and its canonical form %q differ: %v vs %v", data, c, a, b)
		}
	})
}
