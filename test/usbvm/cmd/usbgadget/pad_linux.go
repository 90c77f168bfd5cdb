//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image/png"
	"log"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/stusim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm/functionfs"
)

// The pad: the STU-540 simulator as a USB HID device. usb_f_hid cannot
// answer GET_FEATURE (on this kernel the host reads zeros), and the STU's
// protocol is feature reports, so the HID interface is done in user space
// on FunctionFS: its control requests (GET_REPORT, SET_REPORT, the report
// descriptor) are answered from the simulator, and its pen reports go out
// on the interrupt IN endpoint.

// Input report sizes, report ID included (sigpad-protocol.md §1): pen data
// 01 and pen data with time count and sequence 34.
var padInputs = []struct {
	id   byte
	size int
}{{stusim.ReportPenData, 7}, {stusim.ReportPenDataTimeCountSequence, 11}}

// PadScreen is where "screen" writes the pad's LCD as a PNG.
const PadScreen = "/tmp/pad-screen.png"

// reportDescriptor describes the simulator's reports: a vendor-defined
// application collection with the pen data input reports and every
// feature report the simulated model has, each with its exact size.
func reportDescriptor(pad *stusim.Pad) []byte {
	b := []byte{0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08}
	item := func(id byte, size int, main byte) {
		n := size - 1
		b = append(b, 0x85, id, 0x09, id)
		if n > 255 {
			b = append(b, 0x96, byte(n), byte(n>>8))
		} else {
			b = append(b, 0x95, byte(n))
		}
		b = append(b, main, 0x02)
	}
	for _, in := range padInputs {
		item(in.id, in.size, 0x81)
	}
	for id := 1; id < 256; id++ {
		if size, ok := pad.ReportSize(byte(id)); ok {
			item(byte(id), size, 0xB1)
		}
	}
	return append(b, 0xC0)
}

func startPad(rec *usbvm.Recorder) (func(), error) {
	// The hand writes eight times faster than real time; the simulator's
	// buffer of reports for this one reader is generous, so that the USB
	// link, not the handle, decides what arrives.
	pad := stusim.New(stusim.Config{Seed: 7, Speed: 8, InputBuffer: 1 << 14})
	rd := reportDescriptor(pad)
	hidDesc := []byte{9, 0x21, 0x11, 0x01, 0, 1, 0x22, byte(len(rd)), byte(len(rd) >> 8)}
	intf := []byte{9, 4, 0, 0, 1, 3, 0, 0, 1}
	fs := [][]byte{intf, hidDesc, {7, 5, 0x81, 3, 64, 0, 1}}
	hs := [][]byte{intf, hidDesc, {7, 5, 0x81, 3, 64, 0, 1}} // every microframe

	g, err := newConfigfsGadget("pad", 0x056A, 0x00A8, "Wacom Co.,Ltd.", "STU-540", "USBVM0003", "ffs.pad", nil)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll("/dev/ffs-pad", 0o755); err != nil {
		return nil, err
	}
	if err := unix.Mount("pad", "/dev/ffs-pad", "functionfs", 0, ""); err != nil && !errors.Is(err, unix.EBUSY) {
		return nil, fmt.Errorf("mount functionfs: %w", err)
	}
	fn, err := functionfs.Open("/dev/ffs-pad", fs, hs, []string{"STU-540 (stusim)"})
	if err != nil {
		return nil, err
	}
	dev := pad.Device()
	p := &padGadget{pad: pad, dev: dev, fn: fn, rec: rec, rd: rd, hidDesc: hidDesc}
	go p.events()
	if err := g.bind(); err != nil {
		fn.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = usbvm.Serve("pad", func(cmd string) (string, error) {
		f := strings.Fields(cmd)
		if len(f) == 0 {
			return "", usbvm.ErrUnknown
		}
		switch f[0] {
		case "sign": // sign TEXT: the virtual hand writes TEXT in the handwriting area
			return "", pad.Sign(ctx, strings.TrimSpace(strings.TrimPrefix(cmd, "sign")))
		case "press": // press X Y: the pen taps the screen at X, Y
			if len(f) != 3 {
				return "", errors.New("press X Y")
			}
			x, _ := strconv.Atoi(f[1])
			y, _ := strconv.Atoi(f[2])
			return "", pad.Press(ctx, x, y)
		case "screen": // the LCD as a PNG at PadScreen; replies its SHA-256
			out, err := os.Create(PadScreen)
			if err != nil {
				return "", err
			}
			defer out.Close()
			if err := png.Encode(out, pad.Screen()); err != nil {
				return "", err
			}
			b, _ := os.ReadFile(PadScreen)
			return fmt.Sprintf("%s %x", PadScreen, sha256.Sum256(b)), nil
		case "stats":
			st := pad.Stats()
			return fmt.Sprintf("sent %d dropped %d", st.Sent, st.Dropped), nil
		case "mark":
			rec.Mark(strings.TrimSpace(strings.TrimPrefix(cmd, "mark")))
			return "", nil
		}
		return "", usbvm.ErrUnknown
	})
	if err != nil {
		cancel()
		return nil, err
	}
	return func() {
		cancel()
		g.unbind()
		p.stopInput()
		fn.Close()
	}, nil
}

type padGadget struct {
	pad         *stusim.Pad
	dev         hid.Device
	fn          *functionfs.Function
	rec         *usbvm.Recorder
	rd, hidDesc []byte

	mu    sync.Mutex
	stop  chan struct{} // ends the input pump
	ended chan struct{}
}

// events answers ep0 until the function goes.
func (p *padGadget) events() {
	for {
		typ, s, err := p.fn.Event()
		if err != nil {
			log.Printf("%v", err)
			return
		}
		switch typ {
		case functionfs.EventEnable:
			p.startInput()
		case functionfs.EventDisable, functionfs.EventUnbind:
			p.stopInput()
		case functionfs.EventSetup:
			if err := p.setup(s); err != nil {
				log.Printf("request %02x.%02x value %04x: %v", s.RequestType, s.Request, s.Value, err)
			}
		}
	}
}

// setup answers one control request to the HID interface.
func (p *padGadget) setup(s functionfs.Setup) error {
	id, kind := byte(s.Value), s.Value>>8
	switch {
	case s.RequestType == 0x81 && s.Request == 0x06 && kind == 0x22: // GET_DESCRIPTOR report
		return p.fn.Reply(s, p.rd)
	case s.RequestType == 0x81 && s.Request == 0x06 && kind == 0x21: // GET_DESCRIPTOR HID
		return p.fn.Reply(s, p.hidDesc)
	case s.RequestType == 0x21 && s.Request == 0x0A: // SET_IDLE
		return p.fn.Ack()
	case s.RequestType == 0xA1 && s.Request == 0x01 && kind == 3: // GET_REPORT feature
		data, err := p.dev.GetFeature(id, int(s.Length))
		if err != nil {
			p.fn.Stall(s)
			return err
		}
		p.rec.Transfer("GET_FEATURE", id, data)
		return p.fn.Reply(s, data)
	case s.RequestType == 0x21 && s.Request == 0x09 && kind == 3: // SET_REPORT feature
		if size, ok := p.pad.ReportSize(id); !ok || size != int(s.Length) {
			p.fn.Stall(s)
			return fmt.Errorf("SET_FEATURE %02x of %d bytes refused", id, s.Length)
		}
		data, err := p.fn.Receive(s)
		if err != nil {
			return err
		}
		p.rec.Transfer("SET_FEATURE", id, data)
		return p.dev.SetFeature(data)
	}
	p.fn.Stall(s)
	return nil
}

// startInput starts sending the pad's input reports on the interrupt IN
// endpoint (ep1).
func (p *padGadget) startInput() {
	p.stopInput()
	fd, err := p.fn.Endpoint(1)
	if err != nil {
		log.Printf("open ep1: %v", err)
		return
	}
	stop, ended := make(chan struct{}), make(chan struct{})
	p.mu.Lock()
	p.stop, p.ended = stop, ended
	p.mu.Unlock()
	go func() {
		defer close(ended)
		defer unix.Close(fd)
		for {
			select {
			case <-stop:
				return
			default:
			}
			r, err := p.dev.ReadInput(100 * time.Millisecond)
			if errors.Is(err, hid.ErrTimeout) {
				continue
			}
			if err != nil {
				log.Printf("pad input: %v", err)
				return
			}
			_, err = unix.Write(fd, r)
			for tries := 0; errors.Is(err, unix.EINTR) && tries < 1000; tries++ {
				_, err = unix.Write(fd, r) // a signal, not the host: the report did not go
			}
			if err != nil {
				log.Printf("ep1: %v", err)
				return
			}
			p.rec.Transfer("IN", 0x81, r)
		}
	}()
}

// stopInput ends the input pump (a disabled endpoint ends its write).
func (p *padGadget) stopInput() {
	p.mu.Lock()
	stop, ended := p.stop, p.ended
	p.stop, p.ended = nil, nil
	p.mu.Unlock()
	if stop != nil {
		close(stop)
		<-ended
	}
}
