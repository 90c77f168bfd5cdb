package precheck

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// expect is what one item of a household must come out as: the verdict,
// and phrases its summary or one of its tests' details must contain.
type expect struct {
	verdict string
	has     []string
}

const (
	likely   = platform.VerdictLikely
	possible = platform.VerdictPossible
	unlikely = platform.VerdictUnlikely
)

func TestHouseholds(t *testing.T) {
	r := Default()
	elderly := hh(false, mem("m1", "王秀兰", "本人", "女", "1950-02-01", "unable", earns("pension", 150)))
	elderly.Supporters = []platform.Supporter{{Name: "张伟", Relation: "子女", Able: false, MonthlyFen: 100000}}
	elderlyAble := hh(false, mem("m1", "王秀兰", "本人", "女", "1950-02-01", "unable", earns("pension", 150)))
	elderlyAble.Supporters = []platform.Supporter{{Name: "张伟", Relation: "子女", Able: true, MonthlyFen: 800000}}

	withCar := hh(false, mem("m1", "赵强", "本人", "男", "1980-01-01", "employed", earns("wage", 500)))
	withCar.Property.Vehicles = []platform.Vehicle{{Kind: "小型汽车"}, {Kind: "三轮车"}}
	exemptCar := hh(false, mem("m1", "赵强", "本人", "男", "1980-01-01", "employed", earns("wage", 500)))
	exemptCar.Property.Vehicles = []platform.Vehicle{{Kind: "小型汽车", Exempt: "残疾人代步"}}
	rich := hh(false, mem("m1", "赵强", "本人", "男", "1980-01-01", "employed", earns("wage", 500)))
	rich.Property.DepositsFen = 5_000_000 // 50000 元 against 24 × 780 = 18720 元
	company := hh(false, mem("m1", "赵强", "本人", "男", "1980-01-01", "employed", earns("wage", 500)))
	company.Property.CompanyRoles = 1

	spending := hh(true,
		mem("m1", "孙丽", "本人", "女", "1978-04-04", "employed", earns("wage", 2000)),
		mem("m2", "周平", "配偶", "男", "1976-09-09", "employed", earns("wage", 1200)))
	spending.Property = platform.Property{Homes: 1, HomeAreaM2: 70}
	spending.Spending12m = platform.Spending{MedicalFen: 3_000_000, EducationFen: 1_000_000}

	receiving := hh(false,
		mem("m1", "刘建国", "本人", "男", "1970-07-07", "unable", gets("dibao")),
		mem("m2", "陈芳", "配偶", "女", "1975-05-01", "unemployed", gets("dibao")),
		mem("m3", "刘洋", "子女", "男", "2010-09-01", "student", school("senior"), gets("dibao")))

	cases := []struct {
		name  string
		h     *platform.Household
		on    time.Time
		want  map[string]expect
		never []string // phrases no text may contain
	}{{
		name: "just over the line: 低保 possible, 边缘 likely",
		h: hh(false,
			mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 1000)),
			mem("m2", "李大山", "配偶", "男", "1973-01-01", "employed", earns("farm", 580))),
		want: map[string]expect{
			platform.ItemDibao:    {possible, []string{"按 2 口人算，家庭人均月收入 790 元，只比本地低保标准 780 元高一点。", "也许可以申请低保，工作人员会再核实"}},
			platform.ItemBianyuan: {likely, []string{"家庭人均月收入 790 元，低于低保边缘标准（低保标准的 1.5 倍） 1170 元。"}},
			platform.ItemGangxing: {unlikely, []string{"低于低保边缘标准 1170 元，请先看低保或低保边缘这两项"}},
			platform.ItemTekun:    {unlikely, []string{"家里没有 60 岁以上的老人、16 岁以下的孩子或重度残疾的人。"}},
			platform.ItemLinshi:   {unlikely, []string{"近 12 个月没有登记看病、上学、康复等大额支出。", "突然遇到急事、难事，也可以申请。"}},
			platform.ItemYiliao:   {possible, []string{"您家可能符合低保边缘的条件"}},
			platform.ItemJiaoyu:   {unlikely, []string{"家里没有登记正在上学的人。"}},
			platform.ItemJiuye:    {unlikely, []string{"家里没有登记能干活但没有工作的人。"}},
			platform.ItemKangfu:   {unlikely, nil},
		},
	}, {
		name: "well over the line: neither 低保 nor 边缘",
		h:    hh(false, mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 1300))),
		want: map[string]expect{
			platform.ItemDibao:    {unlikely, []string{"家庭人均月收入 1300 元，高于本地低保标准 780 元。", "暂未看出", "您仍然可以申请"}},
			platform.ItemBianyuan: {unlikely, []string{"高于低保边缘标准（低保标准的 1.5 倍） 1170 元"}},
		},
	}, {
		name: "on the line exactly: possible",
		h:    hh(false, mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 780))),
		want: map[string]expect{
			platform.ItemDibao: {possible, []string{"家庭人均月收入 780 元，和本地低保标准 780 元一样。"}},
		},
	}, {
		name: "rounding would hide that it is below: shown to the fen",
		h: hh(false,
			mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earnsFen("wage", 100000)),
			mem("m2", "李大山", "配偶", "男", "1973-01-01", "employed", earnsFen("farm", 55920))),
		want: map[string]expect{
			platform.ItemDibao: {likely, []string{"家庭人均月收入 779.60 元，低于本地低保标准 780.00 元。"}},
		},
	}, {
		name: "split household: the member in prison is not counted, nor his wage, nor why",
		h: hh(false,
			mem("m1", "王秀兰", "本人", "女", "1985-03-02", "unemployed", earns("farm", 600)),
			mem("m2", "李明", "子女", "男", "2015-03-01", "student", school("primary")),
			mem("m3", "李大山", "配偶", "男", "1983-01-01", "employed", earns("wage", 5000), excluded("在监狱服刑"))),
		want: map[string]expect{
			platform.ItemDibao:  {likely, []string{"按 2 口人算，家庭人均月收入 300 元，低于本地低保标准 780 元。", "1 位家人不计入家庭人口。", "您家可能符合低保的条件，可以申请。"}},
			platform.ItemJiaoyu: {possible, []string{"您家子女 李*（11 岁）也许可以申请教育救助", "子女 李*（11 岁）在上小学。", "您家可能符合低保的条件；批下来以后，这项也可以申请。"}},
			platform.ItemJiuye:  {possible, []string{"您本人（41 岁）也许可以申请就业救助", "您本人（41 岁）能干活，现在没有工作。"}},
			platform.ItemTekun:  {unlikely, []string{"子女 李* 11 岁。", "家里还有能干活的家人：您本人（41 岁）。"}},
		},
		never: []string{"服刑", "监狱", "5000", "李大山", "李*山"},
	}, {
		name: "disabled, living with a working spouse: 特困 unlikely, says why",
		h: hh(true,
			mem("m1", "赵强", "本人", "男", "1980-01-01", "unable", disabled("肢体", 2)),
			mem("m2", "钱红", "配偶", "女", "1982-01-01", "employed", earns("wage", 4000))),
		want: map[string]expect{
			platform.ItemTekun: {unlikely, []string{"您本人 肢体残疾 2 级。", "家里还有能干活的家人：配偶 钱*（44 岁）。"}},
			platform.ItemDibao: {unlikely, []string{"家庭人均月收入 2000 元，高于本地低保标准 1000 元。"}},
		},
	}, {
		name: "disabled, alone: 特困 likely",
		h:    hh(false, mem("m1", "赵强", "本人", "男", "1970-01-01", "unable", disabled("智力", 2), earns("transfer", 200))),
		want: map[string]expect{
			platform.ItemTekun: {likely, []string{"您本人（56 岁）可能符合特困供养的条件，可以申请。", "您本人 智力残疾 2 级。", "没有登记能履行赡养、抚养义务的家人。"}},
			platform.ItemDibao: {likely, nil},
		},
	}, {
		name: "a mild disability is not a severe one",
		h:    hh(false, mem("m1", "赵强", "本人", "男", "1970-01-01", "unable", disabled("肢体", 3), earns("transfer", 200))),
		want: map[string]expect{
			platform.ItemTekun: {unlikely, []string{"重度残疾"}},
		},
	}, {
		name: "disabled child of a 低保 family: 康复 likely, names the child",
		h: hh(false,
			mem("m1", "孙丽", "本人", "女", "1990-04-04", "employed", earns("wage", 1000), gets("dibao")),
			mem("m2", "周小宝", "子女", "男", "2022-01-01", "child", disabled("听力", 2), gets("dibao"))),
		want: map[string]expect{
			platform.ItemKangfu: {likely, []string{"您家子女 周*宝（4 岁）可能符合残疾儿童康复救助的条件，可以申请。", "子女 周*宝（4 岁）听力残疾。", "您家正在享受低保。"}},
			platform.ItemTekun:  {unlikely, []string{"家里还有能干活的家人：您本人（36 岁）。"}},
		},
	}, {
		name: "disabled child of another family: 康复 possible",
		h: hh(false,
			mem("m1", "孙丽", "本人", "女", "1990-04-04", "employed", earns("wage", 6000)),
			mem("m2", "周小宝", "子女", "男", "2022-01-01", "child", disabled("听力", 2))),
		want: map[string]expect{
			platform.ItemKangfu: {possible, []string{"其他困难家庭的孩子也可能可以，工作人员会再核实。"}},
		},
	}, {
		name: "a student of a well-off family: 教育 unlikely, says whom it is for",
		h: hh(false,
			mem("m1", "孙丽", "本人", "女", "1980-04-04", "employed", earns("wage", 6000)),
			mem("m2", "周明", "子女", "男", "2008-01-01", "student", school("college"))),
		want: map[string]expect{
			platform.ItemJiaoyu: {unlikely, []string{"子女 周*（18 岁）在上大学。", "这项帮助主要是给低保、特困供养家庭的，您家现在没有享受。"}},
		},
	}, {
		name: "elderly alone, supporters unable: 特困 and 低保 likely; the basic pension is left out",
		h:    elderly,
		want: map[string]expect{
			platform.ItemTekun: {likely, []string{"您本人（76 岁）可能符合特困供养的条件，可以申请。", "登记的 1 位赡养、抚养人都没有能力履行义务。"}},
			platform.ItemDibao: {likely, []string{"按 1 口人算，家庭人均月收入 0 元，低于本地低保标准 780 元。城乡居民基础养老金 150 元按规定不计入收入。"}},
		},
		never: []string{"张伟"},
	}, {
		name: "elderly alone, a supporter able: 特困 unlikely",
		h:    elderlyAble,
		want: map[string]expect{
			platform.ItemTekun: {unlikely, []string{"登记有能履行赡养、抚养义务的家人：子女 张*。"}},
		},
	}, {
		name: "already receiving 低保: not again; 医疗, 教育, 住房, 就业 follow",
		h:    receiving,
		want: map[string]expect{
			platform.ItemDibao:    {unlikely, []string{"您家已经在享受低保，不用再申请。"}},
			platform.ItemBianyuan: {unlikely, []string{"您家已经在享受低保。"}},
			platform.ItemGangxing: {unlikely, []string{"您家已经在享受低保。"}},
			platform.ItemYiliao:   {likely, []string{"您家正在享受低保。"}},
			platform.ItemJiaoyu:   {likely, []string{"您家子女 刘*（15 岁）可能符合教育救助的条件", "在上高中"}},
			platform.ItemZhufang:  {likely, []string{"名下没有登记住房。"}},
			platform.ItemJiuye:    {likely, []string{"您家配偶 陈*（51 岁）可能符合就业救助的条件"}},
		},
	}, {
		name: "a person already supported as 特困: neither 特困 nor 低保 again",
		h:    hh(false, mem("m1", "赵强", "本人", "男", "1940-01-01", "unable", gets("tekun"))),
		want: map[string]expect{
			platform.ItemTekun:   {unlikely, []string{"您家已经在享受特困供养，不用再申请。"}},
			platform.ItemDibao:   {unlikely, []string{"您家已经在享受特困供养。"}},
			platform.ItemYiliao:  {likely, []string{"您家正在享受特困供养。"}},
			platform.ItemZhufang: {likely, nil},
		},
	}, {
		name: "a car: over the property rule",
		h:    withCar,
		want: map[string]expect{
			platform.ItemDibao: {unlikely, []string{"登记有 1 辆小型汽车，本地规定最多 0 辆。"}},
		},
	}, {
		name: "a disability vehicle is exempt",
		h:    exemptCar,
		want: map[string]expect{
			platform.ItemDibao: {likely, []string{"车辆在规定以内"}},
		},
	}, {
		name: "deposits over the limit",
		h:    rich,
		want: map[string]expect{
			platform.ItemDibao:    {unlikely, []string{"存款等人均 50000 元，超过本地规定的 24 个月低保标准 18720 元。"}},
			platform.ItemBianyuan: {unlikely, []string{"家庭人均月收入 500 元，低于本地低保标准 780 元，请先看低保这一项。"}},
		},
	}, {
		name: "running a business",
		h:    company,
		want: map[string]expect{
			platform.ItemDibao: {unlikely, []string{"家里有人在经营企业"}},
		},
	}, {
		name: "large medical and school costs: 刚性支出 and 临时 likely",
		h:    spending,
		want: map[string]expect{
			platform.ItemGangxing: {likely, []string{"按 2 口人算，家庭人均年收入 19200 元，低于本地上年居民人均可支配收入 45000 元。", "近 12 个月看病、上学等大额支出 40000 元，占家庭年收入 38400 元的 104%，超过本地规定的 50%。"}},
			platform.ItemLinshi:   {likely, []string{"近 12 个月大额支出 40000 元，扣除后家庭人均月收入 0 元，低于本地低保标准 1000 元。"}},
			platform.ItemYiliao:   {possible, []string{"近 12 个月看病自己花了 30000 元，达到 10000 元。"}},
			platform.ItemBianyuan: {unlikely, nil},
		},
	}, {
		name: "a region the rules do not cover: the local standards are unknown",
		h: func() *platform.Household {
			h := hh(false, mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 300)))
			h.Region.Code = "110101"
			return h
		}(),
		want: map[string]expect{
			platform.ItemDibao:  {possible, []string{"还没有设置 2026年6月15日 适用的本地低保标准，工作人员会再核实。", "本地的财产规定还没有设置完整"}},
			platform.ItemTekun:  {unlikely, nil}, // the national ages still apply
			platform.ItemJiaoyu: {unlikely, nil},
		},
	}, {
		name: "a day before the sample standards: unknown, not unlikely",
		h:    hh(false, mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 300))),
		on:   time.Date(2024, 6, 1, 12, 0, 0, 0, chinaTime),
		want: map[string]expect{
			platform.ItemDibao:    {possible, []string{"还没有设置 2024年6月1日 适用的本地低保标准"}},
			platform.ItemGangxing: {possible, []string{"大额支出占收入的比例"}},
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			on := c.on
			if on.IsZero() {
				on = day
			}
			got := evaluate(t, r, c.h, on)
			if len(got) != len(itemCodes) {
				t.Errorf("%d results, want %d", len(got), len(itemCodes))
			}
			for code, w := range c.want {
				res, ok := got[code]
				if !ok {
					t.Errorf("%s: no result", code)
					continue
				}
				if res.Verdict != w.verdict {
					t.Errorf("%s: verdict %s, want %s\n%s", code, res.Verdict, w.verdict, strings.Join(allText(res), "\n"))
				}
				text := strings.Join(allText(res), "\n")
				for _, h := range w.has {
					if !strings.Contains(text, h) {
						t.Errorf("%s: no %q in:\n%s", code, h, text)
					}
				}
			}
			for _, res := range got {
				for _, p := range wordingProblems(res) {
					t.Errorf("%s: %s", res.Item, p)
				}
				for _, s := range allText(res) {
					for _, n := range c.never {
						if strings.Contains(s, n) {
							t.Errorf("%s says %q: %s", res.Item, n, s)
						}
					}
				}
			}
		})
	}
}

// TestTestsCarrySampleAndSource checks that a test made with a sample
// standard says so and names its source, and that one made with national
// rules only does not claim to be a sample.
func TestTestsCarrySampleAndSource(t *testing.T) {
	got := evaluate(t, Default(), hh(false, mem("m1", "赵强", "本人", "男", "1940-01-01", "unable")), day)
	inc, ok := testByName(got[platform.ItemDibao], "家庭人均收入")
	if !ok || !inc.Sample || !strings.Contains(inc.Source, "示例：滕州农村低保标准未查到") {
		t.Errorf("低保 income test: %+v, want a sample with its source", inc)
	}
	cat, ok := testByName(got[platform.ItemTekun], "年龄或残疾情况")
	if !ok || cat.Sample || cat.Source != "《特困人员认定办法》（2021）第五条" || !cat.Passed {
		t.Errorf("特困 age test: %+v, want national, not a sample, passed", cat)
	}
}

// TestNoticeInResults checks the 一次性告知 of the results: materials the
// platform holds are not asked for, conditional ones only when they apply,
// sample phone numbers say so.
func TestNoticeInResults(t *testing.T) {
	h := hh(false,
		mem("m1", "赵强", "本人", "男", "1970-01-01", "unable", disabled("智力", 2)),
		mem("m2", "钱红", "配偶", "女", "1972-01-01", "unable"))
	got := evaluate(t, Default(), h, day)
	n := got[platform.ItemDibao].Notice
	if n.Item != platform.ItemDibao || n.TimeLimitDays != 30 || n.Appeal == "" || len(n.Steps) == 0 || len(n.Conditions) == 0 {
		t.Errorf("notice: %+v", n)
	}
	names := map[string]platform.Material{}
	for _, m := range n.Materials {
		names[m.Name] = m
	}
	if m, ok := names["户口簿"]; !ok || !m.Have {
		t.Errorf("户口簿: %+v, want held by the platform", m)
	}
	if m, ok := names["残疾人证"]; !ok || !m.Have {
		t.Errorf("残疾人证: %+v, want listed (a member is disabled) and held", m)
	}
	if _, ok := names["重特大疾病诊断证明"]; ok {
		t.Errorf("重特大疾病诊断证明 listed, but nobody is seriously ill")
	}
	if !slices.ContainsFunc(n.Contacts, func(c platform.Contact) bool {
		return c.Phone == "0632-0000000" && strings.Contains(c.Name, "示例号码")
	}) || !slices.ContainsFunc(n.Contacts, func(c platform.Contact) bool { return c.Phone == "12349" }) {
		t.Errorf("contacts: %+v", n.Contacts)
	}
	if lim := got[platform.ItemLinshi].Notice.TimeLimit; !strings.Contains(lim, "示例") {
		t.Errorf("临时救助 time limit %q does not say it is a sample", lim)
	}
	yl := got[platform.ItemYiliao].Notice.Contacts
	if len(yl) == 0 || yl[0].Name != "滕州市医疗保障局（示例号码，上线前替换）" {
		t.Errorf("医疗救助 contacts %+v: want the item's own first", yl)
	}
}

// TestNoticeWithoutHousehold checks the notice of an item chosen when the
// platform has no record: nothing is assumed held but what the kiosk does.
func TestNoticeWithoutHousehold(t *testing.T) {
	r := Default()
	n, err := r.Notice(platform.ItemDibao, "370481", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range n.Materials {
		switch m.Name {
		case "户口簿", "残疾人证":
			if m.Have || !strings.Contains(m.Note, "工作人员会帮您查") {
				t.Errorf("%s: %+v, want not held, with a note", m.Name, m)
			}
		case "身份证", "诚信承诺书":
			if !m.Have {
				t.Errorf("%s: %+v, want done at the kiosk", m.Name, m)
			}
		}
	}
	if _, err := r.Notice("wenti", "370481", nil); !errors.Is(err, ErrUnknownItem) {
		t.Errorf("unknown item: %v, want ErrUnknownItem", err)
	}
	other, _ := r.Notice(platform.ItemDibao, "110101", nil)
	if slices.ContainsFunc(other.Contacts, func(c platform.Contact) bool { return strings.HasPrefix(c.Phone, "0632") }) {
		t.Errorf("a 滕州 number given for 110101: %+v", other.Contacts)
	}
}

func TestInvalidHouseholds(t *testing.T) {
	ok := func() *platform.Household {
		return hh(false, mem("m1", "王秀兰", "本人", "女", "1975-03-02", "employed", earns("wage", 300)))
	}
	cases := []struct {
		name  string
		h     *platform.Household
		field string
	}{
		{"nil", nil, ""},
		{"no members", hh(false), "members"},
		{"applicant not a member", func() *platform.Household { h := ok(); h.ApplicantID = "x"; return h }(), "applicantId"},
		{"region", func() *platform.Household { h := ok(); h.Region.Code = "tengzhou"; return h }(), "region.code"},
		{"birth date", func() *platform.Household { h := ok(); h.Members[0].BirthDate = "1975-13-01"; return h }(), "members[0].birthDate"},
		{"born after the day", func() *platform.Household { h := ok(); h.Members[0].BirthDate = "2030-01-01"; return h }(), "members[0].birthDate"},
		{"negative income", func() *platform.Household { h := ok(); h.Members[0].Incomes[0].MonthlyFen = -1; return h }(), "members[0].incomes[0].monthlyFen"},
		{"absurd income", func() *platform.Household { h := ok(); h.Members[0].Incomes[0].MonthlyFen = 1 << 62; return h }(), "members[0].incomes[0].monthlyFen"},
		{"everyone excluded", func() *platform.Household { h := ok(); h.Members[0].Excluded = "宗教教职人员"; return h }(), "members"},
		{"grade", func() *platform.Household {
			h := ok()
			h.Members[0].Disability = &platform.Disability{Kind: "肢体", Grade: 7}
			return h
		}(), "members[0].disability.grade"},
		{"negative deposits", func() *platform.Household { h := ok(); h.Property.DepositsFen = -5; return h }(), "property.depositsFen"},
		{"negative homes", func() *platform.Household { h := ok(); h.Property.Homes = -1; return h }(), "property.homes"},
		{"spending", func() *platform.Household { h := ok(); h.Spending12m.OtherFen = -1; return h }(), "spending12m.otherFen"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Default().Evaluate(c.h, day)
			var he *HouseholdError
			if !errors.Is(err, ErrInvalidHousehold) || !errors.As(err, &he) || he.Field != c.field {
				t.Fatalf("Evaluate: %v, %v; want a HouseholdError about %q", res, err, c.field)
			}
			if c.h != nil && len(c.h.Members) > 0 && strings.Contains(err.Error(), c.h.Members[0].Name) {
				t.Errorf("the error names the member: %v", err)
			}
		})
	}
}

// TestAges checks ages in whole years, including a 29 February birthday
// and the day changing at midnight in China, not in UTC.
func TestAges(t *testing.T) {
	cases := []struct {
		birth, on civil
		age       int
	}{
		{makeCivil(1966, 6, 15), makeCivil(2026, 6, 15), 60},
		{makeCivil(1966, 6, 16), makeCivil(2026, 6, 15), 59},
		{makeCivil(2008, 2, 29), makeCivil(2026, 2, 28), 17},
		{makeCivil(2008, 2, 29), makeCivil(2026, 3, 1), 18},
	}
	for _, c := range cases {
		if got := ageOn(c.birth, c.on); got != c.age {
			t.Errorf("ageOn(%s, %s) = %d, want %d", c.birth, c.on, got, c.age)
		}
	}
	// 16:30 UTC on 14 June is 00:30 on 15 June in 滕州: the man turns 60.
	h := hh(false, mem("m1", "赵强", "本人", "男", "1966-06-15", "unable"))
	got := evaluate(t, Default(), h, time.Date(2026, 6, 14, 16, 30, 0, 0, time.UTC))
	if got[platform.ItemTekun].Verdict != likely {
		t.Errorf("特困 on his 60th birthday in China: %s", got[platform.ItemTekun].Verdict)
	}
}
