package printer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
)

// BenchmarkPrintPath prints the application receipt on a virtual printer
// paced like a serial line at 9600 and 115200 baud that prints instantly,
// and reports the job's time beside two floors: the wire time of the job's
// bytes (8N1), and the time the same bytes take when written in one go and
// confirmed by one GS r at the end (what the printer and the simulator
// cost on their own). overhead-ms is the job's time beyond the second:
// what the agent's status checks between parts cost.
//
//	go test -run '^$' -bench PrintPath -benchtime 5x ./agent/device/printer/
func BenchmarkPrintPath(b *testing.B) {
	for _, baud := range []int{9600, 115200} {
		b.Run(fmt.Sprint(baud), func(b *testing.B) {
			r := newBenchRig(b, escpossim.Config{Baud: baud, RowsPerSecond: -1}, baud)
			job, err := r.svc.Layout(receipt())
			if err != nil {
				b.Fatal(err)
			}
			floor := escpossim.WireTime(job.Len(), baud)
			raw := r.rawTime(b, job.Bytes())
			b.ResetTimer()
			var total time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				id, err := r.svc.Print(receipt(), 1)
				if err != nil {
					b.Fatal(err)
				}
				for e := range r.ch {
					if e.JobID == id && e.State == printer.Done {
						break
					}
					if e.JobID == id && e.State == printer.Failed {
						b.Fatalf("job failed: %v", e.Err)
					}
				}
				total += time.Since(start)
			}
			per := total / time.Duration(b.N)
			b.ReportMetric(float64(floor.Milliseconds()), "wire-ms")
			b.ReportMetric(float64(raw.Milliseconds()), "raw-ms")
			b.ReportMetric(float64(per.Milliseconds()), "job-ms")
			b.ReportMetric(float64((per - raw).Milliseconds()), "overhead-ms")
			b.ReportMetric(float64(job.Len()), "job-bytes")
		})
	}
}
