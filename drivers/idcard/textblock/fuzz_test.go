package textblock

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode checks that Decode never panics, that whatever it decodes can
// be encoded again, and that decoding that encoding gives the same Fields.
// The seed corpus is in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add(make([]byte, Size))
	f.Add(bytes.Repeat([]byte{0xff}, Size))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(b)
		if err != nil {
			if len(b) == Size {
				t.Fatalf("Decode of %d bytes: %v", len(b), err)
			}
			return
		}
		for _, s := range []string{got.Name, got.NameEn, got.Address, got.IDNumber, got.ValidUntil} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %+v", got)
			}
		}
		enc, err := Encode(got)
		if err != nil {
			t.Fatalf("Encode of decoded %+v: %v", got, err)
		}
		again, err := Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		if again != got {
			t.Fatalf("round trip:\n got %+v\nwant %+v", again, got)
		}
	})
}

// FuzzEncodeDecode checks that Encode never panics on arbitrary Fields and
// that, when it succeeds, Decode gives back every value that has no
// trailing padding.
func FuzzEncodeDecode(f *testing.F) {
	f.Add(0, "张三", "1", "01", "1985-01-01", "山东省 滕州市", "370481198501011235", "长期")
	f.Add(1, "陈大文", "2", "", "19900715", "x", "810000199007150020", "2024-01-01")
	f.Add(2, "SMITH JOHN", "9", "", "2000-02-29", "", "USA110079060501", "20270801")
	f.Add(3, "N N", "", "", "", "", "931156198803090023", "")
	f.Fuzz(func(t *testing.T, typ int, name, sex, nation, date, address, id, until string) {
		types := [...]CardType{Resident, HKMOTWResidence, ForeignPermanent2017, ForeignPermanent2023, ""}
		in := Fields{Type: types[uint(typ)%uint(len(types))], Name: name, NameEn: name,
			SexCode: sex, NationCode: nation, BirthDate: date, Address: address, IDNumber: id,
			ValidFrom: date, ValidUntil: until}
		if in.Type != Resident {
			in.NationCode = ""
		}
		if in.Type != Resident && in.Type != HKMOTWResidence {
			in.Address = ""
		}
		b, err := Encode(in)
		if err != nil {
			if b != nil {
				t.Fatalf("Encode returned bytes and %v", err)
			}
			return
		}
		if len(b) != Size {
			t.Fatalf("Encode gave %d bytes", len(b))
		}
		out, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if out.Type != in.Type {
			t.Fatalf("Type %s, want %s", out.Type, in.Type)
		}
		if canonical(in.IDNumber) && out.IDNumber != in.IDNumber {
			t.Fatalf("IDNumber %q, want %q", out.IDNumber, in.IDNumber)
		}
		if canonical(in.ValidUntil) && out.ValidUntil != in.ValidUntil {
			t.Fatalf("ValidUntil %q, want %q", out.ValidUntil, in.ValidUntil)
		}
		if canonical(in.Address) && out.Address != in.Address {
			t.Fatalf("Address %q, want %q", out.Address, in.Address)
		}
	})
}

// canonical reports whether s comes back unchanged from a round trip: no
// trailing padding, and not an 8-digit date that Decode would reformat.
func canonical(s string) bool {
	if s == "" {
		return true
	}
	last := s[len(s)-1]
	return last != ' ' && last != 0 && dateFromCard(s) == s
}

// TestSeedCorpus checks that each committed FuzzDecode seed decodes as the
// card kind its file name starts with, so the corpus stays real-looking.
// Inputs the fuzzer found (named by their hash) are only checked for form.
func TestSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]CardType{"resident": Resident, "j": HKMOTWResidence, "i": ForeignPermanent2017, "y": ForeignPermanent2023}
	seen := map[CardType]int{}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		header, lit, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lit, "[]byte("), ")"))
		if header != "go test fuzz v1" || err != nil {
			t.Fatalf("%s: not a corpus file (%v)", e.Name(), err)
		}
		prefix, _, named := strings.Cut(e.Name(), "_")
		want, ok := kinds[prefix]
		if !named || !ok {
			continue // an input the fuzzer found: any bytes will do
		}
		f, err := Decode([]byte(s))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if f.Type != want {
			t.Fatalf("%s decodes as %s", e.Name(), f.Type)
		}
		seen[f.Type]++
	}
	for _, k := range kinds {
		if seen[k] < 2 {
			t.Errorf("only %d seeds of kind %s", seen[k], k)
		}
	}
}
