package e2e

import (
	"net"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkStartToHello measures the agent binary from process start to
// its first agent.hello answered over the WebSocket (simulated reader,
// fresh state directory), p50 and max over b.N starts.
//
//	go test -run '^$' -bench StartToHello -benchtime 20x ./agent/e2e/
func BenchmarkStartToHello(b *testing.B) {
	bin := agentBinary(b)
	var took []time.Duration
	for i := 0; i < b.N; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(bin, "--simulate", "--listen", addr, "--state-dir", b.TempDir(), "--config", "")
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var ws *websocket.Conn
		for ws == nil {
			if time.Since(start) > 10*time.Second {
				b.Fatal("no agent after 10 s")
			}
			ws, _, err = websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
			if err != nil {
				ws = nil
				time.Sleep(500 * time.Microsecond)
			}
		}
		ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "agent.hello"})
		var r map[string]any
		if err := ws.ReadJSON(&r); err != nil || r["result"] == nil {
			b.Fatalf("hello: %v %v", err, r)
		}
		took = append(took, time.Since(start))
		ws.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
}
