package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/agent/core"
)

// sigpadRig is a simulating agent, a WebSocket client holding a pad
// capture, and the reports that client receives, timed on arrival.
type sigpadRig struct {
	a    *core.Core
	ws   *websocket.Conn
	mu   sync.Mutex
	recv []time.Time // arrival of each sample, in order
	ans  chan json.RawMessage
}

func newSigpadRig(b *testing.B) *sigpadRig {
	b.Helper()
	cfg := simConfig(b)
	a, err := core.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	b.Cleanup(func() { cancel(); <-done })
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+a.Addr().String()+"/ws", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	r := &sigpadRig{a: a, ws: ws, ans: make(chan json.RawMessage, 4)}
	started := make(chan struct{}, 4)
	go func() {
		for {
			_, msg, err := ws.ReadMessage()
			now := time.Now()
			if err != nil {
				return
			}
			var m struct {
				ID     *int            `json:"id"`
				Method string          `json:"method"`
				Params json.RawMessage `json:"params"`
			}
			json.Unmarshal(msg, &m)
			switch {
			case m.ID != nil:
				r.ans <- msg
			case m.Method == "sigpad.started":
				started <- struct{}{}
			case m.Method == "sigpad.sample":
				var se struct{ Samples []json.RawMessage }
				json.Unmarshal(m.Params, &se)
				r.mu.Lock()
				for range se.Samples {
					r.recv = append(r.recv, now)
				}
				r.mu.Unlock()
			}
		}
	}()
	send := func(id int, method string, params any) {
		if err := ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
			b.Fatal(err)
		}
	}
	send(1, "agent.hello", map[string]any{})
	<-r.ans
	send(2, "sigpad.capture", map[string]any{"document": map[string]any{"title": "bench", "sha256": fmt.Sprintf("%064d", 0)},
		"signer": map[string]any{"name": "bench"}, "timeoutMs": 600000})
	select {
	case <-started:
	case msg := <-r.ans:
		b.Fatalf("capture did not start: %s", msg)
	case <-time.After(10 * time.Second):
		b.Fatal("capture did not start")
	}
	return r
}

func (r *sigpadRig) received() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.recv)
}

// waitFor waits until n samples have arrived (or 5 s more).
func (r *sigpadRig) waitFor(n int) []time.Time {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := r.received()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkSigpadLatency200Hz streams pen reports from the virtual pad at
// the STU-540's 200 a second and times each from when the pad sends it to
// when the client holding the capture has it as a sigpad.sample: through
// the Wacom driver, the capture, the forwarder and the WebSocket. The
// send time is the report's slot in the stream; the floor beside it is
// how late a Go timer alone fires on the same schedule (the pad's own
// pacing), which the figure includes.
func BenchmarkSigpadLatency200Hz(b *testing.B) {
	r := newSigpadRig(b)
	const rate = 200
	n := max(b.N, 400)
	period := time.Second / rate
	b.ResetTimer()
	start := time.Now()
	if err := r.a.SimPad().Sim.Stream(context.Background(), n, rate); err != nil {
		b.Fatal(err)
	}
	got := r.waitFor(n)
	b.StopTimer()
	if len(got) != n {
		b.Fatalf("%d of %d samples arrived", len(got), n)
	}
	lat := make([]time.Duration, n)
	for i, t := range got {
		lat[i] = t.Sub(start.Add(time.Duration(i) * period))
	}
	// The floor: a timer on the same schedule, doing nothing else.
	floor := make([]time.Duration, 400)
	fs := time.Now()
	for i := range floor {
		at := fs.Add(time.Duration(i) * period)
		time.Sleep(time.Until(at))
		floor[i] = time.Since(at)
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(percentile(floor, 0.99).Microseconds())/1000, "timer-floor-p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSigpad2kHz streams reports at a synthetic 2 kHz (ten times the
// pad's rate) for two seconds and counts the samples lost on the way: at
// the virtual pad's HID buffer (64 reports, as hidraw), in the driver
// (sequence gaps), in the capture, and to the client.
func BenchmarkSigpad2kHz(b *testing.B) {
	r := newSigpadRig(b)
	const rate = 2000
	n := max(b.N, 4000)
	before := r.a.SimPad().Sim.Stats()
	b.ResetTimer()
	if err := r.a.SimPad().Sim.Stream(context.Background(), n, rate); err != nil {
		b.Fatal(err)
	}
	got := r.waitFor(n)
	b.StopTimer()
	st := r.a.SimPad().Sim.Stats()
	lost := n - len(got)
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(st.Overrun-before.Overrun), "hid-overruns")
	b.ReportMetric(0, "ns/op")
	if lost != 0 || st.Overrun != before.Overrun {
		b.Errorf("%d of %d samples lost (%d at the HID buffer)", lost, n, st.Overrun-before.Overrun)
	}
}
