package precheck

import (
	"fmt"
	"math/big"
	"strings"
)

// Money is kept in fen (分) as integers, shares in basis points (1/10000),
// areas in 1/100 m². A figure computed from a household (a per-capita
// income) is a rational number of those units, rat; it is compared with a
// standard exactly (in math/big, so no product can overflow) and rounded
// only to be shown.
//
// How figures are shown (the rounding is explicit, never a float's):
//
//   - A household's figure is rounded half up to a whole yuan (a whole
//     per cent for shares): 611.50 元 → 612 元.
//   - A standard is shown as it is, with fen only when it has them
//     (780 元, 780.50 元). A standard derived by a multiplier (1.5 × 780.33)
//     is first rounded half up to the fen; that rounded figure is the one
//     compared with.
//   - When rounding would make the two look equal although they are not
//     (779.60 元 against 780 元), the household's figure is shown to the
//     fen, rounded towards the truth (down when below, up when above), so
//     that what is shown never contradicts the outcome.

// rat is the non-negative number num/den of base units; den > 0.
type rat struct{ num, den int64 }

// cmpInt compares a with the integer b: -1, 0 or +1.
func (a rat) cmpInt(b int64) int {
	x := new(big.Int).SetInt64(a.num)
	y := new(big.Int).Mul(big.NewInt(b), big.NewInt(a.den))
	return x.Cmp(y)
}

// cmpScaled compares a×p with b×q, for non-negative integers p and q.
func (a rat) cmpScaled(p, b, q int64) int {
	x := new(big.Int).Mul(big.NewInt(a.num), big.NewInt(p))
	y := new(big.Int).Mul(big.NewInt(b), big.NewInt(q))
	y.Mul(y, big.NewInt(a.den))
	return x.Cmp(y)
}

// floor and ceil are a rounded down and up to a base unit.
func (a rat) floor() int64 { return a.num / a.den }
func (a rat) ceil() int64 {
	q := a.num / a.den
	if a.num%a.den != 0 {
		q++
	}
	return q
}

// roundTo returns a rounded half up to a multiple of unit base units.
func (a rat) roundTo(unit int64) int64 {
	// floor((2·num + den·unit) / (2·den·unit)) · unit, in big to be safe.
	n := new(big.Int).Mul(big.NewInt(a.num), big.NewInt(2))
	du := new(big.Int).Mul(big.NewInt(a.den), big.NewInt(unit))
	n.Add(n, du)
	du.Mul(du, big.NewInt(2))
	n.Quo(n, du)
	n.Mul(n, big.NewInt(unit))
	if !n.IsInt64() {
		return 1<<63 - 1
	}
	return n.Int64()
}

// mulRound returns v×p/q rounded half up to a base unit: how a standard
// times a multiplier (q = 10000) becomes a figure in fen. v, p ≥ 0, q > 0.
func mulRound(v, p, q int64) int64 {
	n := new(big.Int).Mul(big.NewInt(v), big.NewInt(p))
	n.Mul(n, big.NewInt(2))
	n.Add(n, big.NewInt(q))
	n.Quo(n, new(big.Int).Mul(big.NewInt(q), big.NewInt(2)))
	if !n.IsInt64() {
		return 1<<63 - 1
	}
	return n.Int64()
}

// fixed writes v base units in display units of unit base units, with
// all decimals (unit 100: 780.50).
func fixed(v, unit int64) string {
	digits := len(fmt.Sprint(unit)) - 1
	if digits == 0 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%d.%0*d", v/unit, digits, v%unit)
}

// plain writes v base units in display units, with decimals only when
// there are any (780, 780.50).
func plain(v, unit int64) string {
	if v%unit == 0 {
		return fmt.Sprint(v / unit)
	}
	return fixed(v, unit)
}

// pair writes a household's figure a and a standard b, both in base
// units, for a sentence comparing them; see the rules above.
func pair(a rat, b, unit int64) (aText, bText string) {
	bText = plain(b, unit)
	want := a.cmpInt(b)
	shown := a.roundTo(unit)
	if sign(shown-b) == want {
		return plain(shown, unit), bText
	}
	exact := b
	switch want {
	case -1:
		exact = a.floor()
	case 1:
		exact = a.ceil()
	}
	return fixed(exact, unit), fixed(b, unit)
}

func sign(x int64) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// yuan writes an amount of fen as yuan, rounded half up to the yuan, or to
// the fen when it is under a yuan but not nothing: "612 元", "0.40 元".
func yuan(fen int64) string { return yuanRat(rat{fen, 1}) }

// yuanRat writes a rational amount of fen as yuan, as yuan does.
func yuanRat(a rat) string {
	if r := a.roundTo(100); r > 0 || a.num == 0 {
		return plain(r, 100) + " 元"
	}
	return fixed(a.roundTo(1), 100) + " 元"
}

// percent writes basis points as a percentage: 5000 → "50%", 3333 →
// "33.33%".
func percent(bp int64) string { return strings.TrimSuffix(plain(bp, 100), ".00") + "%" }
