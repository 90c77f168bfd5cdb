package audit

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/filelock"
)

// Report says what Verify checked.
type Report struct {
	// Files are the files walked, in chain order.
	Files []string
	// Records is how many records were checked and found sound.
	Records int64
	// FirstSeq and LastSeq are the seq of the first and last record
	// checked; FirstSeq is above 1 when retention removed older files.
	FirstSeq, LastSeq int64
	// Notes are things worth knowing that do not break the chain: files
	// removed by retention, repairs the writer recorded, a lagging head.
	Notes []string
}

// BrokenError names the first record of the log that is not sound.
type BrokenError struct {
	File    string // base name of the file, e.g. "audit.jsonl" or "audit.head"
	Line    int    // 1-based line in File; 0 when the problem is the file itself
	Seq     int64  // the record's seq; 0 when the line has none
	Problem string // what is wrong
}

// Error formats e as "file:line (seq N): problem", leaving out what is 0.
func (e *BrokenError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	if e.Seq > 0 {
		s += " (seq " + strconv.FormatInt(e.Seq, 10) + ")"
	}
	return s + ": " + e.Problem
}

// Verify checks the audit log in dir: every line is a record, seq runs
// 1, 2, 3… without a gap, every prev is the hash of the line before it,
// each file after the first begins with an audit.rotated record naming the
// file before it, and the chain ends where audit.head says. It returns a
// *BrokenError for the first record that fails (see the package
// documentation for which record each kind of damage names), or another
// error when the files cannot be read. It holds the log's lock while it
// reads, so appends wait meanwhile.
func Verify(dir string) (Report, error) {
	var rep Report
	if _, err := os.Stat(dir); err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	if lf, err := os.Open(filepath.Join(dir, lockName)); err == nil {
		defer lf.Close()
		if err := filelock.Lock(lf); err != nil {
			return rep, fmt.Errorf("audit: verify: %w", err)
		}
		defer filelock.Unlock(lf)
	} else {
		rep.Notes = append(rep.Notes, fmt.Sprintf("verified without the lock (%v)", err))
	}
	rot, err := listRotated(dir)
	if err != nil {
		return rep, err
	}
	for _, r := range rot {
		rep.Files = append(rep.Files, r.name)
	}
	if _, err := os.Stat(filepath.Join(dir, currentName)); err == nil {
		rep.Files = append(rep.Files, currentName)
	}
	v := &verifier{dir: dir, rep: &rep}
	v.head, v.headErr = readHead(dir)
	w := &walker{dir: dir, files: append([]string(nil), rep.Files...)}
	defer w.close()
	next := func() (*item, error) {
		for {
			it, err := w.next()
			if err != nil || it == nil || !(it.empty && it.file == currentName) {
				return it, err
			}
		}
	}
	var prev *item
	cur, err := next()
	for err == nil && cur != nil {
		var nxt *item
		if nxt, err = next(); err != nil {
			break
		}
		if berr := v.check(prev, cur, nxt); berr != nil {
			return rep, berr
		}
		prev, cur = cur, nxt
	}
	if err != nil {
		return rep, err
	}
	if berr := v.finish(prev); berr != nil {
		return rep, berr
	}
	return rep, nil
}

// verifier holds what Verify learns on its way.
type verifier struct {
	dir       string
	rep       *Report
	head      head
	headErr   error
	headSeen  bool // the record at head.Seq was walked
	headMatch bool // and its hash is head.Hash
}

// broken returns the BrokenError for it.
func broken(it *item, problem string) *BrokenError {
	return &BrokenError{File: it.file, Line: it.line, Seq: it.seq(), Problem: problem}
}

// check checks record c, given the record p before it (nil for the first)
// and the line n after it (nil for the last).
func (v *verifier) check(p, c, n *item) *BrokenError {
	switch {
	case c.empty:
		return broken(c, "the file is empty")
	case c.torn:
		return broken(c, "incomplete line (no newline at the end): a write was cut short or the file was truncated")
	case c.err != nil:
		return broken(c, "not a valid record: "+c.err.Error())
	}
	seq := c.rec.Seq
	if c.first && c.file != currentName {
		if m := rotatedRE.FindStringSubmatch(c.file); m != nil && m[2] != strconv.FormatInt(seq, 10) {
			return broken(c, fmt.Sprintf("the file's name says its first record is seq %s", m[2]))
		}
	}
	switch {
	case p == nil && seq != 1:
		if err := v.checkOldest(c); err != nil {
			return err
		}
	case p != nil && c.first:
		if err := v.checkFileStart(p, c); err != nil {
			return err
		}
		fallthrough
	case p != nil:
		if ps := p.seq(); seq != ps+1 {
			why := "records are missing"
			if seq <= ps {
				why = "records are out of order or repeated"
			}
			return broken(c, fmt.Sprintf("seq %d does not follow seq %d of the record before it: %s", seq, ps, why))
		}
	}
	if p != nil || seq == 1 {
		want := zeroHash
		if p != nil {
			want = hex.EncodeToString(p.hash[:])
		}
		if c.rec.Prev != want {
			if p != nil && v.nextPrev(c, n) == hex.EncodeToString(c.hash[:]) {
				return broken(p, "the record was changed after it was written: its hash does not match the prev of the record after it")
			}
			return broken(c, "prev hash does not match the record before it")
		}
	}
	v.account(c)
	return nil
}

// checkFileStart checks the audit.rotated record c that must begin a file
// after the file of p.
func (v *verifier) checkFileStart(p, c *item) *BrokenError {
	if c.rec.Event != EventRotated {
		return broken(c, fmt.Sprintf("a file after the first must begin with an %s record, not %s", EventRotated, c.rec.Event))
	}
	pf := c.rec.Detail["prevFile"]
	if pf == p.file {
		return nil
	}
	if _, err := os.Stat(filepath.Join(v.dir, pf)); err != nil && c.rec.Seq > p.seq()+1 {
		return broken(c, fmt.Sprintf("the file before this one, %s (seq %d to %d), is missing", pf, p.seq()+1, c.rec.Seq-1))
	}
	return broken(c, fmt.Sprintf("detail.prevFile is %q, but the file before this one is %s", pf, p.file))
}

// checkOldest checks the first record left when it is not seq 1: it must
// begin a file whose predecessor an audit.rotated record lists as removed
// by retention.
func (v *verifier) checkOldest(c *item) *BrokenError {
	seq := c.rec.Seq
	pf := c.rec.Detail["prevFile"]
	if c.rec.Event != EventRotated || !c.first || pf == "" {
		return broken(c, fmt.Sprintf("records 1 to %d are missing", seq-1))
	}
	if !v.removedByRetention(pf) {
		return broken(c, fmt.Sprintf("records before seq %d are missing: %s is not here, and no %s record says retention removed it", seq, pf, EventRotated))
	}
	v.note(fmt.Sprintf("files before seq %d were removed by retention; the chain is verified from %s", seq, c.file))
	return nil
}

// removedByRetention reports whether an audit.rotated record (always the
// first line of a file) lists name in detail.removed.
func (v *verifier) removedByRetention(name string) bool {
	for _, file := range v.rep.Files {
		f, err := os.Open(filepath.Join(v.dir, file))
		if err != nil {
			continue
		}
		line, err := firstLine(f)
		f.Close()
		if err != nil {
			continue
		}
		w, err := parseLine(line)
		if err != nil || w.Event != EventRotated {
			continue
		}
		for _, r := range splitNames(w.Detail["removed"]) {
			if r == name {
				return true
			}
		}
	}
	return false
}

// nextPrev returns what the line after c says c's hash is: its prev, or
// audit.head's hash when c is the last record; "" when nothing says.
func (v *verifier) nextPrev(c, n *item) string {
	if n != nil {
		if n.err == nil && !n.torn {
			return n.rec.Prev
		}
		return ""
	}
	if v.headErr == nil && v.head.Seq == c.rec.Seq {
		return v.head.Hash
	}
	return ""
}

// account counts the sound record c and notes what it tells.
func (v *verifier) account(c *item) {
	if v.rep.Records == 0 {
		v.rep.FirstSeq = c.rec.Seq
	}
	v.rep.Records++
	v.rep.LastSeq = c.rec.Seq
	if v.headErr == nil && c.rec.Seq == v.head.Seq {
		v.headSeen, v.headMatch = true, hex.EncodeToString(c.hash[:]) == v.head.Hash
	}
	switch c.rec.Event {
	case EventRepaired:
		s := fmt.Sprintf("seq %d (%s:%d): the log was repaired: %s", c.rec.Seq, c.file, c.line, c.rec.Detail["problem"])
		if f := c.rec.Detail["file"]; f != "" {
			s += " (" + f + ")"
		}
		v.note(s)
	case EventRotateFailed:
		v.note(fmt.Sprintf("seq %d (%s:%d): a rotation failed: %s", c.rec.Seq, c.file, c.line, c.rec.Detail["error"]))
	}
}

func (v *verifier) note(s string) { v.rep.Notes = append(v.rep.Notes, s) }

// finish compares the end of the chain, last (nil for none), with
// audit.head.
func (v *verifier) finish(last *item) *BrokenError {
	h := v.head
	if last == nil {
		switch {
		case errors.Is(v.headErr, errNoHead):
			return nil
		case v.headErr != nil:
			return &BrokenError{File: headName, Problem: v.headErr.Error()}
		case h.Seq > 0:
			return &BrokenError{File: currentName, Problem: fmt.Sprintf("the log has no records, but %s says it ends at seq %d", headName, h.Seq)}
		}
		return nil
	}
	seq := last.rec.Seq
	switch {
	case errors.Is(v.headErr, errNoHead):
		return &BrokenError{File: headName, Problem: fmt.Sprintf("missing, so the end of the log (seq %d) cannot be checked", seq)}
	case v.headErr != nil:
		return &BrokenError{File: headName, Problem: v.headErr.Error()}
	case h.Seq > seq:
		return broken(last, fmt.Sprintf("the log ends here, but %s says it ends at seq %d: records were removed from the end", headName, h.Seq))
	case h.Seq == seq:
		if h.Hash != hex.EncodeToString(last.hash[:]) {
			return broken(last, fmt.Sprintf("the record does not match %s: it or the head was changed", headName))
		}
	case h.Seq < v.rep.FirstSeq && h.Seq > 0:
		v.note(fmt.Sprintf("%s (seq %d) is older than the oldest record left", headName, h.Seq))
	case v.headSeen && !v.headMatch:
		return &BrokenError{File: headName, Problem: fmt.Sprintf("the hash it gives seq %d is not that record's", h.Seq)}
	default:
		v.note(fmt.Sprintf("%s lags: it says seq %d, the log ends at seq %d (a writer stopped between the record and the head; the next append rewrites it)", headName, h.Seq, seq))
	}
	return nil
}
