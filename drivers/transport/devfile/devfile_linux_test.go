//go:build linux

package devfile

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// A pseudo-terminal stands in for /dev/usb/lp0 (there is no USB here): the
// same open, poll and unplug paths run.
func TestNodeRoundTripAndUnplug(t *testing.T) {
	m, s, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	path := s.Name()
	s.Close()
	p, err := Open(path, Config{PollPeriod: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Write([]byte("ok\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	m.Read(buf)
	start := time.Now()
	if n, err := p.Read(buf); n != 0 || err != nil || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("idle read: %d %v after %v", n, err, time.Since(start))
	}
	if _, err := p.Status(); err == nil {
		t.Error("LPGETSTATUS on a pseudo-terminal should fail (ENOTTY)")
	}
	m.Close() // unplug
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, err := p.Read(buf)
		if err != nil {
			if !errors.Is(err, transport.ErrDisconnected) {
				t.Fatalf("after unplug: %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("unplug not seen")
		}
	}
	if _, err := Open(path, Config{}); !errors.Is(err, transport.ErrNotFound) && !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reopen a vanished node: %v", err)
	}
}
