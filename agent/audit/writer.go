package audit

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
)

// commitLocked writes, under the lock: the audit.rotated record a cut-short
// rotation still owes, the audit.repaired records of what refresh found,
// then recs (rotating first when the file is full), then audit.head.
func (l *Log) commitLocked(recs []wire) (err error) {
	defer func() {
		if err != nil {
			l.st.ok = false // look at the files again next time
		}
	}()
	if err := l.refresh(); err != nil {
		return err
	}
	f, err := l.openCurrent()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("audit: close %s: %w", currentName, cerr)
		}
	}()
	wrote := false
	if l.st.needHeader != "" {
		if err := l.startFile(f, l.st.needHeader); err != nil {
			return err
		}
		l.st.needHeader, wrote = "", true
	}
	for len(l.st.repairs) > 0 {
		if err := l.emit(f, wire{Event: EventRepaired, Detail: l.st.repairs[0]}); err != nil {
			return err
		}
		l.st.repairs, wrote = l.st.repairs[1:], true
	}
	for _, w := range recs {
		if l.st.size >= l.max {
			if f, err = l.rotate(f); err != nil {
				return err
			}
		}
		if err := l.emit(f, w); err != nil {
			return err
		}
		wrote = true
	}
	if wrote || l.st.headStale {
		h := head{Seq: l.st.lastSeq, Hash: l.st.hashHex(), File: currentName}
		if err := writeHead(l.dir, h); err != nil {
			return err
		}
		l.st.headStale = false
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	l.st.fi = fi
	return nil
}

// openCurrent opens audit.jsonl for appending, creating it.
func (l *Log) openCurrent() (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(l.dir, currentName), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return f, nil
}

// emit chains w to the last record, writes its line to f in one write and
// fsyncs it.
func (l *Log) emit(f *os.File, w wire) error {
	w.Seq = l.st.lastSeq + 1
	w.Prev = l.st.hashHex()
	if w.Time == "" {
		w.Time = formatTime(l.clock())
	}
	line, err := w.encode()
	if err != nil {
		return err
	}
	n, err := f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		// A part of the line may be in the file: the next look repairs it.
		l.st.ok = false
		return fmt.Errorf("audit: write seq %d: %w", w.Seq, err)
	}
	l.st.lastSeq, l.st.lastHash = w.Seq, sha256.Sum256(line)
	l.st.size += int64(n)
	if l.st.firstSeq == 0 {
		l.st.firstSeq = w.Seq
	}
	return nil
}

// rotate closes f, renames audit.jsonl to its rotated name and returns the
// new audit.jsonl, which starts with the audit.rotated record. When the
// rename fails (on Windows, while another program has the file open) it
// returns f's file again, to go on writing into it, and says so once by an
// audit.rotate-failed record; the next append tries again.
func (l *Log) rotate(f *os.File) (*os.File, error) {
	name := rotatedName(l.clock(), l.st.firstSeq)
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("audit: close %s: %w", currentName, err)
	}
	cur := filepath.Join(l.dir, currentName)
	if rerr := os.Rename(cur, filepath.Join(l.dir, name)); rerr != nil {
		nf, err := l.openCurrent()
		if err != nil {
			return nil, err
		}
		if !l.rotateFailed {
			d := map[string]string{"error": maskFullIDs(rerr.Error())}
			if err := l.emit(nf, wire{Event: EventRotateFailed, Detail: d}); err != nil {
				nf.Close()
				return nil, err
			}
			l.rotateFailed = true
		}
		return nf, nil
	}
	l.rotateFailed = false
	l.st.size, l.st.firstSeq = 0, 0
	nf, err := l.openCurrent()
	if err == nil {
		err = syncDir(l.dir)
	}
	if err == nil {
		err = l.startFile(nf, name)
	}
	if err != nil {
		if nf != nil {
			nf.Close()
		}
		return nil, err
	}
	return nf, nil
}

// maxRemovePerRotation bounds the list in one audit.rotated record.
const maxRemovePerRotation = 50

// startFile writes the audit.rotated record that begins a file after
// prevFile, then deletes the rotated files beyond KeepFiles, which that
// record lists in detail.removed (written first, so no file is ever
// deleted without a record of it).
func (l *Log) startFile(f *os.File, prevFile string) error {
	var removed []string
	if l.keep > 0 {
		rot, err := listRotated(l.dir)
		if err != nil {
			return err
		}
		for i := 0; i < len(rot)-l.keep && len(removed) < maxRemovePerRotation; i++ {
			removed = append(removed, rot[i].name)
		}
	}
	d := map[string]string{"prevFile": prevFile}
	if len(removed) > 0 {
		d["removed"] = joinNames(removed)
	}
	if err := l.emit(f, wire{Event: EventRotated, Detail: d}); err != nil {
		return err
	}
	for _, name := range removed {
		// A file that cannot be deleted now (open elsewhere, on Windows)
		// is listed and deleted again at the next rotation.
		os.Remove(filepath.Join(l.dir, name))
	}
	return nil
}
