package stusim

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

func TestDroppedReportsShowAsSequenceGaps(t *testing.T) {
	p, reps := signed(t, Config{Seed: 5, Faults: Faults{Drop: 0.1}}, "张三")
	st := p.Stats()
	gaps, lost := 0, 0
	for i := 1; i < len(reps); i++ {
		d := int(reps[i].Sequence - reps[i-1].Sequence)
		if d != 1 {
			gaps++
			lost += d - 1
			if tc := reps[i].TimeCount - reps[i-1].TimeCount; int(tc) != 5*d {
				t.Errorf("gap of %d reports but time count step %d", d, tc)
			}
		}
	}
	if st.Dropped == 0 || gaps == 0 {
		t.Fatalf("no drops: %+v", st)
	}
	// Drops at the very start or end leave no gap between two reports.
	if lost > int(st.Dropped) || lost < int(st.Dropped)-2 {
		t.Errorf("%d reports missing from the gaps, %d dropped", lost, st.Dropped)
	}
	if uint64(len(reps))+st.Dropped != st.Sent {
		t.Errorf("%d read + %d dropped != %d sent", len(reps), st.Dropped, st.Sent)
	}
	// The same seed drops the same reports.
	_, again := signed(t, Config{Seed: 5, Faults: Faults{Drop: 0.1}}, "张三")
	if len(again) != len(reps) {
		t.Errorf("%d then %d reports with the same seed", len(reps), len(again))
	}
}

func TestDuplicateReport(t *testing.T) {
	p, reps := signed(t, Config{Seed: 9, Faults: Faults{Duplicate: 0.01}}, "张三")
	dups := 0
	for i := 1; i < len(reps); i++ {
		if reps[i] == reps[i-1] {
			dups++
		}
	}
	if dups == 0 || uint64(dups) != p.Stats().Duplicated {
		t.Fatalf("%d duplicates seen, stats %+v", dups, p.Stats())
	}
}

func TestLateBurst(t *testing.T) {
	p := New(Config{Seed: 2, Faults: Faults{Late: 0.02, LateBy: 60 * time.Millisecond}, InputBuffer: 4096})
	d := p.Device()
	mustSet(t, d, 0x32, 0x03)
	done := make(chan error, 1)
	go func() { done <- p.Stream(context.Background(), 300, 1000) }()
	var last uint16
	var arrivals []time.Time
	n := 0
	for n < 300 {
		b, err := d.ReadInput(2 * time.Second)
		if err != nil {
			t.Fatalf("after %d reports: %v", n, err)
		}
		r, _ := DecodePenReport(b)
		if n > 0 && r.Sequence != last+1 {
			t.Fatalf("out of order: %d after %d", r.Sequence, last)
		}
		last = r.Sequence
		arrivals = append(arrivals, time.Now())
		n++
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p.Stats().Delayed == 0 {
		t.Fatal("nothing delayed")
	}
	// A late burst: a pause of about LateBy, then many reports at once.
	longest := time.Duration(0)
	for i := 1; i < len(arrivals); i++ {
		longest = max(longest, arrivals[i].Sub(arrivals[i-1]))
	}
	if longest < 40*time.Millisecond {
		t.Errorf("longest pause between reports %v, want about 60 ms", longest)
	}
}

func TestInputBufferOverruns(t *testing.T) {
	p := New(Config{InputBuffer: 8})
	d := p.Device()
	if err := p.Stream(context.Background(), 50, 2000); err != nil {
		t.Fatal(err)
	}
	if got := len(drain(t, d)); got != 8 {
		t.Errorf("%d reports kept, want 8", got)
	}
	if p.Stats().Overrun != 42 {
		t.Errorf("stats %+v", p.Stats())
	}
}

func TestUnplugAndReplug(t *testing.T) {
	p := New(Config{})
	d := p.Device()
	mustSet(t, d, 0x21, 0x00)
	read := make(chan error, 1)
	go func() {
		_, err := d.ReadInput(10 * time.Second)
		read <- err
	}()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	p.Unplug()
	select {
	case err := <-read:
		if !errors.Is(err, transport.ErrDisconnected) {
			t.Fatalf("ReadInput: %v", err)
		}
		if time.Since(start) > 1500*time.Millisecond {
			t.Error("ReadInput took long to notice")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ReadInput did not return on unplug")
	}
	if _, err := d.GetFeature(0x03, 5); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("GetFeature: %v", err)
	}
	if err := d.SetFeature([]byte{0x21, 0x01}); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("SetFeature: %v", err)
	}
	if _, err := d.ReadInput(0); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("ReadInput: %v", err)
	}
	if _, err := p.Device().GetFeature(0x03, 5); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("a handle opened while unplugged: %v", err)
	}
	if err := p.Sign(context.Background(), "三"); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("Sign while unplugged: %v", err)
	}
	p.Replug()
	if _, err := d.GetFeature(0x03, 5); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("the old handle after replug: %v", err)
	}
	d2 := p.Device()
	if b := mustGet(t, d2, 0x21, 2); b[1] != 1 {
		t.Error("inking mode survived a power cycle")
	}
	if err := d2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d2.GetFeature(0x03, 5); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestCloseEndsReadInput(t *testing.T) {
	d := New(Config{}).Device()
	read := make(chan error, 1)
	go func() {
		_, err := d.ReadInput(10 * time.Second)
		read <- err
	}()
	time.Sleep(20 * time.Millisecond)
	d.Close()
	select {
	case err := <-read:
		if !errors.Is(err, transport.ErrClosed) {
			t.Fatalf("ReadInput: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ReadInput did not return on Close")
	}
	if _, err := New(Config{}).Device().ReadInput(10 * time.Millisecond); !errors.Is(err, hid.ErrTimeout) {
		t.Errorf("idle ReadInput: %v", err)
	}
}

func TestSerialModeLeavesTheBus(t *testing.T) {
	p := New(Config{})
	d := p.Device()
	mustSet(t, d, 0x0C, 0x02)
	if _, err := d.GetFeature(0x03, 5); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("after DefaultMode 02: %v", err)
	}
	if p.NVRAMWrites()[0x0C] != 1 {
		t.Errorf("NVRAM writes %v", p.NVRAMWrites())
	}
	p.Replug()
	if b := mustGet(t, p.Device(), 0x0C, 2); b[1] != 1 {
		t.Errorf("DefaultMode after replug = %d", b[1])
	}
}

func TestStream(t *testing.T) {
	p := New(Config{InputBuffer: 1 << 12})
	d := p.Device()
	mustSet(t, d, 0x32, 0x03)
	start := time.Now()
	if err := p.Stream(context.Background(), 400, 2000); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if took < 180*time.Millisecond || took > 10*time.Second {
		t.Errorf("400 reports at 2000/s took %v", took)
	}
	reps := drain(t, d)
	if len(reps) != 400 {
		t.Fatalf("%d reports", len(reps))
	}
	for i := 1; i < len(reps); i++ {
		if reps[i].Sequence != reps[i-1].Sequence+1 {
			t.Fatalf("sequence %d after %d", reps[i].Sequence, reps[i-1].Sequence)
		}
		if step := reps[i].TimeCount - reps[i-1].TimeCount; step > 1 {
			t.Fatalf("time count step %d at 2000/s", step)
		}
		if reps[i].Sw == 0 || reps[i].Pressure == 0 {
			t.Fatalf("report %d does not touch", i)
		}
	}
	if span := reps[399].TimeCount - reps[0].TimeCount; span != 199 {
		t.Errorf("time count spans %d ms for 400 reports at 2000/s", span)
	}
	for _, bad := range []int{0, -1, 2001} {
		if err := p.Stream(context.Background(), 1, bad); err == nil {
			t.Errorf("rate %d: no error", bad)
		}
	}
}
