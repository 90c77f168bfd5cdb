package outbox

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a Deliver function that records what it is given and
// answers with fail's error (nil: delivered).
type recorder struct {
	mu   sync.Mutex
	keys []string
	at   []time.Time
	fail func(it Item) error
}

func (r *recorder) deliver(ctx context.Context, it Item) error {
	r.mu.Lock()
	r.keys = append(r.keys, it.Key)
	r.at = append(r.at, time.Now())
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		return fail(it)
	}
	return nil
}

func (r *recorder) attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.keys)
}

func (r *recorder) setFail(f func(Item) error) {
	r.mu.Lock()
	r.fail = f
	r.mu.Unlock()
}

func TestSenderDeliversOldestFirst(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	for i := range 20 {
		if _, err := q.Enqueue(ctx, []Kind{KindApplication, KindEvidence, KindVisit}[i%3], key(i), []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	r := &recorder{}
	var got []Item
	var mu sync.Mutex
	s := &Sender{Queue: q, Deliver: func(ctx context.Context, it Item) error {
		mu.Lock()
		got = append(got, it)
		mu.Unlock()
		return r.deliver(ctx, it)
	}}
	runSender(t, s)
	eventually(t, 10*time.Second, "20 deliveries", func() bool { return q.Status().Pending == 0 })
	// Items queued while it runs go too.
	if _, err := q.Enqueue(ctx, KindVisit, key(20), []byte{20}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the late item", func() bool { return q.Status().Pending == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 21 {
		t.Fatalf("%d deliveries", len(got))
	}
	for i, it := range got {
		if it.Key != key(i) || len(it.Payload) != 1 || it.Payload[0] != byte(i) {
			t.Fatalf("delivery %d: %+v", i, it)
		}
	}
	it, err := q.Get(ctx, key(3))
	if err != nil {
		t.Fatal(err)
	}
	if it.State != StateDelivered || it.Payload != nil || it.Delivered.IsZero() || it.Attempts != 1 {
		t.Fatalf("a delivered item: %+v", it)
	}
}

// TestSenderBacksOffWhileDown: while every delivery fails, the sender
// makes about one attempt per (doubling) pause, however many items wait;
// once the platform is back, all of them go (within MaxBackoff).
func TestSenderBacksOffWhileDown(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	for i := range 50 {
		if _, err := q.Enqueue(ctx, KindVisit, key(i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	r := &recorder{fail: func(Item) error { return errors.New("connection refused") }}
	s := &Sender{Queue: q, Deliver: r.deliver, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	runSender(t, s)
	time.Sleep(time.Second)
	// Pauses of 20, 40, 80, 160, 200, 200… ms (±20%): about 8 in a second.
	if n := r.attempts(); n < 3 || n > 14 {
		t.Fatalf("%d attempts in 1 s while down", n)
	}
	if st := q.Status(); st.Pending != 50 || st.Failing == 0 || st.Parked != 0 {
		t.Fatalf("status while down %+v", st)
	}
	r.setFail(nil)
	eventually(t, 5*time.Second, "all delivered after recovery", func() bool { return q.Status().Pending == 0 })
}

// TestSenderBacksOffPerItem: one item that keeps failing is retried with
// a growing delay while the others go through.
func TestSenderBacksOffPerItem(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	poison := key(0)
	r := &recorder{fail: func(it Item) error {
		if it.Key == poison {
			return errors.New("500 internal server error")
		}
		return nil
	}}
	s := &Sender{Queue: q, Deliver: r.deliver, MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond}
	if _, err := q.Enqueue(ctx, KindVisit, poison, []byte("v")); err != nil {
		t.Fatal(err)
	}
	runSender(t, s)
	for i := 1; i <= 30; i++ {
		if _, err := q.Enqueue(ctx, KindVisit, key(i), []byte("v")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	eventually(t, 5*time.Second, "the others delivered", func() bool { return q.Status().Pending == 1 })
	time.Sleep(400 * time.Millisecond)
	r.mu.Lock()
	var times []time.Time
	for i, k := range r.keys {
		if k == poison {
			times = append(times, r.at[i])
		}
	}
	r.mu.Unlock()
	// 10, 20, 40, 80, 80… ms: the first four attempts within ~70 ms,
	// then at most one per 80 ms over the time the test took (which
	// grows on a loaded machine, so it is measured, not assumed).
	if len(times) < 4 {
		t.Fatalf("the failing item was tried only %d times", len(times))
	}
	span := times[len(times)-1].Sub(times[0])
	if most := 4 + int(span/(80*time.Millisecond)) + 2; len(times) > most {
		t.Fatalf("the failing item was tried %d times in %v; with the back-off at most %d", len(times), span, most)
	}
	for i := 2; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 5*time.Millisecond {
			t.Fatalf("attempts %d and %d of the failing item only %v apart", i-1, i, gap)
		}
	}
	it, err := q.Get(ctx, poison)
	if err != nil {
		t.Fatal(err)
	}
	if it.State != StatePending || !it.Failing || it.LastError != "500 internal server error" || it.Attempts < 4 {
		t.Fatalf("the failing item %+v", it)
	}
}

type refusal struct{}

func (refusal) Error() string   { return "422 申请材料不全" }
func (refusal) Permanent() bool { return true }

func TestSenderParksPermanentFailures(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	for i := range 3 {
		if _, err := q.Enqueue(ctx, KindApplication, key(i), []byte("a")); err != nil {
			t.Fatal(err)
		}
	}
	r := &recorder{fail: func(it Item) error {
		switch it.Key {
		case key(0):
			return Permanent(errors.New("400 bad request"))
		case key(1):
			return refusal{}
		}
		return nil
	}}
	var mu sync.Mutex
	parked := map[string]error{}
	s := &Sender{Queue: q, Deliver: r.deliver, MinBackoff: time.Hour, OnParked: func(it Item, err error) {
		mu.Lock()
		parked[it.Key] = err
		mu.Unlock()
	}}
	runSender(t, s)
	eventually(t, 5*time.Second, "two parked, one delivered", func() bool {
		st := q.Status()
		return st.Parked == 2 && st.Pending == 2 && st.Failing == 2
	})
	mu.Lock()
	if len(parked) != 2 || !IsPermanent(parked[key(0)]) || !IsPermanent(parked[key(1)]) {
		t.Fatalf("OnParked got %v", parked)
	}
	mu.Unlock()
	failed, err := q.List(ctx, StateFailed)
	if err != nil || len(failed) != 2 || failed[0].LastError != "400 bad request" || failed[1].LastError != "422 申请材料不全" {
		t.Fatalf("parked items %+v %v", failed, err)
	}
	// Parked items are never purged, and are not tried again by themselves.
	n := r.attempts()
	time.Sleep(100 * time.Millisecond)
	if r.attempts() != n {
		t.Fatal("a parked item was tried again")
	}
	r.setFail(nil)
	if err := q.Retry(ctx, key(1)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the retried item delivered", func() bool { return q.Status().Pending == 1 })
}

func TestSenderStopsPromptly(t *testing.T) {
	q := openTest(t, "")
	ctx := context.Background()
	if _, err := q.Enqueue(ctx, KindEvidence, key(1), make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	s := &Sender{Queue: q, Deliver: func(ctx context.Context, it Item) error {
		close(started)
		<-ctx.Done() // a slow upload
		return ctx.Err()
	}}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(rctx) }()
	<-started
	t0 := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if d := time.Since(t0); d > 500*time.Millisecond {
		t.Errorf("Run took %v to stop", d)
	}
	it, _ := q.Get(ctx, key(1))
	if it.State != StatePending || it.Attempts != 0 || it.Failing {
		t.Fatalf("an interrupted delivery was recorded: %+v", it)
	}
	// Idle, it stops promptly too; and only one sender runs at a time.
	rctx, cancel = context.WithCancel(ctx)
	s2 := &Sender{Queue: q, Deliver: func(context.Context, Item) error { return nil }}
	go func() { done <- s2.Run(rctx) }()
	eventually(t, 5*time.Second, "delivery", func() bool { return q.Status().Pending == 0 })
	if err := (&Sender{Queue: q, Deliver: s2.Deliver}).Run(ctx); !errors.Is(err, ErrSenderRunning) {
		t.Fatalf("a second sender: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("idle Run did not return after its context ended")
	}
}

// TestSenderParksCorruptItems: an item whose ciphertext was damaged is
// parked with a *CorruptError, and the others are delivered.
func TestSenderParksCorruptItems(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	q := openTest(t, dir)
	ctx := context.Background()
	for i := range 3 {
		if _, err := q.Enqueue(ctx, KindVisit, key(i), []byte("visit record")); err != nil {
			t.Fatal(err)
		}
	}
	db := rawDB(t, dir)
	if _, err := db.Exec("UPDATE items SET payload = substr(payload, 1, 20) WHERE key = ?", key(1)); err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	var parkedErr atomic.Value
	s := &Sender{Queue: q, Deliver: r.deliver, OnParked: func(it Item, err error) { parkedErr.Store(err) }}
	runSender(t, s)
	eventually(t, 5*time.Second, "two delivered, one parked", func() bool {
		st := q.Status()
		return st.Pending == 1 && st.Parked == 1
	})
	err, _ := parkedErr.Load().(error)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Field != "payload" {
		t.Fatalf("parked with %v", err)
	}
	if r.attempts() != 2 {
		t.Fatalf("%d deliveries", r.attempts())
	}
}

func TestDoubling(t *testing.T) {
	for n, want := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 30: time.Minute, 1 << 20: time.Minute} {
		if got := doubling(time.Second, time.Minute, n); got != want {
			t.Errorf("doubling(1s, 1m, %d) = %v, want %v", n, got, want)
		}
	}
}
