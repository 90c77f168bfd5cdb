package jcs

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
)

// Canonicalize parses a JSON text and writes it canonically.
func Canonicalize(data []byte) ([]byte, error) {
	v, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return Append(nil, v)
}

// ErrNumber is returned by AppendNumber for NaN and ±Inf, which JSON
// cannot hold.
var ErrNumber = errors.New("jcs: NaN and infinities are not JSON numbers")

// Append writes v canonically (RFC 8785 §3.2). Values from Parse always
// write; a NewNumber of NaN or ±Inf is ErrNumber.
func Append(dst []byte, v Value) ([]byte, error) {
	var err error
	switch v.kind {
	case Null:
		dst = append(dst, "null"...)
	case Bool:
		if v.b {
			dst = append(dst, "true"...)
		} else {
			dst = append(dst, "false"...)
		}
	case Number:
		dst, err = AppendNumber(dst, v.num)
	case String:
		dst = AppendString(dst, v.str)
	case Array:
		dst = append(dst, '[')
		for i := range v.Len() {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = Append(dst, v.Index(i)); err != nil {
				return dst, err
			}
		}
		dst = append(dst, ']')
	case Object:
		dst = append(dst, '{')
		for i, m := range sortedMembers(v.obj) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, m.Name)
			dst = append(dst, ':')
			if dst, err = Append(dst, m.Value); err != nil {
				return dst, err
			}
		}
		dst = append(dst, '}')
	}
	return dst, err
}

// sortedMembers orders members by the UTF-16 code units of their names
// (RFC 8785 §3.2.3), which differs from the order of code points (and of
// UTF-8 bytes) where a name holds a character beyond U+FFFF.
func sortedMembers(ms []Member) []Member {
	type keyed struct {
		key []uint16
		m   Member
	}
	ks := make([]keyed, len(ms))
	for i, m := range ms {
		ks[i] = keyed{utf16.Encode([]rune(m.Name)), m}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return slices.Compare(a.key, b.key) })
	out := make([]Member, len(ms))
	for i, k := range ks {
		out[i] = k.m
	}
	return out
}

// AppendString writes s as a JSON string the way RFC 8785 §3.2.2.2 asks:
// \" and \\, the short escapes \b \t \n \f \r, \u00xx (lower-case hex)
// for the other control characters, everything else as it is.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch c {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\b':
			esc = `\b`
		case '\t':
			esc = `\t`
		case '\n':
			esc = `\n`
		case '\f':
			esc = `\f`
		case '\r':
			esc = `\r`
		default:
			if c >= 0x20 {
				continue
			}
			esc = `\u00` + string(hex[c>>4]) + string(hex[c&15])
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendNumber writes f as ECMAScript's Number.prototype.toString does
// (RFC 8785 §3.2.2.3): the shortest digits that read back as f; plain
// notation from 1e-6 up to below 1e21, exponent notation ("1e+21",
// "1.5e-7") outside; -0 as 0.
func AppendNumber(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, ErrNumber
	}
	if f == 0 {
		return append(dst, '0'), nil
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	// Shortest round-trip digits and the decimal exponent: d.ddde±x.
	e := strconv.AppendFloat(nil, f, 'e', -1, 64)
	mark := slices.Index(e, 'e')
	exp, _ := strconv.Atoi(string(e[mark+1:]))
	digits := make([]byte, 0, mark)
	for _, c := range e[:mark] {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	k, n := len(digits), exp+1 // f = 0.digits × 10^n
	switch {
	case k <= n && n <= 21:
		dst = append(dst, digits...)
		for range n - k {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(dst, digits[:n]...)
		dst = append(dst, '.')
		dst = append(dst, digits[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, "0."...)
		for range -n {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		dst = append(dst, digits[0])
		if k > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(n-1), 10)
	}
	return dst, nil
}
