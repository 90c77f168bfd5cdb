package precheck

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Evaluate pre-checks a household on a day (一键核对): for every item the
// rules describe, in the kiosk's order, a verdict, a plain summary, the
// tests made with their figures, and the item's 一次性告知.
//
// The results are hints, never decisions (PIPL §24; domain.md §6.1): the
// verdicts are likely (可能符合), possible (也许可以，工作人员会再核实)
// and unlikely (按现有信息暂未看出); none is a refusal, and the summaries
// say so. The standards used are those in force on the date of on in
// China (UTC+8), looked up for the household's region with fallback (see
// the rules file format); a standard that is not set for that day makes
// its test unknown and the item possible, never unlikely.
//
// The error is a *HouseholdError (errors.Is ErrInvalidHousehold) when h
// breaks the platform's contract: nil, no members, an applicant who is not
// a member, every member excluded, a birth date that is not a date or is
// after on, an amount below zero or above 1000 亿元, more than 100 members
// or entries of a list.
func (r *Rules) Evaluate(h *platform.Household, on time.Time) ([]platform.PrecheckResult, error) {
	f, err := newFacts(h, civilOf(on))
	if err != nil {
		return nil, err
	}
	e := &evaluation{r: r, f: f, verdicts: map[string]string{}}
	var out []platform.PrecheckResult
	for _, code := range itemCodes {
		res := e.item(code)
		e.verdicts[code] = res.Verdict
		if it := r.items[code]; it != nil {
			res.Name = it.name
			res.Notice = r.notice(it, f)
			out = append(out, res)
		}
	}
	return out, nil
}

// outcome is how a test came out.
type outcome int

const (
	pass    outcome = iota // met
	near                   // not met, by less than the near margin
	unknown                // a standard or a figure is missing
	fail                   // not met
)

// check is a test with its outcome.
type check struct {
	platform.Test
	out outcome
}

// evaluation is one Evaluate: the facts, and the verdicts so far (the
// special items read those of the basic ones).
type evaluation struct {
	r        *Rules
	f        *facts
	verdicts map[string]string
}

// std returns the standard in force for param of code, or nil.
func (e *evaluation) std(code, param string) *standard {
	return e.r.lookup(e.f.chain, e.f.area, code, param, e.f.day)
}

// use notes on t the standards a test was made with.
func use(t *check, ss ...*standard) {
	for _, s := range ss {
		if s == nil {
			continue
		}
		t.Sample = t.Sample || s.sample
		if !slices.Contains(strings.Split(t.Source, "；"), s.source) {
			if t.Source != "" {
				t.Source += "；"
			}
			t.Source += s.source
		}
	}
}

// verdictOf combines checks: any not met makes unlikely, any near or
// unknown possible, else likely.
func verdictOf(cs []check) string {
	worst := pass
	for _, c := range cs {
		worst = max(worst, c.out)
	}
	switch worst {
	case pass:
		return platform.VerdictLikely
	case fail:
		return platform.VerdictUnlikely
	}
	return platform.VerdictPossible
}

// result assembles a result from checks, with the summary for its verdict.
func (e *evaluation) result(code, verdict, summary string, cs []check) platform.PrecheckResult {
	res := platform.PrecheckResult{Item: code, Name: e.r.shortName(code), Verdict: verdict, Summary: summary, Tests: []platform.Test{}}
	for _, c := range cs {
		if c.Detail != "" {
			c.Passed = c.out == pass
			res.Tests = append(res.Tests, c.Test)
		}
	}
	return res
}

// summary is the plain sentence of a verdict; whom names the members an
// item concerns ("" for the household).
func (e *evaluation) summary(code, verdict, whom string) string {
	name := e.r.shortName(code)
	subject := "您家"
	switch {
	case strings.HasPrefix(whom, "您"):
		subject = whom
	case whom != "":
		subject = "您家" + whom
	}
	switch verdict {
	case platform.VerdictLikely:
		return subject + "可能符合" + name + "的条件，可以申请。"
	case platform.VerdictPossible:
		return subject + "也许可以申请" + name + "，工作人员会再核实。"
	}
	return "按现有信息，暂未看出您家符合" + name + "的条件。工作人员会再核实，您仍然可以申请。"
}

// already is the result of an item the household receives now.
func (e *evaluation) already(code string, got []string) platform.PrecheckResult {
	c := check{out: fail}
	c.Name = "是否已在享受"
	c.Detail = "您家已经在享受" + benefitList(got) + "。"
	return e.result(code, platform.VerdictUnlikely, "您家已经在享受"+benefitList(got)+"，不用再申请。家里情况有变化，请告诉工作人员。", []check{c})
}

// incomeSum is a household's monthly income for an item.
type incomeSum struct {
	total    int64            // fen a month, counted members, after exclusions
	excluded map[string]int64 // kind → fen left out
	rules    []*standard      // the exclusions applied
	notes    string           // what was left out, for the applicant
}

// income adds up the counted members' incomes, leaving out the kinds the
// rules exclude for code (exclude_income.KIND = true).
func (e *evaluation) income(code string) incomeSum {
	s := incomeSum{excluded: map[string]int64{}}
	for _, p := range e.f.counted {
		for _, in := range p.m.Incomes {
			if x := e.std(code, "exclude_income."+in.Kind); x != nil && x.flag && slices.Contains(incomeKinds, in.Kind) {
				s.excluded[in.Kind] += in.MonthlyFen
				if !slices.Contains(s.rules, x) {
					s.rules = append(s.rules, x)
				}
				continue
			}
			s.total += in.MonthlyFen
		}
	}
	var notes []string
	for _, k := range incomeKinds {
		if v, ok := s.excluded[k]; ok && v > 0 {
			notes = append(notes, fmt.Sprintf("%s %s按规定不计入收入", incomeWord(k), yuan(v)))
		}
	}
	if out := len(e.f.people) - len(e.f.counted); out > 0 {
		notes = append(notes, fmt.Sprintf("%d 位家人不计入家庭人口", out))
	}
	if len(notes) > 0 {
		s.notes = strings.Join(notes, "；") + "。"
	}
	return s
}

// perCapita is the household's income per person in the period of a
// standard's unit, and the word for that period.
func (e *evaluation) perCapita(total int64, unit string) (rat, string) {
	if unit == unitYuanYear {
		return rat{total * 12, e.f.n()}, "年"
	}
	return rat{total, e.f.n()}, "月"
}

// margin is the near margin in basis points (0 when not set).
func (e *evaluation) margin() (int64, *standard) {
	if s := e.std(common, "near_margin"); s != nil {
		return s.num, s
	}
	return 0, nil
}

// below compares a with limit: pass when a < limit; near when not, but a
// is within the near margin above it; else fail.
func (e *evaluation) below(a rat, limit int64) (outcome, *standard) {
	if a.cmpInt(limit) < 0 {
		return pass, nil
	}
	m, ms := e.margin()
	if m > 0 && a.cmpScaled(10000, limit, 10000+m) < 0 {
		return near, ms
	}
	return fail, nil
}

// incomeBelow is the test "per-capita income below a limit": what is the
// name of the limit ("本地低保标准"), limit its figure in fen in the period
// of unit.
func (e *evaluation) incomeBelow(name string, s incomeSum, what string, limit int64, unit string, ss ...*standard) check {
	a, period := e.perCapita(s.total, unit)
	out, ms := e.below(a, limit)
	at, lt := pair(a, limit, 100)
	c := check{out: out}
	c.Name = name
	lead := fmt.Sprintf("按 %d 口人算，家庭人均%s收入 %s 元，", e.f.n(), period, at)
	switch out {
	case pass:
		c.Detail = lead + fmt.Sprintf("低于%s %s 元。", what, lt)
	case near:
		if a.cmpInt(limit) == 0 {
			c.Detail = lead + fmt.Sprintf("和%s %s 元一样。", what, lt)
		} else {
			c.Detail = lead + fmt.Sprintf("只比%s %s 元高一点。", what, lt)
		}
	default:
		if a.cmpInt(limit) == 0 {
			c.Detail = lead + fmt.Sprintf("和%s %s 元一样，没有低于它。", what, lt)
		} else {
			c.Detail = lead + fmt.Sprintf("高于%s %s 元。", what, lt)
		}
	}
	c.Detail += s.notes
	use(&c, ss...)
	use(&c, s.rules...)
	use(&c, ms)
	return c
}

// missing is the test of a standard that is not set for the day.
func (e *evaluation) missing(name, what string) check {
	c := check{out: unknown}
	c.Name = name
	c.Detail = fmt.Sprintf("还没有设置 %s 适用的%s，工作人员会再核实。", e.f.day.text(), what)
	return c
}

// dibaoStandard returns the 低保 standard in force.
func (e *evaluation) dibaoStandard() *standard { return e.std(platform.ItemDibao, "standard") }

// monthly returns a standard in yuan per month or per year as fen a month,
// rounded half up to the fen (a yearly figure divided by 12).
func monthly(s *standard) int64 {
	if s.unit == unitYuanYear {
		return mulRound(s.num, 1, 12)
	}
	return s.num
}

// property is the property test of an item.
func (e *evaluation) property(code string) check {
	c := check{}
	c.Name = "家庭财产"
	pr := e.f.h.Property
	n := e.f.n()
	var passes, fails []string
	unknowns := 0
	worst := pass
	set := func(o outcome) { worst = max(worst, o) }

	// Deposits per person.
	if s := e.std(code, "deposits_per_person"); s == nil {
		unknowns++
	} else {
		limit := s.num // fen per person
		var ss []*standard
		if s.unit == unitMonths {
			if std := e.dibaoStandard(); std != nil {
				limit = s.num * monthly(std)
				ss = append(ss, std)
			} else {
				limit = -1
			}
		}
		if limit < 0 {
			unknowns++
		} else {
			a := rat{pr.DepositsFen, n}
			at, lt := pair(a, limit, 100)
			what := "本地规定的 " + lt + " 元"
			if s.unit == unitMonths {
				what = fmt.Sprintf("本地规定的 %d 个月低保标准 %s 元", s.num, lt)
			}
			switch {
			case a.cmpInt(limit) <= 0:
				passes = append(passes, fmt.Sprintf("存款等人均 %s 元，没有超过%s", at, what))
			default:
				o, ms := e.below(a, limit)
				if o == near {
					fails = append(fails, fmt.Sprintf("存款等人均 %s 元，只比%s多一点", at, what))
					set(near)
					use(&c, ms)
				} else {
					fails = append(fails, fmt.Sprintf("存款等人均 %s 元，超过%s", at, what))
					set(fail)
				}
			}
		}
		use(&c, s)
		use(&c, ss...)
	}

	// Vehicles.
	kinds, most := e.std(code, "vehicle_kinds"), e.std(code, "max_vehicles")
	if kinds == nil || most == nil {
		unknowns++
	} else {
		count := map[string]int{}
		total := 0
		for _, v := range pr.Vehicles {
			if v.Exempt == "" && slices.Contains(kinds.list, v.Kind) {
				count[v.Kind]++
				total++
			}
		}
		if int64(total) > most.num {
			var parts []string
			for _, k := range kinds.list {
				if count[k] > 0 {
					parts = append(parts, fmt.Sprintf("%d 辆%s", count[k], k))
				}
			}
			fails = append(fails, fmt.Sprintf("登记有 %s，本地规定最多 %d 辆", list(parts), most.num))
			set(fail)
		} else {
			passes = append(passes, "车辆在规定以内")
		}
		use(&c, kinds, most)
	}

	// Homes.
	homes, area := e.std(code, "max_homes"), e.std(code, "home_area_per_person")
	if homes == nil || area == nil {
		unknowns++
	} else {
		a := rat{e.f.areaC, n}
		if int64(pr.Homes) > homes.num && a.cmpInt(area.num) > 0 {
			at, lt := pair(a, area.num, 100)
			fails = append(fails, fmt.Sprintf("名下有 %d 套住房，人均 %s 平方米，超过 %s 平方米", pr.Homes, at, lt))
			set(fail)
		} else {
			passes = append(passes, "住房在规定以内")
		}
		use(&c, homes, area)
	}

	// Running a business.
	if pr.CompanyRoles > 0 {
		if s := e.std(code, "company_role_allowed"); s == nil {
			unknowns++
		} else {
			if !s.flag {
				fails = append(fails, "家里有人在经营企业（法定代表人、股东或管理人员）")
				set(fail)
			}
			use(&c, s)
		}
	}

	// A home bought or built in the last year.
	if pr.BoughtHomeWithin12m {
		if s := e.std(code, "recent_home_purchase_allowed"); s == nil {
			unknowns++
		} else {
			if !s.flag {
				fails = append(fails, "近 12 个月买过或建过房")
				set(fail)
			}
			use(&c, s)
		}
	}

	switch {
	case len(fails) > 0:
		c.Detail = strings.Join(fails, "；") + "。"
	case unknowns > 0:
		set(unknown)
		c.Detail = "本地的财产规定还没有设置完整，工作人员会再核实。"
		if len(passes) > 0 {
			c.Detail = strings.Join(passes, "；") + "；" + c.Detail
		}
	default:
		c.Detail = strings.Join(passes, "；") + "。"
	}
	c.out = worst
	return c
}

// group is where a household stands for a special item that is for
// certain families (groups: 低保, 特困 …).
type group int

const (
	groupNone      group = iota // not in any of them
	groupMaybe                  // may be, by this pre-check (a possible verdict)
	groupCandidate              // likely to be, by this pre-check
	groupReceiving              // in one now
	groupUnknown                // the groups are not set
)

// groupCheck tests whether the household is in one of the item's groups.
func (e *evaluation) groupCheck(code string) (check, group) {
	c := check{}
	c.Name = "家庭类别"
	s := e.std(code, "groups")
	if s == nil {
		c.out = unknown
		c.Detail = fmt.Sprintf("还没有设置%s是给哪些家庭的，工作人员会再核实。", e.r.shortName(code))
		return c, groupUnknown
	}
	use(&c, s)
	if len(s.list) == 0 {
		c.out = pass
		c.Detail = "这项帮助不限家庭类别。"
		return c, groupReceiving
	}
	if got := e.f.receiving(s.list); len(got) > 0 {
		c.out = pass
		c.Detail = "您家正在享受" + benefitList(got) + "。"
		return c, groupReceiving
	}
	var likely, possible []string
	for _, g := range s.list {
		switch e.verdicts[g] {
		case platform.VerdictLikely:
			likely = append(likely, g)
		case platform.VerdictPossible:
			possible = append(possible, g)
		}
	}
	switch {
	case len(likely) > 0:
		c.out = unknown
		c.Detail = "您家可能符合" + benefitList(likely) + "的条件；批下来以后，这项也可以申请。"
		return c, groupCandidate
	case len(possible) > 0:
		c.out = unknown
		c.Detail = "您家也许符合" + benefitList(possible) + "的条件，工作人员会再核实。"
		return c, groupMaybe
	}
	c.out = fail
	c.Detail = "这项帮助主要是给" + benefitList(s.list) + "家庭的，您家现在没有享受。"
	return c, groupNone
}
