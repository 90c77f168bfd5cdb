//go:build windows

package outbox

import "os"

// On Windows the key file's content is protected with DPAPI
// (agent/internal/secretfile), so another account that can read the file
// cannot use the key.

// checkPrivate has nothing to check: DPAPI protects the content.
func checkPrivate(string, os.FileInfo) error { return nil }
