package precheck

import (
	"fmt"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// maskName shows a name as the kiosk does: 王*兰, 王*, *.
func maskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// who names a member for the applicant: 您本人, or relation and masked
// name (子女 王*明).
func (f *facts) who(p *person) string {
	if p == f.applicant {
		return "您本人"
	}
	rel := p.m.Relation
	if rel == "" || rel == "本人" {
		rel = "家人"
	}
	if n := maskName(p.m.Name); n != "" {
		return rel + " " + n
	}
	return rel
}

// whoAge is who with the age: 子女 王*明（12 岁）.
func (f *facts) whoAge(p *person) string { return fmt.Sprintf("%s（%d 岁）", f.who(p), p.age) }

// list joins phrases with 、.
func list(parts []string) string { return strings.Join(parts, "、") }

// schoolWords says what level a student is at.
var schoolWords = map[string]string{
	"preschool": "上幼儿园", "primary": "上小学", "junior": "上初中", "senior": "上高中",
	"vocational": "上中职", "college": "上大学",
}

// studying says where p studies: 在上初中, 在上学.
func studying(p *person) string {
	if w, ok := schoolWords[p.m.School]; ok {
		return "在" + w
	}
	return "在上学"
}

// incomeWords names the income kinds.
var incomeWords = map[string]string{
	"wage": "工资", "business": "经营收入", "property": "财产收入", "transfer": "转移收入",
	"pension": "城乡居民基础养老金", "support": "赡养费", "farm": "种养收入",
}

func incomeWord(kind string) string {
	if w, ok := incomeWords[kind]; ok {
		return w
	}
	return kind
}

// benefitWords names the benefits and the groups of the special items.
var benefitWords = map[string]string{
	"dibao": "低保", "tekun": "特困供养", "bianyuan": "低保边缘", "gangxing": "大额支出困难",
	"orphan": "孤儿保障", "monitored": "防止返贫监测",
}

func benefitWord(code string) string {
	if w, ok := benefitWords[code]; ok {
		return w
	}
	return code
}

func benefitList(codes []string) string {
	words := make([]string, len(codes))
	for i, c := range codes {
		words[i] = benefitWord(c)
	}
	return list(words)
}

// shortName is the short name of an item for sentences: the rules file's
// short name, or the screen name of flow-screens §2.
func (r *Rules) shortName(code string) string {
	if it := r.items[code]; it != nil {
		return it.short
	}
	if w, ok := benefitWords[code]; ok {
		return w
	}
	return map[string]string{
		platform.ItemLinshi: "临时救助", platform.ItemYiliao: "医疗救助", platform.ItemJiaoyu: "教育救助",
		platform.ItemZhufang: "住房救助", platform.ItemJiuye: "就业救助", platform.ItemKangfu: "残疾儿童康复救助",
	}[code]
}
