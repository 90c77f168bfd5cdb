package outbox

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// openTest opens a queue in dir (a new temporary one if ""), closed at the
// end of the test.
func openTest(t testing.TB, dir string) *Queue {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "state")
	}
	q, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// rawDB opens the queue's database beside the queue, for tests that look
// at or damage what is stored.
func rawDB(t testing.TB, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// eventually polls cond until it holds or d passes.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// key returns a valid idempotency key for test item n.
func key(n int) string {
	return "test-item-" + string(rune('a'+n%26)) + "-" + itoa(n)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// fakeClock is a clock the test sets; safe for the queue's goroutines.
type fakeClock struct{ ms atomic.Int64 }

func newFakeClock(q *Queue, t time.Time) *fakeClock {
	c := &fakeClock{}
	c.Set(t)
	q.now = c.Now
	return c
}

func (c *fakeClock) Now() time.Time  { return time.UnixMilli(c.ms.Load()) }
func (c *fakeClock) Set(t time.Time) { c.ms.Store(t.UnixMilli()) }
