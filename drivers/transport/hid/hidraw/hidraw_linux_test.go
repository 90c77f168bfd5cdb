//go:build linux

package hidraw

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// fakeNode is a pseudo-terminal in raw mode standing in for /dev/hidrawN
// (there is no USB here): the device side writes reports into the master,
// the Device under test opens the slave by path and runs the same open,
// poll, deadline, close and unplug paths it runs on a hidraw node.
type fakeNode struct {
	master, slave *os.File
	path          string
}

func newFakeNode(t *testing.T) *fakeNode {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	tio, err := unix.IoctlGetTermios(int(s.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Cflag = tio.Cflag&^(unix.CSIZE|unix.PARENB) | unix.CS8
	tio.Cc[unix.VMIN], tio.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(int(s.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	n := &fakeNode{master: m, slave: s, path: s.Name()}
	t.Cleanup(func() { m.Close(); s.Close() })
	return n
}

func openFake(t *testing.T, n *fakeNode) *Device {
	t.Helper()
	d, err := open(n.path, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestReadInputAndDeadline(t *testing.T) {
	n := newFakeNode(t)
	d := openFake(t, n)
	report := []byte{0x34, 0x92, 0x64, 0x14, 0xDB, 0x0D, 0xC8, 0x0D, 0xB9, 0x00, 0x01}
	sent := time.Now()
	if _, err := n.master.Write(report); err != nil {
		t.Fatal(err)
	}
	got, err := d.ReadInput(time.Second)
	if err != nil || !bytes.Equal(got, report) {
		t.Fatalf("% X %v", got, err)
	}
	t.Logf("write to ReadInput returning: %v", time.Since(sent))
	// The returned slice is the caller's: the next read does not change it.
	n.master.Write([]byte{1, 2, 3})
	if next, _ := d.ReadInput(time.Second); !bytes.Equal(got, report) || !bytes.Equal(next, []byte{1, 2, 3}) {
		t.Fatal("a report was overwritten")
	}
	start := time.Now()
	if _, err := d.ReadInput(30 * time.Millisecond); !errors.Is(err, hid.ErrTimeout) {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 25*time.Millisecond || el > time.Second {
		t.Fatalf("a 30 ms timeout took %v", el)
	}
	// A zero timeout takes what is waiting and never waits.
	start = time.Now()
	if _, err := d.ReadInput(0); !errors.Is(err, hid.ErrTimeout) || time.Since(start) > 20*time.Millisecond {
		t.Fatalf("poll of an empty node: %v after %v", err, time.Since(start))
	}
	n.master.Write([]byte{7, 8})
	time.Sleep(20 * time.Millisecond)
	if got, err := d.ReadInput(0); err != nil || !bytes.Equal(got, []byte{7, 8}) {
		t.Fatalf("poll: % X %v", got, err)
	}
}

// Feature ioctls on something that is not hidraw fail cleanly (ENOTTY),
// without being taken for an unplug; Open refuses such a node.
func TestFeatureOnNonHID(t *testing.T) {
	n := newFakeNode(t)
	d := openFake(t, n)
	_, err := d.GetFeature(0x03, 5)
	if err == nil || errors.Is(err, transport.ErrDisconnected) || !errors.Is(err, syscall.ENOTTY) {
		t.Fatalf("get: %v", err)
	}
	if err := d.SetFeature([]byte{0x21, 0x01}); err == nil || !errors.Is(err, syscall.ENOTTY) {
		t.Fatalf("set: %v", err)
	}
	if _, err := d.GetFeature(0x03, 0); err == nil {
		t.Fatal("size 0")
	}
	if err := d.SetFeature(nil); err == nil {
		t.Fatal("empty report")
	}
	d.Close()
	if _, err := Open(n.path); err == nil {
		t.Fatal("Open took a pseudo-terminal for a hidraw node")
	}
}

func TestUnplug(t *testing.T) {
	n := newFakeNode(t)
	d := openFake(t, n)
	n.slave.Close()
	n.master.Close() // unplug: the node reads EIO
	if _, err := d.ReadInput(0); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("poll after unplug: %v", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, err := d.ReadInput(50 * time.Millisecond)
		if err != nil && !errors.Is(err, hid.ErrTimeout) {
			if !errors.Is(err, transport.ErrDisconnected) {
				t.Fatalf("after unplug: %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("unplug not seen")
		}
	}
	d.Close()
	if _, err := open(n.path, false); !errors.Is(err, transport.ErrNotFound) || !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("reopen a vanished node: %v", err)
	}
}

func TestCloseEndsRead(t *testing.T) {
	n := newFakeNode(t)
	d := openFake(t, n)
	done := make(chan error, 1)
	go func() { _, err := d.ReadInput(time.Hour); done <- err }()
	time.Sleep(30 * time.Millisecond)
	d.Close()
	select {
	case err := <-done:
		if !errors.Is(err, transport.ErrClosed) {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ReadInput still waiting after Close")
	}
	if _, err := d.ReadInput(time.Millisecond); !errors.Is(err, transport.ErrClosed) {
		t.Fatal(err)
	}
	if _, err := d.GetFeature(3, 5); !errors.Is(err, transport.ErrClosed) {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "hidraw9")); !errors.Is(err, transport.ErrNotFound) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing node: %v", err)
	}
	// A second open of the same node is refused: one owner at a time.
	n := newFakeNode(t)
	openFake(t, n)
	if _, err := open(n.path, false); !errors.Is(err, transport.ErrBusy) {
		t.Fatalf("second open: %v", err)
	}
	if os.Geteuid() != 0 {
		p := filepath.Join(t.TempDir(), "locked")
		os.WriteFile(p, nil, 0)
		if _, err := Open(p); !errors.Is(err, transport.ErrPermission) || !errors.Is(err, os.ErrPermission) {
			t.Fatalf("no access: %v", err)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		errno syscall.Errno
		want  error
	}{
		{unix.ENOENT, transport.ErrNotFound},
		{unix.ENXIO, transport.ErrNotFound},
		{unix.ENODEV, transport.ErrDisconnected},
		{unix.EIO, transport.ErrDisconnected},
		{unix.ESHUTDOWN, transport.ErrDisconnected},
		{unix.EACCES, transport.ErrPermission},
		{unix.EPERM, transport.ErrPermission},
		{unix.EBUSY, transport.ErrBusy},
		{unix.EPIPE, nil}, // a stalled report: the device refused it, it is still there
		{unix.ENOTTY, nil},
	} {
		err := wrap("op", "/dev/hidraw0", tc.errno)
		if tc.want == nil {
			for _, k := range []error{transport.ErrDisconnected, transport.ErrPermission, transport.ErrBusy, transport.ErrClosed} {
				if errors.Is(err, k) {
					t.Errorf("%v matches %v", tc.errno, k)
				}
			}
		} else if !errors.Is(err, tc.want) {
			t.Errorf("%v: %v does not match %v", tc.errno, err, tc.want)
		}
		if !errors.Is(err, tc.errno) {
			t.Errorf("%v: the errno is lost", tc.errno)
		}
	}
	if !errors.Is(wrap("open", "x", unix.ENOENT), transport.ErrDisconnected) {
		t.Error("not found must also match disconnected")
	}
}

// Readers waiting for reports park in the runtime's poller: twenty of them
// do not cost twenty threads.
func TestWaitingReadsCostNoThreads(t *testing.T) {
	const readers = 20
	var devs []*Device
	for range readers {
		devs = append(devs, openFake(t, newFakeNode(t)))
	}
	threads := pprof.Lookup("threadcreate")
	before := threads.Count()
	var wg sync.WaitGroup
	for _, d := range devs {
		wg.Add(1)
		go func() { defer wg.Done(); d.ReadInput(300 * time.Millisecond) }()
	}
	wg.Wait()
	if grown := threads.Count() - before; grown >= readers/2 {
		t.Fatalf("%d threads created for %d waiting reads", grown, readers)
	}
}
