package secretfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Of writers racing for one name, exactly one wins; the others see
// fs.ErrExist, and the file holds the winner's bytes whole.
func TestCreateExclusiveRace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	var wg sync.WaitGroup
	results := make([]error, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = CreateExclusive(dir, path, []byte{byte('a' + i), byte('a' + i)})
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range results {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("writers %d and %d both created the file", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, fs.ErrExist):
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil || won < 0 || string(b) != string([]byte{byte('a' + won), byte('a' + won)}) {
		t.Fatalf("file %q (winner %d): %v", b, won, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".key-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestProtectRoundTrip(t *testing.T) {
	p, err := Protect([]byte("secret"), "test v1")
	if err != nil {
		t.Fatal(err)
	}
	u, err := Unprotect(p, "test v1")
	if err != nil || string(u) != "secret" {
		t.Fatalf("%q %v", u, err)
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	p, _ := Protect([]byte("secret"), "test v1")
	if err := CreateExclusive(dir, path, p); err != nil {
		t.Fatal(err)
	}
	ok := func(string, fs.FileInfo) error { return nil }
	if b, err := Read(path, "test v1", ok); err != nil || string(b) != "secret" {
		t.Fatalf("Read: %q %v", b, err)
	}
	exposed := errors.New("exposed")
	if _, err := Read(path, "test v1", func(string, fs.FileInfo) error { return exposed }); err != exposed {
		t.Errorf("the check's error: %v", err)
	}
	if _, err := Read(dir, "test v1", ok); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a directory: %v", err)
	}
	if _, err := Read(filepath.Join(dir, "none"), "test v1", ok); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no file: %v", err)
	}
}
