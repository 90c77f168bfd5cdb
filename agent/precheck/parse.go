package precheck

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// formatVersion is the rules-file format this package reads.
const formatVersion = 1

// Load reads the rules file at path: see Parse. A file that cannot be read
// is an error that errors.Is(err, fs.ErrNotExist) tells apart.
func Load(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the pre-check rules: %w", err)
	}
	return Parse(data, path)
}

// Parse reads a rules file's contents. name is the file's name for the
// errors (it may be empty).
//
// Decoding is strict: TOML syntax errors, unknown keys (with a suggestion
// when one is near), values of the wrong type, values out of range,
// numbers with more decimals than their unit keeps, unknown items,
// parameters, units and regions, missing keys, and two rows for the same
// standard in force on the same day are errors. The error is an Errors
// holding every problem, sorted by line, each with the line and the key
// path. Use the Rules only when the error is nil.
func Parse(data []byte, name string) (*Rules, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // Windows editors may write a BOM
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		e := &Error{File: name, Msg: "not valid TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			e.Line, _ = de.Position()
			e.Key = guessKey(data, e.Line)
		}
		return nil, Errors{e}
	}
	d := &decoder{idx: indexDocument(data), name: name}
	r := d.rules(doc)
	if err := d.errs.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// decoder walks a decoded document, collecting problems.
type decoder struct {
	idx  *docIndex
	name string
	errs Errors
}

// add records a problem with the key at path.
func (d *decoder) add(path, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.name, Line: d.idx.lineOf(path), Key: path, Msg: fmt.Sprintf(format, args...)})
}

// keys checks that table m at path has only the keys allowed, and all the
// keys required.
func (d *decoder) keys(path string, m map[string]any, allowed, required []string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if slices.Contains(allowed, k) {
			continue
		}
		msg := "unknown key"
		if _, ok := m[k].(map[string]any); ok {
			msg = "unknown table"
		}
		if s := suggest(k, allowed); s != "" {
			msg += ": did you mean " + s + "?"
		} else {
			msg += " (the keys here are " + strings.Join(allowed, ", ") + ")"
		}
		d.add(joinPath(path, keyPart(k)), "%s", msg)
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			where := path
			if where == "" {
				where = k
			}
			d.add(where, "missing key %s", k)
		}
	}
}

// rules decodes the document.
func (d *decoder) rules(doc map[string]any) *Rules {
	r := &Rules{name: d.name, standards: map[stdKey][]*standard{}, items: map[string]*item{}}
	d.keys("", doc, []string{"format", "title", "standard", "item", "contact"}, []string{"format"})
	if x, ok := doc["format"]; ok {
		if v, ok := d.integer("format", x, 0, 1<<31); ok && v != formatVersion {
			d.add("format", "is %d; this kiosk-agent reads format %d", v, formatVersion)
		}
	}
	if x, ok := doc["title"]; ok {
		r.title, _ = d.str("title", x)
	}
	for i, m := range d.tables("standard", doc["standard"]) {
		if s := d.standard(fmt.Sprintf("standard[%d]", i), m); s != nil {
			r.standards[s.stdKey] = append(r.standards[s.stdKey], s)
		}
	}
	d.overlaps(r.standards)
	if x, ok := doc["item"]; ok {
		if m, ok := d.table("item", x); ok {
			for _, code := range slices.Sorted(maps.Keys(m)) {
				path := "item." + keyPart(code)
				if !slices.Contains(itemCodes, code) {
					msg := "unknown item (the items are " + strings.Join(itemCodes, ", ") + ")"
					if s := suggest(code, itemCodes); s != "" {
						msg = "unknown item: did you mean " + s + "?"
					}
					d.add(path, "%s", msg)
					continue
				}
				if t, ok := d.table(path, m[code]); ok {
					r.items[code] = d.item(path, code, t)
				}
			}
		}
	}
	for i, m := range d.tables("contact", doc["contact"]) {
		if c := d.contact(fmt.Sprintf("contact[%d]", i), m); c != nil {
			r.contacts = append(r.contacts, c)
		}
	}
	return r
}

// standard decodes one [[standard]] row.
func (d *decoder) standard(path string, m map[string]any) *standard {
	d.keys(path, m, []string{"region", "area", "item", "param", "value", "unit", "effective_from", "effective_to", "source", "sample", "note"},
		[]string{"region", "item", "param", "value", "effective_from", "source"})
	bad := len(d.errs)
	s := &standard{line: d.idx.lineOf(path), path: path}
	s.area = "all"
	if x, ok := m["region"]; ok {
		if v, ok := d.str(path+".region", x); ok {
			if v != "default" && !validRegion(v) {
				d.add(path+".region", "must be \"default\" or a region code of 6, 9, 12 or 15 digits (370481 滕州市), not %q", v)
			}
			s.region = v
		}
	}
	if x, ok := m["area"]; ok {
		s.area, _ = d.oneOf(path+".area", x, []string{"urban", "rural", "all"})
	}
	if x, ok := m["item"]; ok {
		s.item, _ = d.oneOf(path+".item", x, append([]string{common}, itemCodes...))
	}
	var spec paramSpec
	specOK := false
	if x, ok := m["param"]; ok {
		if v, ok := d.str(path+".param", x); ok {
			s.param = v
			var msg string
			if spec, msg = lookupParam(v); msg != "" {
				d.add(path+".param", "%s", msg)
			} else if s.item != "" && !slices.Contains(spec.items, s.item) {
				d.add(path+".param", "%s is not a parameter of %s (it is one of %s)", v, s.item, strings.Join(spec.items, ", "))
			} else {
				specOK = true
			}
		}
	}
	if specOK {
		s.unit = spec.units[0]
		if x, ok := m["unit"]; ok {
			if v, ok := d.str(path+".unit", x); ok {
				switch {
				case !slices.Contains(spec.units, v) && units[v].kind == "":
					d.add(path+".unit", "unknown unit %q (the units are %s)", v, unitNames())
				case !slices.Contains(spec.units, v):
					d.add(path+".unit", "%s is not in %s; write %s", s.param, v, strings.Join(spec.units, " or "))
				}
				s.unit = v
			}
		} else if len(spec.units) > 1 {
			d.add(path, "missing key unit: %s may be in %s", s.param, strings.Join(spec.units, " or "))
		}
		if x, ok := m["value"]; ok && slices.Contains(spec.units, s.unit) {
			d.value(path+".value", x, s, spec)
		}
	} else if x, ok := m["unit"]; ok {
		d.str(path+".unit", x)
	}
	if x, ok := m["effective_from"]; ok {
		s.from, _ = d.date(path+".effective_from", x)
	}
	if x, ok := m["effective_to"]; ok {
		if to, ok := d.date(path+".effective_to", x); ok {
			s.to = to
			if s.from != 0 && to < s.from {
				d.add(path+".effective_to", "%s is before effective_from %s", to, s.from)
			}
		}
	}
	if x, ok := m["source"]; ok {
		s.source, _ = d.text(path+".source", x)
	}
	if x, ok := m["sample"]; ok {
		s.sample, _ = d.boolean(path+".sample", x)
	}
	if x, ok := m["note"]; ok {
		d.str(path+".note", x)
	}
	if len(d.errs) > bad {
		return nil
	}
	return s
}

// value decodes a standard's value in its unit.
func (d *decoder) value(path string, x any, s *standard, spec paramSpec) {
	u := units[s.unit]
	switch u.kind {
	case "bool":
		s.flag, _ = d.boolean(path, x)
	case "list":
		s.list, _ = d.strings(path, x, false)
		for i, v := range s.list {
			if spec.values != nil && !slices.Contains(spec.values, v) {
				d.add(fmt.Sprintf("%s[%d]", path, i), "%q is not one of %s", v, strings.Join(spec.values, ", "))
			}
		}
	default:
		text, ok := d.numberText(path, x)
		if !ok {
			return
		}
		limit := u.max
		if spec.max > 0 {
			limit = spec.max
		}
		v, msg := parseScaled(text, u.scale, u.decimals, limit)
		switch {
		case msg != "":
			d.add(path, "%s (%s)", msg, u.what)
		case v < spec.min:
			d.add(path, "is %s, less than %s", text, formatScaled(spec.min, u.scale))
		}
		s.num = v
	}
}

// overlaps reports two rows for the same standard in force on the same
// day.
func (d *decoder) overlaps(all map[stdKey][]*standard) {
	for _, rows := range all {
		slices.SortFunc(rows, func(a, b *standard) int { return int(a.from) - int(b.from) })
		for i := 1; i < len(rows); i++ {
			prev, s := rows[i-1], rows[i]
			if prev.to == 0 || s.from <= prev.to {
				d.errs = append(d.errs, &Error{File: d.name, Line: s.line, Key: s.path,
					Msg: fmt.Sprintf("%s of %s (region %s, area %s) is in force from %s, while the row on line %d still is: end that row with effective_to before %s",
						s.param, s.item, s.region, s.area, s.from, prev.line, s.from)})
			}
		}
	}
}

// item decodes an [item.CODE] table.
func (d *decoder) item(path, code string, m map[string]any) *item {
	d.keys(path, m, []string{"name", "short", "explain", "basis", "conditions", "steps", "material", "time_limit", "time_limit_days", "time_limit_sample", "appeal"},
		[]string{"name", "short", "explain", "basis", "conditions", "steps", "time_limit", "time_limit_days", "appeal"})
	it := &item{code: code}
	texts := []struct {
		key string
		dst *string
	}{{"name", &it.name}, {"short", &it.short}, {"explain", &it.explain}, {"basis", &it.basis}, {"time_limit", &it.timeLimit}, {"appeal", &it.appeal}}
	for _, t := range texts {
		if x, ok := m[t.key]; ok {
			*t.dst, _ = d.text(path+"."+t.key, x)
		}
	}
	for _, k := range []string{"conditions", "steps"} {
		if x, ok := m[k]; ok {
			list, _ := d.strings(path+"."+k, x, true)
			if k == "conditions" {
				it.conditions = list
			} else {
				it.steps = list
			}
		}
	}
	if x, ok := m["time_limit_days"]; ok {
		v, _ := d.integer(path+".time_limit_days", x, 1, 365)
		it.timeLimitDays = int(v)
	}
	if x, ok := m["time_limit_sample"]; ok {
		it.timeLimitSample, _ = d.boolean(path+".time_limit_sample", x)
	}
	for i, mm := range d.tables(path+".material", m["material"]) {
		mp := fmt.Sprintf("%s.material[%d]", path, i)
		d.keys(mp, mm, []string{"name", "have", "when", "note"}, []string{"name", "have"})
		var mat material
		if x, ok := mm["name"]; ok {
			mat.name, _ = d.text(mp+".name", x)
		}
		if x, ok := mm["have"]; ok {
			mat.have, _ = d.oneOf(mp+".have", x, []string{havePlatform, haveKiosk, haveApplicant})
		}
		if x, ok := mm["when"]; ok {
			mat.when, _ = d.oneOf(mp+".when", x, whenConditions)
		}
		if x, ok := mm["note"]; ok {
			mat.note, _ = d.text(mp+".note", x)
		}
		it.materials = append(it.materials, mat)
	}
	for _, k := range []string{"explain", "conditions", "steps", "appeal", "time_limit"} {
		d.wording(path+"."+k, m[k])
	}
	for i, mm := range d.tables("", m["material"]) {
		d.wording(fmt.Sprintf("%s.material[%d].note", path, i), mm["note"])
	}
	return it
}

// contact decodes a [[contact]] row.
func (d *decoder) contact(path string, m map[string]any) *contact {
	d.keys(path, m, []string{"region", "item", "name", "phone", "sample"}, []string{"name", "phone"})
	bad := len(d.errs)
	c := &contact{region: "default"}
	if x, ok := m["region"]; ok {
		if v, ok := d.str(path+".region", x); ok {
			if v != "default" && !validRegion(v) {
				d.add(path+".region", "must be \"default\" or a region code of 6, 9, 12 or 15 digits, not %q", v)
			}
			c.region = v
		}
	}
	if x, ok := m["item"]; ok {
		c.item, _ = d.oneOf(path+".item", x, itemCodes)
	}
	if x, ok := m["name"]; ok {
		c.name, _ = d.text(path+".name", x)
	}
	if x, ok := m["phone"]; ok {
		if v, ok := d.text(path+".phone", x); ok {
			if strings.ContainsFunc(v, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '-' || r == ' ') }) {
				d.add(path+".phone", "is %q: write digits, spaces and dashes only (0632-1234567, 12345)", v)
			}
			c.phone = v
		}
	}
	if x, ok := m["sample"]; ok {
		c.sample, _ = d.boolean(path+".sample", x)
	}
	if len(d.errs) > bad {
		return nil
	}
	return c
}

// bannedWords may not appear in text an applicant reads (flow-screens
// §7: never say 不符合, 拒绝 or 失败; address people as 您, never 你).
var bannedWords = []string{"不符合", "拒绝", "失败", "你"}

// wording checks the applicant-facing text at path (a string or a list).
func (d *decoder) wording(path string, x any) {
	var texts []string
	switch v := x.(type) {
	case string:
		texts = []string{v}
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				texts = append(texts, s)
			}
		}
	}
	for _, t := range texts {
		for _, w := range bannedWords {
			if strings.Contains(t, w) {
				d.add(path, "applicants read this: do not write %q (flow-screens §7: hints, never refusals; address people as 您)", w)
			}
		}
	}
}

// The typed readers: each checks the type of x, reports a problem at
// path when it is wrong, and returns the value and whether it was right.

func (d *decoder) str(path string, x any) (string, bool) {
	s, ok := x.(string)
	if !ok {
		d.add(path, "must be a string, not %s", describe(x))
	}
	return s, ok
}

// text is a string that must say something.
func (d *decoder) text(path string, x any) (string, bool) {
	s, ok := d.str(path, x)
	if ok && strings.TrimSpace(s) == "" {
		d.add(path, "must not be empty")
		return s, false
	}
	return s, ok
}

func (d *decoder) oneOf(path string, x any, allowed []string) (string, bool) {
	s, ok := d.str(path, x)
	if ok && !slices.Contains(allowed, s) {
		msg := fmt.Sprintf("is %q, not one of %s", s, strings.Join(allowed, ", "))
		if g := suggest(s, allowed); g != "" {
			msg += ": did you mean " + g + "?"
		}
		d.add(path, "%s", msg)
		return s, false
	}
	return s, ok
}

func (d *decoder) boolean(path string, x any) (bool, bool) {
	b, ok := x.(bool)
	if !ok {
		d.add(path, "must be true or false, not %s", describe(x))
	}
	return b, ok
}

func (d *decoder) integer(path string, x any, lo, hi int64) (int64, bool) {
	v, ok := x.(int64)
	if !ok {
		d.add(path, "must be a whole number, not %s", describe(x))
		return 0, false
	}
	if v < lo || v > hi {
		d.add(path, "is %d, out of range %d…%d", v, lo, hi)
		return v, false
	}
	return v, true
}

// numberText returns the text a number was written as.
func (d *decoder) numberText(path string, x any) (string, bool) {
	switch v := x.(type) {
	case int64, float64:
		if t, ok := d.idx.numbers[path]; ok {
			return t, true
		}
		if f, ok := v.(float64); ok {
			return strconv.FormatFloat(f, 'f', -1, 64), true
		}
		return strconv.FormatInt(v.(int64), 10), true
	}
	d.add(path, "must be a number, not %s", describe(x))
	return "", false
}

func (d *decoder) date(path string, x any) (civil, bool) {
	v, ok := x.(toml.LocalDate)
	if !ok {
		d.add(path, "must be a date written as 2024-07-01 (no quotes, no time), not %s", describe(x))
		return 0, false
	}
	if v.Year < 1900 || v.Year > 9999 {
		d.add(path, "year %d is out of range 1900…9999", v.Year)
		return 0, false
	}
	return makeCivil(v.Year, v.Month, v.Day), true
}

// strings reads a list of non-empty strings, which must not be empty when
// nonEmpty.
func (d *decoder) strings(path string, x any, nonEmpty bool) ([]string, bool) {
	list, ok := x.([]any)
	if !ok {
		d.add(path, "must be a list of strings, not %s", describe(x))
		return nil, false
	}
	if nonEmpty && len(list) == 0 {
		d.add(path, "must not be empty")
		return nil, false
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		if s, ok := d.text(fmt.Sprintf("%s[%d]", path, i), e); ok {
			out = append(out, s)
		}
	}
	return out, len(out) == len(list)
}

func (d *decoder) table(path string, x any) (map[string]any, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		d.add(path, "must be a table, not %s", describe(x))
	}
	return m, ok
}

// tables reads a list of tables ([[path]]); nil when x is nil. With path
// "" it reports nothing.
func (d *decoder) tables(path string, x any) []map[string]any {
	if x == nil {
		return nil
	}
	list, ok := x.([]any)
	if !ok {
		if _, ok := x.(map[string]any); ok && path != "" {
			d.add(path, "is a list of tables: write [[%s]], not [%s]", path, path)
		} else if path != "" {
			d.add(path, "must be a list of tables ([[%s]]), not %s", path, describe(x))
		}
		return nil
	}
	out := make([]map[string]any, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			if path != "" {
				d.add(fmt.Sprintf("%s[%d]", path, i), "must be a table, not %s", describe(e))
			}
			m = map[string]any{}
		}
		out = append(out, m)
	}
	return out
}

// describe names the type of a decoded TOML value for messages.
func describe(x any) string {
	switch v := x.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case int64:
		return fmt.Sprintf("the number %d", v)
	case float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return fmt.Sprintf("%v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case toml.LocalDate:
		return "the date " + v.String()
	case toml.LocalDateTime:
		return "the date-time " + v.String()
	case toml.LocalTime:
		return "the time " + v.String()
	case time.Time:
		return "the date-time " + v.Format(time.RFC3339)
	}
	return fmt.Sprintf("%T", x)
}
