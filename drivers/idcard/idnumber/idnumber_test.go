package idnumber

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckDigit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want byte
	}{
		{"11010519491231002", 'X'}, // GB 11643 example, S = 167
		{"44052418800101001", '4'}, // GB 11643 example, S = 195
		{"37048119850101123", '5'},
		{"00000000000000000", '1'}, // S = 0
		{"81000019900715002", '0'},
	} {
		got, err := CheckDigit(c.in)
		if err != nil || got != c.want {
			t.Errorf("CheckDigit(%s) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want error
	}{
		{"1101051949123100", ErrLength},
		{"110105194912310021", ErrLength},
		{"", ErrLength},
		{"1101051949123100X", ErrCharacter},
		{"11010519491231 02", ErrCharacter},
		{"１1010519491231002", ErrCharacter}, // full-width digit
	} {
		if _, err := CheckDigit(c.in); !errors.Is(err, c.want) {
			t.Errorf("CheckDigit(%q) err = %v, want %v", c.in, err, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	valid := []string{
		"11010519491231002X",
		"11010519491231002x",
		"440524188001010014",
		"370481198501011235",
		"810000199007150020", // Hong Kong residence permit
		"931156198803090023", // 2023 foreigner card
		"110105200002290013", // leap day
	}
	for _, id := range valid {
		if err := Validate(id); err != nil {
			t.Errorf("Validate(%s) = %v", id, err)
		}
		if !Valid(id) {
			t.Errorf("Valid(%s) = false", id)
		}
	}

	invalid := []struct {
		id   string
		want error
		pos  int
	}{
		{"", ErrLength, 0},
		{"11010519491231002", ErrLength, 0},
		{"11010519491231002X1", ErrLength, 0},
		{"440524880101001", ErrLength, 0}, // 15 digits: Validate wants 18
		{"11010519491231002Y", ErrCharacter, 18},
		{"1101051949123100XX", ErrCharacter, 17},
		{"a1010519491231002X", ErrCharacter, 1},
		{"11010519491231002×", ErrCharacter, 18}, // 18 runes, one not ASCII
		{"110105194913310027", ErrBirthDate, 0},  // month 13
		{"110105190002290011", ErrBirthDate, 0},  // 1900 is not a leap year
		{"110105179912310011", ErrBirthDate, 0},  // before 1800
		{"110105194912000011", ErrBirthDate, 0},  // day 0
		{"110105194912310021", ErrCheckDigit, 18},
		{"440524188001010015", ErrCheckDigit, 18},
	}
	for _, c := range invalid {
		err := Validate(c.id)
		if !errors.Is(err, c.want) {
			t.Errorf("Validate(%q) = %v, want %v", c.id, err, c.want)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Pos != c.pos {
			t.Errorf("Validate(%q) = %#v, want position %d", c.id, err, c.pos)
		}
		if Valid(c.id) {
			t.Errorf("Valid(%q) = true", c.id)
		}
		if len(c.id) > 10 && strings.Contains(err.Error(), c.id[6:14]) {
			t.Errorf("error %q repeats the number", err)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := Validate("110105194912310021")
	if got, want := err.Error(), "idnumber: wrong check character at position 18: want X"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	err = Validate("123")
	if got, want := err.Error(), "idnumber: wrong length: got 3 characters, want 18"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestUpgrade15(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"370481850101123", "370481198501011235"},
		{"440524800101001", "440524198001010013"},
		{"110105491231002", "11010519491231002X"},
	} {
		got, err := Upgrade15(c.in)
		if err != nil || got != c.want {
			t.Errorf("Upgrade15(%s) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if !Valid(got) {
			t.Errorf("Upgrade15(%s) = %s is not valid", c.in, got)
		}
	}
	for _, c := range []struct {
		in   string
		want error
	}{
		{"37048185010112", ErrLength},
		{"370481198501011235", ErrLength},
		{"37048185010112X", ErrCharacter},
		{"370481850230123", ErrBirthDate}, // 1985-02-30
		{"370481851301123", ErrBirthDate},
	} {
		if got, err := Upgrade15(c.in); got != "" || !errors.Is(err, c.want) {
			t.Errorf("Upgrade15(%q) = %q, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestBirthDateAndSex(t *testing.T) {
	for _, c := range []struct {
		id    string
		birth string
		sex   Gender
	}{
		{"11010519491231002X", "1949-12-31", Female},
		{"440524188001010014", "1880-01-01", Male},
		{"370481198501011235", "1985-01-01", Male},
		{"370481198501011230", "1985-01-01", Male}, // the check character is not checked
		{"370481850101123", "1985-01-01", Male},
		{"370481850101124", "1985-01-01", Female},
	} {
		b, err := BirthDate(c.id)
		if err != nil || b != c.birth {
			t.Errorf("BirthDate(%s) = %q, %v; want %q", c.id, b, err, c.birth)
		}
		s, err := Sex(c.id)
		if err != nil || s != c.sex {
			t.Errorf("Sex(%s) = %v, %v; want %v", c.id, s, err, c.sex)
		}
	}
	for _, c := range []struct {
		id   string
		want error
	}{
		{"", ErrLength},
		{"3704811985010112", ErrLength},
		{"370481198502301235", ErrBirthDate},
		{"370481850230123", ErrBirthDate},
		{"3704811985010112A5", ErrCharacter},
		{"37048185010112A", ErrCharacter},
		{"37048185010112é", ErrCharacter},
	} {
		if b, err := BirthDate(c.id); b != "" || !errors.Is(err, c.want) {
			t.Errorf("BirthDate(%q) = %q, %v; want %v", c.id, b, err, c.want)
		}
		if s, err := Sex(c.id); s != 0 || !errors.Is(err, c.want) {
			t.Errorf("Sex(%q) = %v, %v; want %v", c.id, s, err, c.want)
		}
	}
}

func TestGender(t *testing.T) {
	for _, c := range []struct {
		g          Gender
		code, name string
	}{{Male, "1", "男"}, {Female, "2", "女"}, {0, "", "未知"}, {9, "", "未知"}} {
		if c.g.Code() != c.code || c.g.String() != c.name {
			t.Errorf("Gender(%d) = %q %q, want %q %q", int(c.g), c.g.Code(), c.g.String(), c.code, c.name)
		}
	}
}

func TestMask(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"370481198501011234", "370481********1234"},
		{"11010519491231002X", "110105********002X"},
		{"370481850101123", "370481*****1123"},
		{"12345678901", "123456*8901"},
		{"1234567890", "******7890"},
		{"12345", "*2345"},
		{"1234", "****"},
		{"12", "**"},
		{"", ""},
		{"张三李四王五赵六孙七周八", "张三李四王五**孙七周八"},
		{"a\nb\u202ec", "*\uFFFDb\uFFFDc"},
		{"ab\xffcd", "*b\uFFFDcd"},
		{"370481\n9850101123\r", "370481********123\uFFFD"},
	} {
		got := Mask(c.in)
		if got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
		if utf8.RuneCountInString(got) != utf8.RuneCountInString(c.in) || !utf8.ValidString(got) {
			t.Errorf("Mask(%q) = %q: rune count or UTF-8 wrong", c.in, got)
		}
	}
}
