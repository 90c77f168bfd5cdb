package pairing

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// fileVersion is the version of the file format this package writes and
// reads.
const fileVersion = 1

// file is the pairing file.
type file struct {
	Version  int       `json:"version"`
	Pairings []Pairing `json:"pairings"`
}

// maxFields bounds the fields of one pairing in the file.
const maxFields = 64

// parseFile parses the pairing file strictly: the known fields only,
// version 1, every pairing well-formed (a normalised origin or a valid
// native name, a hash of 64 lower-case hex digits, fields, a time), and no
// two with the same origin or name. It returns them sorted.
func parseFile(b []byte) ([]Pairing, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a pairing file: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the pairings")
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("version %d: this agent reads version %d", f.Version, fileVersion)
	}
	seen := map[string]bool{}
	for i, p := range f.Pairings {
		if err := checkPairing(p); err != nil {
			return nil, fmt.Errorf("pairing %d: %w", i+1, err)
		}
		if seen[p.key()] {
			return nil, fmt.Errorf("pairing %d: %q is paired twice", i+1, p.key())
		}
		seen[p.key()] = true
	}
	sortPairings(f.Pairings)
	return f.Pairings, nil
}

// checkPairing checks one pairing read from the file.
func checkPairing(p Pairing) error {
	switch {
	case p.Origin == "" && p.Name == "":
		return errors.New("neither origin nor name")
	case p.Origin != "" && p.Name != "":
		return errors.New("both origin and name")
	case p.Origin != "":
		if o, err := NormalizeOrigin(p.Origin); err != nil || o != p.Origin {
			return fmt.Errorf("origin %q is not a normalised origin", p.Origin)
		}
	default:
		if err := checkName(p.Name); err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "pairing: "))
		}
	}
	if len(p.TokenHash) != 64 || strings.ToLower(p.TokenHash) != p.TokenHash {
		return errors.New("tokenHash: want 64 lower-case hex digits")
	}
	if _, err := hex.DecodeString(p.TokenHash); err != nil {
		return errors.New("tokenHash: want 64 lower-case hex digits")
	}
	if len(p.Fields) == 0 || len(p.Fields) > maxFields {
		return fmt.Errorf("%d fields: want 1 to %d", len(p.Fields), maxFields)
	}
	for i, f := range p.Fields {
		if f == "" || strings.TrimSpace(f) != f || slices.Contains(p.Fields[:i], f) {
			return fmt.Errorf("field %q: empty, padded or repeated", f)
		}
	}
	if p.Created.IsZero() {
		return errors.New("no created time")
	}
	return nil
}

// encodeFile returns the file holding ps.
func encodeFile(ps []Pairing) ([]byte, error) {
	if ps == nil {
		ps = []Pairing{}
	}
	b, err := json.MarshalIndent(file{Version: fileVersion, Pairings: ps}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pairing: encode: %w", err)
	}
	return append(b, '\n'), nil
}

// sortPairings sorts web origins first, then native programs, each by key.
func sortPairings(ps []Pairing) {
	slices.SortFunc(ps, func(a, b Pairing) int {
		if a.Native() != b.Native() {
			if a.Native() {
				return 1
			}
			return -1
		}
		return strings.Compare(a.key(), b.key())
	})
}
