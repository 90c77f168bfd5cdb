package precheck

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// docIndex tells, for each key of a TOML document, the line it is on, and
// for each number the text it was written as (so that decimals are read
// exactly, never through a float).
//
// Keys are paths as the decoder walks them: dotted, with the index of a
// list element in brackets ("standard[3].value", "item.dibao.material[0]").
// Both an array of tables ([[standard]]) and an array of inline tables
// (standard = [{…}]) are indexed so.
type docIndex struct {
	lineStarts []int
	lines      map[string]int    // path → line first set or opened on
	numbers    map[string]string // path of a number → its text
	arrays     map[string]int    // path of an array of tables → elements so far
	table      string            // the path of the last table opened
}

// indexDocument indexes data, which toml.Unmarshal has accepted.
func indexDocument(data []byte) *docIndex {
	idx := &docIndex{lineStarts: []int{0}, lines: map[string]int{}, numbers: map[string]string{}, arrays: map[string]int{}}
	for i, b := range data {
		if b == '\n' {
			idx.lineStarts = append(idx.lineStarts, i+1)
		}
	}
	var p unstable.Parser
	p.Reset(data)
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := e.Key()
			parts, offset := keyParts(&it)
			line := idx.line(offset)
			path := ""
			for i, part := range parts {
				path = joinPath(path, keyPart(part))
				last := i == len(parts)-1
				switch {
				case last && e.Kind == unstable.ArrayTable:
					n := idx.arrays[path]
					idx.arrays[path] = n + 1
					idx.record(path, line)
					path += "[" + strconv.Itoa(n) + "]"
				case !last && idx.arrays[path] > 0:
					path += "[" + strconv.Itoa(idx.arrays[path]-1) + "]"
				}
				idx.record(path, line)
			}
			table = path
		case unstable.KeyValue:
			idx.keyValue(table, e)
		}
	}
	idx.table = table
	return idx
}

// guessKey returns the key path a line of a document that is not valid
// TOML seems to set, from the valid lines before it and the line's text;
// "" when it does not look like a key.
func guessKey(data []byte, line int) string {
	start, n := 0, 1
	for start < len(data) && n < line {
		if data[start] == '\n' {
			n++
		}
		start++
	}
	if n != line {
		return ""
	}
	text, _, _ := strings.Cut(string(data[start:]), "\n")
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "[") {
		return cleanKey(strings.Trim(strings.SplitN(text, "]", 2)[0], "[ "))
	}
	k, _, ok := strings.Cut(text, "=")
	if !ok {
		return ""
	}
	if k = cleanKey(k); k == "" {
		return ""
	}
	return joinPath(indexDocument(data[:start]).table, k)
}

// cleanKey returns a dotted key written as text as a path, or "" when it
// does not look like a key.
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

// keyValue indexes a key-value in the table at prefix, and what its value
// holds.
func (idx *docIndex) keyValue(prefix string, kv *unstable.Node) {
	it := kv.Key()
	parts, offset := keyParts(&it)
	line := idx.line(offset)
	path := prefix
	for _, part := range parts {
		path = joinPath(path, keyPart(part))
		idx.record(path, line)
	}
	idx.value(path, kv.Value(), line)
}

// value indexes the value at path, first seen on line.
func (idx *docIndex) value(path string, v *unstable.Node, line int) {
	switch v.Kind {
	case unstable.Integer, unstable.Float:
		idx.numbers[path] = string(v.Data)
	case unstable.InlineTable:
		children := v.Children()
		for children.Next() {
			if n := children.Node(); n.Kind == unstable.KeyValue {
				idx.keyValue(path, n)
			}
		}
	case unstable.Array:
		children := v.Children()
		i := 0
		for children.Next() {
			n := children.Node()
			if n.Kind == unstable.Comment {
				continue
			}
			elem := path + "[" + strconv.Itoa(i) + "]"
			elemLine := line
			if n.Raw.Length > 0 {
				elemLine = idx.line(int(n.Raw.Offset))
			} else if n.Kind == unstable.InlineTable {
				if first := n.Child(); first != nil && first.Kind == unstable.KeyValue {
					k := first.Key()
					if _, off := keyParts(&k); off >= 0 {
						elemLine = idx.line(off)
					}
				}
			}
			idx.record(elem, elemLine)
			idx.value(elem, n, elemLine)
			i++
		}
	}
}

// record notes line as where path is, unless it was seen before.
func (idx *docIndex) record(path string, line int) {
	if _, ok := idx.lines[path]; !ok {
		idx.lines[path] = line
	}
}

// lineOf returns the line of path, or of the nearest enclosing path that
// has one, or 0.
func (idx *docIndex) lineOf(path string) int {
	for path != "" {
		if l, ok := idx.lines[path]; ok {
			return l
		}
		path = parentPath(path)
	}
	return 0
}

// line returns the line, from 1, of a byte offset.
func (idx *docIndex) line(offset int) int {
	return sort.SearchInts(idx.lineStarts, offset+1)
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

// joinPath joins a path and one more key part.
func joinPath(prefix, part string) string {
	if prefix == "" {
		return part
	}
	return prefix + "." + part
}

// parentPath returns the path that holds path: "a.b[2]" for "a.b[2].c",
// "a.b" for "a.b[2]", "" for "a".
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	// The last dot outside quotes.
	inQuote := false
	last := -1
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '\\':
			if inQuote {
				i++
			}
		case '"':
			inQuote = !inQuote
		case '.':
			if !inQuote {
				last = i
			}
		}
	}
	if last < 0 {
		return ""
	}
	return path[:last]
}

// keyPart returns one key part as a path holds it: quoted unless bare.
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
