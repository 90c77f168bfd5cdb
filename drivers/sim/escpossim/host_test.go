package escpossim

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// host is the test's side of the line: it writes jobs and collects every
// byte the printer sends back.
type host struct {
	t    testing.TB
	port transport.Port

	mu   sync.Mutex
	got  []byte
	more chan struct{}
	done chan struct{}
}

func newHost(t testing.TB, port transport.Port) *host {
	h := &host{t: t, port: port, more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		b := make([]byte, 256)
		for {
			n, err := port.Read(b)
			if n > 0 {
				h.mu.Lock()
				h.got = append(h.got, b[:n]...)
				h.mu.Unlock()
				select {
				case h.more <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return h
}

func (h *host) send(b []byte) {
	h.t.Helper()
	if _, err := h.port.Write(b); err != nil {
		h.t.Fatalf("write: %v", err)
	}
}

// expect waits for exactly want as the next bytes from the printer.
func (h *host) expect(what string, want []byte, timeout time.Duration) {
	h.t.Helper()
	got := h.read(len(want), timeout)
	if !bytes.Equal(got, want) {
		h.t.Fatalf("%s: got % X, want % X", what, got, want)
	}
}

// read takes the next n bytes, or what came within timeout.
func (h *host) read(n int, timeout time.Duration) []byte {
	deadline := time.Now().Add(timeout)
	for {
		h.mu.Lock()
		if len(h.got) >= n {
			out := append([]byte(nil), h.got[:n]...)
			h.got = h.got[n:]
			h.mu.Unlock()
			return out
		}
		h.mu.Unlock()
		left := time.Until(deadline)
		if left <= 0 {
			h.mu.Lock()
			out := append([]byte(nil), h.got...)
			h.got = nil
			h.mu.Unlock()
			return out
		}
		select {
		case <-h.more:
		case <-time.After(left):
		}
	}
}

// quiet checks that nothing arrives for d.
func (h *host) quiet(what string, d time.Duration) {
	h.t.Helper()
	if got := h.read(1, d); len(got) > 0 {
		h.t.Fatalf("%s: unexpected % X", what, got)
	}
}

// ask sends a real-time status request and returns the one-byte answer.
func (h *host) ask(n byte) byte {
	h.t.Helper()
	h.send([]byte{0x10, 0x04, n})
	got := h.read(1, 2*time.Second)
	if len(got) != 1 {
		h.t.Fatalf("DLE EOT %d: no answer", n)
	}
	return got[0]
}

// serve runs p on port until the test ends.
func serve(t testing.TB, p *Printer, port transport.Port) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Serve(ctx, port) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil && !errors.Is(err, transport.ErrClosed) && !errors.Is(err, transport.ErrDisconnected) {
			t.Errorf("Serve: %v", err)
		}
	})
}

// pipePrinter serves a printer on an in-memory pipe.
func pipePrinter(t testing.TB, cfg Config) (*Printer, *host) {
	a, b := transport.Pipe()
	p := New(cfg)
	serve(t, p, a)
	h := newHost(t, b)
	t.Cleanup(func() { b.Close(); a.Close() })
	return p, h
}

func waitStatus(t testing.TB, p *Printer, what string, cond func(Status) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.WaitFor(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v; status %+v", what, err, p.Status())
	}
}
