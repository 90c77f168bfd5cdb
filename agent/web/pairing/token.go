package pairing

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// tokenPrefix starts every token, so a leaked one is recognisable (and
// can be found by secret scanners).
const tokenPrefix = "kat_"

// newToken returns a new token: tokenPrefix and 32 random bytes in
// unpadded base64url.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails: crypto/rand crashes the program instead
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// tokenHash returns the SHA-256 of a token, as kept in the file.
func tokenHash(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// hexHash returns h in hex.
func hexHash(h [32]byte) string { return hex.EncodeToString(h[:]) }
