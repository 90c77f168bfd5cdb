package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// testClock returns a clock that starts at 2026-11-29 06:44:10 UTC and
// advances by step at every call.
func testClock(step time.Duration) func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 29, 6, 44, 10, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(step)
		return t
	}
}

// openLog opens a log in dir with a test clock, closed at the end of the
// test.
func openLog(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = testClock(1500 * time.Millisecond)
	}
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// sample is the i-th record of a test log.
func sample(i int) Record {
	return Record{
		Event: EventIDCardRead, Device: "idcard-0", Origin: "https://zwfw.example.gov.cn",
		ID: "370481********123X", Purpose: "低保申请", Result: "ok",
		Detail: map[string]string{"n": fmt.Sprint(i)},
	}
}

// appendN appends n sample records.
func appendN(t testing.TB, l *Log, n int) {
	t.Helper()
	for i := range n {
		if err := l.Append(sample(i)); err != nil {
			t.Fatal(err)
		}
	}
}

// mustVerify verifies dir and fails the test on an error.
func mustVerify(t testing.TB, dir string) Report {
	t.Helper()
	rep, err := Verify(dir)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

// brokenAt verifies dir and returns the BrokenError, failing the test when
// there is none.
func brokenAt(t testing.TB, dir string) *BrokenError {
	t.Helper()
	_, err := Verify(dir)
	var be *BrokenError
	if !errors.As(err, &be) {
		t.Fatalf("Verify = %v, want a *BrokenError", err)
	}
	return be
}

// readRecords returns the records of one file of dir.
func readRecords(t testing.TB, dir, file string) []wire {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var out []wire
	for _, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		w, err := parseLine(line)
		if err != nil {
			t.Fatalf("%s: %v: %s", file, err, line)
		}
		out = append(out, w)
	}
	return out
}

// allRecords returns the records of every file of dir in chain order.
func allRecords(t testing.TB, dir string) []wire {
	t.Helper()
	rep := mustVerify(t, dir)
	var out []wire
	for _, f := range rep.Files {
		out = append(out, readRecords(t, dir, f)...)
	}
	return out
}

// lines returns the lines of a file, each with its newline.
func lines(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(b, []byte("\n"))
}

// writeLines writes lines back to path.
func writeLines(t testing.TB, path string, ls [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(ls, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

// hashOf returns the hex SHA-256 of a line, without its newline.
func hashOf(line []byte) string {
	s := sha256.Sum256(bytes.TrimSuffix(line, []byte("\n")))
	return hex.EncodeToString(s[:])
}

func isWindows() bool { return runtime.GOOS == "windows" }
