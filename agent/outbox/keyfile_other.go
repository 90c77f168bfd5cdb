//go:build !windows

package outbox

import (
	"fmt"
	"os"
)

// On Unix the key file is protected by its mode: 0600, the owner's only.

// checkPrivate refuses a key file that anyone but its owner may read or
// write.
func checkPrivate(path string, fi os.FileInfo) error {
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("%w: %s has mode %04o, so others may read or change the key that encrypts the queued applications; "+
			"it must be 0600 (chmod 600 %s). Do not delete it: the queued items cannot be read without it", ErrKeyExposed, path, m, path)
	}
	return nil
}
