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
	"io"
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

// Errors of Read that callers tell apart.
var (
	// ErrNotRegular: the path is not a regular file.
	ErrNotRegular = errors.New("not a regular file")
	// ErrUnprotect: the content cannot be unprotected (DPAPI: another
	// account's, or damaged).
	ErrUnprotect = errors.New("cannot be unprotected")
)

// maxSecret is the most Read reads: the secrets are a few hundred bytes.
const maxSecret = 1 << 16

// Read reads the secret file at path: it refuses what is not a regular
// file (ErrNotRegular), lets check judge the file's mode (its error is
// returned as it is), reads at most 64 KiB and unprotects it for purpose
// (ErrUnprotect). Other errors are the file system's (fs.ErrNotExist when
// there is none).
func Read(path, purpose string, check func(path string, fi fs.FileInfo) error) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %w", path, ErrNotRegular)
	}
	if err := check(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSecret))
	if err != nil {
		return nil, err
	}
	plain, err := Unprotect(data, purpose)
	if err != nil {
		return nil, fmt.Errorf("%s %w: %v", path, ErrUnprotect, err)
	}
	return plain, nil
}
