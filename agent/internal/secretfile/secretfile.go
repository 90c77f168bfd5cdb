// Package secretfile writes and reads the agent's small secret files — the
// evidence signing key, the outbox's encryption key — the same way: created
// once, atomically and durably, never replaced; on Windows their content
// protected with DPAPI for the account the agent runs as (Windows has no
// mode 0600, and ProgramData is readable by Users); elsewhere protected
// by the file's mode, which each caller checks with its own words.
package secretfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CreateExclusive writes data to a new file at path (in dir), atomically
// and durably, and fails with an error matching fs.ErrExist if path
// exists: two agents starting at once never each make their own key.
func CreateExclusive(dir, path string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		// No hard links here: rename, if the name is still free.
		if _, serr := os.Lstat(path); serr == nil {
			return fs.ErrExist
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return SyncDir(dir)
}
