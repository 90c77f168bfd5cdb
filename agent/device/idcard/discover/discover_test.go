package discover_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard/discover"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// fakeLine is a port whose far end answers SAM_V only at one baud rate;
// at any other rate it sends what a mismatched UART shows: garbage.
func fakeLine(t *testing.T, readerBaud int) discover.Opener {
	return func(path string, baud int) (transport.Port, error) {
		host, dev := transport.Pipe()
		go func() {
			var dec idcard.Decoder
			buf := make([]byte, 256)
			for {
				n, err := dev.Read(buf)
				if err != nil {
					return
				}
				dec.Feed(buf[:n])
				for {
					_, err := dec.Next()
					if errors.Is(err, idcard.ErrNeedMore) {
						break
					}
					if baud == readerBaud && path == "/dev/ttyUSB1" {
						dev.Write(idcard.EncodeResponse(0, 0, idcard.StatusOK, nil))
					} else {
						dev.Write([]byte{0xF0, 0x0F, 0x55})
					}
				}
			}
		}()
		t.Cleanup(func() { host.Close(); dev.Close() })
		return host, nil
	}
}

func TestFindsReaderAtAnotherRateAndRemembers(t *testing.T) {
	mem := discover.NewMemory(filepath.Join(t.TempDir(), "state", "discover.json"))
	f := &discover.Finder{
		List: func() ([]discover.Candidate, error) {
			return []discover.Candidate{
				{Path: "/dev/ttyS0"},
				{Path: "/dev/ttyUSB0", USB: true, VID: "1234", PID: "5678"},
				{Path: "/dev/ttyUSB1", USB: true, VID: "1A86", PID: "7523"},
				{Path: "/dev/ttyPRN", USB: true, VID: "1A86", PID: "7523"},
			}, nil
		},
		Open:    fakeLine(t, 38400),
		Exclude: []string{"/dev/ttyPRN"},
		Timeout: 30 * time.Millisecond,
		Memory:  mem,
	}
	found, tried, err := f.Find(context.Background())
	if err != nil {
		t.Fatalf("%v after %+v", err, tried)
	}
	if found.Path != "/dev/ttyUSB1" || found.Baud != 38400 {
		t.Fatalf("found %s at %d", found.Path, found.Baud)
	}
	// The bridge port was tried first (rank), at 115200, 57600, then 38400;
	// the excluded port never.
	want := []discover.Attempt{{Port: "/dev/ttyUSB1", Baud: 115200}, {Port: "/dev/ttyUSB1", Baud: 57600}, {Port: "/dev/ttyUSB1", Baud: 38400}}
	if len(tried) != 3 {
		t.Fatalf("attempts %+v", tried)
	}
	for i, a := range tried {
		if a.Port != want[i].Port || a.Baud != want[i].Baud || (i < 2) != (a.Err != "") {
			t.Fatalf("attempt %d = %+v, want %+v", i, a, want[i])
		}
	}
	if p, b, ok := mem.Recall(); !ok || p != "/dev/ttyUSB1" || b != 38400 {
		t.Fatalf("remembered %q %d %v", p, b, ok)
	}
	// Next time the remembered port and rate come first: one attempt.
	found.Port.Close()
	_, tried, err = f.Find(context.Background())
	if err != nil || len(tried) != 1 || tried[0].Baud != 38400 {
		t.Fatalf("second search: %v %+v", err, tried)
	}
}

func TestNothingFoundSaysWhy(t *testing.T) {
	f := &discover.Finder{
		List: func() ([]discover.Candidate, error) {
			return []discover.Candidate{{Path: "/dev/ttyS0"}, {Path: "/dev/ttyS1"}}, nil
		},
		Open:    fakeLine(t, 0),
		Timeout: 20 * time.Millisecond,
	}
	_, tried, err := f.Find(context.Background())
	if !errors.Is(err, discover.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
	if len(tried) != 2*len(discover.Rates) {
		t.Fatalf("%d attempts, want every rate on both ports", len(tried))
	}
	for _, a := range tried {
		if a.Err == "" {
			t.Fatalf("attempt %+v has no reason", a)
		}
	}
}

// The real thing: the simulator behind a pseudo-terminal, probed through
// go.bug.st/serial.
func TestFindsSimulatorOnPTY(t *testing.T) {
	link, err := simlink.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go idcardsim.New(idcardsim.Config{}).Serve(ctx, link.Device)
	defer link.Device.Close()
	f := &discover.Finder{
		List: func() ([]discover.Candidate, error) { return []discover.Candidate{{Path: link.Path}}, nil },
		Open: discover.OpenSerial,
	}
	found, tried, err := f.Find(ctx)
	if err != nil {
		t.Fatalf("%v %+v", err, tried)
	}
	defer found.Port.Close()
	if found.Path != link.Path || found.Baud != 115200 {
		t.Fatalf("found %+v", found)
	}
}

// A USB bulk reader is tried first and confirmed with the probe; a build
// without USB support goes on to the serial ports without a word.
func TestUSBReaderFirst(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	host, dev := usbframe.NewMemoryDevice(nil)
	go idcardsim.New(idcardsim.Config{}).Serve(ctx, dev)
	defer dev.Close()
	serialTried := false
	f := &discover.Finder{
		List: func() ([]discover.Candidate, error) { serialTried = true; return nil, nil },
		Open: fakeLine(t, 0),
		USB: func() (transport.Port, string, error) {
			return usbframe.NewPort(host, nil), "usb:0400:C35A", nil
		},
	}
	found, tried, err := f.Find(ctx)
	if err != nil || found.Path != "usb:0400:C35A" || serialTried || len(tried) != 1 {
		t.Fatalf("found %+v, tried %+v, err %v, serial tried %v", found, tried, err, serialTried)
	}
	found.Port.Close()

	f.USB = func() (transport.Port, string, error) { return nil, "usb", discover.ErrUnsupported }
	_, tried, err = f.Find(ctx)
	if !errors.Is(err, discover.ErrNotFound) || len(tried) != 0 || !serialTried {
		t.Fatalf("without USB support: %v %+v", err, tried)
	}
}
