package precheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// FuzzParse checks that Parse never panics; that a file it refuses gets
// Errors whose every problem names the file and a line of it (or no line,
// for a key the whole file lacks) and is the same on a second try; and
// that rules it accepts evaluate households without panicking, with
// verdicts that are one of the three.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.toml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(DefaultFile())
	f.Add(append(DefaultFile(), zaozhuang...))
	hs := seedHouseholds()
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data, "f.toml")
		if err != nil {
			var errs Errors
			if r != nil || !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Parse: %v, %v; want nil and Errors", r, err)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, e := range errs {
				if e.Line < 0 || e.Line > lines || e.File != "f.toml" || e.Msg == "" {
					t.Errorf("a problem not on a line of the input (0…%d): %+v", lines, *e)
				}
			}
			if _, err2 := Parse(data, "f.toml"); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("a second Parse differs:\n%v\n%v", err, err2)
			}
			return
		}
		for _, h := range hs {
			res, err := r.Evaluate(h, day)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			for _, x := range res {
				if !slices.Contains(verdictSet, x.Verdict) {
					t.Errorf("%s: verdict %q", x.Item, x.Verdict)
				}
			}
		}
	})
}

// FuzzEvaluate checks Evaluate with arbitrary households (as the platform
// could send them, in JSON) on arbitrary days: no panic, no overflow (no
// negative figure in any text), either a HouseholdError or a result for
// every item with one of the three verdicts and wording that keeps
// flow-screens §7.
func FuzzEvaluate(f *testing.F) {
	for _, h := range seedHouseholds() {
		data, err := json.Marshal(h)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, int32(0))
		f.Add(data, int32(-600)) // before the sample standards
	}
	f.Add([]byte(`{"region":{"code":"370481"},"applicantId":"a","members":[{"id":"a","birthDate":"2000-02-29","incomes":[{"kind":"wage","monthlyFen":9223372036854775807}]}]}`), int32(3))
	f.Add([]byte(`{"region":{"code":"370481"},"applicantId":"a","members":[{"id":"a","birthDate":"1900-01-01","excluded":""}],"property":{"homeAreaM2":1e308,"homes":2}}`), int32(1))
	r := Default()
	base := time.Date(2026, 6, 15, 12, 0, 0, 0, chinaTime)
	f.Fuzz(func(t *testing.T, data []byte, days int32) {
		var h platform.Household
		if json.Unmarshal(data, &h) != nil {
			return
		}
		on := base.AddDate(0, 0, int(days%40000))
		res, err := r.Evaluate(&h, on)
		if err != nil {
			var he *HouseholdError
			if !errors.Is(err, ErrInvalidHousehold) || !errors.As(err, &he) || res != nil {
				t.Fatalf("Evaluate: %v, %v; want nil and a HouseholdError", res, err)
			}
			return
		}
		if len(res) != len(itemCodes) {
			t.Fatalf("%d results, want %d", len(res), len(itemCodes))
		}
		for _, x := range res {
			for _, p := range wordingProblems(x) {
				t.Errorf("%s: %s", x.Item, p)
			}
		}
	})
}
