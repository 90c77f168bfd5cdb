package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if _, err := LoadKey(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadKey before there is a key: %v", err)
	}
	k, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k.Public().PublicKey, again.Public().PublicKey) || !bytes.Equal(k.Public().PublicKey, loaded.Public().PublicKey) {
		t.Fatal("the key changed between loads")
	}
	path := filepath.Join(dir, KeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("key file mode %04o, want 0600", m)
		}
		di, _ := os.Stat(dir)
		if m := di.Mode().Perm(); m != 0o700 {
			t.Errorf("state directory mode %04o, want 0700", m)
		}
		// PKCS#8 in PEM, readable by other tools.
		data, _ := os.ReadFile(path)
		block, _ := pem.Decode(data)
		if block == nil {
			t.Fatalf("not PEM: %q", data)
		}
		priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(priv.(ed25519.PrivateKey).Public().(ed25519.PublicKey), k.Public().PublicKey) {
			t.Error("the file holds another key")
		}
	}
	// Nothing but the key file is left behind.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("the state directory holds %d entries", len(ents))
	}
	// The key signs what its public half verifies.
	sig, _ := k.Sign([]byte("m"))
	if v, _ := LookupVerifier(AlgEd25519); !v.Verify(k.Public().PublicKey, []byte("m"), sig) {
		t.Error("the key's signature does not verify")
	}
}

// TestKeyFileExposed: on Unix a key file that others may read is refused,
// with a message that says what to do.
func TestKeyFileExposed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows protects the key with DPAPI, not the file mode")
	}
	dir := t.TempDir()
	if _, err := LoadOrCreateKey(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, KeyFile)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o602} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		for name, load := range map[string]func(string) (*Key, error){"LoadKey": LoadKey, "LoadOrCreateKey": LoadOrCreateKey} {
			_, err := load(dir)
			if !errors.Is(err, ErrKeyExposed) {
				t.Fatalf("%s with mode %04o: %v", name, mode, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "chmod 600") || !strings.Contains(msg, path) {
				t.Errorf("the message does not say what to do: %s", msg)
			}
		}
	}
	os.Chmod(path, 0o400)
	if _, err := LoadKey(dir); err != nil {
		t.Errorf("mode 0400: %v", err)
	}
}

func TestKeyFileInvalid(t *testing.T) {
	for name, setup := range map[string]func(path string) error{
		"garbage":   func(p string) error { return os.WriteFile(p, []byte("not a key"), 0o600) },
		"empty":     func(p string) error { return os.WriteFile(p, nil, 0o600) },
		"directory": func(p string) error { return os.Mkdir(p, 0o700) },
		"RSA key": func(p string) error {
			return os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x00}}), 0o600)
		},
	} {
		if runtime.GOOS == "windows" && name != "directory" {
			continue
		}
		dir := t.TempDir()
		if err := setup(filepath.Join(dir, KeyFile)); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateKey(dir); !errors.Is(err, ErrKeyInvalid) {
			t.Errorf("%s: %v, want ErrKeyInvalid", name, err)
		}
	}
}

// TestKeyCreatedOnce: many first uses at once make one key, which all of
// them use.
func TestKeyCreatedOnce(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := LoadOrCreateKey(dir)
			errs[i] = err
			if err == nil {
				keys[i] = k.Public().PublicKey
			}
		}()
	}
	wg.Wait()
	final, err := LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], final.Public().PublicKey) {
			t.Fatalf("caller %d uses a key that is not the one in the file", i)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries left in the directory", len(ents))
	}
}

func TestPublicKeys(t *testing.T) {
	if _, err := NewPublicKey(AlgEd25519, make([]byte, 31)); !errors.Is(err, ErrPublicKey) {
		t.Errorf("a short key: %v", err)
	}
	if _, err := NewPublicKey("SM2", make([]byte, 65)); !errors.Is(err, ErrPublicKey) {
		t.Errorf("SM2 (not yet): %v", err)
	}
	for _, s := range []string{"", "{", `{"alg":"Ed25519"}`, `{"alg":"Ed25519","keyId":"x","publicKey":"AAAA"}`} {
		if _, err := ParsePublicKey([]byte(s)); !errors.Is(err, ErrPublicKey) {
			t.Errorf("%s: %v", s, err)
		}
	}
}
