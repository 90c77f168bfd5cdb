package wacomstu

import (
	"context"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// The agent forwards 200 reports/s and must turn each into a Sample in
// well under 2 ms: the decoding itself is the part measured here.
func BenchmarkDecodePenReport(b *testing.B) {
	p := &Pad{cfg: Config{}.withDefaults()}
	report := EncodePenDataTimeCountSequence(PenDataTimeCountSequence{PenData{true, 1, 612, 5339, 3528}, 3513, 1})
	host := time.Now()
	b.ReportAllocs()
	var s sigpad.Sample
	for i := 0; b.Loop(); i++ {
		report[8], report[10] = byte(i), byte(i) // time and sequence advance
		s, _ = p.decode(report, host)
	}
	_ = s
}

// ReadSample end to end over a device that always has a report ready:
// the driver's whole cost per sample, without the kernel's.
func BenchmarkReadSample(b *testing.B) {
	report := EncodePenDataTimeCountSequence(PenDataTimeCountSequence{PenData{true, 1, 612, 5339, 3528}, 3513, 1})
	p := &Pad{dev: &readyDevice{report: report}, cfg: Config{}.withDefaults()}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ReadSample(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// readyDevice hands out the same pen report with the next time count and
// sequence number each time (a repeated number would be dropped as a
// duplicate).
type readyDevice struct {
	report []byte
	n      uint16
}

func (d *readyDevice) GetFeature(byte, int) ([]byte, error) { return nil, nil }
func (d *readyDevice) SetFeature([]byte) error              { return nil }
func (d *readyDevice) Close() error                         { return nil }

func (d *readyDevice) ReadInput(time.Duration) ([]byte, error) {
	d.n++
	d.report[7], d.report[8] = byte(d.n>>8), byte(d.n)
	d.report[9], d.report[10] = byte(d.n>>8), byte(d.n)
	return d.report, nil
}
