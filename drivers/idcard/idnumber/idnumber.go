// Package idnumber implements the rules of the citizen identity number
// (公民身份号码, GB 11643-1999): the ISO 7064 MOD 11-2 check character,
// validation, conversion of first-generation 15-digit numbers, the birth
// date and sex encoded in a number, and masking for logs.
//
// # Concepts
//
// An 18-character number is a 6-digit address code (GB/T 2260), an 8-digit
// birth date YYYYMMDD, a 3-digit sequence code (odd for men, even for women)
// and a check character 0–9 or X. The same structure and check are used by
// the Hong Kong / Macau / Taiwan residence permit (address codes 810000,
// 820000, 830000) and the 2023 foreigner's permanent residence card
// (leading 9).
//
// No function here returns an error whose text contains the number, so
// errors can be logged as they are. Mask makes a number fit for a log line.
package idnumber

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reasons why a number is not valid, matched with errors.Is against the
// *Error that the functions of this package return.
var (
	// ErrLength means the number has the wrong number of characters.
	ErrLength = errors.New("idnumber: wrong length")
	// ErrCharacter means a character is not allowed at its position.
	ErrCharacter = errors.New("idnumber: invalid character")
	// ErrBirthDate means the birth date part is not a valid date.
	ErrBirthDate = errors.New("idnumber: invalid birth date")
	// ErrCheckDigit means the check character does not match.
	ErrCheckDigit = errors.New("idnumber: wrong check character")
)

// Error says what is wrong with a number, without repeating the number.
type Error struct {
	Err error // ErrLength, ErrCharacter, ErrBirthDate or ErrCheckDigit
	// Pos is the 1-based character position of the problem for
	// ErrCharacter and ErrCheckDigit, else 0.
	Pos int
	// Detail adds a short explanation, e.g. "got 17 characters, want 18".
	Detail string
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Err.Error()
	if e.Pos > 0 {
		s += " at position " + strconv.Itoa(e.Pos)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the reason, so that errors.Is(err, ErrCheckDigit) works.
func (e *Error) Unwrap() error { return e.Err }

// Lengths of the two generations of numbers.
const (
	Len18 = 18 // second generation, GB 11643-1999
	Len15 = 15 // first generation, GB 11643-1989
)

// weights are the MOD 11-2 weights of positions 1–17, left to right.
var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkChars maps S mod 11 to the check character.
const checkChars = "10X98765432"

// CheckDigit returns the check character ('0'–'9' or 'X') for the first 17
// digits of a number. The error is an *Error with ErrLength or
// ErrCharacter.
func CheckDigit(first17 string) (byte, error) {
	if err := digits(first17, Len18-1, Len18-1); err != nil {
		return 0, err
	}
	s := 0
	for i := 0; i < len(first17); i++ {
		s += int(first17[i]-'0') * weights[i]
	}
	return checkChars[s%11], nil
}

// Validate checks an 18-character number: its length, that the first 17
// characters are digits and the last a digit or X (x is accepted as X), that
// positions 7–14 are a valid date (year 1800 or later; the date is not
// compared with today), and the check character. It returns nil or an
// *Error whose Err is ErrLength, ErrCharacter, ErrBirthDate or
// ErrCheckDigit, checked in that order.
func Validate(id string) error {
	if err := structure(id); err != nil {
		return err
	}
	want, _ := CheckDigit(id[:Len18-1])
	if got := upper(id[Len18-1]); got != want {
		return &Error{Err: ErrCheckDigit, Pos: Len18, Detail: "want " + string(want)}
	}
	return nil
}

// Valid reports whether Validate(id) returns nil.
func Valid(id string) bool { return Validate(id) == nil }

// structure checks everything that Validate checks except the check
// character.
func structure(id string) error {
	if err := digits(id, Len18, Len18-1); err != nil {
		return err
	}
	if c := upper(id[Len18-1]); c != 'X' && (c < '0' || c > '9') {
		return &Error{Err: ErrCharacter, Pos: Len18, Detail: "want a digit or X"}
	}
	return birthDate(id[6:14])
}

// Upgrade15 converts a first-generation 15-digit number to 18 characters:
// it inserts "19" before the 2-digit year and appends the check character.
// The error is an *Error with ErrLength, ErrCharacter or ErrBirthDate.
func Upgrade15(id15 string) (string, error) {
	if err := digits(id15, Len15, Len15); err != nil {
		return "", err
	}
	first17 := id15[:6] + "19" + id15[6:]
	if err := birthDate(first17[6:14]); err != nil {
		return "", err
	}
	c, err := CheckDigit(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(c), nil
}

// BirthDate returns the birth date encoded in an 18-character or a 15-digit
// number as YYYY-MM-DD. The number's structure is checked as by Validate,
// but not its check character.
func BirthDate(id string) (string, error) {
	d, err := datePart(id)
	if err != nil {
		return "", err
	}
	return d[0:4] + "-" + d[4:6] + "-" + d[6:8], nil
}

// Gender is the sex encoded in a number's sequence code. Its values are
// the GB/T 2261.1 codes.
type Gender int

// The two values a sequence code can give.
const (
	Male   Gender = 1 // odd sequence code
	Female Gender = 2 // even sequence code
)

// Code returns the GB/T 2261.1 code, "1" or "2", as stored on a card; ""
// for any other value.
func (g Gender) Code() string {
	switch g {
	case Male, Female:
		return strconv.Itoa(int(g))
	}
	return ""
}

// String returns "男" or "女", or "未知" for any other value.
func (g Gender) String() string {
	switch g {
	case Male:
		return "男"
	case Female:
		return "女"
	}
	return "未知"
}

// Sex returns the sex encoded in the last digit of the sequence code of an
// 18-character or a 15-digit number. The number's structure is checked as
// by BirthDate.
func Sex(id string) (Gender, error) {
	if _, err := datePart(id); err != nil {
		return 0, err
	}
	pos := 16 // the last sequence digit of an 18-character number
	if len(id) == Len15 {
		pos = 14
	}
	if (id[pos]-'0')%2 == 1 {
		return Male, nil
	}
	return Female, nil
}

// datePart checks the structure of an 18- or 15-character number and
// returns its birth date as YYYYMMDD.
func datePart(id string) (string, error) {
	if utf8.RuneCountInString(id) == Len15 {
		if err := digits(id, Len15, Len15); err != nil {
			return "", err
		}
		d := "19" + id[6:12]
		if err := birthDate(d); err != nil {
			return "", err
		}
		return d, nil
	}
	if err := structure(id); err != nil {
		if e := (*Error)(nil); errors.As(err, &e) && e.Err == ErrLength {
			e.Detail += " (or 15)"
		}
		return "", err
	}
	return id[6:14], nil
}

// Mask hides the middle of a number for logging: it keeps the first 6 and
// the last 4 characters and replaces every other one by '*', so
// "370481198501011234" becomes "370481********1234". A string of 10
// characters or fewer keeps only its last 4 (and one of 4 or fewer is
// masked whole), so Mask never shows more than 10 characters of its input.
//
// Mask works on runes and keeps the rune count: each byte of invalid UTF-8
// counts as one character and comes out as U+FFFD, and a control or format
// character among the kept ones (a line break, a bidi override) comes out
// as U+FFFD too, so the result is always safe to put in a log line.
func Mask(id string) string {
	n := utf8.RuneCountInString(id)
	head, tail := 6, 4
	switch {
	case n <= tail:
		head, tail = 0, 0
	case n <= head+tail:
		head = 0
	}
	var b strings.Builder
	b.Grow(len(id))
	i := 0
	for _, r := range id { // invalid bytes arrive as utf8.RuneError
		switch {
		case i >= head && i < n-tail:
			b.WriteByte('*')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
		i++
	}
	return b.String()
}

// digits checks that s has n characters of which the first d are ASCII
// digits. The error is an *Error with ErrLength or ErrCharacter.
func digits(s string, n, d int) error {
	if got := utf8.RuneCountInString(s); got != n {
		return &Error{Err: ErrLength, Detail: "got " + strconv.Itoa(got) + " characters, want " + strconv.Itoa(n)}
	}
	pos := 0
	for _, r := range s {
		pos++
		if r >= utf8.RuneSelf || (pos <= d && (r < '0' || r > '9')) {
			return &Error{Err: ErrCharacter, Pos: pos, Detail: "want a digit"}
		}
	}
	return nil
}

// birthDate checks an 8-digit YYYYMMDD date: a calendar date in year 1800
// or later. The caller has checked that d is digits.
func birthDate(d string) error {
	if _, err := time.Parse("20060102", d); err != nil || d < "1800" {
		return &Error{Err: ErrBirthDate}
	}
	return nil
}

// upper maps 'x' to 'X' and leaves any other byte as is.
func upper(c byte) byte {
	if c == 'x' {
		return 'X'
	}
	return c
}
