//go:build !windows

package outbox

import (
	"fmt"
	"os"
)

// On Unix the key file is protected by its mode: 0600, the owner's only.

func protect(b []byte) ([]byte, error)   { return b, nil }
func unprotect(b []byte) ([]byte, error) { return b, nil }

// checkPrivate refuses a key file that anyone but its owner may read or
// write.
func checkPrivate(path string, fi os.FileInfo) error {
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("%w: %s has mode %04o, so others may read or change the key that encrypts the queued applications; "+
			"it must be 0600 (chmod 600 %s). Do not delete it: the queued items cannot be read without it", ErrKeyExposed, path, m, path)
	}
	return nil
}

// syncDir makes the creation of a file in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("outbox: syncing %s: %w", dir, err)
	}
	return nil
}
