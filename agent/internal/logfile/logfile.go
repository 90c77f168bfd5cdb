// Package logfile is the agent's log file, for where nobody reads its
// standard error (a Windows service) or a technician wants one: appended
// to, rotated by size, readable by its owner only.
package logfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// File is a log file that rotates: once it would grow past its size, it
// is renamed PATH.1 (PATH.1 to PATH.2, and so on; the oldest beyond the
// number kept is removed) and a new PATH begins. Safe for concurrent use.
type File struct {
	path     string
	maxBytes int64
	keep     int

	mu     sync.Mutex
	f      *os.File // nil after a rotation that could not open a new file
	size   int64
	closed bool
}

// Open opens (creating it, and its directory, if need be) the log file at
// path for appending. It rotates once a write would take it past maxBytes,
// keeping keep old files (at least one).
func Open(path string, maxBytes int64, keep int) (*File, error) {
	if maxBytes <= 0 {
		return nil, errors.New("logfile: the size limit must be positive")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("logfile: %w", err)
	}
	l := &File{path: path, maxBytes: maxBytes, keep: max(keep, 1)}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *File) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("logfile: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("logfile: %w", err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// Write appends p (one log line, as log/slog writes them), rotating first
// if p would take the file past its size. A line is never split between
// two files.
func (l *File) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, os.ErrClosed
	}
	if l.f == nil {
		// A rotation could not open the new file: try again, the disk may
		// have room now.
		if err := l.open(); err != nil {
			return 0, err
		}
	}
	if l.size > 0 && l.size+int64(len(p)) > l.maxBytes {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// rotate moves the files one up and opens a new one (l.mu held). The file
// is closed first: Windows renames no open file.
func (l *File) rotate() error {
	l.f.Close()
	l.f = nil
	os.Remove(l.old(l.keep))
	for i := l.keep - 1; i >= 1; i-- {
		os.Rename(l.old(i), l.old(i+1))
	}
	// A file that cannot be renamed is appended to again: the lines are
	// kept, the size limit missed.
	os.Rename(l.path, l.old(1))
	return l.open()
}

// old is the name of the i-th old file.
func (l *File) old(i int) string { return l.path + "." + strconv.Itoa(i) }

// Close closes the file.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
