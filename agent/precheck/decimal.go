package precheck

import (
	"fmt"
	"strings"
)

// parseScaled reads a TOML number literal (as written: "780", "1.5",
// "1_000.25", "+3") exactly as an integer count of 1/scale units, for a
// scale of 1, 100 or 10000 that allows the given number of decimals. It
// never goes through a float: 0.1 is 10 fen, not 10.000000000000002.
// Exponents, inf, nan, hex, octal and binary are refused with a message
// saying how to write the number instead; so are negatives, more decimals
// than allowed and values above limit.
func parseScaled(text string, scale int64, decimals int, limit int64) (int64, string) {
	s := strings.ReplaceAll(text, "_", "")
	switch {
	case strings.HasPrefix(s, "-"):
		return 0, "must not be negative"
	case strings.Contains(s, "inf") || strings.Contains(s, "nan"):
		return 0, "must be a number, not " + text
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0o") || strings.HasPrefix(s, "0b"):
		return 0, "write the number in decimal digits, not " + text
	case strings.ContainsAny(s, "eE"):
		return 0, "write the number without an exponent, not " + text
	}
	s = strings.TrimPrefix(s, "+")
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > decimals {
		if decimals == 0 {
			return 0, "must be a whole number, not " + text
		}
		return 0, fmt.Sprintf("has more than %d decimals: %s", decimals, text)
	}
	if whole == "" || strings.ContainsFunc(whole+frac, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, "is not a number: " + text
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 15 {
		return 0, fmt.Sprintf("is too large: %s (at most %s)", text, formatScaled(limit, scale))
	}
	var v int64
	for _, c := range whole {
		v = v*10 + int64(c-'0')
	}
	v *= scale
	unit := scale
	for _, c := range frac {
		unit /= 10
		v += int64(c-'0') * unit
	}
	if v > limit {
		return 0, fmt.Sprintf("is too large: %s (at most %s)", text, formatScaled(limit, scale))
	}
	return v, ""
}

// formatScaled writes v/scale as a decimal without trailing zeros.
func formatScaled(v, scale int64) string {
	s := fmt.Sprint(v / scale)
	if r := v % scale; r != 0 {
		digits := len(fmt.Sprint(scale)) - 1
		s += "." + strings.TrimRight(fmt.Sprintf("%0*d", digits, r), "0")
	}
	return s
}
