package precheck

import (
	"slices"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// itemCodes are the items the engine knows how to check, in the order the
// kiosk lists them. A rules file may describe any of them; it cannot add
// one (an item's tests are code, its figures and texts are data).
var itemCodes = []string{
	platform.ItemDibao, platform.ItemTekun, platform.ItemBianyuan, platform.ItemGangxing,
	platform.ItemLinshi, platform.ItemYiliao, platform.ItemJiaoyu, platform.ItemZhufang,
	platform.ItemJiuye, platform.ItemKangfu,
}

// common is the item of a standard shared by every item that does not set
// its own (income exclusions, property rules, the disposable income).
const common = "common"

// The units a standard's value may be in.
const (
	unitYuanMonth = "yuan/month" // yuan per person per month (元/人·月)
	unitYuanYear  = "yuan/year"  // yuan per person per year (元/人·年)
	unitYuan      = "yuan"       // an amount of yuan per person
	unitMonths    = "months"     // a number of months of the 低保 standard
	unitRatio     = "ratio"      // a multiplier or share as a decimal: 1.5, 0.5
	unitYears     = "years"      // an age in whole years (周岁)
	unitCount     = "count"      // a whole number: vehicles, homes, a grade
	unitM2        = "m2"         // square metres of floor area per person
	unitBool      = "bool"       // true or false
	unitList      = "list"       // a list of codes or names
)

// unitSpec is how a unit's values are written and kept.
type unitSpec struct {
	kind     string // "number", "bool", "list"
	scale    int64  // a number is kept as an integer of 1/scale units
	decimals int    // how many decimals a number may have
	max      int64  // the largest value, in kept units
	what     string // how the unit is named in messages
}

var units = map[string]unitSpec{
	unitYuanMonth: {"number", 100, 2, 10_000_000 * 100, "yuan per person per month"},
	unitYuanYear:  {"number", 100, 2, 10_000_000 * 100, "yuan per person per year"},
	unitYuan:      {"number", 100, 2, 10_000_000 * 100, "yuan per person"},
	unitMonths:    {"number", 1, 0, 600, "months of the dibao standard"},
	unitRatio:     {"number", 10000, 4, 100 * 10000, "a decimal multiplier or share"},
	unitYears:     {"number", 1, 0, 150, "whole years of age"},
	unitCount:     {"number", 1, 0, 1000, "a whole number"},
	unitM2:        {"number", 100, 2, 100_000 * 100, "square metres per person"},
	unitBool:      {"bool", 0, 0, 0, "true or false"},
	unitList:      {"list", 0, 0, 0, "a list of strings"},
}

// unitNames lists the units for messages.
func unitNames() string {
	names := make([]string, 0, len(units))
	for n := range units {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// The income kinds of platform.Income, and the disability kinds of
// platform.Disability.
var (
	incomeKinds     = []string{"wage", "business", "property", "transfer", "pension", "support", "farm"}
	disabilityKinds = []string{"视力", "听力", "言语", "肢体", "智力", "精神", "多重"}
	benefitCodes    = []string{"dibao", "tekun", "bianyuan", "gangxing", "orphan", "monitored"}
)

// paramSpec is what a parameter may be.
type paramSpec struct {
	units    []string // the units it may be given in; the first if omitted and there is one
	items    []string // the items (or common) it may be set for
	min, max int64    // when max > 0: the range, in kept units, narrower than the unit's
	values   []string // for a list: the values allowed (nil: any non-empty string)
}

// propertyItems are the items with a property test, which may each set
// their own property rules over the common ones.
var propertyItems = []string{common, platform.ItemDibao, platform.ItemTekun, platform.ItemBianyuan, platform.ItemGangxing, platform.ItemLinshi}

// incomeItems are the items that add up a household's income.
var incomeItems = propertyItems

// params are the parameters the engine reads. A parameter named
// "prefix.<suffix>" is listed as "prefix.*" and its suffixes in suffixes.
var params = map[string]paramSpec{
	// Shared.
	"near_margin":       {units: []string{unitRatio}, items: []string{common}, max: 10000},
	"disposable_income": {units: []string{unitYuanYear, unitYuanMonth}, items: []string{common, platform.ItemGangxing, platform.ItemLinshi}},
	"exclude_income.*":  {units: []string{unitBool}, items: incomeItems},
	// Property.
	"deposits_per_person":          {units: []string{unitYuan, unitMonths}, items: propertyItems},
	"vehicle_kinds":                {units: []string{unitList}, items: propertyItems},
	"max_vehicles":                 {units: []string{unitCount}, items: propertyItems},
	"max_homes":                    {units: []string{unitCount}, items: propertyItems},
	"home_area_per_person":         {units: []string{unitM2}, items: propertyItems},
	"company_role_allowed":         {units: []string{unitBool}, items: propertyItems},
	"recent_home_purchase_allowed": {units: []string{unitBool}, items: propertyItems},
	// 低保.
	"standard": {units: []string{unitYuanMonth, unitYuanYear}, items: []string{platform.ItemDibao}},
	// 特困.
	"age_old":            {units: []string{unitYears}, items: []string{platform.ItemTekun}},
	"minor_under":        {units: []string{unitYears}, items: []string{platform.ItemTekun}},
	"disability_grade.*": {units: []string{unitCount}, items: []string{platform.ItemTekun}, min: 1, max: 4},
	"supporter_age_min":  {units: []string{unitYears}, items: []string{platform.ItemTekun}},
	// 低保边缘.
	"multiplier": {units: []string{unitRatio}, items: []string{platform.ItemBianyuan}},
	// 刚性支出.
	"spending_share": {units: []string{unitRatio}, items: []string{platform.ItemGangxing}},
	// 临时救助 (支出型).
	"after_spending_multiplier": {units: []string{unitRatio}, items: []string{platform.ItemLinshi}},
	// The special items: which families they are for.
	"groups": {units: []string{unitList}, items: []string{platform.ItemYiliao, platform.ItemJiaoyu, platform.ItemZhufang, platform.ItemJiuye, platform.ItemKangfu}, values: benefitCodes},
	// 医疗救助.
	"medical_spending_min": {units: []string{unitYuan}, items: []string{platform.ItemYiliao}},
	// 住房救助.
	"area_per_person_below": {units: []string{unitM2}, items: []string{platform.ItemZhufang}},
	// 就业救助.
	"age_min":        {units: []string{unitYears}, items: []string{platform.ItemJiuye}},
	"age_max_male":   {units: []string{unitYears}, items: []string{platform.ItemJiuye}},
	"age_max_female": {units: []string{unitYears}, items: []string{platform.ItemJiuye}},
	// 残疾儿童康复救助.
	"age_max": {units: []string{unitYears}, items: []string{platform.ItemKangfu}},
	"kinds":   {units: []string{unitList}, items: []string{platform.ItemKangfu}, values: disabilityKinds},
}

// suffixes are the allowed suffixes of the "prefix.*" parameters.
var suffixes = map[string][]string{
	"exclude_income":   incomeKinds,
	"disability_grade": disabilityKinds,
}

// lookupParam returns the spec of a parameter name, and, when the name is
// not one, a message saying so.
func lookupParam(name string) (paramSpec, string) {
	if s, ok := params[name]; ok {
		return s, ""
	}
	if prefix, suffix, ok := strings.Cut(name, "."); ok {
		if s, ok := params[prefix+".*"]; ok {
			if slices.Contains(suffixes[prefix], suffix) {
				return s, ""
			}
			return paramSpec{}, "unknown parameter: " + prefix + " takes one of " + strings.Join(suffixes[prefix], ", ") + " after the dot"
		}
	}
	msg := "unknown parameter"
	if s := suggest(name, paramNames()); s != "" {
		msg += ": did you mean " + s + "?"
	}
	return paramSpec{}, msg
}

// paramNames lists the parameter names, with the "prefix.*" ones spelt out.
func paramNames() []string {
	var names []string
	for n := range params {
		if prefix, ok := strings.CutSuffix(n, ".*"); ok {
			for _, s := range suffixes[prefix] {
				names = append(names, prefix+"."+s)
			}
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// suggest returns the name in names that s is most likely a misspelling
// of (an edit distance of at most 2), or "".
func suggest(s string, names []string) string {
	best, bestScore := "", 3
	for _, n := range names {
		if d := editDistance(strings.ToLower(s), strings.ToLower(n)); d < bestScore {
			best, bestScore = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 99 // not worth it; and bounded for the fuzzer
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
