package outbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/secretfile"
)

// KeyFile is the name of the outbox's key file in the state directory.
const KeyFile = "outbox-key"

// keyHeader starts the key file's (unprotected) content; the key follows
// in standard base64 and a newline.
const keyHeader = "kiosk-agent outbox key v1\n"

// keySize is the AES-256 key size.
const keySize = 32

// keyPurpose binds the key file's DPAPI protection (Windows) to this use.
const keyPurpose = "kiosk-agent outbox-key v1"

// loadKey reads the key file at path; an error wrapping fs.ErrNotExist if
// there is none.
func loadKey(path string) ([]byte, error) {
	plain, err := secretfile.Read(path, keyPurpose, checkPrivate)
	switch {
	case errors.Is(err, secretfile.ErrNotRegular):
		return nil, fmt.Errorf("%w: %v", ErrKeyInvalid, err)
	case errors.Is(err, secretfile.ErrUnprotect):
		return nil, fmt.Errorf("%w: %v; the items queued under it cannot be read without it: "+
			"restore the file from where it was, do not delete it", ErrKeyInvalid, err)
	case errors.Is(err, ErrKeyExposed):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("outbox: reading the key: %w", err)
	}
	return parseKey(path, plain)
}

// parseKey checks and decodes the key file's unprotected content.
func parseKey(path string, plain []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(plain, []byte(keyHeader))
	if !ok {
		return nil, fmt.Errorf("%w: %s does not start with %q; the items queued under the key cannot be read without it: "+
			"restore the file from where it was, do not delete it", ErrKeyInvalid, path, keyHeader[:len(keyHeader)-1])
	}
	key, err := base64.StdEncoding.DecodeString(string(bytes.TrimRight(rest, "\r\n")))
	if err != nil || len(key) != keySize {
		return nil, fmt.Errorf("%w: %s holds no %d-byte key in base64; the items queued under the key cannot be read without it: "+
			"restore the file from where it was, do not delete it", ErrKeyInvalid, path, keySize)
	}
	return key, nil
}

// createKey makes a new random key and writes it to path, which must not
// exist: a temporary file (0600) is written, flushed, then linked to path,
// which fails if another process made the key meanwhile — then that key
// is read and used. On a file system without hard links the file is
// renamed into place instead, after checking that the name is free.
func createKey(dir, path string) ([]byte, error) {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("outbox: making a key: %w", err)
	}
	data, err := secretfile.Protect([]byte(keyHeader+base64.StdEncoding.EncodeToString(key)+"\n"), keyPurpose)
	if err != nil {
		return nil, fmt.Errorf("outbox: protecting the key: %w", err)
	}
	if err := secretfile.CreateExclusive(dir, path, data); errors.Is(err, fs.ErrExist) {
		return loadKey(path)
	} else if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return key, nil
}
