//go:build !windows

package secretfile

import (
	"fmt"
	"os"
)

// Protect returns b: on Unix a secret file is protected by its mode.
func Protect(b []byte, _ string) ([]byte, error) { return b, nil }

// Unprotect returns b.
func Unprotect(b []byte, _ string) ([]byte, error) { return b, nil }

// SyncDir makes a file's creation in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
