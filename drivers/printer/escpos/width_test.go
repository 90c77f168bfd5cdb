package escpos

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRuneWidth(t *testing.T) {
	for _, c := range []struct {
		r rune
		w int
	}{
		{'a', 1}, {' ', 1}, {'中', 2}, {'，', 2}, {'￥', 2}, {'Ａ', 2}, {'\u3000', 2},
		{'𠮷', 2}, {'😀', 2}, {'䶮', 2},
		{'¥', 1},      // Narrow
		{'•', 1},      // Ambiguous: one column when we draw it
		{'·', 1},      // Ambiguous
		{'ｶ', 1},      // Halfwidth
		{'\u0301', 0}, // combining acute
		{'\u200B', 0}, // zero-width space (Cf)
		{'\uFE0F', 0}, // variation selector
		{'\n', 0}, {0x7F, 0}, {0x85, 0},
	} {
		if got := RuneWidth(c.r); got != c.w {
			t.Errorf("RuneWidth(%q %U) = %d, want %d", c.r, c.r, got, c.w)
		}
	}
}

// On the printer a two-byte GB code is a 24-dot glyph whatever its East
// Asian Width; what we draw takes RuneWidth.
func TestRuneColumns(t *testing.T) {
	p := Generic58()
	for _, c := range []struct {
		r rune
		w int
	}{
		{'a', 1}, {'中', 2}, {'·', 2}, {'“', 2}, {'é', 2}, {'—', 2}, {'①', 2}, {'€', 2},
		{'¥', 1}, {'•', 1}, {'𠮷', 2}, {'😀', 2}, {'䶮', 2}, {'\u0301', 0},
	} {
		if got := p.RuneColumns(c.r); got != c.w {
			t.Errorf("RuneColumns(%q %U) = %d, want %d", c.r, c.r, got, c.w)
		}
	}
	if got := p.StringColumns("申请人：张三 ID 12"); got != 2*6+6 {
		t.Errorf("StringColumns = %d", got)
	}
	if w := p.ColumnFunc(2); w('中') != 4 || w('a') != 2 || w('¥') != 2 {
		t.Error("ColumnFunc(2) does not double")
	}
}

func TestWrap(t *testing.T) {
	p := Generic58()
	w1 := p.RuneColumns
	w2 := func(r rune) int { return 2 * p.RuneColumns(r) }
	addr := "河北省石家庄市长安区建设北大街道幸福里社区十二号楼三单元" // 28 characters
	cases := []struct {
		name string
		s    string
		cols int
		w    func(rune) int
		want []string
	}{
		{"fits", "申请人张三", 32, w1, []string{"申请人张三"}},
		{"chinese on 32", addr + "二零", 32, w1, []string{addr[:16*3], addr[16*3:] + "二零"}},
		{"chinese on 48", addr + "二零", 48, w1, []string{addr[:24*3], addr[24*3:] + "二零"}},
		{"double size on 32", "社会救助申请回执", 32, w2, []string{"社会救助申请回执"}},
		{"double size, one more", "社会救助申请回执单", 32, w2, []string{"社会救助申请回执", "单"}},
		{"latin word kept", "Application number ABC-12345 ok", 20, w1, []string{"Application number ", "ABC-12345 ok"}},
		{"long ID split only when longer than a line", "ID370481199001014828XYZ", 10, w1, []string{"ID37048119", "9001014828", "XYZ"}},
		{"mixed", "编号A001-2026已受理", 12, w1, []string{"编号", "A001-2026已", "受理"}},
		{"wide char never split", "ab中", 3, w1, []string{"ab", "中"}},
		{"closing punctuation stays", "一二三四五，六", 10, w1, []string{"一二三四", "五，六"}},
		{"opening punctuation stays", "一二三四（五）", 10, w1, []string{"一二三四", "（五）"}},
		{"space at the break", "abcd efgh", 4, w1, []string{"abcd", " ", "efgh"}},
		{"hard break", "甲\n\n乙", 32, w1, []string{"甲", "", "乙"}},
		{"empty", "", 32, w1, []string{""}},
		{"combining mark kept with its base", "abcde\u0301f", 5, w1, []string{"abcde\u0301", "f"}},
		{"combining mark kept with its base (2)", "abcd e\u0301f", 5, w1, []string{"abcd ", "e\u0301f"}},
	}
	for _, c := range cases {
		if got := Wrap(c.s, c.cols, c.w); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// A 30-character Chinese address on 32 and 48 columns, at both sizes.
func TestWrapAddress(t *testing.T) {
	p := Generic58()
	addr := []rune("广东省深圳市南山区粤海街道科技园社区科苑路十五号科兴科学园内")
	if len(addr) != 30 {
		t.Fatalf("%d characters", len(addr))
	}
	for _, c := range []struct {
		cols, size int
		lens       []int
	}{
		{32, 1, []int{16, 14}},
		{48, 1, []int{24, 6}},
		{32, 2, []int{8, 8, 8, 6}},
		{48, 2, []int{12, 12, 6}},
	} {
		got := Wrap(string(addr), c.cols, func(r rune) int { return c.size * p.RuneColumns(r) })
		var lens []int
		for _, l := range got {
			lens = append(lens, utf8.RuneCountInString(l))
		}
		if !reflect.DeepEqual(lens, c.lens) {
			t.Errorf("%d columns, size %d: %v", c.cols, c.size, lens)
		}
	}
}

// Property: over random mixes of Chinese, rare characters, Latin, digits,
// spaces, punctuation and combining marks, every line fits, lines join
// back to the input, and no line starts with a combining mark that had a
// base before it.
func TestWrapProperty(t *testing.T) {
	p := Generic58()
	pieces := []string{"中", "文", "张", "三", "，", "。", "（", "）", "a", "b", "Z", "1", "2", "-", ".", " ", " ",
		"𠮷", "䶮", "¥", "•", "😀", "\u0301", "·", "ID", "370481", "Hello"}
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 20000; k++ {
		var b strings.Builder
		for n := rng.IntN(40); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		cols := 4 + rng.IntN(50)
		size := 1 + rng.IntN(2)
		w := p.ColumnFunc(size)
		lines := Wrap(s, cols, w)
		if strings.Join(lines, "") != s {
			t.Fatalf("%q at %d: lines %q do not join back", s, cols, lines)
		}
		for i, l := range lines {
			if lw := lineCols(l, w); lw > cols {
				t.Fatalf("%q at %d×%d: line %q is %d columns", s, cols, size, l, lw)
			}
			if !utf8.ValidString(l) {
				t.Fatalf("%q: line %q splits a character", s, l)
			}
			if i > 0 && strings.HasPrefix(l, "\u0301") {
				t.Fatalf("%q: line %q starts with a mark torn from its base", s, l)
			}
			if i > 0 && l == "" {
				t.Fatalf("%q: an empty line in the middle", s)
			}
		}
	}
}

func TestPad(t *testing.T) {
	for _, c := range []struct {
		lw, cols, size int
		a              Align
		want           int
	}{
		{10, 32, 1, AlignLeft, 0},
		{10, 32, 1, AlignCenter, 11},
		{10, 32, 1, AlignRight, 22},
		{16, 32, 2, AlignCenter, 4}, // 8 double-width spaces = 16 columns, /2
		{16, 32, 2, AlignRight, 8},
		{32, 32, 1, AlignRight, 0},
		{40, 32, 1, AlignCenter, 0},
	} {
		if got := pad(c.lw, c.cols, c.size, c.a); got != c.want {
			t.Errorf("pad(%d, %d, %d, %d) = %d, want %d", c.lw, c.cols, c.size, c.a, got, c.want)
		}
	}
}
