// Package discover finds an ID card reader by itself: it lists the serial
// ports (USB ones with a known reader or bridge VID:PID first), opens each
// and asks "SAM status?" (11 FF) at 115200 baud and then the other rates
// readers support, and remembers what worked so that the next start, or
// the next replug, tries that port first.
//
// Probing writes ten bytes to every candidate port, so a port that is known
// to belong to something else (a receipt printer, say) should be excluded.
package discover

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Rates are the line speeds a SAM_V reader may be set to, most common first
// (idcard-protocol.md §3.1).
var Rates = []int{115200, 57600, 38400, 19200, 9600}

// Candidate is a serial port that may have a reader on it.
type Candidate struct {
	Path     string
	USB      bool
	VID, PID string // upper-case hex, when USB
	Product  string
}

func (c Candidate) String() string {
	if c.USB {
		return fmt.Sprintf("%s (USB %s:%s %s)", c.Path, c.VID, c.PID, c.Product)
	}
	return c.Path
}

// Known USB IDs, best first: reader modules, then the USB-serial bridges
// reader makers build in.
var (
	readerIDs = []string{"0400:C35A", "10C4:8A1B", "2015:0008", "9573:4836", "28E9:028A", "0483:5750"}
	bridgeIDs = []string{"1A86:7523", "1A86:55D4", "10C4:EA60", "067B:2303", "0403:6001", "0403:6015"}
)

// rank orders candidates: known reader IDs, then bridges, then other USB
// ports, then built-in ports.
func rank(c Candidate) int {
	id := strings.ToUpper(c.VID + ":" + c.PID)
	switch {
	case slices.Contains(readerIDs, id):
		return 0
	case slices.Contains(bridgeIDs, id):
		return 1
	case c.USB:
		return 2
	}
	return 3
}

// Attempt is one probe and its outcome, for "why was nothing found".
type Attempt struct {
	Port string
	Baud int
	Err  string // empty when a reader answered
}

// Found is a reader that answered.
type Found struct {
	Port transport.Port
	Path string
	Baud int
}

// ErrUnsupported is what Finder.USB returns when the build has no USB
// support; the search then goes on quietly with the serial ports.
var ErrUnsupported = errors.New("not supported by this build")

// ErrNotFound means no candidate answered as a reader.
var ErrNotFound = errors.New("no ID card reader answered on any port")

// Opener opens a serial port at a baud rate.
type Opener func(path string, baud int) (transport.Port, error)

// Finder searches for a reader.
type Finder struct {
	// List returns the ports to try.
	List func() ([]Candidate, error)
	// Open opens one.
	Open Opener
	// Exclude lists ports never to probe.
	Exclude []string
	// Timeout bounds each probe (default 300 ms).
	Timeout time.Duration
	// USB opens a USB bulk reader, when the build supports it; nil means
	// serial ports only. It is tried before the serial ports, since a
	// 0400:C35A device is a reader by its ID alone (the probe confirms).
	USB func() (transport.Port, string, error)
	// Memory remembers the port that worked; may be nil.
	Memory *Memory
	Log    *slog.Logger
}

// Find probes the remembered port first, then every candidate, and returns
// the first that answers as a SAM_V reader, with the attempts made.
func (f *Finder) Find(ctx context.Context) (*Found, []Attempt, error) {
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var tried []Attempt
	try := func(path string, rates []int) *Found {
		for _, baud := range rates {
			if ctx.Err() != nil {
				return nil
			}
			port, err := f.Open(path, baud)
			if err != nil {
				// A port that will not open will not open at another rate.
				tried = append(tried, Attempt{Port: path, Baud: baud, Err: err.Error()})
				return nil
			}
			if err := f.probe(ctx, port); err != nil {
				port.Close()
				tried = append(tried, Attempt{Port: path, Baud: baud, Err: err.Error()})
				continue
			}
			tried = append(tried, Attempt{Port: path, Baud: baud})
			log.Info("ID card reader found", "port", path, "baud", baud)
			if f.Memory != nil {
				if err := f.Memory.Remember(path, baud); err != nil {
					log.Warn("cannot remember the reader's port", "err", err)
				}
			}
			return &Found{Port: port, Path: path, Baud: baud}
		}
		return nil
	}
	if f.USB != nil {
		port, name, err := f.USB()
		switch {
		case err == nil:
			if err = f.probe(ctx, port); err == nil {
				tried = append(tried, Attempt{Port: name})
				log.Info("ID card reader found", "port", name)
				return &Found{Port: port, Path: name}, tried, nil
			}
			port.Close()
			tried = append(tried, Attempt{Port: name, Err: err.Error()})
		case !errors.Is(err, ErrUnsupported):
			tried = append(tried, Attempt{Port: "usb", Err: err.Error()})
		}
	}
	var first string
	if f.Memory != nil {
		if path, baud, ok := f.Memory.Recall(); ok && !slices.Contains(f.Exclude, path) {
			first = path
			if found := try(path, append([]int{baud}, without(Rates, baud)...)); found != nil {
				return found, tried, nil
			}
		}
	}
	cands, err := f.List()
	if err != nil {
		return nil, tried, fmt.Errorf("list serial ports: %w", err)
	}
	slices.SortStableFunc(cands, func(a, b Candidate) int { return rank(a) - rank(b) })
	for _, c := range cands {
		if c.Path == first || slices.Contains(f.Exclude, c.Path) {
			continue
		}
		if found := try(c.Path, Rates); found != nil {
			return found, tried, nil
		}
	}
	return nil, tried, ErrNotFound
}

// probe asks for the SAM status; any intact SAM_V reply (also an error
// status such as a failed self-test) proves a reader is there.
func (f *Finder) probe(ctx context.Context, port transport.Port) error {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 300 * time.Millisecond
	}
	r := idcard.NewReader(port, idcard.Options{ShortTimeout: timeout, Retries: -1})
	err := r.SAMStatus(ctx)
	var se *idcard.StatusError
	if err == nil || errors.As(err, &se) {
		return nil
	}
	if errors.Is(err, idcard.ErrTimeout) {
		return errors.New("no SAM_V reply")
	}
	return err
}

func without(s []int, v int) []int {
	out := make([]int, 0, len(s))
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
