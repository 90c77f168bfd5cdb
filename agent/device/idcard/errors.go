package idcard

import "errors"

// Errors of the reader that are not about the device itself; the device
// kinds (not found, disconnected, busy, timeout) are package device's.
var (
	// ErrNoCard: no card on the reader now (an immediate read).
	ErrNoCard = errors.New("no card on the reader")
	// ErrReplace: a card is there but could not be read; lifted and
	// placed again, it usually reads.
	ErrReplace = errors.New("the card could not be read; lift it and place it again")
	// ErrReadFailed: the card could not be read and placing it again will
	// not help (the reader stopped answering mid-read).
	ErrReadFailed = errors.New("the card could not be read")
)
