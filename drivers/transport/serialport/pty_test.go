//go:build linux

package serialport_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// openPTY opens a pseudo-terminal the way drivers/sim/simlink does: the
// test keeps the master (the "device"), the port opens the slave by path.
func openPTY(t *testing.T) (master *os.File, path string) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	path = s.Name()
	s.Close()
	t.Cleanup(func() { m.Close() })
	return m, path
}

// Closing the master is an unplug: the node vanishes and the tty hangs
// up. Reads and writes then match ErrDisconnected (not ErrClosed), and
// opening the path again matches ErrNotFound, which is also an
// ErrDisconnected, so the agent keeps treating it as an unplug.
func TestUnplugIsDisconnectedAndReopenIsNotFound(t *testing.T) {
	master, path := openPTY(t)
	p, err := serialport.Open(path, serialport.Config{PollPeriod: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	defer p.Close()
	if _, err := master.Write([]byte{0xAA}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 16)
	if n, err := readSome(p, b); n != 1 || err != nil {
		t.Fatalf("Read before the unplug = %d, %v", n, err)
	}

	master.Close()
	_, err = readSome(p, b)
	if !errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed) {
		t.Fatalf("Read after the unplug: %v; want ErrDisconnected", err)
	}
	var se *serialport.Error
	if !errors.As(err, &se) || se.Kind != serialport.KindDisconnected {
		t.Errorf("Read after the unplug: %#v, want a KindDisconnected *serialport.Error", err)
	}
	if _, err := p.Write([]byte{0x01}); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("Write after the unplug: %v; want ErrDisconnected", err)
	}

	_, err = serialport.Open(path, serialport.Config{})
	if !errors.Is(err, transport.ErrNotFound) || !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("reopening %s: %v; want ErrNotFound and ErrDisconnected", path, err)
	}

	p.Close()
	if _, err := p.Read(b); !errors.Is(err, transport.ErrClosed) || errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("Read after Close: %v; want ErrClosed only", err)
	}
	if _, err := p.Write(b); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Write after Close: %v; want ErrClosed", err)
	}
}

// readSome reads until it gets bytes or an error, for at most a second.
func readSome(p *serialport.Port, b []byte) (int, error) {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		if n, err := p.Read(b); n > 0 || err != nil {
			return n, err
		}
	}
	return 0, nil
}

func TestOpenMissingPortIsNotFound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ttyUSB9")
	_, err := serialport.Open(path, serialport.Config{})
	if !errors.Is(err, transport.ErrNotFound) || !errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrBusy) {
		t.Fatalf("Open %s: %v; want ErrNotFound", path, err)
	}
}

// Root passes both permission checks and TIOCEXCL, so these two need an
// ordinary user.
func TestOpenRefusedIsPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may open anything")
	}
	path := filepath.Join(t.TempDir(), "ttyS9")
	if err := os.WriteFile(path, nil, 0); err != nil {
		t.Fatal(err)
	}
	_, err := serialport.Open(path, serialport.Config{})
	if !errors.Is(err, transport.ErrPermission) || !errors.Is(err, fs.ErrPermission) || errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("Open of an unreadable node: %v; want ErrPermission", err)
	}
}

func TestOpenHeldPortIsBusy(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root passes TIOCEXCL")
	}
	_, path := openPTY(t)
	p, err := serialport.Open(path, serialport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := serialport.Open(path, serialport.Config{}); !errors.Is(err, transport.ErrBusy) {
		t.Fatalf("second Open: %v; want ErrBusy", err)
	}
}
