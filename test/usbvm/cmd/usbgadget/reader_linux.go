//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm/gadgetfs"
)

// The reader: the unchanged ID card reader simulator behind the 部标 bulk
// layout (idcard-protocol.md §4.3), on dummy_hcd's endpoints that can take
// the spec's addresses. usbframe's in-memory device does the firmware's
// part: it joins header and body transfers into the simulator's byte
// stream, and splits the simulator's replies into header and body.
var readerEndpoints = []gadgetfs.Endpoint{
	{File: "ep2out-bulk", Address: usbframe.StdHeaderOut, Attr: 2, MaxPacket: 64},
	{File: "ep7out-bulk", Address: usbframe.StdBodyOut, Attr: 2, MaxPacket: 64},
	{File: "ep1in-bulk", Address: usbframe.StdHeaderIn, Attr: 2, MaxPacket: 64},
	{File: "ep6in-bulk", Address: usbframe.StdBodyIn, Attr: 2, MaxPacket: 64},
}

// SAMID is the simulated reader's SAM number (12 FF).
var SAMID = [16]byte{0x05, 0x00, 0x01, 0x00, 0x20, 0x26, 0x11, 0x29, 0x00, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78}

func startReader(rec *usbvm.Recorder) (func(), error) {
	sim := idcardsim.New(idcardsim.Config{SAMID: SAMID})
	var mu sync.Mutex
	var dev *gadgetfs.Device
	cfg := gadgetfs.Config{
		Vendor: 0x0400, Product: 0xC35A, BCDDevice: 0x0100, Class: 0xFF,
		Manufacturer: "kiosk-agent usbvm", ProductName: "SAM_V reader (idcardsim)", Ser: "USBVM0001",
		Endpoints:  readerEndpoints,
		Configured: func(eps map[uint8]*gadgetfs.EP) { serveReader(sim, eps, rec) },
		Log:        log.Printf,
	}
	plug := func() error {
		mu.Lock()
		defer mu.Unlock()
		if dev != nil {
			return errors.New("already plugged in")
		}
		d, err := gadgetfs.Start("/dev/gadget", cfg)
		if err != nil {
			return err
		}
		dev = d
		return nil
	}
	unplug := func() error {
		mu.Lock()
		defer mu.Unlock()
		if dev == nil {
			return errors.New("not plugged in")
		}
		err := dev.Close()
		dev = nil
		return err
	}
	if err := plug(); err != nil {
		return nil, err
	}
	err := usbvm.Serve("reader", func(cmd string) (string, error) {
		f := strings.Fields(cmd)
		if len(f) == 0 {
			return "", usbvm.ErrUnknown
		}
		switch f[0] {
		case "place": // place N: sample card N (0-based), fresh on the reader
			n, _ := strconv.Atoi(f[len(f)-1])
			cards := idcardsim.SampleCards()
			if n < 0 || n >= len(cards) {
				return "", fmt.Errorf("no sample card %d", n)
			}
			sim.Remove()
			return "", sim.Place(cards[n])
		case "remove":
			sim.Remove()
			return "", nil
		case "unplug":
			return "", unplug()
		case "plug":
			return "", plug()
		case "mark":
			rec.Mark(strings.TrimSpace(strings.TrimPrefix(cmd, "mark")))
			return "", nil
		case "commands": // how many commands the reader has answered
			return strconv.Itoa(len(sim.Commands())), nil
		case "flush":
			return "", rec.Flush()
		}
		return "", usbvm.ErrUnknown
	})
	if err != nil {
		unplug()
		return nil, err
	}
	return func() { unplug() }, nil
}

// serveReader pumps the endpoints to and from the in-memory reader that
// the simulator serves, until the endpoints fail.
func serveReader(sim *idcardsim.Simulator, eps map[uint8]*gadgetfs.EP, rec *usbvm.Recorder) {
	host, device := usbframe.NewMemoryDevice(usbframe.SplitPipes{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := sim.Serve(ctx, device); err != nil {
			log.Printf("simulator: %v", err)
		}
	}()
	end := func() { cancel(); device.Close() }
	for _, a := range []uint8{usbframe.StdHeaderOut, usbframe.StdBodyOut} {
		ep := eps[a]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer end()
			buf := make([]byte, 4096)
			for {
				n, err := ep.Read(buf)
				if err != nil {
					log.Printf("%v", err)
					return
				}
				rec.Transfer("OUT", ep.Address, buf[:n])
				if _, err := host.Write(ep.Address, buf[:n], time.Second); err != nil {
					log.Printf("firmware: %v", err)
					return
				}
			}
		}()
	}
	for _, a := range []uint8{usbframe.StdHeaderIn, usbframe.StdBodyIn} {
		ep := eps[a]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer end()
			buf := make([]byte, 4096)
			for ctx.Err() == nil {
				n, err := host.Read(ep.Address, buf, 100*time.Millisecond)
				if errors.Is(err, usb.ErrTimeout) {
					continue
				}
				if err != nil {
					return
				}
				if _, err := ep.Write(buf[:n]); err != nil {
					log.Printf("%v", err)
					return
				}
				rec.Transfer("IN", ep.Address, buf[:n])
			}
		}()
	}
	wg.Wait()
	log.Printf("endpoints closed")
}
