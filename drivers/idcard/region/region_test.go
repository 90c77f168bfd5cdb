package region

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		code string
		want Region
	}{
		{"370481", Region{Code: "370481", Province: "山东省", City: "枣庄市", County: "滕州市", Level: LevelCounty, Exact: true}},
		{"110105", Region{Code: "110105", Province: "北京市", County: "朝阳区", Level: LevelCounty, Exact: true}},
		{"370400", Region{Code: "370400", Province: "山东省", City: "枣庄市", Level: LevelCity, Exact: true}},
		{"370000", Region{Code: "370000", Province: "山东省", Level: LevelProvince, Exact: true}},
		// Unknown county of a known city: the city.
		{"370499", Region{Code: "370499", Province: "山东省", City: "枣庄市", Level: LevelCity}},
		// GB 11643's example, an abolished Shantou county code.
		{"440524", Region{Code: "440524", Province: "广东省", City: "汕头市", Level: LevelCity}},
		// Unknown city of a known province: the province.
		{"379901", Region{Code: "379901", Province: "山东省", Level: LevelProvince}},
		{"110100", Region{Code: "110100", Province: "北京市", Level: LevelProvince}},
		// Counties without a city level.
		{"419001", Region{Code: "419001", Province: "河南省", County: "济源市", Level: LevelCounty, Exact: true}},
		{"469001", Region{Code: "469001", Province: "海南省", County: "五指山市", Level: LevelCounty, Exact: true}},
		{"810000", Region{Code: "810000", Province: "香港特别行政区", Level: LevelProvince, Exact: true}},
		{"820000", Region{Code: "820000", Province: "澳门特别行政区", Level: LevelProvince, Exact: true}},
		{"710000", Region{Code: "710000", Province: "台湾省", Level: LevelProvince, Exact: true}},
	}
	for _, tc := range tests {
		got, ok := Lookup(tc.code)
		if ok != (tc.want.Level != LevelNone) || got != tc.want {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v", tc.code, got, ok, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	for code, want := range map[string]string{
		"370481": "山东省枣庄市滕州市",
		"110105": "北京市朝阳区",
		"440524": "广东省汕头市",
		"810000": "香港特别行政区",
	} {
		r, _ := Lookup(code)
		if got := r.String(); got != want {
			t.Errorf("Lookup(%s).String() = %q, want %q", code, got, want)
		}
	}
	for l, want := range map[Level]string{LevelNone: "none", LevelProvince: "province", LevelCity: "city", LevelCounty: "county", 9: "none"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q, want %q", int(l), got, want)
		}
	}
}

func TestLookupRejects(t *testing.T) {
	for _, code := range []string{"", "37048", "3704811", "37048a", "３７０４８１", "000000", "990000", "370481198501011235"} {
		if r, ok := Lookup(code); ok || r != (Region{}) {
			t.Errorf("Lookup(%q) = %+v, %v; want nothing", code, r, ok)
		}
	}
}

func TestLookupID(t *testing.T) {
	r, ok := LookupID("370481198501011235")
	if !ok || r.String() != "山东省枣庄市滕州市" {
		t.Fatalf("LookupID = %+v, %v", r, ok)
	}
	for _, id := range []string{"", "37048", "张三李四"} {
		if _, ok := LookupID(id); ok {
			t.Errorf("LookupID(%q) ok", id)
		}
	}
}

// TestTable checks the embedded data: every line parses, codes are sorted
// and unique, every county and city has its province, and the file stays
// small.
func TestTable(t *testing.T) {
	if len(regionsTSV) > 300<<10 {
		t.Errorf("regions.tsv is %d bytes", len(regionsTSV))
	}
	lines := 0
	prev := ""
	for line := range strings.Lines(regionsTSV) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		lines++
		code, _, _ := strings.Cut(line, "\t")
		if code <= prev {
			t.Fatalf("code %s after %s", code, prev)
		}
		prev = code
	}
	m := table()
	if len(m) != lines || lines < 3000 {
		t.Fatalf("parsed %d of %d lines", len(m), lines)
	}
	for code := range m {
		if _, ok := m[code[:2]+"0000"]; !ok {
			t.Errorf("%s has no province", code)
		}
	}
}

func TestParseSkipsBadLines(t *testing.T) {
	m := parse("# comment\n110000\t北京市\r\nbad\n12345\tx\n120000\t\n130000\t河北省")
	if len(m) != 2 || m["110000"] != "北京市" || m["130000"] != "河北省" {
		t.Fatalf("parse = %v", m)
	}
}

func TestTaiwanResidencePermitArea(t *testing.T) {
	r, ok := LookupID("830000199211300026")
	if !ok || r.String() != "台湾地区" || !r.Exact {
		t.Fatalf("830000: %+v %v", r, ok)
	}
}
