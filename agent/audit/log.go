package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/filelock"
)

// DefaultMaxFileBytes is the size at which the current file is rotated
// when Options.MaxFileBytes is 0.
const DefaultMaxFileBytes = 8 << 20

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("audit: log is closed")

// Options tune a Log. The zero value is the production setting.
type Options struct {
	// MaxFileBytes is the size at which audit.jsonl is rotated: a record
	// that finds the file this large or larger starts a new file. 0 means
	// DefaultMaxFileBytes.
	MaxFileBytes int64
	// KeepFiles is how many rotated files are kept; older ones are deleted
	// at the next rotation. 0 keeps all.
	KeepFiles int
	// Clock gives the time of records and of file names; nil means
	// time.Now. For tests.
	Clock func() time.Time
}

// Log appends records to the audit log in one directory. It is safe for
// concurrent use, and other processes may append to the same directory at
// the same time.
type Log struct {
	dir   string
	max   int64
	keep  int
	clock func() time.Time

	sem          chan struct{} // held by the one goroutine working on the files
	lock         *os.File      // audit.lock; nil after Close
	st           state         // what this process knows of the files
	rotateFailed bool          // an audit.rotate-failed record was written since the last rotation
}

// Open opens the audit log in dir, creating dir (0700) and the log if
// needed. It takes the lock and repairs what a crashed writer left: a torn
// last line is moved aside into audit.torn-<time> and an "audit.repaired"
// record says so; a crash in the middle of a rotation is completed.
func Open(dir string, opts Options) (*Log, error) {
	if opts.MaxFileBytes < 0 || opts.KeepFiles < 0 {
		return nil, fmt.Errorf("audit: negative MaxFileBytes (%d) or KeepFiles (%d)", opts.MaxFileBytes, opts.KeepFiles)
	}
	if opts.MaxFileBytes == 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: create %s: %w", dir, err)
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("audit: make %s owner-only: %w", dir, err)
		}
	}
	lf, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: open lock: %w", err)
	}
	l := &Log{
		dir: dir, max: opts.MaxFileBytes, keep: opts.KeepFiles, clock: opts.Clock,
		sem: make(chan struct{}, 1), lock: lf,
	}
	if err := l.commit(context.Background(), nil); err != nil {
		lf.Close()
		return nil, err
	}
	return l, nil
}

// Dir returns the log's directory.
func (l *Log) Dir() string { return l.dir }

// Append writes r as the next record of the chain and fsyncs it. It sets
// Seq and Prev, and Time when r.Time is zero. A full ID number in r.ID is
// masked; one anywhere else makes Append fail with an error wrapping
// ErrFullIDNumber, and nothing is written. Append waits for another
// process that is appending; see AppendContext to bound the wait.
func (l *Log) Append(r Record) error { return l.AppendContext(context.Background(), r) }

// AppendContext is Append that stops waiting for the log when ctx ends.
func (l *Log) AppendContext(ctx context.Context, r Record) error {
	w, err := callerWire(r)
	if err != nil {
		return err
	}
	n, err := w.maxLen()
	if err != nil {
		return err
	}
	if n > MaxRecordBytes {
		return fmt.Errorf("audit: record is %d bytes, at most %d", n, MaxRecordBytes)
	}
	return l.commit(ctx, []wire{w})
}

// Close releases the log's files. Appends after it fail with ErrClosed.
func (l *Log) Close() error {
	l.sem <- struct{}{}
	defer func() { <-l.sem }()
	if l.lock == nil {
		return nil
	}
	err := l.lock.Close()
	l.lock = nil
	if err != nil {
		return fmt.Errorf("audit: close: %w", err)
	}
	return nil
}

// commit takes the log (this process's turn, then the file lock) and
// writes recs after whatever repairs the files need.
func (l *Log) commit(ctx context.Context, recs []wire) error {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("audit: wait for the log: %w", ctx.Err())
	}
	defer func() { <-l.sem }()
	if l.lock == nil {
		return ErrClosed
	}
	if err := lockFile(ctx, l.lock); err != nil {
		return fmt.Errorf("audit: lock %s: %w", l.dir, err)
	}
	defer filelock.Unlock(l.lock)
	return l.commitLocked(recs)
}

// maxLen returns the length the line of w can have once chained: seq, prev
// and time at their longest.
func (w wire) maxLen() (int, error) {
	w.Seq = 1<<63 - 1
	w.Prev = zeroHash
	if w.Time == "" {
		w.Time = formatTime(time.Time{})
	}
	b, err := w.encode()
	return len(b), err
}
