package escpossim

import (
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// ptyPrinter serves a printer on a pseudo-terminal and opens it the way
// the agent opens a serial printer, with the project's serialport package
// (an in-memory pipe where the system has no pseudo-terminals).
func ptyPrinter(t *testing.T, cfg Config) (*Printer, *host) {
	t.Helper()
	link, err := simlink.New()
	if err != nil {
		t.Fatal(err)
	}
	p := New(cfg)
	serve(t, p, link.Device)
	t.Cleanup(func() { link.Unplug() })
	var port transport.Port = link.Host
	if link.Path != "" {
		sp, err := serialport.Open(link.Path, serialport.Config{Baud: cfg.Baud})
		if err != nil {
			t.Fatalf("open %s: %v", link.Path, err)
		}
		t.Cleanup(func() { sp.Close() })
		port = sp
	}
	return p, newHost(t, port)
}

// paperOutJob is a receipt of the given number of item lines, cut, and
// asked to confirm with GS r 1 — as the agent sends it.
func paperOutJob(t *testing.T, items int) []byte {
	return cat(
		hx(t, "1B 40 1C 26 1B 61 01 1D 21 11"),
		[]byte("\xC9\xE7\xBB\xE1\xBE\xC8\xD6\xFA\n"), // 社会救助, 48 rows
		hx(t, "1D 21 00 1B 61 00"),
		jobLines(items),
		hx(t, "1D 56 42 00 1D 72 01"),
	)
}

// The paper-out scenario of spec §2.4 end to end over a real serial line:
// the paper ends mid-job; DLE EOT 4 says 72 and the ASB block says paper
// end; GS r is not answered; the host then either clears the rest of the
// job (DLE ENQ 2) before the new roll goes in, so nothing of it prints
// twice, or does not, and the rest of the job prints on the new roll.
func TestPaperOutOverSerialLine(t *testing.T) {
	for _, clear := range []bool{true, false} {
		name := map[bool]string{true: "DLE ENQ 2 clears the job", false: "the job resumes"}[clear]
		t.Run(name, func(t *testing.T) {
			p, h := ptyPrinter(t, Config{Baud: 115200, RowsPerSecond: 2400})
			h.send(hx(t, "1D 61 0F"))
			h.expect("ASB at once", []byte{0x10, 0, 0, 0}, 10*time.Second)
			if b := h.ask(4); b != 0x12 {
				t.Fatalf("before the job: DLE EOT 4 = %#02x", b)
			}
			// The roll ends after the title and five of twenty items.
			p.RunOutAfter(48 + 5*30)
			h.send(paperOutJob(t, 20))
			h.expect("ASB: paper end", []byte{0x18, 0, 0x0C, 0}, 20*time.Second)
			if b := h.ask(4); b != 0x72 {
				t.Errorf("paper end: DLE EOT 4 = %#02x, want 72", b)
			}
			if b := h.ask(2); b != 0x32 {
				t.Errorf("paper end: DLE EOT 2 = %#02x, want 32", b)
			}
			h.quiet("GS r while the paper is out", 300*time.Millisecond)
			st := p.Status()
			if !st.PaperOut || st.Buffered == 0 {
				t.Fatalf("status %+v: the rest of the job should wait in the receive buffer", st)
			}
			pages := p.Pages()
			if len(pages) != 1 || !pages[0].PaperOut || len(pages[0].Lines()) != 6 {
				t.Fatalf("before the new roll: %q", texts(pages))
			}

			if clear {
				h.send([]byte{0x10, 0x05, 0x02})
				waitStatus(t, p, "buffer cleared", func(s Status) bool { return s.Buffered <= 3 })
			}
			p.LoadPaper(0)
			h.expect("ASB: paper back", []byte{0x10, 0, 0, 0}, 10*time.Second)
			if clear {
				h.quiet("GS r of the cleared job", 300*time.Millisecond)
				// The next job prints alone and is confirmed.
				h.send(cat([]byte("NEXT\n"), hx(t, "1D 56 42 00 1D 72 01")))
				h.expect("GS r of the next job", []byte{0x00}, 15*time.Second)
				pages = p.Pages()
				if len(pages) != 2 || pages[1].Text() != "NEXT" || pages[1].Cut != CutPartial {
					t.Fatalf("after DLE ENQ 2: %q", texts(pages))
				}
			} else {
				h.expect("GS r once the rest printed", []byte{0x00}, 15*time.Second)
				pages = p.Pages()
				// Every line once, in order, across the two rolls.
				var lines []string
				for _, pg := range pages {
					lines = append(lines, strings.Split(pg.Text(), "\n")...)
				}
				want := append([]string{"社会救助"}, strings.Split(strings.TrimSpace(string(jobLines(20))), "\n")...)
				if strings.Join(lines, "|") != strings.Join(want, "|") {
					t.Errorf("printed %q,\nwant %q", lines, want)
				}
				if len(pages) != 2 || pages[1].Cut != CutPartial || !pages[0].PaperOut {
					t.Errorf("pages: %d, second cut %v", len(pages), pages[len(pages)-1].Cut)
				}
			}
			for i, pg := range pages {
				t.Log(savePNG(t, pg, strings.ReplaceAll(name, " ", "-")+"-"+string(rune('0'+i))+".png"))
			}
		})
	}
}
