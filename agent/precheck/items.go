package precheck

import (
	"fmt"
	"slices"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// item pre-checks one item.
func (e *evaluation) item(code string) platform.PrecheckResult {
	switch code {
	case platform.ItemDibao:
		return e.dibao()
	case platform.ItemTekun:
		return e.tekun()
	case platform.ItemBianyuan:
		return e.bianyuan()
	case platform.ItemGangxing:
		return e.gangxing()
	case platform.ItemLinshi:
		return e.linshi()
	case platform.ItemYiliao:
		return e.yiliao()
	case platform.ItemJiaoyu:
		return e.jiaoyu()
	case platform.ItemZhufang:
		return e.zhufang()
	case platform.ItemJiuye:
		return e.jiuye()
	case platform.ItemKangfu:
		return e.kangfu()
	}
	panic("precheck: no checks for item " + code) // itemCodes and this switch go together
}

// dibaoIncome is the test "per-capita income below the 低保 standard" for
// the income as code counts it.
func (e *evaluation) dibaoIncome(code string) check {
	std := e.dibaoStandard()
	if std == nil {
		return e.missing("家庭人均收入", "本地低保标准")
	}
	return e.incomeBelow("家庭人均收入", e.income(code), "本地低保标准", std.num, std.unit, std)
}

// dibao: per-capita income below the 低保 standard and property within the
// local rule (社会救助暂行办法 §9).
func (e *evaluation) dibao() platform.PrecheckResult {
	const code = platform.ItemDibao
	if got := e.f.receiving([]string{"dibao"}); len(got) > 0 {
		return e.already(code, got)
	}
	if e.f.all(func(p *person) bool { return slices.Contains(p.m.Benefits, "tekun") }) {
		return e.already(code, []string{"tekun"}) // 特困供养 already covers basic living
	}
	cs := []check{e.dibaoIncome(code), e.property(code)}
	v := verdictOf(cs)
	return e.result(code, v, e.summary(code, v, ""), cs)
}

// tekun: a member who cannot work for age or disability (60+, under 16, a
// severe disability), with no supporter able to support, income below the
// 低保 standard and property within the rule (特困人员认定办法 §4–8).
func (e *evaluation) tekun() platform.PrecheckResult {
	const code = platform.ItemTekun
	old, young := e.std(code, "age_old"), e.std(code, "minor_under")
	cat := check{}
	cat.Name = "年龄或残疾情况"
	use(&cat, old, young)
	var cands, already []*person
	for _, p := range e.f.counted {
		why := ""
		switch {
		case old != nil && int64(p.age) >= old.num:
			why = fmt.Sprintf("%d 岁", p.age)
		case young != nil && int64(p.age) < young.num:
			why = fmt.Sprintf("%d 岁", p.age)
		case p.m.Disability != nil:
			if g := e.std(code, "disability_grade."+p.m.Disability.Kind); g != nil && int64(p.m.Disability.Grade) <= g.num {
				why = fmt.Sprintf("%s残疾 %d 级", p.m.Disability.Kind, p.m.Disability.Grade)
				use(&cat, g)
			}
		}
		if why == "" {
			continue
		}
		if slices.Contains(p.m.Benefits, "tekun") {
			already = append(already, p)
			continue
		}
		cands = append(cands, p)
		if cat.Detail != "" {
			cat.Detail += "；"
		}
		cat.Detail += e.f.who(p) + " " + why
	}
	if len(cands) == 0 && len(already) > 0 {
		return e.already(code, []string{"tekun"})
	}
	if len(cands) == 0 {
		if old == nil || young == nil {
			cs := []check{e.missing(cat.Name, "特困年龄标准")}
			return e.result(code, platform.VerdictPossible, e.summary(code, platform.VerdictPossible, ""), cs)
		}
		cat.out = fail
		cat.Detail = fmt.Sprintf("家里没有 %d 岁以上的老人、%d 岁以下的孩子或重度残疾的人。", old.num, young.num)
		cs := []check{cat}
		return e.result(code, platform.VerdictUnlikely, e.summary(code, platform.VerdictUnlikely, ""), cs)
	}
	cat.out = pass
	cat.Detail += "。"

	cs := []check{cat, e.supporters(code, cands, old), e.dibaoIncome(code), e.property(code)}
	v := verdictOf(cs)
	whom := ""
	if v != platform.VerdictUnlikely {
		var names []string
		for _, p := range cands {
			names = append(names, e.f.whoAge(p))
		}
		whom = list(names)
	}
	return e.result(code, v, e.summary(code, v, whom), cs)
}

// supporters is the 特困 test "no supporter who can support": the
// platform's judgement of each supporter living elsewhere, and no other
// member of working age who can work living with the candidates.
func (e *evaluation) supporters(code string, cands []*person, old *standard) check {
	c := check{}
	c.Name = "赡养、抚养情况"
	adult := e.std(code, "supporter_age_min")
	use(&c, adult)
	var able []string
	for _, s := range e.f.h.Supporters {
		if s.Able {
			able = append(able, s.Relation+" "+maskName(s.Name))
		}
	}
	var home []string
	if adult != nil && old != nil {
		for _, p := range e.f.counted {
			if slices.Contains(cands, p) || int64(p.age) < adult.num || int64(p.age) >= old.num {
				continue
			}
			switch p.m.Work {
			case "unable", "student", "child":
				continue
			}
			home = append(home, e.f.whoAge(p))
		}
	}
	switch {
	case len(able) > 0 && len(home) > 0:
		c.out = fail
		c.Detail = "登记有能履行赡养、抚养义务的家人：" + list(able) + "；家里还有能干活的家人：" + list(home) + "。"
	case len(able) > 0:
		c.out = fail
		c.Detail = "登记有能履行赡养、抚养义务的家人：" + list(able) + "。"
	case len(home) > 0:
		c.out = fail
		c.Detail = "家里还有能干活的家人：" + list(home) + "。"
	case adult == nil:
		c.out = unknown
		c.Detail = "还没有设置怎样算能干活的家人，工作人员会再核实。"
	case len(e.f.h.Supporters) > 0:
		c.out = pass
		c.Detail = fmt.Sprintf("登记的 %d 位赡养、抚养人都没有能力履行义务。", len(e.f.h.Supporters))
	default:
		c.out = pass
		c.Detail = "没有登记能履行赡养、抚养义务的家人。"
	}
	return c
}

// bianyuan: not in 低保 (or 特困), per-capita income at or above the 低保
// standard but below its multiple (1.5), property within the rule
// (最低生活保障审核确认办法 §8).
func (e *evaluation) bianyuan() platform.PrecheckResult {
	const code = platform.ItemBianyuan
	if got := e.f.receiving([]string{"dibao", "tekun", "bianyuan"}); len(got) > 0 {
		return e.already(code, got)
	}
	std, mult := e.dibaoStandard(), e.std(code, "multiplier")
	var inc check
	switch {
	case std == nil:
		inc = e.missing("家庭人均收入", "本地低保标准")
	case mult == nil:
		inc = e.missing("家庭人均收入", "低保边缘的倍数")
	default:
		s := e.income(code)
		line := mulRound(std.num, mult.num, 10000)
		a, period := e.perCapita(s.total, std.unit)
		if a.cmpInt(std.num) < 0 {
			at, lt := pair(a, std.num, 100)
			inc = check{out: fail}
			inc.Name = "家庭人均收入"
			inc.Detail = fmt.Sprintf("按 %d 口人算，家庭人均%s收入 %s 元，低于本地低保标准 %s 元，请先看低保这一项。", e.f.n(), period, at, lt) + s.notes
			use(&inc, std)
			use(&inc, s.rules...)
		} else {
			inc = e.incomeBelow("家庭人均收入", s, fmt.Sprintf("低保边缘标准（低保标准的 %s 倍）", formatScaled(mult.num, 10000)), line, std.unit, std, mult)
		}
	}
	cs := []check{inc, e.property(code)}
	v := verdictOf(cs)
	return e.result(code, v, e.summary(code, v, ""), cs)
}

// gangxing: not in 低保, 特困 or 边缘; per-capita income below last year's
// per-capita disposable income; property within the rule; rigid spending
// over 12 months above a share of the year's income (刚性支出困难家庭认定办法
// §4).
func (e *evaluation) gangxing() platform.PrecheckResult {
	const code = platform.ItemGangxing
	if got := e.f.receiving([]string{"dibao", "tekun", "bianyuan", "gangxing"}); len(got) > 0 {
		return e.already(code, got)
	}
	s := e.income(code)
	var cs []check

	// Above the 边缘 line: otherwise 低保 or 边缘 is the item to look at.
	std, mult := e.dibaoStandard(), e.std(platform.ItemBianyuan, "multiplier")
	if std != nil && mult != nil {
		line := mulRound(std.num, mult.num, 10000)
		if a, period := e.perCapita(s.total, std.unit); a.cmpInt(line) < 0 {
			at, lt := pair(a, line, 100)
			c := check{out: fail}
			c.Name = "是否在低保、低保边缘范围"
			c.Detail = fmt.Sprintf("家庭人均%s收入 %s 元，低于低保边缘标准 %s 元，请先看低保或低保边缘这两项。", period, at, lt)
			use(&c, std, mult)
			cs = append(cs, c)
		}
	}

	cs = append(cs, e.disposable(code, s), e.spendingShare(code, s), e.property(code))
	v := verdictOf(cs)
	return e.result(code, v, e.summary(code, v, ""), cs)
}

// disposable is the test "per-capita income below last year's local
// per-capita disposable income".
func (e *evaluation) disposable(code string, s incomeSum) check {
	d := e.std(code, "disposable_income")
	if d == nil {
		return e.missing("家庭人均收入", "本地上年居民人均可支配收入")
	}
	return e.incomeBelow("家庭人均收入", s, "本地上年居民人均可支配收入", d.num, d.unit, d)
}

// spendingShare is the 刚性支出 test: rigid spending over 12 months above
// a share of 12 months' income.
func (e *evaluation) spendingShare(code string, s incomeSum) check {
	share := e.std(code, "spending_share")
	if share == nil {
		return e.missing("大额支出", "大额支出占收入的比例")
	}
	c := check{}
	c.Name = "大额支出"
	use(&c, share)
	spent, year := e.f.spending(), s.total*12
	switch {
	case spent == 0:
		c.out = fail
		c.Detail = "近 12 个月没有登记看病、上学、康复等大额支出。"
	case year == 0:
		c.out = pass
		c.Detail = fmt.Sprintf("近 12 个月看病、上学等大额支出 %s，家里没有登记收入。", yuan(spent))
	default:
		a := rat{spent * 10000, year} // the share, in basis points
		at, lt := pair(a, share.num, 100)
		lead := fmt.Sprintf("近 12 个月看病、上学等大额支出 %s，占家庭年收入 %s的 %s%%，", yuan(spent), yuan(year), at)
		if a.cmpInt(share.num) > 0 {
			c.out = pass
			c.Detail = lead + "超过本地规定的 " + lt + "%。"
		} else {
			c.out = fail
			c.Detail = lead + "没有超过本地规定的 " + lt + "%。"
		}
	}
	return c
}

// linshi (支出型): per-capita income below last year's disposable income,
// property within the rule, and after 12 months of rigid spending the
// per-capita income falls below the 低保 standard times a multiplier
// (民政部 财政部 关于进一步加强和改进临时救助工作的意见 二(一)). 急难型 needs
// are not in the data: the summary says so.
func (e *evaluation) linshi() platform.PrecheckResult {
	const code = platform.ItemLinshi
	s := e.income(code)
	cs := []check{e.disposable(code, s), e.afterSpending(code, s), e.property(code)}
	v := verdictOf(cs)
	sum := e.summary(code, v, "")
	if v == platform.VerdictUnlikely {
		sum += "突然遇到急事、难事，也可以申请。"
	}
	return e.result(code, v, sum, cs)
}

// afterSpending is the test "per-capita income after rigid spending below
// the 低保 standard times after_spending_multiplier".
func (e *evaluation) afterSpending(code string, s incomeSum) check {
	std, mult := e.dibaoStandard(), e.std(code, "after_spending_multiplier")
	if std == nil || mult == nil {
		return e.missing("扣除大额支出后的收入", "临时救助的支出标准")
	}
	c := check{}
	c.Name = "扣除大额支出后的收入"
	use(&c, std, mult)
	spent := e.f.spending()
	if spent == 0 {
		c.out = fail
		c.Detail = "近 12 个月没有登记看病、上学、康复等大额支出。"
		return c
	}
	left := max(s.total*12-spent, 0) // fen over the year
	line := mulRound(monthly(std), mult.num, 10000)
	a := rat{left, 12 * e.f.n()} // per person per month
	at, lt := pair(a, line, 100)
	what := "本地低保标准"
	if mult.num != 10000 {
		what = fmt.Sprintf("本地低保标准的 %s 倍", formatScaled(mult.num, 10000))
	}
	lead := fmt.Sprintf("近 12 个月大额支出 %s，扣除后家庭人均月收入 %s 元，", yuan(spent), at)
	out, ms := e.below(a, line)
	c.out = out
	use(&c, ms)
	switch out {
	case pass:
		c.Detail = lead + fmt.Sprintf("低于%s %s 元。", what, lt)
	case near:
		c.Detail = lead + fmt.Sprintf("只比%s %s 元高一点。", what, lt)
	default:
		c.Detail = lead + fmt.Sprintf("不低于%s %s 元。", what, lt)
	}
	return c
}

// special is the verdict of a special item from the household's group and
// whether it has someone or something the item is for (the members it
// concerns; need false means nobody).
func special(g group, need bool) string {
	switch {
	case !need:
		return platform.VerdictUnlikely
	case g == groupReceiving:
		return platform.VerdictLikely
	case g == groupCandidate, g == groupMaybe, g == groupUnknown:
		return platform.VerdictPossible
	}
	return platform.VerdictUnlikely
}

// yiliao: members of 低保, 特困 (and other groups the rules name); for
// others, a serious illness or large out-of-pocket medical costs with an
// income below the disposable income make it possible (因病致贫).
func (e *evaluation) yiliao() platform.PrecheckResult {
	const code = platform.ItemYiliao
	gc, g := e.groupCheck(code)
	cs := []check{gc}
	v := special(g, true)
	if g == groupNone {
		med := check{}
		med.Name = "看病花费"
		ill := false
		for _, p := range e.f.counted {
			ill = ill || p.m.SeriousIllness
		}
		spent := e.f.h.Spending12m.MedicalFen
		min := e.std(code, "medical_spending_min")
		use(&med, min)
		switch {
		case ill:
			med.out = pass
			med.Detail = "家里有人患重特大疾病。"
		case min == nil:
			med.out = unknown
			med.Detail = fmt.Sprintf("近 12 个月看病自己花了 %s；本地的看病花费标准还没有设置，工作人员会再核实。", yuan(spent))
		case spent >= min.num && spent > 0:
			med.out = pass
			med.Detail = fmt.Sprintf("近 12 个月看病自己花了 %s，达到 %s。", yuan(spent), yuan(min.num))
		default:
			med.out = fail
			med.Detail = fmt.Sprintf("近 12 个月看病自己花了 %s，没有达到 %s。", yuan(spent), yuan(min.num))
		}
		cs = append(cs, med)
		if med.out != fail {
			inc := e.disposable(code, e.income(code))
			cs = append(cs, inc)
			if inc.out != fail {
				v = platform.VerdictPossible
			}
		}
	}
	return e.result(code, v, e.summary(code, v, ""), cs)
}

// jiaoyu: students of a 低保 or 特困 family (社会救助暂行办法 §33).
func (e *evaluation) jiaoyu() platform.PrecheckResult {
	const code = platform.ItemJiaoyu
	c := check{}
	c.Name = "在上学的家人"
	var names []string
	for _, p := range e.f.counted {
		if student(p) {
			names = append(names, e.f.whoAge(p)+studying(p))
		}
	}
	if len(names) == 0 {
		c.out = fail
		c.Detail = "家里没有登记正在上学的人。"
		return e.result(code, platform.VerdictUnlikely, e.summary(code, platform.VerdictUnlikely, ""), []check{c})
	}
	c.out = pass
	c.Detail = list(names) + "。"
	gc, g := e.groupCheck(code)
	v := special(g, true)
	return e.result(code, v, e.summary(code, v, e.whom(v, e.students())), []check{c, gc})
}

func (e *evaluation) students() []*person {
	var out []*person
	for _, p := range e.f.counted {
		if student(p) {
			out = append(out, p)
		}
	}
	return out
}

// whom names the members a member-level item concerns, for a summary
// that is not unlikely.
func (e *evaluation) whom(v string, ps []*person) string {
	if v == platform.VerdictUnlikely || len(ps) == 0 {
		return ""
	}
	var names []string
	for _, p := range ps {
		names = append(names, e.f.whoAge(p))
	}
	return list(names)
}

// zhufang: a 低保 family or a 特困 person with housing hardship: no home, or
// less floor area per person than the local line (社会救助暂行办法 §37).
// A dangerous house is not in the data: the test says to tell the staff.
func (e *evaluation) zhufang() platform.PrecheckResult {
	const code = platform.ItemZhufang
	gc, g := e.groupCheck(code)
	hc := check{}
	hc.Name = "住房情况"
	pr := e.f.h.Property
	below := e.std(code, "area_per_person_below")
	use(&hc, below)
	switch {
	case pr.Homes == 0:
		hc.out = pass
		hc.Detail = "名下没有登记住房。"
	case below == nil:
		hc.out = unknown
		hc.Detail = "本地的住房困难标准还没有设置，工作人员会再核实。"
	default:
		a := rat{e.f.areaC, e.f.n()}
		at, lt := pair(a, below.num, 100)
		if a.cmpInt(below.num) < 0 {
			hc.out = pass
			hc.Detail = fmt.Sprintf("人均住房 %s 平方米，低于本地住房困难标准 %s 平方米。", at, lt)
		} else {
			hc.out = fail
			hc.Detail = fmt.Sprintf("人均住房 %s 平方米，不低于本地住房困难标准 %s 平方米。如果房子是危房，请告诉工作人员。", at, lt)
		}
	}
	cs := []check{gc, hc}
	v := special(g, hc.out != fail)
	if v == platform.VerdictLikely && hc.out == unknown {
		v = platform.VerdictPossible
	}
	return e.result(code, v, e.summary(code, v, ""), cs)
}

// jiuye: members of a 低保 family of working age who can work and have no
// job (社会救助暂行办法 §42).
func (e *evaluation) jiuye() platform.PrecheckResult {
	const code = platform.ItemJiuye
	lo, male, female := e.std(code, "age_min"), e.std(code, "age_max_male"), e.std(code, "age_max_female")
	c := check{}
	c.Name = "能干活但没有工作的家人"
	use(&c, lo, male, female)
	if lo == nil || male == nil || female == nil {
		cs := []check{e.missing(c.Name, "就业年龄")}
		return e.result(code, platform.VerdictPossible, e.summary(code, platform.VerdictPossible, ""), cs)
	}
	var ps []*person
	var names []string
	for _, p := range e.f.counted {
		hi := male.num
		if p.m.Sex == "女" {
			hi = female.num
		}
		if p.m.Work == "unemployed" && int64(p.age) >= lo.num && int64(p.age) <= hi {
			ps = append(ps, p)
			names = append(names, e.f.whoAge(p))
		}
	}
	if len(ps) == 0 {
		c.out = fail
		c.Detail = "家里没有登记能干活但没有工作的人。"
		return e.result(code, platform.VerdictUnlikely, e.summary(code, platform.VerdictUnlikely, ""), []check{c})
	}
	c.out = pass
	c.Detail = list(names) + "能干活，现在没有工作。"
	gc, g := e.groupCheck(code)
	v := special(g, true)
	sum := e.summary(code, v, e.whom(v, ps))
	if v == platform.VerdictUnlikely {
		sum += "找工作也可以到公共就业服务机构问问。"
	}
	return e.result(code, v, sum, []check{c, gc})
}

// kangfu: children up to age_max (6) with a disability of the kinds named,
// of the families named; children of other families in hardship may also
// be helped, so they are possible (残疾儿童康复救助制度).
func (e *evaluation) kangfu() platform.PrecheckResult {
	const code = platform.ItemKangfu
	age, kinds := e.std(code, "age_max"), e.std(code, "kinds")
	c := check{}
	c.Name = "残疾儿童"
	use(&c, age, kinds)
	if age == nil || kinds == nil {
		cs := []check{e.missing(c.Name, "残疾儿童康复救助的年龄和类别")}
		return e.result(code, platform.VerdictPossible, e.summary(code, platform.VerdictPossible, ""), cs)
	}
	var ps []*person
	var names []string
	for _, p := range e.f.counted {
		if d := p.m.Disability; d != nil && int64(p.age) <= age.num && slices.Contains(kinds.list, d.Kind) {
			ps = append(ps, p)
			names = append(names, fmt.Sprintf("%s%s残疾", e.f.whoAge(p), d.Kind))
		}
	}
	if len(ps) == 0 {
		c.out = fail
		c.Detail = fmt.Sprintf("家里没有登记 %d 岁以下有残疾的孩子。", age.num)
		return e.result(code, platform.VerdictUnlikely, e.summary(code, platform.VerdictUnlikely, ""), []check{c})
	}
	c.out = pass
	c.Detail = list(names) + "。"
	gc, g := e.groupCheck(code)
	v := special(g, true)
	if g == groupNone {
		v = platform.VerdictPossible
		gc.out = unknown
		gc.Detail += "其他困难家庭的孩子也可能可以，工作人员会再核实。"
	}
	return e.result(code, v, e.summary(code, v, e.whom(v, ps)), []check{c, gc})
}
