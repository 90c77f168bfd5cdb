// Package fileerr is the one "problem in a file, at a line, about a key"
// error that the agent's strictly decoded files report: the configuration
// (agent/config) and the pre-check rules (agent/precheck) re-export it
// under their own names.
package fileerr

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem with a file.
type Error struct {
	// File is where the value came from: the file's name, or for the
	// configuration the flag that set it ("--poll-interval"). It is empty
	// when not known (a default, a file parsed without a name).
	File string
	// Line is the line of File the problem is on, counted from 1; 0 when
	// unknown or not on one line.
	Line int
	// Key is the dotted key the problem is about ("idcard.pollInterval",
	// "standard[3].value" with a list element's index in brackets); empty
	// when the problem is not about one key.
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

// Errors is every problem found in a file at once; take it apart with
// errors.As.
type Errors []*Error

// Error returns one problem a line.
func (errs Errors) Error() string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns errs sorted by line (problems not on a line last, problems
// on the same line in the order found) as an error; nil when there are
// none.
func (errs Errors) Err() error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(sortLine(a), sortLine(b)) })
	return errs
}

// sortLine is e's line for sorting: problems without one go last.
func sortLine(e *Error) int {
	if e.Line <= 0 {
		return math.MaxInt
	}
	return e.Line
}
