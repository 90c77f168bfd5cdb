package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallLog writes a log of 12 short records over several files and
// returns its directory and files in chain order.
func smallLog(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 600})
	for range 12 {
		if err := l.Append(Record{Event: EventIDCardRead, ID: "370481********123X"}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	rep := mustVerify(t, dir)
	if len(rep.Files) < 3 {
		t.Fatalf("want at least 3 files, got %v", rep.Files)
	}
	return dir, rep.Files
}

// TestEveryChangedByteIsFound changes every byte of every file of a small
// log, one at a time and in several ways (bit flips, a newline, a space),
// and checks that Verify names the file and line that hold the byte: a
// record's line with the newline that ends it.
func TestEveryChangedByteIsFound(t *testing.T) {
	dir, files := smallLog(t)
	changes := []struct {
		name string
		f    func(byte) byte
	}{
		{"^0x01", func(b byte) byte { return b ^ 0x01 }},
		{"^0x20", func(b byte) byte { return b ^ 0x20 }},
		{"^0x80", func(b byte) byte { return b ^ 0x80 }},
		{"newline", func(byte) byte { return '\n' }},
		{"space", func(byte) byte { return ' ' }},
	}
	checked := 0
	for _, file := range files {
		path := filepath.Join(dir, file)
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		line := 1
		for i := range orig {
			for _, c := range changes {
				b := c.f(orig[i])
				if b == orig[i] {
					continue
				}
				mut := bytes.Clone(orig)
				mut[i] = b
				if err := os.WriteFile(path, mut, 0o600); err != nil {
					t.Fatal(err)
				}
				be := brokenAt(t, dir)
				if be.File != file || be.Line != line {
					t.Errorf("%s byte %d (line %d) %q %s: Verify names %v", file, i, line, orig[i], c.name, be)
				}
				checked++
			}
			if orig[i] == '\n' {
				line++
			}
		}
		if err := os.WriteFile(path, orig, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mustVerify(t, dir)
	t.Logf("%d changes checked", checked)
}

// TestDeletedLineIsFound deletes each line in turn: Verify names the
// record after the gap, or the new last record when the last was deleted.
func TestDeletedLineIsFound(t *testing.T) {
	dir, files := smallLog(t)
	for fi, file := range files {
		path := filepath.Join(dir, file)
		ls := lines(t, path)
		ls = ls[:len(ls)-1] // the empty piece after the last newline
		for i := range ls {
			del := append(append([][]byte(nil), ls[:i]...), ls[i+1:]...)
			writeLines(t, path, del)
			wantFile, wantLine := file, i+1
			switch {
			case i == len(ls)-1 && fi == len(files)-1:
				wantLine = i // the last record left
			case i == len(ls)-1:
				wantFile, wantLine = files[fi+1], 1
			}
			if be := brokenAt(t, dir); be.File != wantFile || be.Line != wantLine {
				t.Errorf("%s line %d deleted: got %v, want %s:%d", file, i+1, be, wantFile, wantLine)
			}
		}
		writeLines(t, path, ls)
	}
	mustVerify(t, dir)
}

// TestSwappedLinesAreFound swaps each pair of neighbouring lines of a
// file: Verify names the first of the two.
func TestSwappedLinesAreFound(t *testing.T) {
	dir, files := smallLog(t)
	for _, file := range files {
		path := filepath.Join(dir, file)
		ls := lines(t, path)
		ls = ls[:len(ls)-1]
		for i := 0; i+1 < len(ls); i++ {
			sw := append([][]byte(nil), ls...)
			sw[i], sw[i+1] = sw[i+1], sw[i]
			writeLines(t, path, sw)
			if be := brokenAt(t, dir); be.File != file || be.Line != i+1 {
				t.Errorf("%s lines %d and %d swapped: got %v", file, i+1, i+2, be)
			}
		}
		writeLines(t, path, ls)
	}
	mustVerify(t, dir)
}

// TestTruncatedTailIsFound cuts whole records and parts of a line from the
// end of the log.
func TestTruncatedTailIsFound(t *testing.T) {
	dir, _ := smallLog(t)
	path := filepath.Join(dir, currentName)
	orig, _ := os.ReadFile(path)
	ls := lines(t, path)
	ls = ls[:len(ls)-1]
	for n := 1; n < len(ls); n++ {
		writeLines(t, path, ls[:len(ls)-n])
		be := brokenAt(t, dir)
		if be.File != currentName || be.Line != len(ls)-n || !strings.Contains(be.Problem, "records were removed from the end") {
			t.Errorf("%d records cut: got %v", n, be)
		}
	}
	for _, cut := range []int{1, 2, 40, len(ls[len(ls)-1]) - 1} {
		os.WriteFile(path, orig[:len(orig)-cut], 0o600)
		be := brokenAt(t, dir)
		if be.File != currentName || be.Line != len(ls) || !strings.Contains(be.Problem, "incomplete line") {
			t.Errorf("%d bytes cut: got %v", cut, be)
		}
	}
	// The whole of audit.jsonl gone: the head is ahead of the newest
	// rotated file.
	os.Remove(path)
	if be := brokenAt(t, dir); !strings.Contains(be.Problem, "records were removed from the end") {
		t.Errorf("audit.jsonl deleted: got %v", be)
	}
}

// TestDeletedMiddleFileIsFound deletes a rotated file between two others.
func TestDeletedMiddleFileIsFound(t *testing.T) {
	dir, files := smallLog(t)
	os.Remove(filepath.Join(dir, files[1]))
	be := brokenAt(t, dir)
	if be.File != files[2] || be.Line != 1 || !strings.Contains(be.Problem, files[1]+" (seq") || !strings.Contains(be.Problem, "is missing") {
		t.Errorf("got %v", be)
	}
}

// TestRenamedFileIsFound gives a rotated file a name that does not match
// its first record.
func TestRenamedFileIsFound(t *testing.T) {
	dir, files := smallLog(t)
	renamed := strings.Replace(files[1], "-", "-9", 1)
	renamed = renamed[:strings.LastIndexByte(renamed, '-')] + "-999.jsonl"
	os.Rename(filepath.Join(dir, files[1]), filepath.Join(dir, renamed))
	if be := brokenAt(t, dir); be.Line != 1 {
		t.Errorf("got %v", be)
	}
}
