package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Load reads the configuration file at path: see Parse. A file that cannot
// be read is an error that errors.Is(err, fs.ErrNotExist) tells apart.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Default(), fmt.Errorf("read the configuration file: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes a configuration file's contents over Default and validates
// the result. name is the file's name for the errors (it may be empty).
//
// Decoding is strict: an unknown key or table and a value of the wrong type
// are errors, as are the values Validate refuses. The error is an Errors
// holding every problem, sorted by line, each with the line and the dotted
// key it is about. Use the Config only when the error is nil.
func Parse(data []byte, name string) (Config, error) {
	c, errs := load(data, name, nil)
	return c, errs.Err()
}

// load is Parse with flags applied over the file before validation. data
// nil means no file.
func load(data []byte, name string, flags []*flagValue) (Config, Errors) {
	c := Default()
	var errs Errors
	var lines map[string]int
	if data != nil {
		lines, errs = decode(&c, data, name)
	}
	setBy := map[string]string{}
	for _, f := range flags {
		if msg := f.apply(&c); msg != "" {
			errs = append(errs, &Error{File: "--" + f.s.flag, Key: f.s.key, Msg: msg})
			continue
		}
		setBy[f.s.key] = "--" + f.s.flag
	}
	for _, e := range c.Validate() {
		if flag, ok := setBy[e.Key]; ok {
			e.File = flag
		} else if line, ok := lines[e.Key]; ok {
			e.File, e.Line = name, line
		}
		errs = append(errs, e)
	}
	return c, errs
}

// Validate checks every setting of c against its rule (ranges, allowed
// values, the listen address, the reader port with simulate) and returns
// every problem. Its errors carry the key but no file or line: Load and
// Parse add those.
func (c Config) Validate() Errors {
	var errs Errors
	for _, s := range settings() {
		if s.rule.check == nil {
			continue
		}
		if msg := s.rule.check(&c, field(&c, s.key)); msg != "" {
			errs = append(errs, &Error{Key: s.key, Msg: msg})
		}
	}
	return errs
}

// decode decodes data strictly into c and returns the line of every key the
// file sets, and the problems found.
//
// The document is first decoded into maps, which finds TOML syntax errors
// and duplicate keys; the maps are then checked against the settings for
// unknown keys and wrong types, all of which are reported; what passes is
// decoded into c by go-toml with unknown fields disallowed.
func decode(c *Config, data []byte, name string) (map[string]int, Errors) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // Windows editors may write a BOM
	idx := indexDocument(data)
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return idx.keys, Errors{idx.syntaxError(err, name)}
	}
	ch := checker{idx: idx, schema: newSchema(), name: name, def: Default()}
	clean := ch.table("", doc)
	src := data
	if len(ch.errs) > 0 {
		var err error
		if src, err = toml.Marshal(clean); err != nil {
			ch.errs = append(ch.errs, &Error{File: name, Msg: "cannot re-encode the valid keys: " + err.Error()})
			return idx.keys, ch.errs
		}
	}
	dec := toml.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		ch.errs = append(ch.errs, idx.decodeErrors(err, name, len(ch.errs) == 0)...)
	}
	return idx.keys, ch.errs
}

// checker checks a decoded document against the settings.
type checker struct {
	idx    *docIndex
	schema *schema
	name   string
	def    Config // for the examples in messages
	errs   Errors
}

// table checks the table at key prefix ("" for the document) and returns
// it without the keys that are wrong.
func (ch *checker) table(prefix string, m map[string]any) map[string]any {
	clean := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		x, key := m[k], joinKey(prefix, keyPart(k))
		switch s := ch.schema.byKey[key]; {
		case s != nil:
			if msg := checkTOML(field(&ch.def, key).Type(), x, s.tomlValue(&ch.def)); msg != "" {
				ch.add(key, msg)
				continue
			}
			clean[k] = x
		case ch.schema.tables[key]:
			sub, ok := x.(map[string]any)
			if !ok {
				ch.add(key, notTable(key, x))
				continue
			}
			clean[k] = ch.table(key, sub)
		default:
			ch.add(key, ch.schema.unknown(key, x))
		}
	}
	return clean
}

// add records a problem with key.
func (ch *checker) add(key, msg string) {
	ch.errs = append(ch.errs, &Error{File: ch.name, Line: ch.idx.keys[key], Key: key, Msg: msg})
}

// notTable says why x cannot be the table key.
func notTable(key string, x any) string {
	if list, ok := x.([]any); ok && len(list) > 0 {
		if _, ok := list[0].(map[string]any); ok {
			return fmt.Sprintf("is one table, not a list of them: write [%s], not [[%s]]", key, key)
		}
	}
	return fmt.Sprintf("is a table, not %s: write its keys under [%s]", describe(x), key)
}

// unknown says that key is not a setting, suggesting one it may be a
// misspelling of.
func (sc *schema) unknown(key string, x any) string {
	what := "unknown key"
	if _, ok := x.(map[string]any); ok {
		what = "unknown table"
	}
	if s := sc.suggest(key); s != "" {
		return what + ": did you mean " + s + "?"
	}
	return what
}

// suggest returns the key or table that key is most likely a misspelling
// of, or "".
func (sc *schema) suggest(key string) string {
	lower := strings.ToLower(key)
	_, last := splitLast(lower)
	best, bestScore := "", 3 // suggest only within an edit distance of 2
	for _, n := range sc.names {
		ln := strings.ToLower(n)
		score := bestScore
		if d := len(ln) - len(lower); d >= -2 && d <= 2 && strings.Count(ln, ".") == strings.Count(lower, ".") {
			score = editDistance(lower, ln)
		}
		if _, nl := splitLast(ln); nl == last && score > 1 {
			score = 1 // the right key in the wrong table
		}
		if score < bestScore {
			best, bestScore = n, score
		}
	}
	return best
}

// splitLast splits a dotted key at its last dot.
func splitLast(key string) (table, last string) {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// dotted returns the dotted key of its parts, each as keyPart writes it.
func dotted(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(keyPart(p))
	}
	return b.String()
}

// keyPart returns one part of a key as a dotted key holds it: quoted unless
// it is a bare key, so that "a.b" (one part) is not a.b (two).
func keyPart(p string) string {
	if p == "" || strings.ContainsFunc(p, func(r rune) bool { return !isBareKeyRune(r) }) {
		return strconv.Quote(p)
	}
	return p
}

// isBareKeyRune reports whether r may be in a bare TOML key.
func isBareKeyRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

// joinKey joins a table's dotted key and a key in it.
func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// docIndex tells where in a TOML document each key is.
type docIndex struct {
	data       []byte
	lineStarts []int          // the offset of every line
	keys       map[string]int // dotted key → line it is first set or opened on
	starts     map[int]string // offset of a key's first part → its dotted key
	headers    []header       // the table headers, in order
}

// header is a [table] or [[table]] line.
type header struct {
	line int
	key  string
}

// indexDocument finds where every key of a TOML document is: each dotted
// key, including those in [table] headers, dotted keys and inline tables,
// and the tables they open. It stops at a syntax error.
func indexDocument(data []byte) *docIndex {
	idx := &docIndex{data: data, lineStarts: []int{0}, keys: map[string]int{}, starts: map[int]string{}}
	for i, b := range data {
		if b == '\n' {
			idx.lineStarts = append(idx.lineStarts, i+1)
		}
	}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := e.Key()
			parts, offset := keyParts(&it)
			table = parts
			line := idx.line(offset)
			idx.record(parts, 1, line)
			idx.starts[offset] = dotted(parts)
			idx.headers = append(idx.headers, header{line, dotted(parts)})
		case unstable.KeyValue:
			idx.keyValue(table, e)
		}
	}
	return idx
}

// keyValue indexes a key-value in the table at prefix, and the keys of its
// value when that is an inline table.
func (idx *docIndex) keyValue(prefix []string, kv *unstable.Node) {
	it := kv.Key()
	parts, offset := keyParts(&it)
	full := append(slices.Clip(prefix), parts...)
	idx.record(full, len(prefix)+1, idx.line(offset))
	idx.starts[offset] = dotted(full)
	if v := kv.Value(); v.Kind == unstable.InlineTable {
		children := v.Children()
		for children.Next() {
			if n := children.Node(); n.Kind == unstable.KeyValue {
				idx.keyValue(full, n)
			}
		}
	}
}

// record notes line as where each of the keys parts[:from] … parts (those
// not seen before) is first set or opened.
func (idx *docIndex) record(parts []string, from, line int) {
	for i := max(from, 1); i <= len(parts); i++ {
		k := dotted(parts[:i])
		if _, ok := idx.keys[k]; !ok {
			idx.keys[k] = line
		}
	}
}

// keyParts returns the parts of a dotted key and the offset of the first.
func keyParts(it *unstable.Iterator) (parts []string, offset int) {
	offset = -1
	for it.Next() {
		n := it.Node()
		if offset < 0 {
			offset = int(n.Raw.Offset)
		}
		parts = append(parts, string(n.Data))
	}
	return parts, offset
}

// line returns the line, from 1, of a byte offset.
func (idx *docIndex) line(offset int) int {
	return sort.SearchInts(idx.lineStarts, offset+1)
}

// syntaxError converts the error of decoding a document that is not valid
// TOML.
func (idx *docIndex) syntaxError(err error, name string) *Error {
	e := &Error{File: name, Msg: "not valid TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return e
	}
	line, col := de.Position()
	e.Line = line
	e.Key = idx.keyAt(line, col)
	if first, ok := idx.keys[e.Key]; ok && e.Key != "" && first < line {
		e.Msg += fmt.Sprintf(" (first on line %d)", first)
	}
	return e
}

// decodeErrors converts an error of go-toml's strict decoding into a
// Config, which the checks before it should leave nothing to find. Its
// positions are the document's when positioned, else those of the cleaned
// copy, which are not used.
func (idx *docIndex) decodeErrors(err error, name string, positioned bool) Errors {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		var errs Errors
		for i := range strict.Errors {
			errs = append(errs, idx.decodeError(&strict.Errors[i], name, positioned))
		}
		return errs
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		return Errors{idx.decodeError(de, name, positioned)}
	}
	return Errors{{File: name, Msg: err.Error()}}
}

// decodeError converts one error of go-toml's decoding.
func (idx *docIndex) decodeError(de *toml.DecodeError, name string, positioned bool) *Error {
	e := &Error{File: name, Key: dotted(de.Key()), Msg: strings.TrimPrefix(de.Error(), "toml: ")}
	e.Line = idx.keys[e.Key]
	if positioned {
		e.Line, _ = de.Position()
	}
	return e
}

// keyAt returns the dotted key at a line and column of the document (as
// go-toml reports them), or, failing that, a key that line seems to set.
func (idx *docIndex) keyAt(line, col int) string {
	if line < 1 || line > len(idx.lineStarts) {
		return ""
	}
	if k, ok := idx.starts[idx.lineStarts[line-1]+col-1]; ok {
		return k
	}
	// The expression did not parse: guess its key from the text.
	end := len(idx.data)
	if line < len(idx.lineStarts) {
		end = idx.lineStarts[line]
	}
	text := strings.TrimSpace(string(idx.data[idx.lineStarts[line-1]:end]))
	if strings.HasPrefix(text, "[") {
		k, _, _ := strings.Cut(strings.TrimLeft(text, "["), "]")
		return cleanKey(k)
	}
	k, _, ok := strings.Cut(text, "=")
	if !ok {
		return ""
	}
	k = cleanKey(k)
	if k == "" {
		return ""
	}
	table := ""
	for _, h := range idx.headers {
		if h.line < line {
			table = h.key
		}
	}
	return joinKey(table, k)
}

// cleanKey returns the dotted key written as text, without spaces and
// quotes, or "" when it does not look like a key.
func cleanKey(text string) string {
	parts := strings.Split(text, ".")
	for i, p := range parts {
		p = strings.Trim(strings.TrimSpace(p), `"'`)
		if p == "" || strings.ContainsFunc(p, func(r rune) bool { return !isBareKeyRune(r) }) {
			return ""
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}
