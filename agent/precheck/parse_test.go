package precheck

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// wantProblem is an expected problem of a broken file: a line
// `# want: LINE: KEY: MESSAGE` at its top (MESSAGE is a part of the
// message; LINE 0 means not on a line).
type wantProblem struct {
	line int
	key  string
	msg  string
}

var wantLine = regexp.MustCompile(`^# want: (\d+): ([^:]+): ?(.*)$`)

func wantsOf(t *testing.T, data []byte) []wantProblem {
	t.Helper()
	var ws []wantProblem
	for l := range strings.Lines(strings.TrimPrefix(string(data), "\uFEFF")) {
		m := wantLine.FindStringSubmatch(strings.TrimRight(l, "\r\n"))
		if m == nil {
			break
		}
		n, _ := strconv.Atoi(m[1])
		ws = append(ws, wantProblem{n, m[2], strings.TrimSpace(m[3])})
	}
	if len(ws) == 0 {
		t.Fatal(`a broken file's first line must be "# want: LINE: KEY: MESSAGE"`)
	}
	return ws
}

// TestBrokenFiles checks that every problem of each broken file is found,
// with the file, line and key it is about, and nothing else.
func TestBrokenFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/broken/*.toml")
	if err != nil || len(files) < 20 {
		t.Fatalf("%d broken files (%v), want at least 20", len(files), err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ws := wantsOf(t, data)
			r, err := Parse(data, file)
			var errs Errors
			if r != nil || !errors.As(err, &errs) {
				t.Fatalf("Parse: %v, %v; want Errors", r, err)
			}
			if len(errs) != len(ws) {
				t.Errorf("%d problems, want %d:\n%v", len(errs), len(ws), err)
			}
			for _, w := range ws {
				found := false
				for _, e := range errs {
					if e.File == file && e.Line == w.line && e.Key == w.key && strings.Contains(e.Msg, w.msg) {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem %d: %s: %s in:\n%v", w.line, w.key, w.msg, err)
				}
			}
			for _, e := range errs {
				if e.Line > 0 && !strings.HasPrefix(e.Error(), file+":"+strconv.Itoa(e.Line)+": "+e.Key) {
					t.Errorf("%q does not start with FILE:LINE: KEY", e.Error())
				}
			}
		})
	}
}

// TestGoodFiles checks that the files meant to be valid are, including
// the embedded default.
func TestGoodFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.toml")
	if len(files) == 0 {
		t.Fatal("no good files")
	}
	for _, file := range files {
		if _, err := Load(file); err != nil {
			t.Errorf("%v", err)
		}
	}
	if _, err := Parse(DefaultFile(), "tengzhou.toml"); err != nil {
		t.Fatalf("the embedded default: %v", err)
	}
}

// TestDefaultCoversEveryItem checks that the embedded rules describe every
// item, with the figures their tests need for 滕州 on the day.
func TestDefaultCoversEveryItem(t *testing.T) {
	r := Default()
	if got := r.Items(); strings.Join(got, ",") != strings.Join(itemCodes, ",") {
		t.Errorf("items %v, want %v", got, itemCodes)
	}
	f := &facts{chain: regionChain("370481"), day: civilOf(day)}
	for _, area := range []string{"urban", "rural"} {
		for _, p := range []struct{ item, param string }{
			{"dibao", "standard"}, {"common", "disposable_income"}, {"common", "deposits_per_person"},
			{"common", "vehicle_kinds"}, {"common", "max_vehicles"}, {"common", "max_homes"},
			{"common", "home_area_per_person"}, {"common", "company_role_allowed"},
			{"common", "recent_home_purchase_allowed"}, {"common", "near_margin"},
			{"common", "exclude_income.pension"}, {"tekun", "exclude_income.pension"},
			{"tekun", "age_old"}, {"tekun", "minor_under"}, {"tekun", "supporter_age_min"},
			{"tekun", "disability_grade.智力"}, {"bianyuan", "multiplier"},
			{"gangxing", "spending_share"}, {"linshi", "after_spending_multiplier"},
			{"yiliao", "groups"}, {"yiliao", "medical_spending_min"}, {"jiaoyu", "groups"},
			{"zhufang", "groups"}, {"zhufang", "area_per_person_below"}, {"jiuye", "groups"},
			{"jiuye", "age_min"}, {"jiuye", "age_max_male"}, {"jiuye", "age_max_female"},
			{"kangfu", "groups"}, {"kangfu", "age_max"}, {"kangfu", "kinds"},
		} {
			if r.lookup(f.chain, area, p.item, p.param, f.day) == nil {
				t.Errorf("%s %s.%s: not set", area, p.item, p.param)
			}
		}
	}
	for code, it := range r.items {
		if len(it.materials) == 0 || it.appeal == "" {
			t.Errorf("%s: no materials or no appeal", code)
		}
	}
}

// TestDefaultSamplesAreMarked checks that no local figure of 滕州 claims
// to be official: every 370481 row is a sample until replaced.
func TestDefaultSamplesAreMarked(t *testing.T) {
	for _, rows := range Default().standards {
		for _, s := range rows {
			if s.region == "370481" && (!s.sample || !strings.HasPrefix(s.source, "示例")) {
				t.Errorf("line %d: %s %s is a local figure not marked as a sample", s.line, s.item, s.param)
			}
		}
	}
	for _, c := range Default().contacts {
		if strings.HasPrefix(c.phone, "0632") && !c.sample {
			t.Errorf("%s %s: a local number not marked as a sample", c.name, c.phone)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load: %v, want fs.ErrNotExist", err)
	}
}

// TestExactDecimals checks that numbers are read from their text, never
// through a float.
func TestExactDecimals(t *testing.T) {
	cases := []struct {
		text            string
		scale, decimals int64
		want            int64
		bad             string
	}{
		{"780", 100, 2, 78000, ""},
		{"780.5", 100, 2, 78050, ""},
		{"0.1", 100, 2, 10, ""},
		{"1_000.25", 100, 2, 100025, ""},
		{"+3", 1, 0, 3, ""},
		{"1.50", 10000, 4, 15000, ""},
		{"0.3", 10000, 4, 3000, ""},
		{"780.555", 100, 2, 0, "more than 2 decimals"},
		{"2.5", 1, 0, 0, "whole number"},
		{"-1", 100, 2, 0, "negative"},
		{"1e3", 100, 2, 0, "exponent"},
		{"inf", 100, 2, 0, "not inf"},
		{"nan", 100, 2, 0, "not nan"},
		{"0x10", 1, 0, 0, "decimal digits"},
		{"99999999999999999999", 100, 2, 0, "too large"},
	}
	for _, c := range cases {
		got, msg := parseScaled(c.text, c.scale, int(c.decimals), 1<<62)
		if got != c.want || !strings.Contains(msg, c.bad) || (c.bad == "") != (msg == "") {
			t.Errorf("parseScaled(%q) = %d, %q; want %d, %q", c.text, got, msg, c.want, c.bad)
		}
	}
}
