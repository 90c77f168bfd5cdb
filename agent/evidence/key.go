package evidence

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/secretfile"
)

// KeyFile is the name of the agent's key file in its state directory.
const KeyFile = "evidence-key"

// Errors of the key file; the returned errors wrap them with the path and
// what to do.
var (
	// ErrKeyExposed: on Unix, the key file may be read by others than
	// its owner.
	ErrKeyExposed = errors.New("evidence: the key file is readable by others")
	// ErrKeyInvalid: the key file does not hold a key this agent made.
	ErrKeyInvalid = errors.New("evidence: the key file holds no usable key")
	// ErrPublicKey: a public key is malformed or does not match its ID.
	ErrPublicKey = errors.New("evidence: bad public key")
)

// PublicKey is a verification key, as "kiosk-agent evidence-key" prints
// it: the algorithm, the key ID and the raw key (base64 in JSON).
type PublicKey struct {
	Alg       string `json:"alg"`
	KeyID     string `json:"keyId"`
	PublicKey []byte `json:"publicKey"`
}

// KeyID is the first 16 hex digits of the SHA-256 of a raw public key.
func KeyID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:8])
}

// NewPublicKey makes the PublicKey of a raw key of algorithm alg.
func NewPublicKey(alg string, raw []byte) (PublicKey, error) {
	a, ok := LookupVerifier(alg)
	if !ok {
		return PublicKey{}, fmt.Errorf("%w: unknown algorithm %q", ErrPublicKey, alg)
	}
	if len(raw) != a.PublicKeySize() {
		return PublicKey{}, fmt.Errorf("%w: an %s key is %d bytes, not %d", ErrPublicKey, alg, a.PublicKeySize(), len(raw))
	}
	return PublicKey{Alg: alg, KeyID: KeyID(raw), PublicKey: append([]byte(nil), raw...)}, nil
}

// ParsePublicKey reads a PublicKey from its JSON form and checks that its
// key ID is that of its key.
func ParsePublicKey(data []byte) (PublicKey, error) {
	var p PublicKey
	if err := json.Unmarshal(data, &p); err != nil {
		return PublicKey{}, fmt.Errorf("%w: %v", ErrPublicKey, err)
	}
	k, err := NewPublicKey(p.Alg, p.PublicKey)
	if err != nil {
		return PublicKey{}, err
	}
	if p.KeyID != k.KeyID {
		return PublicKey{}, fmt.Errorf("%w: keyId %q is not the ID of its key (%s)", ErrPublicKey, p.KeyID, k.KeyID)
	}
	return k, nil
}

// Key is the agent's signing key.
type Key struct {
	priv ed25519.PrivateKey
	pub  PublicKey
}

// Public is the key's public half.
func (k *Key) Public() PublicKey { return k.pub }

// Sign signs message (Ed25519, pure: no pre-hash).
func (k *Key) Sign(message []byte) ([]byte, error) {
	return k.priv.Sign(nil, message, crypto.Hash(0))
}

func newKey(priv ed25519.PrivateKey) (*Key, error) {
	pub, err := NewPublicKey(AlgEd25519, priv.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	return &Key{priv: priv, pub: pub}, nil
}

// LoadKey reads the agent's key from <stateDir>/evidence-key; an error
// wrapping fs.ErrNotExist if there is none yet.
func LoadKey(stateDir string) (*Key, error) {
	return loadKeyFile(filepath.Join(stateDir, KeyFile))
}

// LoadOrCreateKey reads the agent's key, making it first if there is
// none: a new Ed25519 key, written to a temporary file (0600), flushed,
// then linked to <stateDir>/evidence-key, which fails if another process
// made the key meanwhile — then that key is read and used. On a file
// system without hard links it is renamed into place instead, after
// checking that the name is free.
func LoadOrCreateKey(stateDir string) (*Key, error) {
	path := filepath.Join(stateDir, KeyFile)
	k, err := loadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("evidence: making a key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	data, err := secretfile.Protect(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), keyPurpose)
	if err != nil {
		return nil, fmt.Errorf("evidence: protecting the key: %w", err)
	}
	if err := secretfile.CreateExclusive(stateDir, path, data); errors.Is(err, fs.ErrExist) {
		return loadKeyFile(path)
	} else if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return newKey(priv)
}

// keyPurpose binds the key file's DPAPI protection (Windows) to this use.
const keyPurpose = "kiosk-agent evidence-key v1"

// loadKeyFile reads and checks a key file.
func loadKeyFile(path string) (*Key, error) {
	plain, err := secretfile.Read(path, keyPurpose, checkPrivate)
	switch {
	case errors.Is(err, secretfile.ErrNotRegular), errors.Is(err, secretfile.ErrUnprotect):
		return nil, fmt.Errorf("%w: %v", ErrKeyInvalid, err)
	case errors.Is(err, ErrKeyExposed):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("evidence: reading the key: %w", err)
	}
	block, _ := pem.Decode(plain)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%w: %s holds no PEM \"PRIVATE KEY\"", ErrKeyInvalid, path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrKeyInvalid, path, err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: %s holds a %T, not an Ed25519 key", ErrKeyInvalid, path, parsed)
	}
	return newKey(priv)
}
