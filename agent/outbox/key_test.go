package outbox

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestKeyFileMadeOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	q := openTest(t, dir)
	if _, err := q.Enqueue(context.Background(), KindApplication, key(1), []byte("x")); err != nil {
		t.Fatal(err)
	}
	q.Close()
	path := filepath.Join(dir, KeyFile)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("key file mode %04o, want 0600", m)
		}
		di, _ := os.Stat(dir)
		if m := di.Mode().Perm(); m != 0o700 {
			t.Errorf("state directory mode %04o, want 0700", m)
		}
		if !strings.HasPrefix(string(before), keyHeader) {
			t.Errorf("key file %q", before)
		}
	}
	q = openTest(t, dir)
	if it, err := q.Get(context.Background(), key(1)); err != nil || string(it.Payload) != "x" {
		t.Fatalf("after reopening: %+v %v", it, err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("the key file changed")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestBadKeyFileIsNotReplaced: every way the key file can be wrong is a
// named error, and the file is left as it was.
func TestBadKeyFileIsNotReplaced(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("modes and plain key files are Unix")
	}
	other := filepath.Join(t.TempDir(), "other")
	openTest(t, other).Close()
	otherKey, err := os.ReadFile(filepath.Join(other, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		damage func(path string)
		want   error
	}{
		{"readable by the group", func(p string) { os.Chmod(p, 0o640) }, ErrKeyExposed},
		{"writable by others", func(p string) { os.Chmod(p, 0o602) }, ErrKeyExposed},
		{"empty", func(p string) { os.WriteFile(p, nil, 0o600) }, ErrKeyInvalid},
		{"truncated", func(p string) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-10], 0o600)
		}, ErrKeyInvalid},
		{"garbage", func(p string) { os.WriteFile(p, []byte(keyHeader+"!!!!\n"), 0o600) }, ErrKeyInvalid},
		{"a directory", func(p string) { os.Remove(p); os.Mkdir(p, 0o700) }, ErrKeyInvalid},
		{"missing", func(p string) { os.Remove(p) }, ErrKeyMissing},
		{"another agent's key", func(p string) { os.WriteFile(p, otherKey, 0o600) }, ErrWrongKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			q := openTest(t, dir)
			if _, err := q.Enqueue(context.Background(), KindApplication, key(1), []byte("x")); err != nil {
				t.Fatal(err)
			}
			q.Close()
			path := filepath.Join(dir, KeyFile)
			c.damage(path)
			fi1, _ := os.Lstat(path)
			b1, _ := os.ReadFile(path)
			_, err := Open(context.Background(), Options{Dir: dir})
			if !errors.Is(err, c.want) {
				t.Fatalf("Open: %v, want %v", err, c.want)
			}
			fi2, _ := os.Lstat(path)
			b2, _ := os.ReadFile(path)
			if (fi1 == nil) != (fi2 == nil) || !bytes.Equal(b1, b2) || fi1 != nil && fi1.Mode() != fi2.Mode() {
				t.Fatal("Open changed the key file")
			}
			if strings.Contains(err.Error(), string(b1)) && len(b1) > 20 {
				t.Fatal("the error quotes the key")
			}
		})
	}
}

func TestKeyFileRace(t *testing.T) {
	// Two processes making the key at once end with one key: the second
	// link fails and it reads the first's.
	dir := t.TempDir()
	path := filepath.Join(dir, KeyFile)
	k1, err := createKey(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := createKey(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) {
		t.Fatal("the second createKey replaced the key")
	}
}
