package usb

import "testing"

func TestParseID(t *testing.T) {
	std := ID{0x0400, 0xC35A}
	for in, want := range map[string]ID{
		"0400:C35A":   std,
		"0400:c35a":   std,
		" 0425:8159 ": {0x0425, 0x8159},
	} {
		got, err := ParseID(in)
		if err != nil || got != want {
			t.Errorf("ParseID(%q) = %v, %v; want %v", in, got, err, want)
		}
		if in == "0400:c35a" && got.String() != "0400:C35A" {
			t.Errorf("String() = %q", got.String())
		}
	}
	for _, in := range []string{"", "0400", "0400:", "400:C35A", "0400:C35AA", "04000:C35A", "0400-C35A", "zz00:C35A", "+400:C35A"} {
		if _, err := ParseID(in); err == nil {
			t.Errorf("ParseID(%q) succeeded", in)
		}
	}
}
