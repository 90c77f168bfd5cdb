package printer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// rig is a virtual printer behind a pseudo-terminal, opened by the real
// serial code, with the printer service on the host side.
// rawTime writes data and a GS r straight to the virtual printer on a
// port of its own (the service's is closed meanwhile? no: the simulator
// takes one host at a time, so this uses a second simulator) and returns
// how long until the GS r reply came.
func (r *rig) rawTime(b *testing.B, data []byte) time.Duration {
	b.Helper()
	link, err := simlink.New()
	if err != nil {
		b.Fatal(err)
	}
	defer link.Device.Close()
	sim := escpossim.New(r.simCfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sim.Serve(ctx, link.Device)
	p, err := serialport.Open(link.Path, serialport.Config{Baud: r.simCfg.Baud})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	p.Write(append(append([]byte(nil), data...), 0x1D, 0x72, 0x01))
	buf := make([]byte, 16)
	for time.Since(start) < 30*time.Second {
		n, err := p.Read(buf)
		if err != nil {
			b.Fatal(err)
		}
		if n > 0 {
			return time.Since(start)
		}
	}
	b.Fatal("no GS r reply")
	return 0
}

type rig struct {
	simCfg escpossim.Config
	t      testing.TB
	sim    *escpossim.Printer
	svc    *printer.Service
	mu     sync.Mutex
	events []printer.Event
	ch     chan printer.Event
}

func newRig(t *testing.T, simCfg escpossim.Config, tweak func(*printer.Config)) *rig {
	t.Helper()
	return makeRig(t, simCfg, 115200, tweak)
}

func newBenchRig(b *testing.B, simCfg escpossim.Config, baud int) *rig {
	return makeRig(b, simCfg, baud, func(c *printer.Config) { c.Baud = baud })
}

func makeRig(t testing.TB, simCfg escpossim.Config, baud int, tweak func(*printer.Config)) *rig {
	t.Helper()
	link, err := simlink.New()
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, sim: escpossim.New(simCfg), simCfg: simCfg, ch: make(chan printer.Event, 100)}
	ctx, cancel := context.WithCancel(context.Background())
	simDone := make(chan struct{})
	go func() { r.sim.Serve(ctx, link.Device); close(simDone) }()
	fonts, err := textimage.Find()
	if err != nil {
		t.Fatal(err)
	}
	cfg := printer.Config{
		ID: "printer0", Model: "virtual printer", Profile: escpos.Generic80(), Fonts: fonts,
		Open: func(context.Context) (transport.Port, string, error) {
			p, err := serialport.Open(link.Path, serialport.Config{Baud: baud})
			return p, link.Path, err
		},
		StatusTimeout: 300 * time.Millisecond,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	r.svc = printer.New(cfg, func(e printer.Event) {
		r.mu.Lock()
		r.events = append(r.events, e)
		r.mu.Unlock()
		r.ch <- e
	})
	done := make(chan struct{})
	go func() { r.svc.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		<-simDone
		link.Device.Close()
		fonts.Close()
	})
	deadline := time.Now().Add(5 * time.Second)
	for r.svc.Device().Status().State == device.Disconnected {
		if time.Now().After(deadline) {
			t.Fatalf("printer not open: %+v", r.svc.Device().Status())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return r
}

// until waits for a job event in state st and returns it.
func (r *rig) until(id string, st printer.State, within time.Duration) printer.Event {
	r.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case e := <-r.ch:
			if e.JobID == id && e.State == st {
				return e
			}
			if e.JobID == id && e.State != st && (e.State == printer.Done || e.State == printer.Failed) {
				r.t.Fatalf("job %s ended %s (%v), want %s", id, e.State, e.Err, st)
			}
		case <-deadline:
			r.t.Fatalf("job %s: no %s event within %v", id, st, within)
		}
	}
}

// receipt is a real-looking application receipt, long enough to run out
// of paper in the middle of.
func receipt() escpos.Receipt {
	r := escpos.Receipt{Width: 80, Blocks: []escpos.Block{
		{Type: "title", Text: "社会救助申请回执"},
		{Type: "kv", Key: "申请编号", Value: "TZ-2026-112901"},
		{Type: "kv", Key: "申请人", Value: "王秀英"},
		{Type: "kv", Key: "公民身份号码", Value: "370481********4828"},
	}}
	for i := 1; i <= 12; i++ {
		r.Blocks = append(r.Blocks, escpos.Block{Type: "text", Text: fmt.Sprintf("第%d项：山东省滕州市荆河街道善国北路88号 家庭成员信息核对", i)})
	}
	r.Blocks = append(r.Blocks,
		escpos.Block{Type: "qr", Data: "https://zwfw.tengzhou.gov.cn/q?id=TZ-2026-112901"},
		escpos.Block{Type: "text", Text: "回执结束", Align: "center"})
	return r
}

// complete counts the pages that hold the whole receipt: cut, with the
// title and the last line on them.
func complete(pages []*escpossim.Page) int {
	n := 0
	for _, p := range pages {
		text := p.Text()
		if p.Cut != escpossim.CutNone && strings.Contains(text, "社会救助申请回执") && strings.Contains(text, "回执结束") {
			n++
		}
	}
	return n
}

// afterPaperEnd is the lines printed on the pages after the one on which
// the roll ran out.
func afterPaperEnd(pages []*escpossim.Page) []string {
	var lines []string
	out := false
	for _, p := range pages {
		if out {
			for _, l := range p.Lines() {
				lines = append(lines, l.Text)
			}
		}
		out = out || p.PaperOut
	}
	return lines
}

func TestPrintsAReceipt(t *testing.T) {
	r := newRig(t, escpossim.Config{}, nil)
	id, err := r.svc.Print(receipt(), 1)
	if err != nil {
		t.Fatal(err)
	}
	r.until(id, printer.Done, 20*time.Second)
	if n := complete(r.sim.Pages()); n != 1 {
		t.Fatalf("%d complete receipts, want 1", n)
	}
	st, err := r.svc.Status(context.Background())
	if err != nil || st.Problem() != nil {
		t.Fatalf("status after a job: %v %v", st, err)
	}
}

// Paper runs out in the middle of a job: the job fails as PAPER_OUT and is
// kept; a new roll prints nothing of it by itself; resumed, it prints to
// exactly one complete receipt.
func TestPaperOutMidJobResumesToOneReceipt(t *testing.T) {
	r := newRig(t, escpossim.Config{}, nil)
	r.sim.RunOutAfter(600) // dot rows: a few lines into the receipt
	id, err := r.svc.Print(receipt(), 1)
	if err != nil {
		t.Fatal(err)
	}
	e := r.until(id, printer.Failed, 20*time.Second)
	if !errors.Is(e.Err, escpos.ErrPaperOut) || !e.Resumable {
		t.Fatalf("failed with %v, resumable %v; want PAPER_OUT, resumable", e.Err, e.Resumable)
	}
	if st := r.svc.Device().Status(); st.Health.Code != "paper_out" {
		t.Errorf("health %+v, want paper_out", st.Health)
	}
	r.sim.LoadPaper(0)
	time.Sleep(500 * time.Millisecond) // a printer that kept the rest would print it now
	// The line the head was in when the paper ended finishes on the new
	// roll; nothing after it may print.
	if lines := afterPaperEnd(r.sim.Pages()); len(lines) > 1 {
		t.Fatalf("the new roll printed the rest of the interrupted receipt by itself: %q", lines)
	}
	if err := r.svc.Resume(id); err != nil {
		t.Fatal(err)
	}
	r.until(id, printer.Done, 20*time.Second)
	if n := complete(r.sim.Pages()); n != 1 {
		t.Fatalf("%d complete receipts after resuming, want exactly 1", n)
	}
	if err := r.svc.Resume(id); !errors.Is(err, printer.ErrNoSuchJob) {
		t.Fatalf("resuming a done job: %v, want ErrNoSuchJob", err)
	}
}

func TestCoverOpenFailsBeforePrinting(t *testing.T) {
	r := newRig(t, escpossim.Config{}, nil)
	r.sim.OpenCover(true)
	id, err := r.svc.Print(receipt(), 1)
	if err != nil {
		t.Fatal(err)
	}
	e := r.until(id, printer.Failed, 10*time.Second)
	if !errors.Is(e.Err, escpos.ErrCoverOpen) {
		t.Fatalf("failed with %v, want COVER_OPEN", e.Err)
	}
	if len(r.sim.Pages()) > 0 && strings.Contains(r.sim.Pages()[0].Text(), "回执") {
		t.Fatal("printed with the cover open")
	}
}

// A printer that answers nothing, configured as blind, still prints.
func TestBlindPrinter(t *testing.T) {
	r := newRig(t, escpossim.Config{Blind: true}, func(c *printer.Config) { c.Profile.Blind = true })
	id, err := r.svc.Print(receipt(), 2)
	if err != nil {
		t.Fatal(err)
	}
	r.until(id, printer.Done, 20*time.Second)
	// Done means "sent": the printer may still be taking the bytes in.
	deadline := time.Now().Add(10 * time.Second)
	for complete(r.sim.Pages()) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := complete(r.sim.Pages()); n != 2 {
		t.Fatalf("%d complete receipts, want 2", n)
	}
}

// A job's events come in the order it went through them: queued, then
// printing, then done — also when the printer picks the job up at once
// (the session used to be able to say printing before Print said queued).
func TestJobEventsInOrder(t *testing.T) {
	r := newRig(t, escpossim.Config{}, nil)
	small := escpos.Receipt{Width: 80, Blocks: []escpos.Block{{Type: "text", Text: "回执"}}, NoCut: true}
	var ids []string
	for range 40 {
		id, err := r.svc.Print(small, 1)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		r.until(id, printer.Done, 10*time.Second)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		var states []printer.State
		for _, e := range r.events {
			if e.JobID == id {
				states = append(states, e.State)
			}
		}
		if len(states) != 3 || states[0] != printer.Queued || states[1] != printer.Printing || states[2] != printer.Done {
			t.Errorf("job %s: events %v, want queued, printing, done", id, states)
		}
	}
}
