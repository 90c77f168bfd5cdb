package evidence

import (
	"crypto/ed25519"
)

// AlgEd25519 is the name of the signature algorithm bundles use today.
const AlgEd25519 = "Ed25519"

// Verifier checks the signatures of an algorithm that signature.alg can
// name.
type Verifier interface {
	// Name is the name in signature.alg.
	Name() string
	// PublicKeySize and SignatureSize are the lengths of a raw public key
	// and of a signature, in bytes.
	PublicKeySize() int
	SignatureSize() int
	// Verify reports whether sig is publicKey's signature of message.
	Verify(publicKey, message, sig []byte) bool
}

// Signer signs a manifest's canonical bytes: the agent's Key, or one day a
// key held in a token.
type Signer interface {
	Public() PublicKey
	Sign(message []byte) ([]byte, error)
}

// LookupVerifier returns the verifier of the algorithm named name, or
// false.
//
// SM2 (GB/T 38540 signatures: SM2 of GB/T 32918 over SM3) plugs in here,
// as a second case: a Verifier named "SM2" whose Verify uses
// github.com/emmansun/gmsm/sm2 (VerifyASN1WithSM2, default user ID
// "1234567812345678", so SM3 runs over Z_A and the message), with a
// 65-byte uncompressed public key; a Signer holding an *sm2.PrivateKey
// (gmsm's smx509 reads and writes it as PKCS#8, so the key file keeps its
// form, under a key-type check in loadKeyFile). The key ID stays the
// SHA-256 of the raw public key; nothing else in the bundle changes.
func LookupVerifier(name string) (Verifier, bool) {
	switch name {
	case AlgEd25519:
		return ed25519Alg{}, true
	}
	return nil, false
}

type ed25519Alg struct{}

func (ed25519Alg) Name() string       { return AlgEd25519 }
func (ed25519Alg) PublicKeySize() int { return ed25519.PublicKeySize }
func (ed25519Alg) SignatureSize() int { return ed25519.SignatureSize }
func (ed25519Alg) Verify(pub, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
}
