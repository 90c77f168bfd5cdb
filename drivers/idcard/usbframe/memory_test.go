package usbframe_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

var fast = idcardsim.Delays{Find: time.Millisecond, Select: time.Millisecond, Read: 5 * time.Millisecond,
	ReadFP: 5 * time.Millisecond, AppendedAddress: time.Millisecond, SAM: time.Millisecond}

// rig is the unchanged simulator served on an in-memory USB device, with a
// real idcard.Reader on a real Port on the host side.
type rig struct {
	sim    *idcardsim.Simulator
	device transport.Port
	port   *usbframe.Port
	reader *idcard.Reader
	done   chan error
}

func newRig(t *testing.T, l usbframe.Layout, cfg idcardsim.Config) *rig {
	t.Helper()
	host, device := usbframe.NewMemoryDevice(l)
	r := &rig{sim: idcardsim.New(cfg), device: device, port: usbframe.NewPort(host, l), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.done <- r.sim.Serve(ctx, device) }()
	r.reader = idcard.NewReader(r.port, idcard.Options{})
	t.Cleanup(func() {
		cancel()
		r.port.Close()
		<-r.done
		device.Close()
	})
	return r
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

var layouts = []struct {
	name string
	l    usbframe.Layout
}{
	{"split", usbframe.SplitPipes{}},
	{"single", usbframe.SinglePipe{Out: 0x01, In: 0x82}},
}

func TestReaderReadsEveryCardKind(t *testing.T) {
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newRig(t, lc.l, idcardsim.Config{Delays: fast})
			ctx := ctxT(t, 30*time.Second)
			if err := r.reader.SAMStatus(ctx); err != nil {
				t.Fatalf("SAM status: %v", err)
			}
			if err := r.reader.Find(ctx); !errors.Is(err, idcard.ErrNoCard) {
				t.Fatalf("find with no card: %v, want ErrNoCard", err)
			}
			cards := idcardsim.SampleCards()
			if len(cards) < 5 {
				t.Fatalf("only %d sample cards", len(cards))
			}
			kinds := map[string]bool{}
			for _, want := range cards {
				if err := r.sim.Place(want); err != nil {
					t.Fatal(err)
				}
				got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{})
				if err != nil {
					t.Fatalf("%s: %v", want.Type, err)
				}
				kinds[string(want.Type)] = true
				if got.Fields != want.Fields {
					t.Errorf("%s: fields\n got %+v\nwant %+v", want.Type, got.Fields, want.Fields)
				}
				if !bytes.Equal(got.Photo, want.Photo) || len(got.Photo) != 1024 {
					t.Errorf("%s: photo differs (%d bytes)", want.Type, len(got.Photo))
				}
				if got.AppendedAddress != want.AppendedAddress {
					t.Errorf("%s: appended address %q, want %q", want.Type, got.AppendedAddress, want.AppendedAddress)
				}
				// The card was read: the reader now says "no card".
				if err := r.reader.Find(ctx); !errors.Is(err, idcard.ErrNoCard) {
					t.Errorf("%s: find after the read: %v", want.Type, err)
				}
			}
			if len(kinds) != 4 {
				t.Errorf("read %d kinds of card, want resident, HK/MO/TW and both foreigner layouts", len(kinds))
			}

			// The longest reply: text, photo and two fingerprint templates.
			fp := idcardsim.SampleCard()
			fp.Fingerprint = bytes.Repeat([]byte{0x43, 0x01, 0xFE, 0x00}, 256)
			if err := r.sim.Place(fp); err != nil {
				t.Fatal(err)
			}
			got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{Fingerprint: true})
			if err != nil {
				t.Fatalf("fingerprint read: %v", err)
			}
			if got.Fields != fp.Fields || !bytes.Equal(got.Photo, fp.Photo) || !bytes.Equal(got.Fingerprint, fp.Fingerprint) {
				t.Error("fingerprint read differs")
			}

			// USB delivers frames whole: nothing to skip, nothing to retry.
			if s := r.reader.Stats(); s.CorruptFrames != 0 || s.GarbageBytes != 0 || s.Retries != 0 || s.Timeouts != 0 || s.StaleFrames != 0 {
				t.Errorf("wire trouble on a clean device: %+v", s)
			}
		})
	}
}

func TestUnplugFailsWithErrDisconnected(t *testing.T) {
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newRig(t, lc.l, idcardsim.Config{Delays: fast})
			ctx := ctxT(t, 10*time.Second)
			if err := r.reader.SAMStatus(ctx); err != nil {
				t.Fatal(err)
			}
			r.device.Close()
			select {
			case err := <-r.done:
				r.done <- err // for the cleanup
			case <-time.After(5 * time.Second):
				t.Fatal("the simulator did not notice the unplug")
			}
			err := r.reader.Find(ctx)
			if !errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed) {
				t.Fatalf("Find after unplug: %v; want ErrDisconnected", err)
			}
			if _, err := r.port.Read(make([]byte, 64)); !errors.Is(err, transport.ErrDisconnected) {
				t.Errorf("Read after unplug: %v", err)
			}
			if _, err := r.port.Write(idcard.Encode(idcard.CmdFind)); !errors.Is(err, transport.ErrDisconnected) {
				t.Errorf("Write after unplug: %v", err)
			}
			r.port.Close()
			if _, err := r.port.Read(make([]byte, 64)); !errors.Is(err, transport.ErrClosed) {
				t.Errorf("Read after Close: %v", err)
			}
		})
	}
}

func TestUnplugDuringARead(t *testing.T) {
	d := fast
	d.Read = 400 * time.Millisecond
	r := newRig(t, nil, idcardsim.Config{Delays: d})
	ctx := ctxT(t, 10*time.Second)
	if err := r.sim.Place(idcardsim.SampleCard()); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() {
		_, err := r.reader.ReadCard(ctx, idcard.ReadOptions{})
		res <- err
	}()
	// Unplug once the read command has reached the reader.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		cmds := r.sim.Commands()
		if len(cmds) > 0 && cmds[len(cmds)-1].CMD == 0x30 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read command never arrived: %v", cmds)
		}
	}
	r.device.Close()
	select {
	case err := <-res:
		if !errors.Is(err, transport.ErrDisconnected) {
			t.Fatalf("ReadCard during unplug: %v; want ErrDisconnected", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadCard did not return after the unplug")
	}
}

func TestMemoryDeviceSplitPipes(t *testing.T) {
	host, dev := usbframe.NewMemoryDevice(nil)
	defer dev.Close()
	cmd := idcard.Encode(idcard.CmdReadBase)
	// The body first: firmware waits for the header.
	mustWrite(t, host, 0x06, cmd[7:])
	if got := readDevice(t, dev); len(got) != 0 {
		t.Fatalf("device saw % X before the header", got)
	}
	mustWrite(t, host, 0x02, cmd[:7])
	if got := readDevice(t, dev); !bytes.Equal(got, cmd) {
		t.Fatalf("device read % X, want % X", got, cmd)
	}
	if _, err := host.Write(0x01, cmd, time.Second); err == nil {
		t.Error("write to an endpoint the layout lacks succeeded")
	}
	if _, err := host.Read(0x82, make([]byte, 64), time.Millisecond); err == nil {
		t.Error("read from an endpoint the layout lacks succeeded")
	}

	// A reply written in odd pieces, garbage around it, comes out as a
	// header transfer and a body transfer.
	rep := idcard.EncodeResponse(0, 0, idcard.StatusOK, make([]byte, 300))
	for _, piece := range [][]byte{{0x00, 0xAA}, rep[:3], rep[3:10], rep[10:], {0x13, 0x37}} {
		if _, err := dev.Write(piece); err != nil {
			t.Fatal(err)
		}
	}
	b := make([]byte, 512)
	if n, err := host.Read(0x81, b, time.Second); err != nil || !bytes.Equal(b[:n], rep[:7]) {
		t.Fatalf("header transfer % X, %v", b[:n], err)
	}
	if n, err := host.Read(0x85, b, time.Second); err != nil || !bytes.Equal(b[:n], rep[7:]) {
		t.Fatalf("body transfer of %d bytes, %v", n, err)
	}
	for _, ep := range []uint8{0x81, 0x85} {
		if n, err := host.Read(ep, b, 5*time.Millisecond); n != 0 || !errors.Is(err, usb.ErrTimeout) {
			t.Errorf("idle 0x%02X: %d, %v; want a timeout", ep, n, err)
		}
	}
	// A buffer that is not whole packets overflows, as in libusb.
	dev.Write(rep)
	host.Read(0x81, b, time.Second)
	if _, err := host.Read(0x85, b[:100], time.Second); err == nil {
		t.Error("100-byte read of a 304-byte transfer did not overflow")
	}

	host.Close()
	if _, err := dev.Read(b); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("device Read after the host closed: %v", err)
	}
	if _, err := host.Read(0x81, b, time.Millisecond); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("host Read after its Close: %v", err)
	}
	dev.Close()
	if _, err := dev.Write(rep); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("device Write after its Close: %v", err)
	}
}

func TestMemoryDeviceSinglePipe(t *testing.T) {
	host, dev := usbframe.NewMemoryDevice(usbframe.SinglePipe{Out: 0x02, In: 0x81})
	defer host.Close()
	mustWrite(t, host, 0x02, []byte{1, 2, 3})
	if got := readDevice(t, dev); !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Fatalf("device read % X", got)
	}
	dev.Write([]byte{4, 5})
	dev.Write([]byte{6})
	b := make([]byte, 64)
	for _, want := range [][]byte{{4, 5}, {6}} {
		if n, err := host.Read(0x81, b, time.Second); err != nil || !bytes.Equal(b[:n], want) {
			t.Fatalf("transfer % X, %v; want % X", b[:n], err, want)
		}
	}
	dev.Close()
	if _, err := host.Read(0x81, b, time.Second); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("host Read after unplug: %v", err)
	}
	if _, err := host.Write(0x02, b, time.Second); !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("host Write after unplug: %v", err)
	}
}

func mustWrite(t *testing.T, host usb.Endpoints, ep uint8, b []byte) {
	t.Helper()
	if n, err := host.Write(ep, b, time.Second); err != nil || n != len(b) {
		t.Fatalf("write 0x%02X: %d, %v", ep, n, err)
	}
}

// readDevice reads what the device side has, until a poll brings nothing.
func readDevice(t *testing.T, dev transport.Port) []byte {
	t.Helper()
	var out []byte
	b := make([]byte, 4096)
	for {
		n, err := dev.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return out
		}
		out = append(out, b[:n]...)
	}
}
