// Package fieldauth checks the credentials of field workers (网格员,
// 协理员): in field mode a worker unlocks the device with their own ID card
// and a PIN before an applicant's card is read (flow-screens §1).
//
// The configuration holds, per worker, the masked ID number (what a
// receipt shows: 370481********1371) and a secret: PBKDF2-HMAC-SHA256 of
// the full ID number and the PIN together, with a random salt. Neither
// the ID number nor the PIN is kept in clear anywhere, and a stolen
// configuration file gives a PIN only at PBKDF2's cost per guess per
// worker. `kiosk-agent field-worker` makes an entry.
package fieldauth

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
)

// Iterations is the PBKDF2 work factor of new secrets (OWASP's 2023
// figure for PBKDF2-HMAC-SHA256): about 0.3 s on a slow kiosk CPU, which
// a person unlocking once per visit does not notice.
const Iterations = 600_000

// minIterations is the least a configured secret may use.
const minIterations = 100_000

const scheme = "pbkdf2-sha256"

// Errors of Verify and Parse.
var (
	// ErrNotWorker: the card is not a registered worker's.
	ErrNotWorker = errors.New("fieldauth: this card is not a registered field worker's")
	// ErrWrongPIN: the card is a worker's, the PIN is not theirs.
	ErrWrongPIN = errors.New("fieldauth: wrong PIN")
	// ErrBadPIN: a PIN must be 6 to 12 digits.
	ErrBadPIN = errors.New("fieldauth: a PIN is 6 to 12 digits")
	// ErrBadEntry: a configured entry is malformed.
	ErrBadEntry = errors.New("fieldauth: malformed worker entry")
)

// Entry is one worker as the configuration lists them.
type Entry struct {
	// Card is the worker's ID number masked (370481********1371).
	Card string `toml:"card" json:"card"`
	// Secret is "pbkdf2-sha256$<iterations>$<salt>$<hash>" (salt and hash
	// in unpadded base64) of the ID number and the PIN.
	Secret string `toml:"secret" json:"secret"`
}

type parsed struct {
	card       string
	iterations int
	salt, hash []byte
}

// Registry verifies workers against their entries.
type Registry struct {
	entries []parsed
}

// New parses the entries; a malformed one is an error naming its place.
func New(entries []Entry) (*Registry, error) {
	r := &Registry{}
	for i, e := range entries {
		p, err := parse(e)
		if err != nil {
			return nil, fmt.Errorf("field worker %d: %w", i+1, err)
		}
		r.entries = append(r.entries, p)
	}
	return r, nil
}

// Len is how many workers are registered.
func (r *Registry) Len() int { return len(r.entries) }

func parse(e Entry) (parsed, error) {
	if !maskedPattern(e.Card) {
		return parsed{}, fmt.Errorf("%w: card must be a masked ID number like 370481********1371", ErrBadEntry)
	}
	parts := strings.Split(e.Secret, "$")
	if len(parts) != 4 || parts[0] != scheme {
		return parsed{}, fmt.Errorf("%w: secret must be %s$<iterations>$<salt>$<hash>", ErrBadEntry, scheme)
	}
	it, err := strconv.Atoi(parts[1])
	if err != nil || it < minIterations || it > 10_000_000 {
		return parsed{}, fmt.Errorf("%w: iterations must be %d to 10000000", ErrBadEntry, minIterations)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[2])
	hash, err2 := base64.RawStdEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(salt) < 16 || len(hash) != sha256.Size {
		return parsed{}, fmt.Errorf("%w: salt (≥16 bytes) and hash (32 bytes) must be unpadded base64", ErrBadEntry)
	}
	return parsed{card: e.Card, iterations: it, salt: salt, hash: hash}, nil
}

// maskedPattern: 6 digits, 8 stars, 3 digits and a digit or X.
func maskedPattern(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 18; i++ {
		c := s[i]
		switch {
		case i >= 6 && i < 14:
			if c != '*' {
				return false
			}
		case i == 17:
			if !(c >= '0' && c <= '9' || c == 'X') {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// CheckPIN says whether pin has the form of a PIN.
func CheckPIN(pin string) error {
	if len(pin) < 6 || len(pin) > 12 {
		return ErrBadPIN
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return ErrBadPIN
		}
	}
	return nil
}

func derive(idNumber, pin string, salt []byte, iterations int) ([]byte, error) {
	return pbkdf2.Key(sha256.New, idNumber+"\n"+pin, salt, iterations, sha256.Size)
}

// NewEntry makes the entry of a worker with this ID number and PIN.
func NewEntry(idNumber, pin string) (Entry, error) { return newEntry(idNumber, pin, Iterations) }

func newEntry(idNumber, pin string, iterations int) (Entry, error) {
	if !idnumber.Valid(idNumber) {
		return Entry{}, errors.New("fieldauth: not a valid ID number")
	}
	if err := CheckPIN(pin); err != nil {
		return Entry{}, err
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	h, err := derive(idNumber, pin, salt, iterations)
	if err != nil {
		return Entry{}, fmt.Errorf("fieldauth: %w", err)
	}
	return Entry{Card: idnumber.Mask(idNumber),
		Secret: scheme + "$" + strconv.Itoa(iterations) + "$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(h)}, nil
}

// Verify checks that the card with idNumber is a registered worker's and
// pin is their PIN: nil, ErrNotWorker, ErrWrongPIN or ErrBadPIN. It takes
// PBKDF2's time once per entry with this card's mask; ctx stops it
// between entries.
func (r *Registry) Verify(ctx context.Context, idNumber, pin string) error {
	if err := CheckPIN(pin); err != nil {
		return err
	}
	mask := idnumber.Mask(idNumber)
	found := false
	for _, p := range r.entries {
		if p.card != mask {
			continue
		}
		found = true
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := derive(idNumber, pin, p.salt, p.iterations)
		if err != nil {
			return fmt.Errorf("fieldauth: %w", err)
		}
		if hmac.Equal(h, p.hash) {
			return nil
		}
	}
	if !found {
		return ErrNotWorker
	}
	// Another worker may share the mask: this card with this PIN matched
	// none of them. A card that is nobody's but shares a mask is told
	// "wrong PIN" too; either way it does not unlock.
	return ErrWrongPIN
}
