package pairing

import (
	"errors"
	"slices"
	"strings"
)

// AllFields, as the only field, grants every card field, also ones a
// later protocol version adds.
const AllFields = "all"

// checkFields returns fields trimmed and without repeats, in the given
// order, or just [AllFields] when it is among them. Every name must be in
// known or be AllFields.
func checkFields(fields, known []string) ([]string, error) {
	var out []string
	for _, f := range fields {
		f = strings.TrimSpace(f)
		switch {
		case f == AllFields:
			return []string{AllFields}, nil
		case !slices.Contains(known, f):
			valid := append(slices.Sorted(slices.Values(known)), AllFields)
			return nil, &UnknownFieldError{Field: f, Valid: slices.Compact(valid)}
		case !slices.Contains(out, f):
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("pairing: no fields: name the card fields the client may receive, or all")
	}
	return out, nil
}

// Allows reports whether the pairing grants the card field.
func (p Pairing) Allows(field string) bool {
	return slices.Contains(p.Fields, AllFields) || slices.Contains(p.Fields, field)
}
