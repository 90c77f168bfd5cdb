//go:build !windows

package evidence

import (
	"fmt"
	"os"
)

// On Unix the key file is protected by its mode: 0600, the owner's only.

// checkPrivate refuses a key file that anyone but its owner may read or
// write.
func checkPrivate(path string, fi os.FileInfo) error {
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("%w: %s has mode %04o, so others may read or change the agent's signing key; "+
			"it must be 0600 (chmod 600 %s). If others may have read it, remove it: the agent then makes a new key, "+
			"and bundles signed with the old one verify only with the old public key", ErrKeyExposed, path, m, path)
	}
	return nil
}
