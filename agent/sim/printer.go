package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Printer is a virtual receipt printer on the other end of a link; the
// receipts it prints are saved as PNGs in a folder.
type Printer struct {
	Sim  *escpossim.Printer
	link *simlink.Link
	dir  string

	mu    sync.Mutex
	saved int // pages saved so far
}

// PrinterBaud is the virtual printer's line speed.
const PrinterBaud = 115200

// NewPrinter makes an 80 mm virtual printer paced at PrinterBaud, saving
// its receipts in dir.
func NewPrinter(dir string) (*Printer, error) {
	link, err := simlink.New()
	if err != nil {
		return nil, fmt.Errorf("virtual printer: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("virtual printer: %w", err)
	}
	return &Printer{Sim: escpossim.New(escpossim.Config{PaperWidth: 80, Baud: PrinterBaud, NearEnd: 800}), link: link, dir: dir}, nil
}

// Serve runs the virtual printer until ctx ends.
func (p *Printer) Serve(ctx context.Context) error { return p.Sim.Serve(ctx, p.link.Device) }

// Port names the host end.
func (p *Printer) Port() string {
	if p.link.Path == "" {
		return "in-memory"
	}
	return p.link.Path
}

// Opener opens the host end through the real serial code.
func (p *Printer) Opener() printer.Opener {
	if p.link.Path == "" {
		return func(context.Context) (transport.Port, string, error) { return p.link.Host, "in-memory", nil }
	}
	path := p.link.Path
	return func(context.Context) (transport.Port, string, error) {
		port, err := serialport.Open(path, serialport.Config{Baud: PrinterBaud})
		return port, path, err
	}
}

// Close unplugs the virtual printer.
func (p *Printer) Close() error { return p.link.Device.Close() }

// SaveNew writes the pages cut since the last call as PNGs named after
// the job and returns their file names.
func (p *Printer) SaveNew(jobID string) ([]string, error) {
	if err := p.Sim.WaitIdle(context.Background()); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pages := p.Sim.Pages()
	var names []string
	for ; p.saved < len(pages); p.saved++ {
		pg := pages[p.saved]
		if pg.Incomplete {
			break
		}
		b, err := pg.PNG()
		if err != nil {
			return names, err
		}
		name := fmt.Sprintf("%s-%s-%d.png", time.Now().Format("20060102-150405"), jobID, p.saved+1)
		if err := os.WriteFile(filepath.Join(p.dir, name), b, 0o600); err != nil {
			return names, err
		}
		names = append(names, name)
	}
	return names, nil
}

// Receipts serves the saved receipts: GET /sim/receipts lists them as
// JSON (newest first), GET /sim/receipts/NAME.png is one.
func (p *Printer) Receipts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		name := strings.TrimPrefix(r.URL.Path, "/sim/receipts")
		name = strings.TrimPrefix(name, "/")
		if name == "" {
			ents, _ := os.ReadDir(p.dir)
			list := []string{}
			for _, e := range ents {
				if strings.HasSuffix(e.Name(), ".png") {
					list = append(list, "/sim/receipts/"+e.Name())
				}
			}
			sort.Sort(sort.Reverse(sort.StringSlice(list)))
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(list)
			return
		}
		if strings.ContainsAny(name, "/\\") || !strings.HasSuffix(name, ".png") {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, filepath.Join(p.dir, name))
	})
}

// RegisterPrinter adds sim.printer: paper out, a new roll, the roll
// ending after some rows, the cover. Without a virtual printer it answers
// NOT_SIMULATED.
func RegisterPrinter(s *rpc.Server, p *Printer) {
	s.Handle(protocol.MethodSimPrinter, func(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		if p == nil {
			return nil, protocol.Errorf(protocol.ReasonNotSimulated, "sim.* methods need the agent started with --simulate")
		}
		if err := allowed(c, &Reader{}); err != nil {
			return nil, err
		}
		var q protocol.SimPrinterParams
		if err := protocol.DecodeParams(params, &q); err != nil {
			return nil, err
		}
		switch q.Paper {
		case "":
		case "out":
			p.Sim.RunOutAfter(0)
		case "load":
			p.Sim.LoadPaper(0)
		case "runOutAfter":
			if q.Rows < 1 {
				e := protocol.Errorf(protocol.ReasonBadParams, "rows must be at least 1 with paper runOutAfter")
				e.Data.Field = "rows"
				return nil, e
			}
			p.Sim.RunOutAfter(q.Rows)
		default:
			e := protocol.Errorf(protocol.ReasonBadParams, "paper must be out, load or runOutAfter")
			e.Data.Field = "paper"
			return nil, e
		}
		if q.CoverOpen != nil {
			p.Sim.OpenCover(*q.CoverOpen)
		}
		return protocol.Empty{}, nil
	})
}
