package pairing

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/filelock"
)

// Store is the pairing file at one path. It is safe for concurrent use;
// other processes may change the file at the same time.
type Store struct {
	path     string
	lockPath string

	mu       sync.Mutex
	loaded   bool          // the fields below describe the file as fi
	fi       os.FileInfo   // the file when last read; nil when missing
	raw      []byte        // its content
	pairings []Pairing     // its pairings, sorted
	hashes   [][32]byte    // pairings[i]'s token hash
	err      error         // why the file cannot be used (*CorruptError)
	changed  chan struct{} // closed at the next change
}

// Open returns the store of the pairing file at path (usually
// <stateDir>/pairings.json). Nothing is read or created until it is used;
// a missing file holds no pairings.
func Open(path string) *Store {
	ext := filepath.Ext(path)
	lock := strings.TrimSuffix(path, ext) + ".lock"
	if ext == ".lock" {
		lock = path + ".lock"
	}
	return &Store{path: path, lockPath: lock, changed: make(chan struct{})}
}

// Path returns the pairing file's path.
func (s *Store) Path() string { return s.path }

// Add pairs the origin (or the native program) of req and returns its new
// token, to be shown once to the administrator. Pairing an origin or name
// again replaces its pairing: the old token stops working. A corrupt file
// is not overwritten: Add returns its *CorruptError.
func (s *Store) Add(req AddRequest) (token string, p Pairing, err error) {
	if p, err = req.pairing(); err != nil {
		return "", Pairing{}, err
	}
	token = newToken()
	p.TokenHash = hexHash(tokenHash(token))
	p.Created = time.Now().UTC().Truncate(time.Second)
	err = s.update(func(ps []Pairing) ([]Pairing, bool) {
		ps = slices.DeleteFunc(ps, func(q Pairing) bool { return q.key() == p.key() })
		return append(ps, p), true
	})
	if err != nil {
		return "", Pairing{}, err
	}
	return token, p, nil
}

// Remove removes the pairing of an origin (anything holding "://", which
// is normalised) or of a native program's name, and reports whether there
// was one.
func (s *Store) Remove(originOrName string) (bool, error) {
	key := originOrName
	if strings.Contains(key, "://") {
		o, err := NormalizeOrigin(key)
		if err != nil {
			return false, err
		}
		key = o
	} else if key == "" {
		return false, errors.New("pairing: remove: no origin or name given")
	}
	found := false
	err := s.update(func(ps []Pairing) ([]Pairing, bool) {
		n := len(ps)
		ps = slices.DeleteFunc(ps, func(q Pairing) bool { return q.key() == key })
		found = len(ps) < n
		return ps, found
	})
	return found, err
}

// List returns the pairings, web origins first, then native programs.
func (s *Store) List() ([]Pairing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refreshLocked(); err != nil {
		return nil, err
	}
	if s.err != nil {
		return nil, s.err
	}
	out := slices.Clone(s.pairings)
	for i := range out {
		out[i].Fields = slices.Clone(out[i].Fields)
	}
	return out, nil
}

// Check reports whether token is the token of origin's pairing, and
// returns the pairing. origin is the Origin header as sent ("" for a
// native client, whose token must then be a native program's). Hashes are
// compared in constant time. Check first looks whether the file changed
// (one stat) and reads it again if so; when it cannot be read or is
// corrupt, no token is valid.
func (s *Store) Check(origin, token string) (Pairing, bool) {
	if origin != "" {
		o, err := NormalizeOrigin(origin)
		if err != nil {
			return Pairing{}, false
		}
		origin = o
	}
	h := tokenHash(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refreshLocked() != nil || s.err != nil {
		return Pairing{}, false
	}
	found := -1
	for i, p := range s.pairings {
		if p.Origin == origin && subtle.ConstantTimeCompare(h[:], s.hashes[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Pairing{}, false
	}
	p := s.pairings[found]
	p.Fields = slices.Clone(p.Fields)
	return p, true
}

// Changed returns a channel that is closed when the pairings change after
// this call: by this Store, or by another process as seen by Check, List
// or Watch. Call it again for the next change.
func (s *Store) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Watch looks at the file every interval (a second when interval is not
// positive) until ctx ends, so that Changed fires for another process's
// change even when no client calls Check. It returns ctx's error.
func (s *Store) Watch(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			s.mu.Lock()
			s.refreshLocked() // a failure shows as s.err or on the next look
			s.mu.Unlock()
		}
	}
}

// refreshLocked reads the file again when it is not the one last read
// (identity, size or time differ). A corrupt file is kept as s.err; an
// error reading it is returned.
func (s *Store) refreshLocked() error {
	fi, err := os.Stat(s.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("pairing: %w", err)
	}
	if err != nil {
		fi = nil
	}
	switch {
	case s.loaded && unchanged(s.fi, fi):
		return nil
	case fi == nil:
		s.set(nil, nil, nil, nil)
		return nil
	}
	// Under the lock, as a writer's rename cannot replace a file open
	// elsewhere on Windows. A reader that may not create the lock file
	// reads without it.
	if lf, err := s.lock(); err == nil {
		defer unlock(lf)
	} else if !errors.Is(err, errNoLockFile) {
		return err
	}
	return s.readLocked()
}

// readLocked reads the file into the cache, under the file lock, and
// signals Changed when its content differs from what was there.
func (s *Store) readLocked() error {
	raw, fi, err := readFile(s.path)
	if err != nil {
		return err
	}
	var ps []Pairing
	var perr error
	if raw != nil {
		if ps, perr = parseFile(raw); perr != nil {
			perr = &CorruptError{Path: s.path, Err: perr}
		}
	}
	s.set(raw, fi, ps, perr)
	return nil
}

// set replaces the cache.
func (s *Store) set(raw []byte, fi os.FileInfo, ps []Pairing, perr error) {
	hashes := make([][32]byte, len(ps))
	for i, p := range ps {
		hex.Decode(hashes[i][:], []byte(p.TokenHash)) // checked by parseFile
	}
	differs := !s.loaded || string(raw) != string(s.raw) || (perr == nil) != (s.err == nil)
	s.loaded, s.fi, s.raw, s.pairings, s.hashes, s.err = true, fi, raw, ps, hashes, perr
	if differs {
		close(s.changed)
		s.changed = make(chan struct{})
	}
}

// readFile returns the file's content and its info; nil, nil for a
// missing file.
func readFile(path string) ([]byte, os.FileInfo, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("pairing: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("pairing: %w", err)
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing: read %s: %w", path, err)
	}
	return raw, fi, nil
}

// unchanged reports whether a and b describe the same file, not replaced
// or written in between.
func unchanged(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// update changes the pairings under the file lock: it reads the file
// afresh, refuses a corrupt one, lets fn change the list and, when fn says
// so, writes the file.
func (s *Store) update(fn func([]Pairing) ([]Pairing, bool)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	lf, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock(lf)
	if err := s.readLocked(); err != nil {
		return err
	}
	if s.err != nil {
		return s.err
	}
	ps, write := fn(slices.Clone(s.pairings))
	if !write {
		return nil
	}
	sortPairings(ps)
	raw, err := encodeFile(ps)
	if err != nil {
		return err
	}
	var prev time.Time
	if s.fi != nil {
		prev = s.fi.ModTime()
	}
	if err := writeAtomic(s.path, raw, prev); err != nil {
		return err
	}
	s.loaded = false // read back what was written, with its file info
	return s.readLocked()
}

// errNoLockFile is wrapped by lock's error when the lock file cannot be
// opened or created.
var errNoLockFile = errors.New("cannot open the lock file")

// lock opens the lock file and takes its lock.
func (s *Store) lock() (*os.File, error) {
	lf, err := os.OpenFile(s.lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pairing: %w: %w", errNoLockFile, err)
	}
	if err := filelock.Lock(lf); err != nil {
		lf.Close()
		return nil, fmt.Errorf("pairing: %w", err)
	}
	return lf, nil
}

// unlock releases and closes the lock file.
func unlock(lf *os.File) {
	filelock.Unlock(lf)
	lf.Close()
}
