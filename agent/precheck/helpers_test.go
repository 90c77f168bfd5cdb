package precheck

import (
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// day is the default day of the tests: the sample standards of 滕州 are in
// force from 2025-01-01.
var day = time.Date(2026, 6, 15, 10, 0, 0, 0, chinaTime)

// hh builds a household in 滕州 (rural unless urban) whose applicant is
// the first member.
func hh(urban bool, ms ...platform.Member) *platform.Household {
	h := &platform.Household{ID: "H1", Region: platform.Region{Code: "370481001", Name: "滕州市某镇", Urban: urban}, Members: ms}
	if len(ms) > 0 {
		h.ApplicantID = ms[0].ID
	}
	return h
}

// mem builds a member; born is the birth date; options change the rest.
func mem(id, name, rel, sex, born, work string, opts ...func(*platform.Member)) platform.Member {
	m := platform.Member{ID: id, Name: name, IDNumber: "370481" + strings.ReplaceAll(born, "-", "") + "0000", Relation: rel, Sex: sex, BirthDate: born, Work: work}
	for _, o := range opts {
		o(&m)
	}
	return m
}

// earns adds a monthly income in yuan.
func earns(kind string, yuan int64) func(*platform.Member) {
	return func(m *platform.Member) {
		m.Incomes = append(m.Incomes, platform.Income{Kind: kind, MonthlyFen: yuan * 100})
	}
}

// earnsFen adds a monthly income in fen.
func earnsFen(kind string, fen int64) func(*platform.Member) {
	return func(m *platform.Member) { m.Incomes = append(m.Incomes, platform.Income{Kind: kind, MonthlyFen: fen}) }
}

func gets(benefits ...string) func(*platform.Member) {
	return func(m *platform.Member) { m.Benefits = append(m.Benefits, benefits...) }
}

func disabled(kind string, grade int) func(*platform.Member) {
	return func(m *platform.Member) { m.Disability = &platform.Disability{Kind: kind, Grade: grade} }
}

func school(level string) func(*platform.Member) {
	return func(m *platform.Member) { m.School = level }
}

func excluded(why string) func(*platform.Member) {
	return func(m *platform.Member) { m.Excluded = why }
}

// evaluate runs the default rules, failing the test on an error.
func evaluate(t *testing.T, r *Rules, h *platform.Household, on time.Time) map[string]platform.PrecheckResult {
	t.Helper()
	res, err := r.Evaluate(h, on)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	out := map[string]platform.PrecheckResult{}
	for _, x := range res {
		out[x.Item] = x
	}
	return out
}

// allText is every sentence of a result an applicant may read.
func allText(res platform.PrecheckResult) []string {
	out := []string{res.Summary}
	for _, t := range res.Tests {
		out = append(out, t.Detail)
	}
	return out
}

// testByName returns the test of res with that name.
func testByName(res platform.PrecheckResult, name string) (platform.Test, bool) {
	for _, t := range res.Tests {
		if t.Name == name {
			return t, true
		}
	}
	return platform.Test{}, false
}
