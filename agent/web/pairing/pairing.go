package pairing

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Pairing allows one web origin, or one native program, to use the API.
type Pairing struct {
	// Origin is the normalised web origin (see NormalizeOrigin); "" for a
	// native program.
	Origin string `json:"origin,omitempty"`
	// Name names a native program; "" for a web origin.
	Name string `json:"name,omitempty"`
	// Fields are the card fields the client may receive, or just "all".
	Fields []string `json:"fields"`
	// TokenHash is the hex SHA-256 of the token; the token itself is
	// never stored.
	TokenHash string `json:"tokenHash"`
	// Created is when the pairing was made (UTC).
	Created time.Time `json:"created"`
}

// Native reports whether p pairs a native program rather than an origin.
func (p Pairing) Native() bool { return p.Origin == "" }

// key identifies p in the store: its origin, or its name for a native
// program (a name never holds "://", an origin always does).
func (p Pairing) key() string {
	if p.Native() {
		return p.Name
	}
	return p.Origin
}

// AddRequest asks for a pairing.
type AddRequest struct {
	// Origin is the web origin to pair; it is normalised.
	Origin string
	// Native pairs a native program by Name instead of an origin.
	Native bool
	// Name names the native program: letters, digits, '-', '_', '.', at
	// most 64 characters.
	Name string
	// Fields are the card fields the client may receive, each one of Known,
	// or "all".
	Fields []string
	// Known are the protocol's card field names.
	Known []string
}

// pairing checks r and returns the pairing it asks for, without token.
func (r AddRequest) pairing() (Pairing, error) {
	var p Pairing
	switch {
	case r.Native && r.Origin != "":
		return p, errors.New("pairing: a native program has no origin: give a name only")
	case r.Native:
		if err := checkName(r.Name); err != nil {
			return p, err
		}
		p.Name = r.Name
	case r.Name != "":
		return p, errors.New("pairing: a name is for a native program (Native); a web origin is paired by its origin")
	default:
		o, err := NormalizeOrigin(r.Origin)
		if err != nil {
			return p, err
		}
		p.Origin = o
	}
	f, err := checkFields(r.Fields, r.Known)
	if err != nil {
		return p, err
	}
	p.Fields = f
	return p, nil
}

// checkName checks the name of a native program.
func checkName(s string) error {
	if s == "" || utf8.RuneCountInString(s) > 64 || !utf8.ValidString(s) {
		return fmt.Errorf("pairing: native program name %q: want 1 to 64 characters", s)
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.", r)) {
			return fmt.Errorf("pairing: native program name %q: character %q; use letters, digits, '-', '_', '.'", s, r)
		}
	}
	return nil
}
