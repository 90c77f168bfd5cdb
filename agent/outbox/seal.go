package outbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// A sealed field is
//
//	version (1 byte, sealVersion) | nonce (12 bytes) | AES-256-GCM ciphertext and tag (16 bytes)
//
// with associated data binding it to its item and field (see ad), so that
// a sealed payload moved to another row, or into another field, fails to
// open.
const (
	sealVersion  = 1
	nonceSize    = 12
	tagSize      = 16
	sealOverhead = 1 + nonceSize + tagSize
)

// adLabel separates this use of the key from any other.
const adLabel = "kiosk-agent/outbox/v1"

// sealer encrypts and decrypts fields with the outbox key.
type sealer struct {
	aead cipher.AEAD
}

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyInvalid, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyInvalid, err)
	}
	return &sealer{aead: aead}, nil
}

// ad is the associated data of a field of the item with this kind and
// idempotency key. The key is unique in the queue and is known before the
// row exists, so fields can be sealed outside the committing transaction.
// Neither may contain a NUL (the key's alphabet and the kinds have none).
func ad(field string, kind Kind, key string) []byte {
	b := make([]byte, 0, len(adLabel)+len(field)+len(kind)+len(key)+3)
	b = append(b, adLabel...)
	b = append(b, 0)
	b = append(b, field...)
	b = append(b, 0)
	b = append(b, kind...)
	b = append(b, 0)
	b = append(b, key...)
	return b
}

// seal encrypts plain with a fresh random nonce.
func (s *sealer) seal(plain, ad []byte) ([]byte, error) {
	out := make([]byte, 1+nonceSize, sealOverhead+len(plain))
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("outbox: making a nonce: %w", err)
	}
	return s.aead.Seal(out, out[1:1+nonceSize], plain, ad), nil
}

// open decrypts a sealed field; a *CorruptError naming the field if it
// is malformed, altered, sealed for another item or under another key.
func (s *sealer) open(id int64, field string, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < sealOverhead {
		return nil, &CorruptError{ID: id, Field: field, Reason: fmt.Sprintf("too short (%d bytes, at least %d)", len(sealed), sealOverhead)}
	}
	if sealed[0] != sealVersion {
		return nil, &CorruptError{ID: id, Field: field, Reason: fmt.Sprintf("unknown format version %d", sealed[0])}
	}
	plain, err := s.aead.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], ad)
	if err != nil {
		return nil, &CorruptError{ID: id, Field: field, Reason: "authentication failed: altered, or sealed for another item or under another key"}
	}
	if plain == nil {
		plain = []byte{}
	}
	return plain, nil
}
