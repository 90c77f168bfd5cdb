package precheck

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem with a rules file.
type Error struct {
	// File is the rules file's name as given to Parse or Load; empty when
	// none was given.
	File string
	// Line is the line of File the problem is on, counted from 1; 0 when
	// the problem is not on one line.
	Line int
	// Key is the dotted key the problem is about, with the index of a
	// list element in brackets ("standard[3].value"); empty when the
	// problem is not about one key.
	Key string
	// Msg says what is wrong, in plain English.
	Msg string
}

// Error formats e as FILE:LINE: KEY: MSG, leaving out the parts that are
// unknown.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File + ":" + strconv.Itoa(e.Line) + ": ")
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a rules file at once, sorted by line
// (problems not on a line come last). Parse and Load return it as their
// error; take it apart with errors.As.
type Errors []*Error

// Error returns one problem a line.
func (errs Errors) Error() string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// err returns errs sorted as an error, nil when there are none.
func (errs Errors) err() error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(sortLine(a), sortLine(b)) })
	return errs
}

func sortLine(e *Error) int {
	if e.Line <= 0 {
		return math.MaxInt
	}
	return e.Line
}

// ErrInvalidHousehold is what every HouseholdError is (errors.Is).
var ErrInvalidHousehold = errors.New("invalid household")

// ErrUnknownItem says an item code is not in the rules.
var ErrUnknownItem = errors.New("item not in the rules")

// HouseholdError says why a household cannot be pre-checked: the platform
// sent data that breaks its contract (no members, an applicant who is not
// a member, a negative or absurd amount, a birth date that is not a date).
// It never carries a name or an ID number.
type HouseholdError struct {
	// Field is the JSON path of the offending value
	// ("members[2].incomes[0].monthlyFen").
	Field string
	// Msg says what is wrong with it.
	Msg string
}

// Error formats e as "invalid household: FIELD: MSG".
func (e *HouseholdError) Error() string {
	if e.Field == "" {
		return "invalid household: " + e.Msg
	}
	return "invalid household: " + e.Field + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInvalidHousehold) true.
func (e *HouseholdError) Is(target error) bool { return target == ErrInvalidHousehold }
