package idcard_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// BenchmarkFullRead times one complete read (find, select, 30 01, 30 03)
// through the real serial code against the simulator on a pseudo-terminal,
// paced at 115200 8N1 with realistic command delays, and reports it beside
// the floor: the simulator's delays plus the wire time of every byte both
// ways. overhead-ms is what the driver, the OS and Go add on top. The
// simulator runs in a child process, as a reader is a separate device.
//
//	go test -run '^$' -bench FullRead -benchtime 100x ./drivers/idcard/
func BenchmarkFullRead(b *testing.B) {
	const baud = 115200
	d := idcardsim.DefaultDelays
	child := startSimChild(b)
	port, err := serialport.Open(child.path, serialport.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer port.Close()
	reader := idcard.NewReader(port, idcard.Options{})
	ctx := context.Background()
	// Bytes on the wire, host frames (10 bytes each) and replies:
	// find 15, select 19, read 1295, appended address 11 (none: 91).
	wire := idcardsim.WireTime(4*10+15+19+1295+11, baud)
	floor := d.Find + d.Select + d.Read + d.AppendedAddress + wire
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		child.do(b, "remove")
		child.do(b, "place")
		b.StartTimer()
		start := time.Now()
		if _, err := reader.ReadCard(ctx, idcard.ReadOptions{}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	p := func(q float64) time.Duration { return times[min(len(times)-1, int(q*float64(len(times))))] }
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(floor), "floor-ms")
	b.ReportMetric(ms(p(0.5)), "p50-ms")
	b.ReportMetric(ms(p(0.99)), "p99-ms")
	b.ReportMetric(ms(p(0.5)-floor), "overhead-p50-ms")
	b.ReportMetric(ms(p(0.9)-floor), "overhead-p90-ms")
	b.ReportMetric(ms(p(0.99)-floor), "overhead-p99-ms")
	b.ReportMetric(float64(p(0.99))/float64(floor), "p99/floor")
}
