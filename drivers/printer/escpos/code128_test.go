package escpos

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func TestCode128Payload(t *testing.T) {
	cases := []struct {
		in      string
		want    string // payload, with {X selectors
		symbols int
	}{
		// receiptline's output, observed in spec §1.4.
		{"ABC-12345", "{BABC-1{C\x17\x2D", 3 + 8},
		// Four digits at the end go to set C: one symbol narrower than the
		// spec's all-B example (which is valid too), and what receiptline
		// itself sends.
		{"A001-2026", "{BA001-{C\x14\x1A", 3 + 8},
		{"12", "{C\x0C", 3 + 1},
		{"1", "{B1", 3 + 1},
		{"123", "{B123", 3 + 3},
		{"1234", "{C\x0C\x22", 3 + 2},
		{"12345", "{C\x0C\x22{B5", 3 + 4},
		{"1234AB", "{C\x0C\x22{BAB", 3 + 5},
		{"AB1234CD", "{BAB1234CD", 3 + 8},               // four in the middle: no gain
		{"AB12345CD", "{BAB12345CD", 3 + 9},             // five in the middle: no gain
		{"AB123456CD", "{BAB{C\x0C\x22\x38{BCD", 3 + 9}, // six in the middle: one symbol less
		{"AB1234567CD", "{BAB1{C\x17\x2D\x43{BCD", 3 + 10},
		{"{x}", "{B{{x}", 3 + 3},
		{"a b", "{Ba b", 3 + 3},
		{"370481199001014828", "{C\x25\x04\x51\x13\x5A\x01\x01\x30\x1C", 3 + 9},
	}
	for _, c := range cases {
		p, n, err := Code128Payload(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if string(p) != c.want || n != c.symbols {
			t.Errorf("%q: %q (%d symbols), want %q (%d)", c.in, p, n, c.want, c.symbols)
		}
	}
	for _, bad := range []string{"", "张三", "tab\there", "\x7f", string(bytes.Repeat([]byte("A"), 121))} {
		if _, _, err := Code128Payload(bad); !errors.Is(err, ErrNotEncodable) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// decode128 reads a GS k 73 payload back into text.
func decode128(t *testing.T, p []byte) string {
	t.Helper()
	if len(p) < 2 || p[0] != '{' || (p[1] != 'B' && p[1] != 'C') {
		t.Fatalf("payload %q does not start with a selector", p)
	}
	set := p[1]
	var out []byte
	for i := 2; i < len(p); i++ {
		c := p[i]
		if c == '{' && set == 'B' {
			i++
			switch {
			case i >= len(p):
				t.Fatalf("payload %q ends in {", p)
			case p[i] == '{':
				out = append(out, '{')
			case p[i] == 'B' || p[i] == 'C':
				set = p[i]
			default:
				t.Fatalf("payload %q: {%c", p, p[i])
			}
			continue
		}
		if set == 'C' {
			if c == '{' { // a selector in set C is also {X
				i++
				set = p[i]
				continue
			}
			if c > 99 {
				t.Fatalf("payload %q: %d in set C", p, c)
			}
			out = append(out, '0'+c/10, '0'+c%10)
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// optimal is the fewest data symbols (switches included) of any B/C
// encoding of s, by dynamic programming: the yardstick for ours.
func optimal(s string) int {
	const inf = 1 << 30
	// best[i][set]: fewest symbols for s[i:] starting in set (0 B, 1 C)
	best := make([][2]int, len(s)+1)
	digit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := len(s) - 1; i >= 0; i-- {
		b := 1 + best[i+1][0]     // one character in B
		b = min(b, 1+func() int { // or switch to C here
			if digit(i) && digit(i+1) {
				return 1 + best[i+2][1]
			}
			return inf
		}())
		c := 1 + b // switch to B
		if digit(i) && digit(i+1) {
			c = min(c, 1+best[i+2][1])
		}
		best[i] = [2]int{b, c}
	}
	cost := best[0][0]
	if digit(0) && digit(1) {
		cost = min(cost, 1+best[2][1])
	}
	return cost
}

// Round trip over random text of digits, letters and braces: the payload
// decodes to the text and is never wider than the optimal encoding.
func TestCode128Property(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "0123456789012345678901234567890123456789AZaz-{} /"
	for k := 0; k < 20000; k++ {
		n := 1 + rng.IntN(30)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		p, symbols, err := Code128Payload(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got := decode128(t, p); got != s {
			t.Fatalf("%q → %q → %q", s, p, got)
		}
		if opt := optimal(s) + 3; symbols > opt {
			t.Errorf("%q: %d symbols, optimal %d", s, symbols, opt)
		}
	}
}
