package e2e

// Benchmarks of the outbox's figures (README, "Measured"):
//
//	go test -run '^$' -bench 'Outbox' -benchtime 2000x ./agent/e2e/
//
// BenchmarkOutboxEnqueue: durable enqueues (encrypted, WAL synced before
// Enqueue returns) on this machine's disk, one caller at a time and 16 at
// once (group commit). BenchmarkOutboxDeliveryHTTP: the sender delivering
// queued applications to the demo platform over HTTP on loopback, one at a
// time, each stored by the platform with its own synced write.
// BenchmarkOutboxSubmitOverWebSocket: application.submit through the agent
// binary, 8 clients at once, answered once on disk.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
	"github.com/kiosk-agent/kiosk-agent/protocol"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// benchApplication is a typical application as the outbox stores it.
func benchApplication(i int) wire.Application {
	return wire.Application{IdempotencyKey: fmt.Sprintf("bench-%08d-%s", i, outbox.NewKey()[:8]),
		Applicant: wire.Person{Name: "王秀英", IDNumber: demoIDNumbers[i%len(demoIDNumbers)]},
		Items:     []string{"dibao", "yiliao"}, Signatures: []wire.SignatureRef{}, Channel: "kiosk", Terminal: "bench",
		CreatedAt: time.Now().UTC().Format(time.RFC3339), Notes: "申请人认为平台登记的家庭信息有不对的地方，请核实。"}
}

func openBenchQueue(b *testing.B) *outbox.Queue {
	b.Helper()
	q, err := outbox.Open(context.Background(), outbox.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { q.Close() })
	return q
}

func BenchmarkOutboxEnqueue(b *testing.B) {
	for _, callers := range []int{1, 16} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			q := openBenchQueue(b)
			payloads := make([][]byte, b.N)
			keys := make([]string, b.N)
			for i := range b.N {
				app := benchApplication(i)
				keys[i] = app.IdempotencyKey
				payloads[i], _ = json.Marshal(app)
			}
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range callers {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						if _, err := q.Enqueue(context.Background(), outbox.KindApplication, keys[i], payloads[i]); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "enqueues/s")
		})
	}
}

func BenchmarkOutboxDeliveryHTTP(b *testing.B) {
	ctx := context.Background()
	d, err := demo.Open(ctx, demo.Options{Path: filepath.Join(b.TempDir(), "demo.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	p, err := platform.NewHTTP(platform.HTTPOptions{BaseURL: srv.URL, Attempts: 1})
	if err != nil {
		b.Fatal(err)
	}
	q := openBenchQueue(b)
	for i := range b.N {
		app := benchApplication(i)
		payload, _ := json.Marshal(app)
		if _, err := q.Enqueue(ctx, outbox.KindApplication, app.IdempotencyKey, payload); err != nil {
			b.Fatal(err)
		}
	}
	var delivered atomic.Int64
	done := make(chan struct{})
	s := &outbox.Sender{Queue: q, Deliver: func(ctx context.Context, it outbox.Item) error {
		var app wire.Application
		if err := json.Unmarshal(it.Payload, &app); err != nil {
			return outbox.Permanent(err)
		}
		if _, err := p.Submit(ctx, app); err != nil {
			return err
		}
		if delivered.Add(1) == int64(b.N) {
			close(done)
		}
		return nil
	}}
	sctx, stop := context.WithCancel(ctx)
	b.ResetTimer()
	start := time.Now()
	go s.Run(sctx)
	select {
	case <-done:
	case <-time.After(10 * time.Minute):
		b.Fatalf("%d of %d delivered", delivered.Load(), b.N)
	}
	// Delivered means marked so in the outbox too.
	for q.Status().Pending > 0 {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	stop()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "applications/s")
	if st := q.Status(); st.Failing != 0 {
		b.Errorf("outbox %+v", st)
	}
}

func BenchmarkOutboxSubmitOverWebSocket(b *testing.B) {
	dir := b.TempDir()
	_, demoURL := startPlatformDemo(b, filepath.Join(dir, "demo.db"))
	agent := startAgentProc(b, filepath.Join(dir, "state"), "127.0.0.1:0", "--platform", demoURL, "--idcard-port", "none",
		"--calls-per-second", "10000", "--call-burst", "100000", "--log-level", "info")
	const clients = 8
	cs := make([]*agentClient, clients)
	for i := range cs {
		cs[i] = mustDialAgent(b, agent.addr)
	}
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				_, err := c.call(protocol.MethodApplicationSubmit, map[string]any{"idempotencyKey": fmt.Sprintf("ws-bench-%08d", i),
					"application": map[string]any{"applicant": map[string]any{"name": "王秀英", "idNumber": demoIDNumbers[i%len(demoIDNumbers)]},
						"items": []string{"dibao"}, "relatedToStaff": false}}, time.Minute)
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	submitted := time.Since(start)
	waitOutboxDrained(b, cs[0])
	drained := time.Since(start)
	b.ReportMetric(float64(b.N)/submitted.Seconds(), "submits/s")
	b.ReportMetric(float64(b.N)/drained.Seconds(), "delivered/s")
}
