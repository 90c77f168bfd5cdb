package rpc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkFanout200 sends card-sized events (a 1 KiB photo in base64 and
// the text fields, ~2.2 KB of JSON) to 200 connected clients over real
// WebSockets on loopback and reports the latency from Broadcast to each
// client's receipt: p50 and p99 over every delivery.
//
//	go test -run '^$' -bench Fanout200 -benchtime 200x ./agent/rpc/
func BenchmarkFanout200(b *testing.B) {
	const clients = 200
	s, url := serveB(b, Options{MaxClients: clients + 10})
	type stamp struct {
		T   int64  `json:"t"`
		Pad string `json:"photo"`
	}
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = ws
	}
	for len(s.Conns()) < clients {
		time.Sleep(time.Millisecond)
	}
	for _, ws := range conns {
		wg.Go(func() {
			for {
				_, msg, err := ws.ReadMessage()
				if err != nil {
					return
				}
				now := time.Now().UnixNano()
				var n struct{ Params stamp }
				json.Unmarshal(msg, &n)
				mu.Lock()
				lat = append(lat, time.Duration(now-n.Params.T))
				mu.Unlock()
			}
		})
	}
	photo := base64.StdEncoding.EncodeToString(make([]byte, 1024)) + strings.Repeat("x", 800)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Broadcast("idcard.inserted", stamp{T: time.Now().UnixNano(), Pad: photo})
		time.Sleep(5 * time.Millisecond) // events come from people, not in bursts
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(lat)
		mu.Unlock()
		if n >= b.N*clients || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	for _, ws := range conns {
		ws.Close()
	}
	wg.Wait()
	if len(lat) != b.N*clients {
		b.Fatalf("%d of %d deliveries", len(lat), b.N*clients)
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
	b.ReportMetric(float64(p(0.5).Microseconds()), "p50-µs")
	b.ReportMetric(float64(p(0.99).Microseconds()), "p99-µs")
	b.Logf("%d events × %d clients: p50 %v, p99 %v, max %v", b.N, clients, p(0.5), p(0.99), lat[len(lat)-1])
}

// BenchmarkCalls200 has 200 clients call a trivial method as fast as they
// can over real WebSockets and reports calls per second in total.
//
//	go test -run '^$' -bench Calls200 -benchtime 20000x ./agent/rpc/
func BenchmarkCalls200(b *testing.B) {
	const clients = 200
	s, url := serveB(b, Options{MaxClients: clients + 10, CallsPerSecond: 1e6, CallBurst: 1e6})
	s.Handle("ping", func(context.Context, *Conn, json.RawMessage) (any, error) { return "pong", nil })
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = ws
		defer ws.Close()
	}
	per := b.N/clients + 1
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, ws := range conns {
		wg.Go(func() {
			req := []byte(`{"jsonrpc":"2.0","id":1,"method":"ping"}`)
			for i := 0; i < per; i++ {
				if err := ws.WriteMessage(websocket.TextMessage, req); err != nil {
					panic(err)
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					panic(fmt.Sprint(err))
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	b.ReportMetric(float64(per*clients)/el.Seconds(), "calls/s")
}

func serveB(b *testing.B, o Options) (*Server, string) {
	o.OnConnect = authorize
	s := NewServer(o)
	hs := newHTTPServer(s)
	b.Cleanup(func() { s.CloseAll(); hs.Close() })
	return s, "ws" + strings.TrimPrefix(hs.URL, "http")
}
