package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestEnqueueSurvivesReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	q, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	kinds := []Kind{KindApplication, KindEvidence, KindVisit}
	for i, k := range kinds {
		it, err := q.Enqueue(ctx, k, key(i), []byte(fmt.Sprintf("payload %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		if it.ID == 0 || it.State != StatePending || it.Key != key(i) || it.Kind != k {
			t.Fatalf("Enqueue returned %+v", it)
		}
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, KindVisit, key(9), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Enqueue after Close: %v", err)
	}
	q = openTest(t, dir)
	if s := q.Status(); s.Pending != 3 || s.Failing != 0 {
		t.Fatalf("status after reopen %+v", s)
	}
	items, err := q.List(ctx, StatePending)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	for i, it := range items {
		if it.Kind != kinds[i] || string(it.Payload) != fmt.Sprintf("payload %d", i) || it.Key != key(i) {
			t.Errorf("item %d: %+v", i, it)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %04o, want 0600", fi.Mode().Perm())
	}
}

func TestEnqueueIsIdempotent(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	first, err := q.Enqueue(ctx, KindApplication, key(1), []byte("申请"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := q.Enqueue(ctx, KindApplication, key(1), []byte("申请"))
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || !again.Created.Equal(first.Created) || string(again.Payload) != "申请" {
		t.Fatalf("second Enqueue made %+v, first %+v", again, first)
	}
	// Concurrent retries of one key: one item.
	var wg sync.WaitGroup
	ids := make([]int64, 20)
	errs := make([]error, 20)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it, err := q.Enqueue(ctx, KindVisit, key(2), []byte("visit"))
			ids[i], errs[i] = it.ID, err
		}()
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("concurrent enqueue %d: id %d err %v, first id %d", i, ids[i], errs[i], ids[0])
		}
	}
	if s := q.Status(); s.Pending != 2 {
		t.Fatalf("status %+v, want 2 pending", s)
	}
	if _, err := q.Enqueue(ctx, KindEvidence, key(1), []byte("申请")); !errors.Is(err, ErrKeyConflict) {
		t.Errorf("same key, other kind: %v", err)
	}
	if _, err := q.Enqueue(ctx, KindApplication, key(1), []byte("另一个申请")); !errors.Is(err, ErrKeyConflict) {
		t.Errorf("same key, other payload: %v", err)
	}
	// Delivered (payload wiped): a late retry is still a no-op.
	s := &Sender{Queue: q, Deliver: func(context.Context, Item) error { return nil }, MinBackoff: time.Millisecond}
	runSender(t, s)
	eventually(t, 10*time.Second, "delivery", func() bool { return q.Status().Pending == 0 })
	late, err := q.Enqueue(ctx, KindApplication, key(1), []byte("申请"))
	if err != nil {
		t.Fatal(err)
	}
	if late.ID != first.ID || late.State != StateDelivered || late.Payload != nil {
		t.Fatalf("late retry: %+v", late)
	}
	if s := q.Status(); s.Pending != 0 {
		t.Fatalf("late retry queued again: %+v", s)
	}
}

// runSender runs s until the end of the test, and checks that it
// returns nil.
func runSender(t *testing.T, s *Sender) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Sender.Run: %v", err)
		}
	})
}

func TestEnqueueRefuses(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	cases := []struct {
		kind Kind
		key  string
		size int
		want error
	}{
		{"letter", key(1), 1, ErrBadKind},
		{KindApplication, "short", 1, ErrBadIdempotencyKey},
		{KindApplication, "has space in it", 1, ErrBadIdempotencyKey},
		{KindApplication, "申请-0000000001", 1, ErrBadIdempotencyKey},
		{KindApplication, string(bytes.Repeat([]byte{'k'}, MaxKeyLen+1)), 1, ErrBadIdempotencyKey},
		{KindApplication, "app-37048119900307123X", 1, ErrBadIdempotencyKey}, // an ID number
		{KindApplication, "app-370481900307123", 1, ErrBadIdempotencyKey},    // a 15-digit one
		{KindApplication, key(1), MaxPayload + 1, ErrPayloadTooLarge},
	}
	for _, c := range cases {
		_, err := q.Enqueue(ctx, c.kind, c.key, make([]byte, c.size))
		if !errors.Is(err, c.want) {
			t.Errorf("Enqueue(%q, %.20q, %d bytes): %v, want %v", c.kind, c.key, c.size, err, c.want)
		}
		if err != nil && bytes.Contains([]byte(err.Error()), []byte("370481")) {
			t.Errorf("the error repeats the key: %v", err)
		}
	}
	for _, ok := range []string{NewKey(), "0b6f5a8e-93c3-4a57-9d7e-1c2b3a4d5e6f", "app:2026-05-01:000123", "123456789012345678901"} {
		if err := ValidateKey(ok); err != nil {
			t.Errorf("ValidateKey(%q): %v", ok, err)
		}
	}
	if s := q.Status(); s.Pending != 0 {
		t.Fatalf("refused items were queued: %+v", s)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := q.Enqueue(cctx, KindVisit, key(3), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Enqueue with a cancelled context: %v", err)
	}
}

func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		k := NewKey()
		if err := ValidateKey(k); err != nil || len(k) != 26 || seen[k] {
			t.Fatalf("NewKey %q: %v (repeated: %v)", k, err, seen[k])
		}
		seen[k] = true
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	openTest(t, dir)
	if _, err := Open(context.Background(), Options{Dir: dir}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v", err)
	}
}

func TestStatusAndSubscribe(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	start := time.Now()
	clock := newFakeClock(q, start)
	var mu sync.Mutex
	var seen []Status
	cancel := q.Subscribe(func(s Status) {
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
	})
	defer cancel()
	last := func() Status {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) == 0 {
			return Status{Pending: -1}
		}
		return seen[len(seen)-1]
	}
	if _, err := q.Enqueue(ctx, KindApplication, key(1), []byte("a")); err != nil {
		t.Fatal(err)
	}
	if s := q.Status(); s != (Status{Pending: 1, Applications: 1}) {
		t.Fatalf("status %+v", s)
	}
	eventually(t, 5*time.Second, "a notification of 1 pending", func() bool { return last() == Status{Pending: 1, Applications: 1} })
	clock.Set(start.Add(90 * time.Second))
	if s := q.Status(); s.OldestAgeS != 90 {
		t.Fatalf("status after 90 s: %+v", s)
	}
	if _, err := q.Enqueue(ctx, KindEvidence, key(2), []byte("e")); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "2 pending", func() bool { return last().Pending == 2 })
	if s := last(); s.Applications != 1 {
		t.Fatalf("evidence counted as an application: %+v", s)
	}
	if s := last(); s.OldestAgeS != 90 {
		t.Fatalf("the oldest item is still the first: %+v", s)
	}
	// A transient failure, then a permanent one.
	it, err := q.Get(ctx, key(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := q.markFailed(ctx, it, errors.New("503"), start); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "1 failing", func() bool { return last() == Status{Pending: 2, Failing: 1, OldestAgeS: 90, Applications: 1} })
	it2, _ := q.Get(ctx, key(2))
	if err := q.park(ctx, it2, Permanent(errors.New("400"))); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "1 parked", func() bool {
		return last() == Status{Pending: 2, Failing: 2, Parked: 1, OldestAgeS: 90, Applications: 1}
	})
	it, _ = q.Get(ctx, key(1))
	if err := q.markDelivered(ctx, it); err != nil {
		t.Fatal(err)
	}
	// The oldest is now item 2, queued 90 s after the first, just now.
	eventually(t, 5*time.Second, "1 delivered", func() bool { return last() == Status{Pending: 1, Failing: 1, Parked: 1} })
	if err := q.Retry(ctx, key(2)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "retry", func() bool { return last() == Status{Pending: 1, Failing: 1} })
	it2, _ = q.Get(ctx, key(2))
	if err := q.markDelivered(ctx, it2); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "all delivered", func() bool { return last() == Status{} })
	if err := q.Retry(ctx, "no-such-key"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Retry of an unknown key: %v", err)
	}
	if _, err := q.Get(ctx, "no-such-key"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of an unknown key: %v", err)
	}
}

func TestPurgeKeepsUndelivered(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	q, err := Open(context.Background(), Options{Dir: dir, Retention: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	ctx := context.Background()
	start := time.Now()
	clock := newFakeClock(q, start)
	for i := range 4 {
		if _, err := q.Enqueue(ctx, KindVisit, key(i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	it, _ := q.Get(ctx, key(0))
	q.markDelivered(ctx, it)
	it, _ = q.Get(ctx, key(1))
	q.park(ctx, it, Permanent(errors.New("refused")))
	it, _ = q.Get(ctx, key(2))
	q.markFailed(ctx, it, errors.New("timeout"), start)
	if n, err := q.Purge(ctx); err != nil || n != 0 {
		t.Fatalf("Purge within the retention: %d, %v", n, err)
	}
	clock.Set(start.Add(2 * time.Hour))
	if n, err := q.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("Purge after the retention: %d, %v", n, err)
	}
	if _, err := q.Get(ctx, key(0)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the delivered item is still there: %v", err)
	}
	for i := 1; i < 4; i++ {
		if _, err := q.Get(ctx, key(i)); err != nil {
			t.Fatalf("undelivered item %d: %v", i, err)
		}
	}
	if s := q.Status(); s.Pending != 3 || s.Parked != 1 || s.Failing != 2 {
		t.Fatalf("status %+v", s)
	}
}

func TestCloseWaitsForEnqueues(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	q, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := map[string]bool{}
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := q.Enqueue(context.Background(), KindVisit, key(i), []byte("v")); err == nil {
				mu.Lock()
				ok[key(i)] = true
				mu.Unlock()
			} else if !errors.Is(err, ErrClosed) {
				t.Errorf("Enqueue: %v", err)
			}
		}()
	}
	time.Sleep(time.Millisecond)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	q = openTest(t, dir)
	for k := range ok {
		if _, err := q.Get(context.Background(), k); err != nil {
			t.Errorf("%s was reported queued: %v", k, err)
		}
	}
}
