package jcs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is how deeply arrays and objects may nest.
const MaxDepth = 64

// SyntaxError is JSON that Parse does not take.
type SyntaxError struct {
	// Offset is the byte where the problem was found.
	Offset int
	// Path names the value being read: member names joined by dots,
	// array indexes in brackets ("manifest.ink.samples[3][1]"); empty
	// for the top-level value.
	Path string
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("jcs: %s at byte %d", e.Msg, e.Offset)
	}
	return fmt.Sprintf("jcs: %s at byte %d (in %s)", e.Msg, e.Offset, e.Path)
}

// Parse reads one JSON value (with whitespace around it, nothing else).
func Parse(data []byte) (Value, error) {
	p := parser{data: data}
	p.space()
	v, err := p.value()
	if err != nil {
		return Value{}, err
	}
	p.space()
	if p.pos < len(p.data) {
		return Value{}, p.fail("text after the JSON value")
	}
	return v, nil
}

type parser struct {
	data []byte
	pos  int
	// path is the way to the value being read: member names (string) and
	// array indexes (int); rendered only for an error.
	path []any
}

func (p *parser) fail(format string, args ...any) *SyntaxError {
	var b strings.Builder
	for _, s := range p.path {
		switch s := s.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		}
	}
	return &SyntaxError{Offset: p.pos, Path: b.String(), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (Value, error) {
	if len(p.path) > MaxDepth {
		return Value{}, p.fail("nested more than %d deep", MaxDepth)
	}
	if p.pos >= len(p.data) {
		return Value{}, p.fail("unexpected end of the text")
	}
	start := p.pos
	var v Value
	var err error
	switch c := p.data[p.pos]; {
	case c == '{':
		v, err = p.object()
	case c == '[':
		v, err = p.array()
	case c == '"':
		var s string
		s, err = p.string()
		v = Value{kind: String, str: s}
	case c == '-' || c >= '0' && c <= '9':
		var f float64
		f, err = p.number()
		v = Value{kind: Number, num: f}
	case p.literal("true"):
		v = Value{kind: Bool, b: true}
	case p.literal("false"):
		v = Value{kind: Bool}
	case p.literal("null"):
		v = Value{kind: Null}
	default:
		return Value{}, p.fail("unexpected %s", describe(p.data[p.pos:]))
	}
	if err != nil {
		return Value{}, err
	}
	v.start, v.end = start, p.pos
	return v, nil
}

// describe names the character at the start of b for an error message.
func describe(b []byte) string {
	r, _ := utf8.DecodeRune(b)
	if r == utf8.RuneError {
		return fmt.Sprintf("byte %#02x", b[0])
	}
	return strconv.QuoteRune(r)
}

func (p *parser) literal(word string) bool {
	if strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+len(word))]), word) {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *parser) object() (Value, error) {
	p.pos++ // {
	v := Value{kind: Object}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return Value{}, p.expected("a member name")
		}
		nameStart := p.pos
		name, err := p.string()
		if err != nil {
			return Value{}, err
		}
		for _, m := range v.obj {
			if m.Name == name {
				p.pos = nameStart
				return Value{}, p.fail("duplicate member name %q", name)
			}
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return Value{}, p.expected(fmt.Sprintf("':' after the member name %q", name))
		}
		p.pos++
		p.path = append(p.path, name)
		p.space()
		mv, err := p.value()
		if err != nil {
			return Value{}, err
		}
		v.obj = append(v.obj, Member{Name: name, NameStart: nameStart, Value: mv})
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			p.path = p.path[:len(p.path)-1]
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			p.path = p.path[:len(p.path)-1]
			return v, nil
		}
		return Value{}, p.expected("',' or '}'")
	}
}

func (p *parser) expected(what string) *SyntaxError {
	if p.pos >= len(p.data) {
		return p.fail("unexpected end of the text, expected %s", what)
	}
	return p.fail("expected %s, found %s", what, describe(p.data[p.pos:]))
}

// array reads an array; while every element is a number it keeps them as
// float64s only (a signature's samples are many such arrays).
func (p *parser) array() (Value, error) {
	p.pos++ // [
	v := Value{kind: Array}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	var nums []float64
	allNumbers := true
	for i := 0; ; i++ {
		p.path = append(p.path, i)
		p.space()
		e, err := p.value()
		if err != nil {
			return Value{}, err
		}
		p.path = p.path[:len(p.path)-1]
		if allNumbers && e.kind == Number {
			nums = append(nums, e.num)
		} else {
			if allNumbers {
				allNumbers = false
				v.arr = make([]Value, len(nums), len(nums)+1)
				for j, f := range nums {
					v.arr[j] = Value{kind: Number, num: f}
				}
				nums = nil
			}
			v.arr = append(v.arr, e)
		}
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			break
		}
		return Value{}, p.expected("',' or ']'")
	}
	if allNumbers {
		v.nums = nums
	}
	return v, nil
}

// number reads a number as RFC 8259 writes it, as the nearest double.
func (p *parser) number() (float64, error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.data[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case digits() == 0:
		return 0, p.expected("a digit")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return 0, p.expected("a digit after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return 0, p.expected("a digit in the exponent")
		}
	}
	text := string(p.data[start:p.pos])
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		p.pos = start
		return 0, p.fail("number %s is out of the range of a double", text)
	}
	return f, nil
}

// string reads a string: valid UTF-8, no control characters, no lone
// surrogates, no noncharacters.
func (p *parser) string() (string, error) {
	p.pos++ // "
	var b []byte
	start := p.pos
	for {
		if p.pos >= len(p.data) {
			return "", p.fail("unexpected end of the text in a string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			var s string
			if b == nil {
				s = string(p.data[start:p.pos])
			} else {
				s = string(append(b, p.data[start:p.pos]...))
			}
			p.pos++
			return s, nil
		case c == '\\':
			b = append(b, p.data[start:p.pos]...)
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			b = utf8.AppendRune(b, r)
			start = p.pos
		case c < 0x20:
			return "", p.fail("control character %#02x in a string (write it as an escape)", c)
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, n := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && n == 1 {
				return "", p.fail("invalid UTF-8 (byte %#02x) in a string", c)
			}
			if nonCharacter(r) {
				return "", p.fail("noncharacter U+%04X in a string", r)
			}
			p.pos += n
		}
	}
}

// escape reads one escape sequence (a surrogate pair is one) after the
// backslash at p.pos.
func (p *parser) escape() (rune, error) {
	at := p.pos
	p.pos++
	if p.pos >= len(p.data) {
		return 0, p.fail("unexpected end of the text in an escape")
	}
	c := p.data[p.pos]
	p.pos++
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return 0, err
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xdc00:
			if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
				p.pos += 2
				lo, err := p.hex4()
				if err != nil {
					return 0, err
				}
				if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
					r = pair
					break
				}
			}
			p.pos = at
			return 0, p.fail("lone surrogate \\u%04x in a string", r)
		case utf16.IsSurrogate(r):
			p.pos = at
			return 0, p.fail("lone surrogate \\u%04x in a string", r)
		}
		if nonCharacter(r) {
			p.pos = at
			return 0, p.fail("noncharacter U+%04X in a string", r)
		}
		return r, nil
	}
	p.pos -= 2
	return 0, p.fail("invalid escape \\%s", describe(p.data[p.pos+1:]))
}

func (p *parser) hex4() (rune, error) {
	if p.pos+4 > len(p.data) {
		return 0, p.fail("unexpected end of the text in a \\u escape")
	}
	var r rune
	for _, c := range p.data[p.pos : p.pos+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, p.fail("invalid \\u escape")
		}
		r = r<<4 | rune(d)
	}
	p.pos += 4
	return r, nil
}

// nonCharacter reports whether r is one of Unicode's 66 noncharacters,
// which I-JSON strings must not hold.
func nonCharacter(r rune) bool {
	return r >= 0xfdd0 && r <= 0xfdef || r&0xfffe == 0xfffe
}
