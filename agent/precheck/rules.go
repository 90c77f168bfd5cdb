package precheck

import (
	"fmt"
	"slices"
	"time"
)

// Rules are the standards and item texts of a rules file: what the
// engine compares a household with, and what the 一次性告知 says. A Rules
// is read-only once made, and safe for concurrent use.
type Rules struct {
	name      string
	title     string
	standards map[stdKey][]*standard // each sorted by effective_from
	items     map[string]*item
	contacts  []*contact
}

// stdKey is what a standard is for.
type stdKey struct {
	region string // "default", or a GB/T 2260 code of 6, 9, 12 or 15 digits
	area   string // "urban", "rural" or "all"
	item   string // an item code, or common
	param  string
}

// standard is one row of the file: a value in force over a period.
type standard struct {
	stdKey
	unit   string
	num    int64 // a number, in the unit's kept units (fen for yuan)
	flag   bool
	list   []string
	from   civil
	to     civil // 0: open-ended
	source string
	sample bool
	line   int    // where the row starts
	path   string // "standard[3]"
}

// inForce reports whether s applies on day.
func (s *standard) inForce(day civil) bool {
	return s.from <= day && (s.to == 0 || day <= s.to)
}

// item is an item's texts for the notice and the screen.
type item struct {
	code, name, short, explain, basis string
	conditions, steps                 []string
	materials                         []material
	timeLimit                         string
	timeLimitDays                     int
	timeLimitSample                   bool
	appeal                            string
}

// material is a document an item needs.
type material struct {
	name string
	have string // haveKiosk, havePlatform or haveApplicant
	when string // "" (always) or one of whenConditions
	note string
}

// Where a material comes from.
const (
	havePlatform  = "platform"  // the data platform holds it: not asked for again
	haveKiosk     = "kiosk"     // done at the kiosk (card read, signatures)
	haveApplicant = "applicant" // the applicant brings it
)

// whenConditions are the conditions a material may be needed under.
var whenConditions = []string{"disability", "serious_illness", "student", "medical", "supporters", "unemployed", "child_disability"}

// contact is a phone number to ask, for a region and optionally one item.
type contact struct {
	region, item, name, phone string
	sample                    bool
}

// Items returns the codes of the items the rules describe, in the order
// the kiosk lists them.
func (r *Rules) Items() []string {
	var codes []string
	for _, c := range itemCodes {
		if r.items[c] != nil {
			codes = append(codes, c)
		}
	}
	return codes
}

// Name returns the name of the file the rules were read from ("" for the
// embedded default) and its title.
func (r *Rules) Name() (file, title string) { return r.name, r.title }

// regionChain returns the region codes to look standards up under, most
// specific first: the code itself, its shorter GB/T 2260 prefixes (village
// 12, town 9, county 6 digits), the prefecture (4 digits + "00"), the
// province (2 digits + "0000"), then "default".
func regionChain(code string) []string {
	var chain []string
	add := func(c string) {
		if !slices.Contains(chain, c) {
			chain = append(chain, c)
		}
	}
	if validRegion(code) {
		add(code)
		for _, n := range []int{12, 9, 6} {
			if len(code) > n {
				add(code[:n])
			}
		}
		add(code[:4] + "00")
		add(code[:2] + "0000")
	}
	add("default")
	return chain
}

// validRegion reports whether code is a region code: 6, 9, 12 or 15
// digits.
func validRegion(code string) bool {
	switch len(code) {
	case 6, 9, 12, 15:
	default:
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// lookup returns the standard in force on day for param of item in a
// region chain and area: the most specific region first; in a region, the
// item's own row before the common one; for an area, the urban or rural
// row before the "all" one. Item-specific parameters that are also common
// fall back to common.
func (r *Rules) lookup(chain []string, area, itemCode, param string, day civil) *standard {
	items := []string{itemCode}
	if itemCode != common {
		if spec, _ := lookupParam(param); slices.Contains(spec.items, common) {
			items = append(items, common)
		}
	}
	for _, region := range chain {
		for _, it := range items {
			for _, a := range []string{area, "all"} {
				for _, s := range r.standards[stdKey{region, a, it, param}] {
					if s.inForce(day) {
						return s
					}
				}
			}
		}
	}
	return nil
}

// civil is a calendar date as yyyymmdd.
type civil int32

// chinaTime is China Standard Time (UTC+8, no daylight saving), the
// calendar the standards and ages are counted in.
var chinaTime = time.FixedZone("CST", 8*60*60)

// civilOf returns the date of t in China.
func civilOf(t time.Time) civil {
	y, m, d := t.In(chinaTime).Date()
	return makeCivil(y, int(m), d)
}

func makeCivil(y, m, d int) civil { return civil(y*10000 + m*100 + d) }

func (c civil) ymd() (y, m, d int) { return int(c) / 10000, int(c) / 100 % 100, int(c) % 100 }

// text writes c as people read it: 2024年7月15日.
func (c civil) text() string {
	y, m, d := c.ymd()
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}

// String writes c as YYYY-MM-DD.
func (c civil) String() string {
	y, m, d := c.ymd()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
