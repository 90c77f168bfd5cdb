package precheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// These tests change the rules file, never the code: a changed standard,
// a new region and a new year's figure take effect by data alone.

// edit returns the default file with each old text replaced by its new
// one, failing when an old text is not there exactly once.
func edit(t *testing.T, pairs ...string) []byte {
	t.Helper()
	s := string(DefaultFile())
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(s, pairs[i]); n != 1 {
			t.Fatalf("%q is in the default file %d times, want once", pairs[i], n)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

// loadFile writes data to a file and loads it as a deployment would.
func loadFile(t *testing.T, data []byte) *Rules {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.toml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return r
}

const ruralDibao = `area = "rural"
item = "dibao"
param = "standard"
value = 780
unit = "yuan/month"
effective_from = 2025-01-01`

// one person in rural 滕州 with 900 元 a month.
func nineHundred(region string) *platform.Household {
	h := hh(false, mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 900)))
	h.Region.Code = region
	return h
}

func TestRaisingTheStandardFlipsTheVerdict(t *testing.T) {
	h := nineHundred("370481")
	before := evaluate(t, Default(), h, day)[platform.ItemDibao]
	if before.Verdict != unlikely {
		t.Fatalf("at 780 元: %s, want unlikely", before.Verdict)
	}
	r := loadFile(t, edit(t, ruralDibao, strings.Replace(ruralDibao, "value = 780", "value = 950", 1)))
	after := evaluate(t, r, h, day)[platform.ItemDibao]
	if after.Verdict != likely || !strings.Contains(after.Tests[0].Detail, "家庭人均月收入 900 元，低于本地低保标准 950 元。") {
		t.Errorf("at 950 元: %s %q, want likely with the new figure", after.Verdict, after.Tests[0].Detail)
	}
	// The 边缘 line moves with it (1.5 × 950 = 1425), and 边缘 is no
	// longer the item: 低保 is.
	if b := evaluate(t, r, h, day)[platform.ItemBianyuan]; b.Verdict != unlikely || !strings.Contains(b.Tests[0].Detail, "请先看低保") {
		t.Errorf("边缘 at 950 元: %s %v", b.Verdict, b.Tests)
	}
}

func TestAYearlyStandard(t *testing.T) {
	r := loadFile(t, edit(t, ruralDibao, strings.NewReplacer("value = 780", "value = 9_360", "yuan/month", "yuan/year").Replace(ruralDibao)))
	got := evaluate(t, r, nineHundred("370481"), day)
	d := got[platform.ItemDibao]
	if d.Verdict != unlikely || !strings.Contains(d.Tests[0].Detail, "家庭人均年收入 10800 元，高于本地低保标准 9360 元。") {
		t.Errorf("yearly: %s %q", d.Verdict, d.Tests[0].Detail)
	}
	// 24 months of a 9360 元 a year standard is 18720 元.
	if p, _ := testByName(d, "家庭财产"); !strings.Contains(p.Detail, "18720 元") {
		t.Errorf("deposits limit: %q", p.Detail)
	}
}

// A new region: 370402 (枣庄市市中区) gets its own 低保 standard, and the
// prefecture 370400 (枣庄市) the property rules all its counties share.
const zaozhuang = `
[[standard]]
region = "370402"
area = "rural"
item = "dibao"
param = "standard"
value = 950
unit = "yuan/month"
effective_from = 2025-01-01
source = "测试：市中区标准"

[[standard]]
region = "370400"
item = "common"
param = "deposits_per_person"
value = 20000
unit = "yuan"
effective_from = 2025-01-01
source = "测试：枣庄市财产规定"

[[standard]]
region = "370400"
item = "common"
param = "vehicle_kinds"
value = ["小型汽车"]
effective_from = 2025-01-01
source = "测试：枣庄市财产规定"

[[standard]]
region = "370400"
item = "common"
param = "max_vehicles"
value = 0
effective_from = 2025-01-01
source = "测试：枣庄市财产规定"

[[standard]]
region = "370400"
item = "common"
param = "max_homes"
value = 1
effective_from = 2025-01-01
source = "测试：枣庄市财产规定"

[[standard]]
region = "370400"
item = "common"
param = "home_area_per_person"
value = 50
unit = "m2"
effective_from = 2025-01-01
source = "测试：枣庄市财产规定"

[[contact]]
region = "370402"
name = "市中区社会救助窗口"
phone = "0632-1111111"
`

func TestANewRegion(t *testing.T) {
	r := loadFile(t, append(DefaultFile(), zaozhuang...))

	szq := evaluate(t, r, nineHundred("370402003"), day)[platform.ItemDibao] // a town in 市中区
	if szq.Verdict != likely {
		t.Errorf("市中区: %s %v, want likely at 950 元", szq.Verdict, szq.Tests)
	}
	inc, _ := testByName(szq, "家庭人均收入")
	prop, _ := testByName(szq, "家庭财产")
	if !strings.Contains(inc.Detail, "低于本地低保标准 950 元") || !strings.Contains(inc.Source, "测试：市中区标准") || inc.Sample {
		t.Errorf("市中区 income: %+v", inc)
	}
	if !strings.Contains(prop.Detail, "没有超过本地规定的 20000 元") || !strings.Contains(prop.Source, "测试：枣庄市财产规定") {
		t.Errorf("市中区 property, from the prefecture: %+v", prop)
	}
	if n := szq.Notice.Contacts; len(n) == 0 || n[0].Phone != "0632-1111111" {
		t.Errorf("市中区 contacts: %+v", n)
	}

	// 滕州 keeps its own figures.
	tz := evaluate(t, r, nineHundred("370481"), day)[platform.ItemDibao]
	if tz.Verdict != unlikely || !strings.Contains(tz.Tests[0].Detail, "780 元") {
		t.Errorf("滕州: %s %q", tz.Verdict, tz.Tests[0].Detail)
	}
	// 峄城区 (370404) has no 低保 standard of its own, but the prefecture's
	// property rules.
	yc := evaluate(t, r, nineHundred("370404"), day)[platform.ItemDibao]
	if yc.Verdict != possible || !strings.Contains(yc.Tests[0].Detail, "还没有设置") {
		t.Errorf("峄城: %s %v", yc.Verdict, yc.Tests)
	}
	if p, _ := testByName(yc, "家庭财产"); !strings.Contains(p.Source, "测试：枣庄市财产规定") {
		t.Errorf("峄城 property: %+v", p)
	}
}

// A village may have its own figure; its neighbours keep the county's.
func TestATownOrVillageOverride(t *testing.T) {
	village := strings.NewReplacer(`area = "rural"`, "region = \"370481001002\"\narea = \"rural\"", "value = 780", "value = 1000").Replace(ruralDibao)
	r := loadFile(t, append(DefaultFile(), []byte("\n[[standard]]\n"+village+"\nsource = \"测试：某村\"\n")...))
	if v := evaluate(t, r, nineHundred("370481001002"), day)[platform.ItemDibao].Verdict; v != likely {
		t.Errorf("the village: %s, want likely at 1000 元", v)
	}
	if v := evaluate(t, r, nineHundred("370481001003"), day)[platform.ItemDibao].Verdict; v != unlikely {
		t.Errorf("the next village: %s, want unlikely at 780 元", v)
	}
}

// An effective-dated row: 780 元 to the end of 2025, 930 元 from 2026.
func TestTheStandardInForceOnTheDay(t *testing.T) {
	dated := ruralDibao + "\neffective_to = 2025-12-31"
	next := strings.NewReplacer("value = 780", "value = 930", "2025-01-01", "2026-01-01").Replace(ruralDibao)
	r := loadFile(t, append(edit(t, ruralDibao, dated), []byte("\n[[standard]]\nregion = \"370481\"\n"+next+"\nsource = \"测试：2026 年标准\"\nsample = true\n")...))
	h := nineHundred("370481")
	for _, c := range []struct {
		on      time.Time
		verdict string
		figure  string
	}{
		{time.Date(2025, 12, 31, 23, 0, 0, 0, chinaTime), unlikely, "本地低保标准 780 元"},
		{time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC), likely, "本地低保标准 930 元"}, // 00:30 on 1 January in China
		{time.Date(2026, 7, 1, 9, 0, 0, 0, chinaTime), likely, "本地低保标准 930 元"},
	} {
		d := evaluate(t, r, h, c.on)[platform.ItemDibao]
		if d.Verdict != c.verdict || !strings.Contains(d.Tests[0].Detail, c.figure) {
			t.Errorf("on %v: %s %q, want %s with %q", c.on, d.Verdict, d.Tests[0].Detail, c.verdict, c.figure)
		}
	}
}

// The basic pension is left out during the 14th five-year plan by the
// national rule, and after it by a sample row; removing that row counts
// it from 2026 on.
func TestAnExclusionEndsByDate(t *testing.T) {
	h := hh(false, mem("m1", "王秀兰", "本人", "女", "1950-02-01", "unable", earns("pension", 900)))
	const later = `[[standard]]
region = "default"
item = "common"
param = "exclude_income.pension"
value = true
effective_from = 2026-01-01
source = "示例：假定“十五五”期间继续不计入，待国家新规定核实"
sample = true
`
	r := loadFile(t, edit(t, later, ""))
	if d := evaluate(t, r, h, time.Date(2025, 6, 1, 9, 0, 0, 0, chinaTime))[platform.ItemDibao]; d.Verdict != likely {
		t.Errorf("2025: %s %v", d.Verdict, d.Tests)
	}
	d := evaluate(t, r, h, day)[platform.ItemDibao]
	if d.Verdict != unlikely || !strings.Contains(d.Tests[0].Detail, "家庭人均月收入 900 元") {
		t.Errorf("2026 without the row: %s %v", d.Verdict, d.Tests)
	}
	// 特困 has its own exclusion, without an end.
	if tk, _ := testByName(evaluate(t, r, h, day)[platform.ItemTekun], "家庭人均收入"); !tk.Passed {
		t.Errorf("特困 income 2026: %+v", tk)
	}
}

// An item's texts and a parameter's figure for one item are data too.
func TestItemTextsAreData(t *testing.T) {
	r := loadFile(t, edit(t,
		`time_limit = "30 个工作日，特殊情况 45 个工作日"
time_limit_days = 30`, `time_limit = "25 个工作日，特殊情况 40 个工作日"
time_limit_days = 25`,
		`short = "低保"`, `short = "最低生活保障"`))
	d := evaluate(t, r, nineHundred("370481"), day)[platform.ItemDibao]
	if d.Notice.TimeLimitDays != 25 || !strings.HasPrefix(d.Notice.TimeLimit, "25 个工作日") || !strings.Contains(d.Summary, "最低生活保障") {
		t.Errorf("%+v", d)
	}
}

// A rules file may describe fewer items; the others are not listed.
func TestFewerItems(t *testing.T) {
	r, err := Parse([]byte(`format = 1
[item.jiuye]
name = "就业救助"
short = "就业救助"
explain = "能干活但没工作，帮您找工作"
basis = "《社会救助暂行办法》第四十二条"
conditions = ["低保家庭里能干活、现在没有工作的家人。"]
steps = ["在自助机上登记。"]
time_limit = "15 个工作日"
time_limit_days = 15
appeal = "对结果有意见，可以提出来。"
`), "few.toml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Evaluate(nineHundred("370481"), day)
	if err != nil || len(res) != 1 || res[0].Item != platform.ItemJiuye || res[0].Verdict != possible {
		t.Fatalf("%+v %v: want only 就业救助, possible (no ages set)", res, err)
	}
}
