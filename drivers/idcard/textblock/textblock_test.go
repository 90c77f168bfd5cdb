package textblock

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// The helpers below build blocks without any code from the package, using
// x/text's UTF-16 encoder, so that a bug shared by Encode and Decode cannot
// hide.

// field is a value placed at a byte offset of a hand-built block.
type field struct {
	off int
	s   string
}

// utf16le encodes s with x/text.
func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// build returns a space-padded block with the fields written in.
func build(t *testing.T, fields ...field) []byte {
	t.Helper()
	b := bytes.Repeat([]byte{0x20, 0x00}, Size/2)
	for _, f := range fields {
		copy(b[f.off:], utf16le(t, f.s))
	}
	return b
}

func residentBlock(t *testing.T) []byte {
	return build(t,
		field{0, "张三"}, field{30, "1"}, field{32, "01"}, field{36, "19850101"},
		field{52, "山东省滕州市北辛街道 荆河路 88号 2单元"},
		field{122, "370481198501011235"}, field{158, "滕州市公安局"},
		field{188, "20150301"}, field{204, "长期"},
	)
}

func TestDecodeHandBuilt(t *testing.T) {
	tests := []struct {
		name  string
		block func(t *testing.T) []byte
		want  Fields
	}{{
		name:  "resident",
		block: residentBlock,
		want: Fields{
			Type: Resident, Name: "张三", Sex: "男", SexCode: "1", Nation: "汉", NationCode: "01",
			BirthDate: "1985-01-01", Address: "山东省滕州市北辛街道 荆河路 88号 2单元",
			IDNumber: "370481198501011235", Issuer: "滕州市公安局",
			ValidFrom: "2015-03-01", ValidUntil: "长期",
		},
	}, {
		name: "hk_mo_tw",
		block: func(t *testing.T) []byte {
			return build(t,
				field{0, "陈大文"}, field{30, "2"}, field{36, "19900715"},
				field{52, "广东省深圳市福田区福华路 1号"}, field{122, "810000199007150020"},
				field{158, "深圳市公安局"}, field{188, "20190101"}, field{204, "20240101"},
				field{220, "H12345678"}, field{238, "01"}, field{248, "J"},
			)
		},
		want: Fields{
			Type: HKMOTWResidence, Name: "陈大文", Sex: "女", SexCode: "2",
			BirthDate: "1990-07-15", Address: "广东省深圳市福田区福华路 1号",
			IDNumber: "810000199007150020", Issuer: "深圳市公安局",
			ValidFrom: "2019-01-01", ValidUntil: "2024-01-01",
			PassNumber: "H12345678", IssueCount: "01",
		},
	}, {
		name: "foreign_2017",
		block: func(t *testing.T) []byte {
			return build(t,
				field{0, "SMITH, JOHN PAUL"}, field{120, "1"}, field{122, "USA110079060501"},
				field{152, "USA"}, field{158, "史密斯"}, field{188, "20170801"},
				field{204, "20270801"}, field{220, "19790605"}, field{236, "01"},
				field{240, "1100"}, field{248, "I"},
			)
		},
		want: Fields{
			Type: ForeignPermanent2017, NameEn: "SMITH, JOHN PAUL", Sex: "男", SexCode: "1",
			IDNumber: "USA110079060501", Nationality: "USA", Name: "史密斯",
			ValidFrom: "2017-08-01", ValidUntil: "2027-08-01", BirthDate: "1979-06-05",
			CardVersion: "01", IssuerCode: "1100",
		},
	}, {
		name: "foreign_2023",
		block: func(t *testing.T) []byte {
			// 35 characters in the first part, the rest in the second; the
			// space between GONZALEZ and MARIA sits at the boundary.
			p1 := "DE LA CRUZ GONZALEZ-FERNANDEZ MONT "
			if len(p1) != 35 {
				t.Fatalf("part 1 is %d chars", len(p1))
			}
			return build(t,
				field{0, "玛丽亚"}, field{30, "2"}, field{32, "00"}, field{36, "19880309"},
				field{52, p1}, field{122, "931156198803090023"},
				field{188, "20231201"}, field{204, "20331201"},
				field{220, "MARIA"}, field{242, "ESP"}, field{248, "Y"},
			)
		},
		want: Fields{
			Type: ForeignPermanent2023, Name: "玛丽亚", Sex: "女", SexCode: "2", IssueCount: "00",
			BirthDate: "1988-03-09", NameEn: "DE LA CRUZ GONZALEZ-FERNANDEZ MONT MARIA",
			IDNumber: "931156198803090023", ValidFrom: "2023-12-01", ValidUntil: "2033-12-01",
			Nationality: "ESP",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.block(t)
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got != tc.want {
				t.Fatalf("Decode:\n got %+v\nwant %+v", got, tc.want)
			}
			enc, err := Encode(got)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !bytes.Equal(enc, b) {
				t.Fatalf("Encode differs from the hand-built block:\n got %x\nwant %x", enc, b)
			}
		})
	}
}

// TestLiteralBytes checks a few raw byte values against the spec, with no
// encoder at all.
func TestLiteralBytes(t *testing.T) {
	enc, err := Encode(Fields{Type: Resident, Name: "张", ValidUntil: "长期"})
	if err != nil {
		t.Fatal(err)
	}
	// 长期 is 7F 95 1F 67 (spec §5.1); 张 is U+5F20.
	for _, c := range []struct {
		off int
		hex string
	}{{0, "205f2000"}, {204, "7f951f672000"}, {248, "2000"}} {
		if got := hex.EncodeToString(enc[c.off : c.off+len(c.hex)/2]); got != c.hex {
			t.Errorf("bytes at %d = %s, want %s", c.off, got, c.hex)
		}
	}
	for _, c := range []struct {
		typ  CardType
		want string
	}{{HKMOTWResidence, "4a00"}, {ForeignPermanent2017, "4900"}, {ForeignPermanent2023, "5900"}} {
		enc, err := Encode(Fields{Type: c.typ})
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(enc[248:250]); got != c.want {
			t.Errorf("%s: type unit %s, want %s", c.typ, got, c.want)
		}
	}
}

func TestTypeDetection(t *testing.T) {
	for _, c := range []struct {
		unit [2]byte
		want CardType
	}{
		{[2]byte{'J', 0}, HKMOTWResidence},
		{[2]byte{'I', 0}, ForeignPermanent2017},
		{[2]byte{'Y', 0}, ForeignPermanent2023},
		{[2]byte{'J', 1}, Resident}, // not the code unit 'J'
		{[2]byte{'j', 0}, Resident},
		{[2]byte{0, 0}, Resident},
		{[2]byte{' ', 0}, Resident},
	} {
		b := build(t)
		b[248], b[249] = c.unit[0], c.unit[1]
		f, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if f.Type != c.want {
			t.Errorf("unit %x: type %s, want %s", c.unit, f.Type, c.want)
		}
	}
}

func TestPaddingAndText(t *testing.T) {
	nuls := func(off, n int) field { return field{off, strings.Repeat("\x00", n)} }
	tests := []struct {
		name   string
		fields []field
		get    func(Fields) string
		want   string
	}{
		{"NUL padding", []field{{0, "李四"}, nuls(4, 13)}, func(f Fields) string { return f.Name }, "李四"},
		{"mixed padding", []field{{0, "李四\x00 \x00 "}}, func(f Fields) string { return f.Name }, "李四"},
		{"inner NUL kept", []field{{0, "李\x00四"}}, func(f Fields) string { return f.Name }, "李\x00四"},
		{"leading space kept", []field{{0, " 李四"}}, func(f Fields) string { return f.Name }, " 李四"},
		{"ideographic space kept", []field{{0, "李四\u3000"}}, func(f Fields) string { return f.Name }, "李四\u3000"},
		{"PUA rare character", []field{{0, "王\ue0a3明"}}, func(f Fields) string { return f.Name }, "王\ue0a3明"},
		{"surrogate pair", []field{{0, "𠀀刘"}}, func(f Fields) string { return f.Name }, "𠀀刘"},
		{"address inner spaces", []field{{52, "北京市 朝阳区  建国路 1号"}}, func(f Fields) string { return f.Address }, "北京市 朝阳区  建国路 1号"},
		{"full address", []field{{52, strings.Repeat("路", 35)}}, func(f Fields) string { return f.Address }, strings.Repeat("路", 35)},
		{"long term", []field{{204, "长期"}}, func(f Fields) string { return f.ValidUntil }, "长期"},
		{"long term NUL padded", []field{{204, "长期"}, nuls(208, 6)}, func(f Fields) string { return f.ValidUntil }, "长期"},
		{"bad date kept", []field{{188, "20230230"}}, func(f Fields) string { return f.ValidFrom }, "20230230"},
		{"leap day", []field{{188, "20240229"}}, func(f Fields) string { return f.ValidFrom }, "2024-02-29"},
		{"1900 not leap", []field{{36, "19000229"}}, func(f Fields) string { return f.BirthDate }, "19000229"},
		{"2000 leap", []field{{36, "20000229"}}, func(f Fields) string { return f.BirthDate }, "2000-02-29"},
		{"short date kept", []field{{36, "198501"}}, func(f Fields) string { return f.BirthDate }, "198501"},
		{"unknown sex", []field{{30, "5"}}, func(f Fields) string { return f.Sex + "/" + f.SexCode }, "5/5"},
		{"sex 0", []field{{30, "0"}}, func(f Fields) string { return f.Sex }, "未知"},
		{"sex 9", []field{{30, "9"}}, func(f Fields) string { return f.Sex }, "未说明"},
		{"nation 56", []field{{32, "56"}}, func(f Fields) string { return f.Nation }, "基诺"},
		{"nation 46", []field{{32, "46"}}, func(f Fields) string { return f.Nation }, "德昂"},
		{"nation 97", []field{{32, "97"}}, func(f Fields) string { return f.Nation }, "其他"},
		{"nation 98", []field{{32, "98"}}, func(f Fields) string { return f.Nation }, "外国血统中国籍人士"},
		{"nation unknown", []field{{32, "57"}}, func(f Fields) string { return f.Nation + "/" + f.NationCode }, "57/57"},
		{"nation 00", []field{{32, "00"}}, func(f Fields) string { return f.Nation }, "00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Decode(build(t, tc.fields...))
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.get(f); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUnpairedSurrogate(t *testing.T) {
	b := build(t, field{0, "A"})
	b[2], b[3] = 0x00, 0xD8 // a lone high surrogate after "A"
	b[6], b[7] = 0x00, 0xDC // a lone low surrogate after a space
	f, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := "A\uFFFD \uFFFD"; f.Name != want {
		t.Fatalf("Name = %q, want %q", f.Name, want)
	}
}

func TestAllNationsRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	codes := []string{"97", "98"}
	for i := 1; i <= 56; i++ {
		codes = append(codes, string([]byte{byte('0' + i/10), byte('0' + i%10)}))
	}
	for _, code := range codes {
		f, err := Decode(build(t, field{32, code}))
		if err != nil {
			t.Fatal(err)
		}
		if f.Nation == code || f.NationCode != code || seen[f.Nation] {
			t.Fatalf("code %s: Nation %q NationCode %q (seen %v)", code, f.Nation, f.NationCode, seen[f.Nation])
		}
		seen[f.Nation] = true
		// Encode from the name alone, with and without 族.
		names := []string{f.Nation}
		if code < "90" {
			names = append(names, f.Nation+"族")
		}
		for _, name := range names {
			b, err := Encode(Fields{Type: Resident, Nation: name})
			if err != nil {
				t.Fatalf("Encode nation %q: %v", name, err)
			}
			if g, _ := Decode(b); g.NationCode != code {
				t.Fatalf("nation %q encoded as %q, want %q", name, g.NationCode, code)
			}
		}
	}
}

func TestEncodeFromNames(t *testing.T) {
	b, err := Encode(Fields{Type: Resident, Sex: "女", Nation: "土家族", ValidUntil: "长期"})
	if err != nil {
		t.Fatal(err)
	}
	want := build(t, field{30, "2"}, field{32, "15"}, field{204, "长期"})
	if !bytes.Equal(b, want) {
		t.Fatalf("got %x\nwant %x", b, want)
	}
	// A code wins over a name.
	b, err = Encode(Fields{Type: Resident, Sex: "女", SexCode: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := Decode(b); f.Sex != "男" {
		t.Fatalf("Sex = %q, want 男", f.Sex)
	}
}

func TestRoundTrip(t *testing.T) {
	cases := []Fields{
		{Type: Resident},
		{Type: Resident, Name: "欧阳\ue0a3娜娜", Sex: "未说明", SexCode: "9", Nation: "外国血统中国籍人士", NationCode: "98",
			BirthDate: "2000-02-29", Address: strings.Repeat("长", 35), IDNumber: "11010519491231002X",
			Issuer: "北京市公安局朝阳分局", ValidFrom: "2020-01-01", ValidUntil: "20401301"},
		{Type: HKMOTWResidence, Name: "X", Sex: "7", SexCode: "7", PassNumber: "M01234567", IssueCount: "99"},
		{Type: ForeignPermanent2017, NameEn: strings.Repeat("AB ", 19) + "CDE", CardVersion: "01", IssuerCode: "3100",
			BirthDate: "长期"},
		// 'Y' English names across the part boundary, with spaces at and
		// near it, and a surrogate pair split over the two parts.
		{Type: ForeignPermanent2023, NameEn: strings.Repeat("N", 34) + " " + "WANG"},
		{Type: ForeignPermanent2023, NameEn: strings.Repeat("N", 35) + " WANG"},
		{Type: ForeignPermanent2023, NameEn: strings.Repeat("N", 46)},
		{Type: ForeignPermanent2023, NameEn: strings.Repeat("N", 34) + "𠀀" + "Q"},
		{Type: ForeignPermanent2023, NameEn: "A" + strings.Repeat(" ", 40) + "B"},
	}
	for i, f := range cases {
		b, err := Encode(f)
		if err != nil {
			t.Fatalf("case %d: Encode: %v", i, err)
		}
		g, err := Decode(b)
		if err != nil {
			t.Fatalf("case %d: Decode: %v", i, err)
		}
		if g != f {
			t.Fatalf("case %d:\n got %+v\nwant %+v", i, g, f)
		}
	}
}

func TestYNameSplit(t *testing.T) {
	name := strings.Repeat("N", 35) + "OPQ"
	b, err := Encode(Fields{Type: ForeignPermanent2023, NameEn: name})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b[52:122], utf16le(t, strings.Repeat("N", 35)); !bytes.Equal(got, want) {
		t.Fatalf("part 1 = %x", got)
	}
	if got, want := b[220:242], build(t, field{0, "OPQ"})[:22]; !bytes.Equal(got, want) {
		t.Fatalf("part 2 = %x", got)
	}
}

func TestDecodeSize(t *testing.T) {
	for _, n := range []int{0, 1, 255, 257, 1024} {
		_, err := Decode(make([]byte, n))
		if !errors.Is(err, ErrSize) {
			t.Fatalf("len %d: err = %v, want ErrSize", n, err)
		}
		var se *SizeError
		if !errors.As(err, &se) || se.Len != n {
			t.Fatalf("len %d: err = %#v", n, err)
		}
	}
	if _, err := Decode(nil); !errors.Is(err, ErrSize) {
		t.Fatalf("nil: err = %v", err)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name  string
		f     Fields
		field string
		want  error
	}{
		{"no type", Fields{Name: "张三"}, "Type", ErrUnknownType},
		{"bad type", Fields{Type: "passport"}, "Type", ErrUnknownType},
		{"name too long", Fields{Type: Resident, Name: strings.Repeat("张", 16)}, "Name", ErrTooLong},
		{"address too long", Fields{Type: Resident, Address: strings.Repeat("a", 36)}, "Address", ErrTooLong},
		{"id too long for I", Fields{Type: ForeignPermanent2017, IDNumber: "931156198803090023"}, "IDNumber", ErrTooLong},
		{"Y name too long", Fields{Type: ForeignPermanent2023, NameEn: strings.Repeat("N", 47)}, "NameEn", ErrTooLong},
		{"surrogate pair too long", Fields{Type: Resident, Name: strings.Repeat("张", 14) + "𠀀"}, "Name", ErrTooLong},
		{"invalid date", Fields{Type: Resident, BirthDate: "1985-02-30"}, "BirthDate", ErrTooLong},
		{"invalid UTF-8", Fields{Type: Resident, Issuer: "\xff"}, "Issuer", ErrInvalidText},
		{"nation on J", Fields{Type: HKMOTWResidence, Nation: "汉"}, "Nation", ErrNotInLayout},
		{"nation code on Y", Fields{Type: ForeignPermanent2023, NationCode: "01"}, "NationCode", ErrNotInLayout},
		{"address on I", Fields{Type: ForeignPermanent2017, Address: "x"}, "Address", ErrNotInLayout},
		{"pass number on resident", Fields{Type: Resident, PassNumber: "x"}, "PassNumber", ErrNotInLayout},
		{"unknown nation", Fields{Type: Resident, Nation: "火星"}, "Nation", ErrUnknownName},
		{"unknown sex", Fields{Type: Resident, Sex: "male"}, "Sex", ErrUnknownName},
		{"long sex code", Fields{Type: Resident, SexCode: "12"}, "SexCode", ErrTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Encode(tc.f)
			if b != nil || !errors.Is(err, tc.want) {
				t.Fatalf("Encode = %x, %v; want %v", b, err, tc.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("err = %v, want field %s", err, tc.field)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("message %q does not name %s", err.Error(), tc.field)
			}
		})
	}
}
