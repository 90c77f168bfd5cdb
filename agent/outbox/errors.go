package outbox

import (
	"errors"
	"fmt"
)

// Errors of the queue. Returned errors wrap them (errors.Is) with the path
// or item they concern and, where there is one, what to do.
var (
	// ErrClosed: the queue was closed.
	ErrClosed = errors.New("outbox: closed")
	// ErrLocked: another process (a second agent) has the outbox open.
	ErrLocked = errors.New("outbox: the outbox is in use by another process")
	// ErrBadKind: the kind is not one of KindApplication, KindEvidence,
	// KindVisit.
	ErrBadKind = errors.New("outbox: unknown kind")
	// ErrBadIdempotencyKey: the idempotency key is empty, too long, has
	// characters outside [A-Za-z0-9._:-], or holds what looks like a full
	// ID number. Keys must be random (NewKey) and carry no personal data.
	ErrBadIdempotencyKey = errors.New("outbox: bad idempotency key")
	// ErrPayloadTooLarge: the payload is larger than MaxPayload.
	ErrPayloadTooLarge = errors.New("outbox: payload too large")
	// ErrKeyConflict: Enqueue was given a key that is already queued for
	// another kind or, while the first payload is still kept, with a
	// different payload — a caller that reuses keys, not a UI retry.
	ErrKeyConflict = errors.New("outbox: idempotency key already used for other content")
	// ErrNotFound: no item has this idempotency key.
	ErrNotFound = errors.New("outbox: no such item")

	// ErrKeyExposed: on Unix, the outbox key file may be read or written
	// by others than its owner.
	ErrKeyExposed = errors.New("outbox: the key file is readable by others")
	// ErrKeyInvalid: the outbox key file holds no key this agent made.
	ErrKeyInvalid = errors.New("outbox: the key file holds no usable key")
	// ErrKeyMissing: the database holds items sealed with a key, but the
	// key file is gone. A new key would not open them, so none is made.
	ErrKeyMissing = errors.New("outbox: the key file is missing")
	// ErrWrongKey: the key file holds a key, but not the one the database
	// was sealed with (a key file from another machine or a restore).
	ErrWrongKey = errors.New("outbox: the key file does not open this database")
	// ErrDatabase: the database file is not usable as an outbox (not
	// SQLite, a newer schema, or a setting that cannot be had).
	ErrDatabase = errors.New("outbox: unusable database")

	// ErrCorrupt: a stored item cannot be decoded or decrypted. The error
	// is a *CorruptError saying which item and field.
	ErrCorrupt = errors.New("outbox: stored item is corrupt")

	// ErrPermanent marks a delivery error as permanent: the platform
	// refused the item and sending it again will not help (a validation
	// error, say). A Deliver function returns an error wrapping it (see
	// Permanent) or an error with a method Permanent() bool that returns
	// true. The sender parks such an item as failed and reports it; it is
	// never dropped.
	ErrPermanent = errors.New("outbox: permanent delivery failure")
)

// CorruptError says which stored item could not be decoded and why. It
// matches ErrCorrupt with errors.Is.
type CorruptError struct {
	// ID is the item's row number, 0 if unknown.
	ID int64
	// Field is the stored field: "key", "kind", "state", "payload",
	// "error" or "keycheck".
	Field string
	// Reason says what is wrong: "too short (12 bytes)", "unknown format
	// version 7", "authentication failed" and the like.
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("outbox: stored item %d: field %s: %s", e.ID, e.Field, e.Reason)
}

// Is makes a *CorruptError match ErrCorrupt.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Permanent wraps err so that the sender treats it as a permanent failure
// (errors.Is(err, ErrPermanent)); nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() []error {
	return []error{e.err, ErrPermanent}
}

// IsPermanent reports whether a delivery error says that retrying will
// not help: it wraps ErrPermanent, or an error in its chain has a method
// Permanent() bool that returns true.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrPermanent) {
		return true
	}
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}
