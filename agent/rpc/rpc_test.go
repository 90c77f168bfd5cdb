package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

type counter struct{ rejected, dropped atomic.Int64 }

func (c *counter) Clients(int)           {}
func (c *counter) Rejected(string)       { c.rejected.Add(1) }
func (c *counter) EventDropped()         { c.dropped.Add(1) }
func (c *counter) String() string        { return "" }
func authorize(c *Conn, _ *http.Request) { c.Authorize(nil) }

func newHTTPServer(s *Server) *httptest.Server { return httptest.NewServer(s) }

func serve(t *testing.T, o Options) (*Server, string) {
	t.Helper()
	o.OnConnect = authorize
	s := NewServer(o)
	hs := newHTTPServer(s)
	t.Cleanup(func() { s.CloseAll(); hs.Close() })
	return s, "ws" + strings.TrimPrefix(hs.URL, "http")
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func closeCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			t.Fatalf("no close frame: %v", err)
		}
	}
}

func TestOversizedMessageCloses1009(t *testing.T) {
	_, url := serve(t, Options{MaxMessageBytes: 1024})
	ws := dial(t, url)
	ws.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","id":1,"method":"x","params":{"pad":"`+strings.Repeat("a", 2000)+`"}}`))
	if code := closeCode(t, ws); code != protocol.CloseTooBig {
		t.Fatalf("close code %d, want %d", code, protocol.CloseTooBig)
	}
}

func TestTooManyClientsCloses1013(t *testing.T) {
	_, url := serve(t, Options{MaxClients: 2})
	dial(t, url)
	dial(t, url)
	if code := closeCode(t, dial(t, url)); code != protocol.CloseTryAgainLate {
		t.Fatalf("close code %d, want %d", code, protocol.CloseTryAgainLate)
	}
}

// Calls over the rate are answered RATE_LIMITED, each element of a batch
// counting as one; the connection stays.
func TestRateLimit(t *testing.T) {
	obs := &counter{}
	s, url := serve(t, Options{CallsPerSecond: 1, CallBurst: 5, Observer: obs})
	s.Handle("ping", func(context.Context, *Conn, json.RawMessage) (any, error) { return "pong", nil })
	ws := dial(t, url)
	var batch []map[string]any
	for i := 0; i < 8; i++ {
		batch = append(batch, map[string]any{"jsonrpc": "2.0", "id": i, "method": "ping"})
	}
	ws.WriteJSON(batch)
	var replies []struct {
		Result string          `json:"result"`
		Error  *protocol.Error `json:"error"`
	}
	ws.SetReadDeadline(time.Now().Add(3 * time.Second))
	if err := ws.ReadJSON(&replies); err != nil {
		t.Fatal(err)
	}
	ok, limited := 0, 0
	for _, r := range replies {
		switch {
		case r.Result == "pong":
			ok++
		case r.Error != nil && r.Error.Data != nil && r.Error.Data.Reason == protocol.ReasonRateLimited:
			limited++
		}
	}
	if ok != 5 || limited != 3 || obs.rejected.Load() != 3 {
		t.Fatalf("%d answered, %d limited (observer %d); want 5, 3", ok, limited, obs.rejected.Load())
	}
}

// A client's calls end when its socket dies: the handler's context is
// cancelled at once, not when its own time runs out.
func TestCallsEndWithTheirConnection(t *testing.T) {
	s, url := serve(t, Options{})
	ended := make(chan error, 1)
	started := make(chan struct{})
	s.Handle("wait", func(ctx context.Context, _ *Conn, _ json.RawMessage) (any, error) {
		close(started)
		select {
		case <-ctx.Done():
			ended <- ctx.Err()
		case <-time.After(time.Minute):
			ended <- errors.New("not cancelled")
		}
		return nil, ctx.Err()
	})
	ws := dial(t, url)
	ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "wait"})
	<-started
	ws.Close()
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the call of a client that went away kept running")
	}
}

// A client that does not read is dropped; the others keep receiving.
func TestSlowReaderIsDropped(t *testing.T) {
	obs := &counter{}
	s, url := serve(t, Options{Observer: obs})
	slow := dial(t, url)
	fast := dial(t, url)
	got := make(chan int, 1)
	var read atomic.Int64
	go func() {
		n := 0
		for {
			fast.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, _, err := fast.ReadMessage(); err != nil {
				got <- n
				return
			}
			read.Add(1)
			if n++; n == 2000 {
				got <- n
				return
			}
		}
	}()
	for len(s.Conns()) < 2 {
		time.Sleep(time.Millisecond)
	}
	big := strings.Repeat("x", 16<<10)
	for i := 0; i < 2000; i++ {
		s.Broadcast("tick", map[string]any{"i": i, "pad": big})
		// A reading client keeps up: never more than 100 events behind,
		// however slow this machine is today.
		for int64(i)-read.Load() > 100 {
			time.Sleep(time.Millisecond)
		}
	}
	if n := <-got; n != 2000 {
		t.Fatalf("the reading client got %d of 2000 events", n)
	}
	// It is cut off at once (1006 when its socket is full, else 1008).
	if code := closeCode(t, slow); code != protocol.ClosePolicy && code != websocket.CloseAbnormalClosure || obs.dropped.Load() == 0 {
		t.Fatalf("slow client: close %d, dropped %d", code, obs.dropped.Load())
	}
}

// A client sent large messages it does not read is dropped once 4 MiB
// are queued for it, long before 256 messages are: the queue is bounded
// in bytes as well as in messages.
func TestSlowReaderOfLargeMessagesIsDropped(t *testing.T) {
	obs := &counter{}
	s, url := serve(t, Options{Observer: obs})
	slow := dial(t, url)
	for len(s.Conns()) < 1 {
		time.Sleep(time.Millisecond)
	}
	big := strings.Repeat("x", 256<<10)
	// The socket buffers take some megabytes; the queue takes 4 MiB
	// more. 200 messages of 256 KiB (50 MiB) are far beyond both and far
	// below 256 messages.
	for i := 0; i < 200 && obs.dropped.Load() == 0; i++ {
		s.Broadcast("tick", map[string]any{"i": i, "pad": big})
		time.Sleep(time.Millisecond)
	}
	if obs.dropped.Load() == 0 {
		t.Fatal("a client with 50 MiB unread was not dropped")
	}
	if code := closeCode(t, slow); code != protocol.ClosePolicy && code != websocket.CloseAbnormalClosure {
		t.Fatalf("slow client: close %d", code)
	}
}

// One message larger than the byte bound reaches a reading client.
func TestOneLargeMessageIsSent(t *testing.T) {
	obs := &counter{}
	s, url := serve(t, Options{Observer: obs})
	c := dial(t, url)
	for len(s.Conns()) < 1 {
		time.Sleep(time.Millisecond)
	}
	s.Broadcast("bundle", map[string]any{"pad": strings.Repeat("x", 6<<20)})
	c.SetReadLimit(16 << 20)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := c.ReadMessage()
	if err != nil || len(msg) < 6<<20 || obs.dropped.Load() != 0 {
		t.Fatalf("a 6 MiB message: %d bytes, %v, dropped %d", len(msg), err, obs.dropped.Load())
	}
}
