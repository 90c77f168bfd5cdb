package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// state is what this process knows of the files, valid while audit.jsonl
// is as it last saw it.
type state struct {
	ok       bool        // the rest is valid for fi
	fi       os.FileInfo // audit.jsonl after this process's last look; nil if missing
	size     int64       // of audit.jsonl
	firstSeq int64       // seq of audit.jsonl's first record; 0 when it has none
	lastSeq  int64       // of the chain's last record; 0 for none
	lastHash [32]byte    // of the chain's last line; zero for none

	// needHeader names the newest rotated file when audit.jsonl has no
	// records yet: the next record must be the audit.rotated linking to it.
	needHeader string
	// repairs are the details of audit.repaired records still to write.
	repairs []map[string]string
	// headStale says audit.head must be rewritten even if nothing is written.
	headStale bool
}

// hashHex is the hex form of the last hash, as prev of the next record.
func (s *state) hashHex() string {
	if s.lastSeq == 0 {
		return zeroHash
	}
	return hex.EncodeToString(s.lastHash[:])
}

// refresh brings l.st up to date with the files, under the lock: when
// audit.jsonl is not the file, or not the size or time, this process last
// saw, it reads its first and last lines again, moves a torn last line
// aside, and compares the end of the chain with audit.head.
func (l *Log) refresh() error {
	fi, err := os.Stat(filepath.Join(l.dir, currentName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("audit: %w", err)
	}
	if err != nil {
		fi = nil
	}
	if l.st.ok && unchanged(l.st.fi, fi) {
		return nil
	}
	pending := l.st.repairs // not yet written, found by an earlier look
	st, err := l.load()
	if err != nil {
		l.st = state{repairs: pending}
		return err
	}
	st.repairs = append(pending, st.repairs...)
	l.st = st
	return nil
}

// unchanged reports whether a and b describe the same file, not written
// in between.
func unchanged(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// load reads the state from the files.
func (l *Log) load() (state, error) {
	var st state
	path := filepath.Join(l.dir, currentName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return st, fmt.Errorf("audit: %w", err)
	default:
		defer f.Close()
		if err := l.loadCurrent(f, &st); err != nil {
			return st, err
		}
	}
	if st.size == 0 {
		if err := l.loadRotated(&st); err != nil {
			return st, err
		}
	}
	l.checkHead(&st)
	fi, err := os.Stat(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, fmt.Errorf("audit: %w", err)
	}
	if err == nil {
		st.fi = fi
	}
	st.ok = true
	return st, nil
}

// loadCurrent reads the first and last records of audit.jsonl, after
// moving a torn last line aside.
func (l *Log) loadCurrent(f *os.File, st *state) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	size := fi.Size()
	end, err := lastNewline(f, size)
	if err != nil {
		return err
	}
	if end < size {
		d, err := l.moveTorn(f, end, size)
		if err != nil {
			return err
		}
		st.repairs = append(st.repairs, d)
		size = end
	}
	st.size = size
	if size == 0 {
		return nil
	}
	first, err := firstLine(f)
	if err != nil {
		return err
	}
	w, err := parseLine(first)
	if err != nil {
		return fmt.Errorf("audit: %s line 1 is not a record (%v); see Verify", currentName, err)
	}
	st.firstSeq = w.Seq
	last, err := lastLine(f, size)
	if err != nil {
		return err
	}
	if w, err = parseLine(last); err != nil {
		return fmt.Errorf("audit: the last line of %s is not a record (%v); see Verify", currentName, err)
	}
	st.lastSeq, st.lastHash = w.Seq, sha256.Sum256(last)
	return nil
}

// loadRotated takes the end of the chain from the newest rotated file when
// audit.jsonl has no records: a rotation was cut short after its rename.
func (l *Log) loadRotated(st *state) error {
	rot, err := listRotated(l.dir)
	if err != nil || len(rot) == 0 {
		return err
	}
	newest := rot[len(rot)-1].name
	f, err := os.Open(filepath.Join(l.dir, newest))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if end, err := lastNewline(f, fi.Size()); err != nil || end != fi.Size() || end == 0 {
		return fmt.Errorf("audit: %s, the newest rotated file, is empty or does not end with a newline (%v); see Verify", newest, err)
	}
	last, err := lastLine(f, fi.Size())
	if err != nil {
		return err
	}
	w, err := parseLine(last)
	if err != nil {
		return fmt.Errorf("audit: the last line of %s is not a record (%v); see Verify", newest, err)
	}
	st.lastSeq, st.lastHash, st.needHeader = w.Seq, sha256.Sum256(last), newest
	return nil
}

// checkHead compares the end of the chain with audit.head. A head behind
// the chain is only rewritten; any other difference is also recorded by
// an audit.repaired record, so that a loss stays visible.
func (l *Log) checkHead(st *state) {
	h, err := readHead(l.dir)
	repair := func(problem string, kv ...string) {
		d := map[string]string{"problem": problem, "lastSeq": strconv.FormatInt(st.lastSeq, 10)}
		for i := 0; i+1 < len(kv); i += 2 {
			d[kv[i]] = kv[i+1]
		}
		st.repairs = append(st.repairs, d)
	}
	switch {
	case errors.Is(err, errNoHead):
		if st.lastSeq > 0 {
			repair("audit.head was missing")
		}
	case err != nil:
		repair("audit.head was unreadable")
	case h.Seq > st.lastSeq:
		repair("records were lost from the end: audit.head said the log ended at a later seq",
			"headSeq", strconv.FormatInt(h.Seq, 10))
	case h.Seq == st.lastSeq && h.Hash != st.hashHex():
		repair("the last record does not match audit.head")
	case h.Seq == st.lastSeq:
		return // up to date
	}
	st.headStale = true
}

// moveTorn moves the bytes of f from start to size, a last line without
// its newline, into a new audit.torn-<time> file and cuts them off f. It
// returns the detail of the audit.repaired record that says so.
func (l *Log) moveTorn(f *os.File, start, size int64) (map[string]string, error) {
	b := make([]byte, size-start)
	if _, err := f.ReadAt(b, start); err != nil {
		return nil, fmt.Errorf("audit: read the torn line of %s: %w", currentName, err)
	}
	name := freeName(l.dir, tornPrefix, l.clock())
	t, err := os.OpenFile(filepath.Join(l.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: move the torn line aside: %w", err)
	}
	_, err = t.Write(b)
	if err == nil {
		err = t.Sync()
	}
	if cerr := t.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = f.Truncate(start)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(l.dir)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: move the torn line aside into %s: %w", name, err)
	}
	return map[string]string{
		"problem": "a torn last line was moved aside",
		"file":    name,
		"bytes":   strconv.Itoa(len(b)),
	}, nil
}
