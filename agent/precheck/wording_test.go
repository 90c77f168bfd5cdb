package precheck

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

var (
	negative   = regexp.MustCompile(`-\d`)
	glued      = regexp.MustCompile(`\d[元岁辆套口位个]`)
	verdictSet = []string{platform.VerdictLikely, platform.VerdictPossible, platform.VerdictUnlikely}
)

// wordingProblems returns what in a result breaks flow-screens §7 or the
// contract: a verdict not one of the three, a summary not addressed to
// 您, a refusal word, a negative figure, a figure glued to its unit, a
// test without a name or a detail.
func wordingProblems(res platform.PrecheckResult) []string {
	var out []string
	if !slices.Contains(verdictSet, res.Verdict) {
		out = append(out, "verdict "+res.Verdict)
	}
	if !strings.Contains(res.Summary, "您") {
		out = append(out, "summary not to 您: "+res.Summary)
	}
	texts := allText(res)
	n := res.Notice
	texts = append(texts, n.Conditions...)
	texts = append(texts, n.Steps...)
	texts = append(texts, n.Appeal, n.TimeLimit)
	for _, m := range n.Materials {
		texts = append(texts, m.Note)
	}
	for _, s := range texts {
		for _, w := range bannedWords {
			if strings.Contains(s, w) {
				out = append(out, "says "+w+": "+s)
			}
		}
		if negative.MatchString(s) {
			out = append(out, "a negative figure: "+s)
		}
		if glued.MatchString(s) {
			out = append(out, "a figure without a space before its unit: "+s)
		}
	}
	for _, t := range res.Tests {
		if t.Name == "" || t.Detail == "" {
			out = append(out, "a test without a name or detail")
		}
	}
	return out
}

// TestWording runs every household of the fuzz seeds and the table and
// checks the wording of every result.
func TestWording(t *testing.T) {
	r := Default()
	for name, h := range seedHouseholds() {
		res, err := r.Evaluate(h, day)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, x := range res {
			for _, p := range wordingProblems(x) {
				t.Errorf("%s %s: %s", name, x.Item, p)
			}
		}
	}
}

// seedHouseholds are households of every kind the tests know.
func seedHouseholds() map[string]*platform.Household {
	out := map[string]*platform.Household{
		"over": hh(false,
			mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 1000)),
			mem("m2", "李大山", "配偶", "男", "1973-01-01", "employed", earns("farm", 580))),
		"split": hh(false,
			mem("m1", "王秀兰", "本人", "女", "1985-03-02", "unemployed", earns("farm", 600)),
			mem("m2", "李明", "子女", "男", "2015-03-01", "student", school("primary")),
			mem("m3", "李大山", "配偶", "男", "1983-01-01", "employed", earns("wage", 5000), excluded("在监狱服刑"))),
		"disabled child": hh(false,
			mem("m1", "孙丽", "本人", "女", "1990-04-04", "employed", earns("wage", 1000), gets("dibao")),
			mem("m2", "周小宝", "子女", "男", "2022-01-01", "child", disabled("听力", 2), gets("dibao"))),
		"receiving": hh(false,
			mem("m1", "刘建国", "本人", "男", "1970-07-07", "unable", gets("dibao")),
			mem("m2", "陈芳", "配偶", "女", "1975-05-01", "unemployed", gets("dibao")),
			mem("m3", "刘洋", "子女", "男", "2010-09-01", "student", school("senior"), gets("dibao"))),
		"tekun already": hh(false, mem("m1", "赵强", "本人", "男", "1940-01-01", "unable", gets("tekun"))),
		"ill": hh(true,
			mem("m1", "孙丽", "本人", "女", "1978-04-04", "employed", earns("wage", 2000), func(m *platform.Member) { m.SeriousIllness = true }),
			mem("m2", "周平", "配偶", "男", "1976-09-09", "employed", earns("wage", 1200))),
	}
	elderly := hh(false, mem("m1", "王秀兰", "本人", "女", "1950-02-01", "unable", earns("pension", 150)))
	elderly.Supporters = []platform.Supporter{{Name: "张伟", Relation: "子女", Able: false, MonthlyFen: 100000}}
	out["elderly"] = elderly
	rich := hh(false, mem("m1", "赵强", "本人", "男", "1980-01-01", "employed", earns("wage", 500)))
	rich.Property = platform.Property{DepositsFen: 5_000_000, Vehicles: []platform.Vehicle{{Kind: "小型汽车"}}, Homes: 3, HomeAreaM2: 300, CompanyRoles: 1, BoughtHomeWithin12m: true}
	out["rich"] = rich
	costs := hh(true,
		mem("m1", "孙丽", "本人", "女", "1978-04-04", "employed", earns("wage", 2000)),
		mem("m2", "周平", "配偶", "男", "1976-09-09", "employed", earns("wage", 1200)))
	costs.Property = platform.Property{Homes: 1, HomeAreaM2: 70}
	costs.Spending12m = platform.Spending{MedicalFen: 3_000_000, EducationFen: 1_000_000}
	out["costs"] = costs
	far := hh(false, mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 300)))
	far.Region.Code = "110101"
	out["far"] = far
	return out
}
