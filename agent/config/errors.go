package config

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem with the configuration.
type Error struct {
	// File is where the value came from: the configuration file's name,
	// or the flag that set it ("--poll-interval"). It is empty for a
	// default, and for Validate's errors.
	File string
	// Line is the line of File the problem is on, counted from 1; 0 when
	// unknown or not in a file.
	Line int
	// Key is the dotted key the problem is about ("idcard.pollInterval");
	// empty when the problem is not about one key.
	Key string
	// Msg says what is wrong, in plain English.
	Msg string
}

// Error formats e as FILE:LINE: KEY: MSG, leaving out the parts that are
// unknown ("line 7: KEY: MSG" when only the line is known).
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

// Errors is every problem found at once, sorted by line (problems that are
// not on a line of the file come last). Load, Parse and Flags.Load return
// it as their error; take it apart with errors.As.
type Errors []*Error

// Error returns one problem a line.
func (errs Errors) Error() string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sort puts errs in the order of their lines, those without a line last,
// keeping the order of problems on the same line.
func (errs Errors) sort() {
	slices.SortStableFunc(errs, func(a, b *Error) int {
		return cmp.Compare(sortLine(a), sortLine(b))
	})
}

// sortLine is e's line for sorting: problems without one go last.
func sortLine(e *Error) int {
	if e.Line <= 0 {
		return math.MaxInt
	}
	return e.Line
}

// err returns errs as an error: nil when there are none.
func (errs Errors) err() error {
	if len(errs) == 0 {
		return nil
	}
	errs.sort()
	return errs
}
