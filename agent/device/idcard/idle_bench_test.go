//go:build linux

package idcard_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	idcardsvc "github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIdleWatch measures what watching an empty reader costs at the
// default poll interval (500 ms): CPU as a percentage of one core, for the
// service and the simulator together (an upper bound for the service
// alone), over b.N poll intervals.
//
//	go test -run '^$' -bench IdleWatch -benchtime 40x ./agent/device/idcard/
func BenchmarkIdleWatch(b *testing.B) {
	link, err := simlink.New()
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim := idcardsim.New(idcardsim.Config{})
	go sim.Serve(ctx, link.Device)
	defer link.Device.Close()
	svc := idcardsvc.New(idcardsvc.Config{Open: func(context.Context) (transport.Port, string, error) {
		p, err := serialport.Open(link.Path, serialport.Config{})
		return p, link.Path, err
	}}, func(idcardsvc.Event) {})
	go svc.Run(ctx)
	time.Sleep(time.Second) // connect and settle
	finds := func() int {
		n := 0
		for _, c := range sim.Commands() {
			if c == (idcard.Command{CMD: 0x20, PARA: 0x01, Name: "find card"}) {
				n++
			}
		}
		return n
	}
	f0 := finds()
	b.ResetTimer()
	c0, w0 := cpuTime(), time.Now()
	time.Sleep(time.Duration(b.N) * 500 * time.Millisecond)
	cpu, wall := cpuTime()-c0, time.Since(w0)
	b.StopTimer()
	b.ReportMetric(100*float64(cpu)/float64(wall), "cpu-%")
	b.ReportMetric(float64(finds()-f0)/wall.Seconds(), "polls/s")
}
