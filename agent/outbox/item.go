package outbox

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
)

// Kind is what an item is; the platform has one endpoint per kind.
type Kind string

// The kinds of items.
const (
	// KindApplication is a social-assistance application.
	KindApplication Kind = "application"
	// KindEvidence is a piece of evidence of an application: a signature
	// bundle, a PDF.
	KindEvidence Kind = "evidence"
	// KindVisit is a home-visit record (入户调查) made in the field.
	KindVisit Kind = "visit"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	return k == KindApplication || k == KindEvidence || k == KindVisit
}

// State is where an item is in its life.
type State string

// The states of an item.
const (
	// StatePending: not delivered yet; the sender tries it when due.
	StatePending State = "pending"
	// StateFailed: the platform refused it permanently (see ErrPermanent).
	// It is kept, counted as pending and failing, and reported; Retry puts
	// it back in line.
	StateFailed State = "failed"
	// StateDelivered: the platform has it. Its payload is wiped at once;
	// the rest (key, kind, times) stays for the retention so that a late
	// retry of the same key is still recognised, then it is purged.
	StateDelivered State = "delivered"
)

// The states as stored.
const (
	dbPending   = 0
	dbDelivered = 1
	dbFailed    = 2
)

func stateFromDB(v int64) (State, bool) {
	switch v {
	case dbPending:
		return StatePending, true
	case dbDelivered:
		return StateDelivered, true
	case dbFailed:
		return StateFailed, true
	}
	return "", false
}

// Item is one queued submission.
type Item struct {
	// ID numbers the items in the order they were queued.
	ID int64
	// Key is the caller's idempotency key; the platform stores an item
	// once per key.
	Key  string
	Kind Kind
	// Payload is what is delivered; nil once delivered (it is wiped).
	Payload []byte
	// Created is when the item was queued.
	Created time.Time
	// Attempts counts deliveries tried (successful or not).
	Attempts int
	// NextAttempt is when the sender may try it again.
	NextAttempt time.Time
	// LastAttempt is when it was last tried; zero if never.
	LastAttempt time.Time
	// Failing: the last attempt failed.
	Failing bool
	// LastError is the last failed attempt's error text, as Deliver
	// returned it (at most 1 KiB). It may quote the platform, so it is
	// stored encrypted like the payload; show it only where the
	// applicant's data may be shown.
	LastError string
	State     State
	// Delivered is when the platform took it; zero before.
	Delivered time.Time
}

// MaxKeyLen and MinKeyLen bound an idempotency key's length.
const (
	MinKeyLen = 8
	MaxKeyLen = 128
)

// MaxPayload is the largest payload Enqueue takes.
const MaxPayload = 64 << 20

// maxErrorLen bounds a stored error text.
const maxErrorLen = 1024

var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewKey returns a new random idempotency key: 128 random bits, 26
// characters of lower-case base32 (letters and the digits 2–7, so a key
// can never look like an ID or phone number).
func NewKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("outbox: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return keyEncoding.EncodeToString(b[:])
}

// ValidateKey checks an idempotency key: MinKeyLen to MaxKeyLen
// characters from A–Z, a–z, 0–9, '.', '_', ':' and '-' (a UUID is fine),
// and no run of digits that is a full ID number (15 digits, or 17 and a
// digit or X, with a valid birth date). The error wraps
// ErrBadIdempotencyKey and does not repeat the key.
func ValidateKey(key string) error {
	if n := len(key); n < MinKeyLen || n > MaxKeyLen {
		return fmt.Errorf("%w: %d characters, want %d to %d", ErrBadIdempotencyKey, n, MinKeyLen, MaxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return fmt.Errorf("%w: character %d is not one of A-Z a-z 0-9 . _ : -", ErrBadIdempotencyKey, i+1)
		}
	}
	if hasIDNumber(key) {
		return fmt.Errorf("%w: it holds an ID number; keys must be random (NewKey)", ErrBadIdempotencyKey)
	}
	return nil
}

// hasIDNumber reports whether s holds a full ID number: a run of exactly
// 15 digits, or 17 digits followed by a digit or X, not part of a longer
// run of digits, whose birth date is valid.
func hasIDNumber(s string) bool {
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		end := j
		if j-i == 17 && j < len(s) && (s[j] == 'X' || s[j] == 'x') {
			end = j + 1
		}
		if n := end - i; n == 15 || n == 18 {
			if _, err := idnumber.BirthDate(strings.ToUpper(s[i:end])); err == nil {
				return true
			}
		}
		i = end
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// errorText is the stored form of a delivery error: its text, valid
// UTF-8, cut to maxErrorLen bytes at a character boundary.
func errorText(err error) string {
	s := strings.ToValidUTF8(err.Error(), "\uFFFD")
	if len(s) <= maxErrorLen {
		return s
	}
	cut := maxErrorLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// rawRow is an item as stored.
type rawRow struct {
	ID          int64
	Key         string
	Kind        string
	State       int64
	Created     int64 // Unix ms
	Attempts    int64
	NextAt      int64 // Unix ms
	LastAt      int64 // Unix ms, 0: never
	Failing     int64
	LastError   []byte // sealed, or empty
	DeliveredAt int64  // Unix ms, 0: not delivered
	Payload     []byte // sealed, or empty once delivered
}

// itemColumns are the columns scanned into a rawRow, in its order.
const itemColumns = "id, key, kind, state, created, attempts, next_at, last_at, failing, last_error, delivered_at, payload"

type scanner interface{ Scan(dest ...any) error }

func scanRow(s scanner) (rawRow, error) {
	var r rawRow
	err := s.Scan(&r.ID, &r.Key, &r.Kind, &r.State, &r.Created, &r.Attempts, &r.NextAt, &r.LastAt,
		&r.Failing, &r.LastError, &r.DeliveredAt, &r.Payload)
	return r, err
}

// decode checks a stored row and decrypts its sealed fields. A row that
// is not what this package writes fails with a *CorruptError naming the
// first field that is wrong.
func (s *sealer) decode(r rawRow) (Item, error) {
	corrupt := func(field, reason string) (Item, error) {
		return Item{}, &CorruptError{ID: r.ID, Field: field, Reason: reason}
	}
	if err := ValidateKey(r.Key); err != nil {
		return corrupt("key", "not a valid idempotency key")
	}
	kind := Kind(r.Kind)
	if !kind.Valid() {
		return corrupt("kind", fmt.Sprintf("unknown kind (%d bytes)", len(r.Kind)))
	}
	state, ok := stateFromDB(r.State)
	if !ok {
		return corrupt("state", fmt.Sprintf("unknown state %d", r.State))
	}
	if r.Attempts < 0 || r.Attempts > 1<<31 {
		return corrupt("attempts", fmt.Sprintf("%d attempts", r.Attempts))
	}
	if r.Failing != 0 && r.Failing != 1 {
		return corrupt("failing", fmt.Sprintf("value %d, want 0 or 1", r.Failing))
	}
	it := Item{
		ID: r.ID, Key: r.Key, Kind: kind, State: state,
		Created:     time.UnixMilli(r.Created),
		Attempts:    int(r.Attempts),
		NextAttempt: time.UnixMilli(r.NextAt),
		Failing:     r.Failing == 1,
	}
	if r.LastAt != 0 {
		it.LastAttempt = time.UnixMilli(r.LastAt)
	}
	if r.DeliveredAt != 0 {
		it.Delivered = time.UnixMilli(r.DeliveredAt)
	}
	switch {
	case state == StateDelivered && len(r.Payload) == 0:
		// wiped on delivery
	default:
		p, err := s.open(r.ID, "payload", r.Payload, ad("payload", kind, r.Key))
		if err != nil {
			return Item{}, err
		}
		it.Payload = p
	}
	if len(r.LastError) > 0 {
		e, err := s.open(r.ID, "error", r.LastError, ad("error", kind, r.Key))
		if err != nil {
			return Item{}, err
		}
		if !utf8.Valid(e) || len(e) > maxErrorLen {
			return corrupt("error", "not a stored error text")
		}
		it.LastError = string(e)
	}
	return it, nil
}
