package jcs

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"
)

func canon(t *testing.T, in string) string {
	t.Helper()
	out, err := Canonicalize([]byte(in))
	if err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	return string(out)
}

// TestRFC8785Example is the example of RFC 8785 §3.2.2 (literals,
// numbers, string escapes), whose canonical form §3.2.3 gives.
func TestRFC8785Example(t *testing.T) {
	in := `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`
	want := `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`
	if got := canon(t, in); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestRFC8785Sorting is the sorting example of RFC 8785 §3.2.3: names
// ordered by UTF-16 code units, so the emoji (a surrogate pair, D83D)
// comes before U+FB33 although its code point is larger.
func TestRFC8785Sorting(t *testing.T) {
	in := `{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`
	want := "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"
	if got := canon(t, in); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// U+0080 is written as its UTF-8 bytes, not escaped.
	if got := hex.EncodeToString([]byte(canon(t, in))[:6]); got != "7b225c72223a" || !strings.Contains(canon(t, in), "\xc2\x80") {
		t.Errorf("bytes %s…", got)
	}
}

// TestCyberphoneWeird is the author's test file weird.json: a name that
// looks like HTML, DEL left as it is.
func TestCyberphoneWeird(t *testing.T) {
	in := `{
  "\u20ac": "Euro Sign",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
}`
	want := "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F602\":\"Smiley\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"
	if got := canon(t, in); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestRFC8785Numbers is Appendix B of RFC 8785: IEEE 754 doubles and
// the text ECMAScript writes for them.
func TestRFC8785Numbers(t *testing.T) {
	for _, c := range []struct{ bits, want string }{
		{"0000000000000000", "0"},
		{"8000000000000000", "0"},
		{"0000000000000001", "5e-324"},
		{"8000000000000001", "-5e-324"},
		{"7fefffffffffffff", "1.7976931348623157e+308"},
		{"ffefffffffffffff", "-1.7976931348623157e+308"},
		{"4340000000000000", "9007199254740992"},
		{"c340000000000000", "-9007199254740992"},
		{"4430000000000000", "295147905179352830000"},
		{"44b52d02c7e14af5", "9.999999999999997e+22"},
		{"44b52d02c7e14af6", "1e+23"},
		{"44b52d02c7e14af7", "1.0000000000000001e+23"},
		{"444b1ae4d6e2ef4e", "999999999999999700000"},
		{"444b1ae4d6e2ef4f", "999999999999999900000"},
		{"444b1ae4d6e2ef50", "1e+21"},
		{"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"},
		{"3eb0c6f7a0b5ed8d", "0.000001"},
		{"41b3de4355555553", "333333333.3333332"},
		{"41b3de4355555554", "333333333.33333325"},
		{"41b3de4355555555", "333333333.3333333"},
		{"41b3de4355555556", "333333333.3333334"},
		{"41b3de4355555557", "333333333.33333343"},
		{"becbf647612f3696", "-0.0000033333333333333333"},
		{"43143ff3c1cb0959", "1424953923781206.2"},
	} {
		b, _ := hex.DecodeString(c.bits)
		f := math.Float64frombits(binary.BigEndian.Uint64(b))
		got, err := AppendNumber(nil, f)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %s, %v; want %s", c.bits, got, err, c.want)
		}
		// And the text reads back as the same number.
		if v, err := Parse(got); err != nil || v.Num() != f && !(f == 0 && v.Num() == 0) {
			t.Errorf("%s: %s reads back as %v, %v", c.bits, got, v.Num(), err)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := AppendNumber(nil, f); !errors.Is(err, ErrNumber) {
			t.Errorf("%v: %v", f, err)
		}
	}
}

// TestIntegers: the numbers a signature holds — integers — are written
// as plain digits, however they were written in the input.
func TestIntegers(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0": "0", "7": "7", "-7": "-7", "1.0": "1", "1e3": "1000", "10E+2": "1000",
		"2147483648": "2147483648", "1234567890123": "1234567890123",
		"9007199254740991": "9007199254740991", "-9007199254740991": "-9007199254740991",
		"9007199254740993": "9007199254740992", // not a double: the nearest one
		"1e20":             "100000000000000000000", "1e21": "1e+21", "12300e-2": "123",
	} {
		if got := canon(t, in); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}

// TestStringEscapes: exactly the escapes RFC 8785 §3.2.2.2 asks for.
func TestStringEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`"\u0000\u001f\u0008\u0009\u000a\u000c\u000d"`: `"\u0000\u001f\b\t\n\f\r"`,
		`"\/\u002f"`:           `"//"`,
		`"\u007f\u2028\u2029"`: "\"\u007f\u2028\u2029\"",
		`"<>&'"`:               `"<>&'"`,
		`"\u00E9"`:             `"é"`,
		`"\uD834\uDD1E"`:       `"𝄞"`,
		`"中文 签名"`:              `"中文 签名"`,
	} {
		if got := canon(t, in); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}

func TestNesting(t *testing.T) {
	in := ` { "b" : [ 1 , { "z" : {}, "a" : [] } , "x" ] , "a" : { "c" : null , "b" : false } } `
	want := `{"a":{"b":false,"c":null},"b":[1,{"a":[],"z":{}},"x"]}`
	if got := canon(t, in); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestRejected: what I-JSON and JCS rule out, with where it was.
func TestRejected(t *testing.T) {
	for in, want := range map[string]struct {
		path string
		msg  string
	}{
		`{"a":1,"a":2}`:            {"", "duplicate member name \"a\""},
		`{"a":{"b":1,"\u0062":2}}`: {"a", "duplicate member name \"b\""},
		`{"a":"\ud800"}`:           {"a", "lone surrogate"},
		`{"a":"\udc00x"}`:          {"a", "lone surrogate"},
		`{"a":"\ud800\u0041"}`:     {"a", "lone surrogate"},
		`{"a":["x","\uffff"]}`:     {"a[1]", "noncharacter"},
		"{\"a\":\"\xef\xb7\x90\"}": {"a", "noncharacter"},
		"{\"a\":\"\xff\"}":         {"a", "invalid UTF-8"},
		"{\"a\":\"\xc3\"}":         {"a", "invalid UTF-8"},
		"{\"a\":\"\x01\"}":         {"a", "control character"},
		`{"a":1e400}`:              {"a", "out of the range"},
		`{"a":-1e400}`:             {"a", "out of the range"},
		`{"a":01}`:                 {"a", "expected ',' or '}'"},
		`{"a":[1,]}`:               {"a[1]", "unexpected"},
		`{"a":.5}`:                 {"a", "unexpected"},
		`{"a":1.}`:                 {"a", "digit after"},
		`{"a":1e}`:                 {"a", "exponent"},
		`{"a":"\x"}`:               {"a", "invalid escape"},
		`{"a":"\u12"}`:             {"a", "\\u escape"},
		`{"a":tru}`:                {"a", "unexpected"},
		`{"x":{"a" 1}}`:            {"x", "expected ':' after the member name \"a\""},
		`{"a":1 "b":2}`:            {"a", "expected ',' or '}'"},
		`{a:1}`:                    {"", "member name"},
		`[1 2]`:                    {"", "expected ',' or ']'"},
		`{"a":1}x`:                 {"", "text after"},
		"\ufeff{}":                 {"", "unexpected"},
		``:                         {"", "end of the text"},
		`"abc`:                     {"", "end of the text"},
		`NaN`:                      {"", "unexpected"},
		strings.Repeat("[", 70) + strings.Repeat("]", 70): {"", "nested more than"},
	} {
		_, err := Parse([]byte(in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: %v, want a SyntaxError", in, err)
			continue
		}
		if want.path != "" && se.Path != want.path || !strings.Contains(se.Msg, want.msg) {
			t.Errorf("%q: path %q, %q; want path %q, %q", in, se.Path, se.Msg, want.path, want.msg)
		}
	}
}

// TestSpans: a value remembers where it was, for error reports.
func TestSpans(t *testing.T) {
	in := `{"a": [1, {"b": "xy"}], "c": true}`
	v, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := v.Get("a")
	b, _ := a.Index(1).Get("b")
	if s, e := b.Span(); in[s:e] != `"xy"` {
		t.Errorf("span of b: %q", in[s:e])
	}
	if m := v.Members()[1]; in[m.NameStart:m.NameStart+3] != `"c"` {
		t.Errorf("name of c at %d", m.NameStart)
	}
}
