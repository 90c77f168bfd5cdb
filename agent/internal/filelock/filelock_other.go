//go:build !unix && !windows

package filelock

import "os"

// Platforms without advisory locks (none we ship to) get no-op locks.
func lock(*os.File, bool) error { return nil }
func unlock(*os.File) error     { return nil }
