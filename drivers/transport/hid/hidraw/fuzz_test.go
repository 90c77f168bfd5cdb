package hidraw

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseUevent(f *testing.F) {
	for _, s := range []string{stu540Uevent, "HID_ID=0003:00000B57:00008420\n", "HID_ID=::\n", "=\n=\n", "HID_ID=0003:0000056A:000000A8\nHID_NAME=\xff\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := ParseUevent(b)
		if err != nil {
			return
		}
		for _, s := range []string{u.Name, u.Uniq, u.Phys, u.Driver} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, '\n') {
				t.Fatalf("%q", s)
			}
		}
	})
}
