package idcard

import (
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
)

// Card is everything read from one ID card.
type Card struct {
	textblock.Fields

	// AppendedAddress is the newest appended address (追加住址) when the
	// card has one (command 30 03), otherwise empty.
	AppendedAddress string
	// Photo is the card's 1024-byte WLT photo, exactly as read. Decoding it
	// needs a vendor library (see package wlt).
	Photo []byte
	// Fingerprint holds the fingerprint templates as read (0, 512 or 1024
	// bytes) when they were asked for with ReadOptions.Fingerprint.
	Fingerprint []byte
	// Incomplete names the parts that the reader supports but could not
	// read, because the card left the field half-way (or the reader
	// stopped answering): PartAppendedAddress. An empty AppendedAddress
	// then means "unknown", not "none". Placed again, the card reads whole.
	Incomplete []string
}

// PartAppendedAddress names the appended address in Card.Incomplete.
const PartAppendedAddress = "appendedAddress"

// Wipe overwrites the card's byte fields so that personal data does not
// linger in memory longer than needed, and clears its text.
func (c *Card) Wipe() {
	if c == nil {
		return
	}
	clear(c.Photo)
	clear(c.Fingerprint)
	*c = Card{}
}

// SameCard reports whether a and b hold the same data: the same card read
// twice. A card re-issued with the same number counts as different.
func SameCard(a, b *Card) bool {
	if a == nil || b == nil {
		return false
	}
	return a.Fields == b.Fields && a.AppendedAddress == b.AppendedAddress && string(a.Photo) == string(b.Photo)
}
