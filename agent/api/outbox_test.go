package api

import (
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// outbox.changed is coalesced: a burst of changes is one event at once
// and one, the latest, at the end of the interval; nothing is lost at the
// end of a burst.
func TestOutboxChangedCoalesced(t *testing.T) {
	var mu sync.Mutex
	var got []protocol.OutboxStatus
	c := &coalescer{every: 100 * time.Millisecond, send: func(s protocol.OutboxStatus) {
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
	}}
	for i := 1; i <= 500; i++ {
		c.push(protocol.OutboxStatus{Pending: i})
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		var last protocol.OutboxStatus
		if n > 0 {
			last = got[n-1]
		}
		mu.Unlock()
		if last.Pending == 500 {
			if n > 3 {
				t.Errorf("%d events for one burst, want 2", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the last status never came: %v", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got[0].Pending != 1 {
		t.Errorf("the first change waited: %v", got[0])
	}
	// A change long after the burst goes out at once.
	time.Sleep(150 * time.Millisecond)
	c.push(protocol.OutboxStatus{Pending: 7})
	mu.Lock()
	defer mu.Unlock()
	if got[len(got)-1].Pending != 7 {
		t.Errorf("a lone change was held back: %v", got)
	}
}
