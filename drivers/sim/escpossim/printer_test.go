package escpossim

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// DLE EOT n answers one byte at once, bits 1 and 4 set, 0 and 7 clear,
// for every condition (spec §1.7).
func TestRealTimeStatus(t *testing.T) {
	p, h := pipePrinter(t, Config{NearEnd: 100, PaperLength: 1000})
	check := func(cond string, want [4]byte) {
		t.Helper()
		for i, n := range []byte{1, 2, 3, 4} {
			b := h.ask(n)
			if b&0x93 != 0x12 {
				t.Errorf("%s: DLE EOT %d = %#02x breaks the fixed bits", cond, n, b)
			}
			if b != want[i] {
				t.Errorf("%s: DLE EOT %d = %#02x, want %#02x", cond, n, b, want[i])
			}
		}
	}
	check("ready", [4]byte{0x12, 0x12, 0x12, 0x12})
	p.OpenCover(true)
	check("cover open", [4]byte{0x1A, 0x16, 0x12, 0x12})
	p.OpenCover(false)
	p.SetOffline(true)
	check("offline", [4]byte{0x1A, 0x12, 0x12, 0x12})
	p.SetOffline(false)
	p.SetCutterError(true)
	check("cutter jammed", [4]byte{0x1A, 0x52, 0x1A, 0x12})
	p.SetCutterError(false)
	check("jam cleared, error held", [4]byte{0x1A, 0x52, 0x1A, 0x12})
	h.send([]byte{0x10, 0x05, 0x01}) // DLE ENQ 1: recover and continue
	check("recovered", [4]byte{0x12, 0x12, 0x12, 0x12})
	p.RunOutAfter(50)
	check("near end", [4]byte{0x12, 0x12, 0x12, 0x1E})
	p.RunOutAfter(0)
	check("paper out", [4]byte{0x1A, 0x32, 0x12, 0x7E})
	p.LoadPaper(0)
	check("new roll", [4]byte{0x12, 0x12, 0x12, 0x12})

	// Without a near-end sensor, paper out is 72 on DLE EOT 4.
	p2, h2 := pipePrinter(t, Config{})
	p2.RunOutAfter(0)
	if b := h2.ask(4); b != 0x72 {
		t.Errorf("paper out without near-end sensor: DLE EOT 4 = %#02x, want 72", b)
	}
	if b := h2.ask(2); b != 0x32 {
		t.Errorf("paper out: DLE EOT 2 = %#02x, want 32", b)
	}
}

// A blind printer answers nothing.
func TestBlind(t *testing.T) {
	_, h := pipePrinter(t, Config{Blind: true})
	h.send([]byte{0x10, 0x04, 0x01, 0x1D, 0x61, 0x0F, 0x1D, 0x72, 0x01, 0x1D, 0x49, 0x42})
	h.quiet("blind printer", 200*time.Millisecond)
}

// GS a n answers a block at once and again on every change of an enabled
// item; GS a 0 stops it.
func TestAutomaticStatusBack(t *testing.T) {
	p, h := pipePrinter(t, Config{})
	h.send(hx(t, "1D 61 0F"))
	h.expect("ASB on", []byte{0x10, 0, 0, 0}, time.Second)
	p.OpenCover(true)
	h.expect("cover open", []byte{0x38, 0, 0, 0}, time.Second)
	p.OpenCover(false)
	h.expect("cover closed", []byte{0x10, 0, 0, 0}, time.Second)
	p.SetCutterError(true)
	h.expect("cutter", []byte{0x18, 0x08, 0, 0}, time.Second)
	h.send([]byte{0x10, 0x05, 0x02}) // jam still there: no recovery
	h.quiet("recovery refused while jammed", 100*time.Millisecond)
	p.SetCutterError(false)
	h.quiet("jam cleared, error held", 100*time.Millisecond)
	h.send([]byte{0x10, 0x05, 0x02})
	h.expect("recovered", []byte{0x10, 0, 0, 0}, time.Second)
	p.RunOutAfter(0)
	h.expect("paper out", []byte{0x18, 0, 0x0C, 0}, time.Second)
	p.LoadPaper(0)
	h.expect("paper in", []byte{0x10, 0, 0, 0}, time.Second)
	// Only the paper sensors enabled: the cover does not report.
	h.send(hx(t, "1D 61 08"))
	h.expect("ASB paper only", []byte{0x10, 0, 0, 0}, time.Second)
	p.OpenCover(true)
	h.quiet("cover not enabled", 100*time.Millisecond)
	p.OpenCover(false)
	h.send(hx(t, "1D 61 00 1D 72 01"))
	h.expect("GS r after GS a 0", []byte{0x00}, time.Second)
	p.RunOutAfter(0)
	h.quiet("ASB off", 100*time.Millisecond)
}

// GS r answers in order: only after what came before it has printed.
func TestTransmitStatusInOrder(t *testing.T) {
	p, h := pipePrinter(t, Config{RowsPerSecond: 1200})
	start := time.Now()
	// 20 lines of 30 rows: 600 rows at 1,200 rows/s = 0.5 s.
	h.send(cat([]byte(strings.Repeat("LINE\n", 20)), hx(t, "1D 72 01")))
	h.expect("GS r 1", []byte{0x00}, 3*time.Second)
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("GS r answered after %v, before the job could have printed", d)
	}
	// A real-time request meanwhile is answered at once.
	h.send(cat([]byte(strings.Repeat("LINE\n", 20)), hx(t, "10 04 01 1D 72 31")))
	start = time.Now()
	h.expect("DLE EOT 1 during the job", []byte{0x12}, time.Second)
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("DLE EOT took %v", d)
	}
	h.expect("GS r 49", []byte{0x00}, 3*time.Second)
	h.send(hx(t, "1D 72 02"))
	h.expect("GS r 2", []byte{0x00}, time.Second)
	if n := len(p.Pages()[0].Lines()); n != 40 {
		t.Errorf("%d lines printed", n)
	}
}

// GS I 66 and 67 answer the maker and model blocks.
func TestPrinterID(t *testing.T) {
	_, h := pipePrinter(t, Config{Maker: "XPRINTER", PaperWidth: 58})
	h.send(hx(t, "1D 49 42 1D 49 43 1D 49 02"))
	h.expect("maker", []byte("_XPRINTER\x00"), time.Second)
	h.expect("model", []byte("_SIM-58\x00"), time.Second)
	h.expect("type", []byte{0x03}, time.Second)
}

// Paper ends mid-job: printing stops, the rest stays in the receive
// buffer, in-order replies wait; a new roll resumes the job.
func TestPaperOutResumes(t *testing.T) {
	p, h := pipePrinter(t, Config{RowsPerSecond: -1})
	p.RunOutAfter(5 * 30) // five lines' worth
	job := jobLines(12)
	h.send(cat(job, hx(t, "1D 56 42 00 1D 72 01")))
	waitStatus(t, p, "paper out", func(s Status) bool { return s.PaperOut })
	h.quiet("GS r while paper out", 150*time.Millisecond)
	if st := p.Status(); st.Buffered == 0 {
		t.Fatalf("nothing left in the receive buffer: %+v", st)
	}
	pages := p.Pages()
	if len(pages) != 1 || !pages[0].PaperOut || len(pages[0].Lines()) != 5 {
		t.Fatalf("pages %d, first %+v", len(pages), pages[0])
	}
	p.LoadPaper(0)
	h.expect("GS r after the new roll", []byte{0x00}, 2*time.Second)
	pages = p.Pages()
	if !samePrinted(pages, 12) {
		t.Errorf("lines across rolls: %q", texts(pages))
	}
}

// jobLines makes n numbered lines.
func jobLines(n int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "ITEM %02d\n", i)
	}
	return []byte(b.String())
}

func texts(pages []*Page) []string {
	var out []string
	for _, p := range pages {
		out = append(out, p.Text())
	}
	return out
}

// samePrinted reports whether the pages hold ITEM 01…ITEM n, each once,
// in order.
func samePrinted(pages []*Page, n int) bool {
	var got []string
	for _, p := range pages {
		for _, l := range p.Lines() {
			got = append(got, l.Text)
		}
	}
	if len(got) != n {
		return false
	}
	for i, s := range got {
		if s != fmt.Sprintf("ITEM %02d", i+1) {
			return false
		}
	}
	return true
}

// Printing takes time at the print speed, and paper runs out mid-job, not
// before it started.
func TestPrintSpeed(t *testing.T) {
	p, h := pipePrinter(t, Config{RowsPerSecond: 600})
	h.send(jobLines(10)) // 300 rows: half a second
	waitStatus(t, p, "printing", func(s Status) bool { return s.Printing })
	time.Sleep(150 * time.Millisecond)
	if st := p.Status(); st.Buffered == 0 && !st.Printing {
		t.Fatalf("done already: %+v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := p.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if !samePrinted(p.Pages(), 10) {
		t.Errorf("%q", texts(p.Pages()))
	}
}

// Data beyond the receive buffer is lost, and counted.
func TestReceiveBufferOverflow(t *testing.T) {
	p, h := pipePrinter(t, Config{ReceiveBuffer: 16 << 10})
	p.RunOutAfter(0)
	h.send([]byte(strings.Repeat("x", 20<<10)))
	waitStatus(t, p, "overflow", func(s Status) bool { return s.Lost > 0 })
	if st := p.Status(); st.Buffered != 16<<10 || st.Lost != 4<<10 {
		t.Errorf("%+v", st)
	}
	// Real-time commands still work.
	if b := h.ask(1); b != 0x1A {
		t.Errorf("DLE EOT 1 = %#02x", b)
	}
}

// ServeTCP serves one raw connection at a time; printing goes on between
// them, and status replies travel on the socket.
func TestServeTCP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := New(Config{RowsPerSecond: -1})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.ServeTCP(ctx, l) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("ServeTCP: %v", err)
		}
	}()
	c1, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c2, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c1.Write(cat([]byte("FIRST\n"), hx(t, "1D 72 01"))); err != nil {
		t.Fatal(err)
	}
	c1.SetReadDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, 1)
	if _, err := c1.Read(b); err != nil || b[0] != 0 {
		t.Fatalf("GS r on the first connection: % X, %v", b, err)
	}
	// The second connection waits until the first closes.
	c2.Write([]byte{0x10, 0x04, 0x01})
	c2.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _ := c2.Read(b); n != 0 {
		t.Fatalf("the second connection was served while the first was open")
	}
	c1.Close()
	c2.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c2.Read(b); n != 1 || b[0] != 0x12 {
		t.Fatalf("DLE EOT 1 on the second connection: % X, %v", b[:n], err)
	}
	c2.Write(cat([]byte("SECOND\n"), hx(t, "1D 56 42 00")))
	waitStatus(t, p, "second job", func(Status) bool { return len(p.Pages()) > 0 && p.Pages()[0].Cut == CutPartial })
	if got := p.Pages()[0].Text(); got != "FIRST\nSECOND" {
		t.Errorf("printed %q", got)
	}
}

// Pages shows the page being printed, marked incomplete; Reset forgets
// everything.
func TestPagesAndReset(t *testing.T) {
	p, h := pipePrinter(t, Config{RowsPerSecond: -1})
	h.send([]byte("ONE\n\x1dVB\x00TWO\n"))
	waitStatus(t, p, "printed", func(Status) bool { return len(p.Pages()) == 2 })
	pages := p.Pages()
	if pages[0].Incomplete || pages[0].Cut != CutPartial || !pages[1].Incomplete || pages[1].Text() != "TWO" {
		t.Errorf("%+v %+v", pages[0], pages[1])
	}
	if cmds := p.Commands(); len(cmds) == 0 || cmds[0].Name != "text" {
		t.Errorf("%v", cmds)
	}
	p.Reset()
	if len(p.Pages()) != 0 || len(p.Commands()) != 0 {
		t.Errorf("after Reset: %d pages", len(p.Pages()))
	}
}

// Real-time commands are found wherever they are in the stream, even
// inside an image's data, as a printer's receive interrupt finds them
// (the reason hosts must not send them inside other commands).
func TestRealTimeInsideData(t *testing.T) {
	_, h := pipePrinter(t, Config{RowsPerSecond: -1})
	h.send(hx(t, "1D 76 30 00 03 00 01 00 10 04 01"))
	h.expect("DLE EOT inside raster data", []byte{0x12}, time.Second)
}
