//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
)

// The printer: the virtual printer (escpossim) behind usb_f_printer, a USB
// printer-class function (bulk OUT for the print data, bulk IN for its
// status replies). The kernel answers the class's GET_PORT_STATUS from a
// status byte the gadget sets; it follows the virtual printer's sensors.

// g_printer's status ioctl (linux/usb/g_printer.h) and its bits.
const (
	gadgetSetPrinterStatus = 0xC0016722 // _IOWR('g', 0x22, unsigned char): the byte is the argument
	printerNotError        = 0x08
	printerSelected        = 0x10
	printerPaperEmpty      = 0x20
)

// PrinterConfig is the virtual printer behind the gadget: an 80 mm Epson
// TM-like printer with a QR engine, as escpos.Epson80 expects.
var PrinterConfig = escpossim.Config{NativeQR: true, NearEnd: 0, RowsPerSecond: -1}

func startPrinter(rec *usbvm.Recorder) (func(), error) {
	g, err := newConfigfsGadget("printer", 0x0525, 0xA4A8, "kiosk-agent usbvm", "ESC/POS printer (escpossim)", "USBVM0002",
		"printer.usb0", map[string]string{"pnp_string": "MFG:KIOSK;MDL:SIM-80;CMD:ESC/POS;CLS:PRINTER;"})
	if err != nil {
		return nil, err
	}
	if err := g.bind(); err != nil {
		return nil, err
	}
	sim := escpossim.New(PrinterConfig)
	// g_printer opens only once the host has configured the device.
	var node *nodePort
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if node, err = openNode("/dev/g_printer0"); err == nil || !errors.Is(err, unix.ENODEV) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		g.unbind()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := sim.Serve(ctx, &recordingPort{Port: node, rec: rec, out: 0x01, in: 0x81}); err != nil {
			log.Printf("printer: %v", err)
		}
	}()
	mirror := &statusMirror{sim: sim, node: node, last: -1}
	go func() {
		defer wg.Done()
		mirror.run(ctx)
	}()
	err = usbvm.Serve("printer", func(cmd string) (string, error) {
		f := strings.Fields(cmd)
		if len(f) == 0 {
			return "", usbvm.ErrUnknown
		}
		switch f[0] {
		case "pages": // every page printed so far: text, QR payloads, cut
			type page struct {
				Text     string   `json:"text"`
				QR       []string `json:"qr"`
				Cut      string   `json:"cut"`
				PaperOut bool     `json:"paperOut"`
			}
			wctx, c := context.WithTimeout(ctx, 10*time.Second)
			defer c()
			sim.WaitIdle(wctx)
			var out []page
			for _, p := range sim.Pages() {
				out = append(out, page{Text: p.Text(), QR: p.QRPayloads(), Cut: p.Cut.String(), PaperOut: p.PaperOut})
			}
			b, err := json.Marshal(out)
			return string(b), err
		case "runout": // runout ROWS: the roll ends after ROWS more dot rows
			n, _ := strconv.Atoi(f[len(f)-1])
			sim.RunOutAfter(n)
			mirror.sync()
			return "", nil
		case "load": // a fresh endless roll
			sim.LoadPaper(0)
			mirror.sync()
			return "", nil
		case "reset":
			sim.Reset()
			mirror.sync()
			return "", nil
		case "mark":
			rec.Mark(strings.TrimSpace(strings.TrimPrefix(cmd, "mark")))
			return "", nil
		}
		return "", usbvm.ErrUnknown
	})
	if err != nil {
		cancel()
		node.Close()
		return nil, err
	}
	return func() {
		cancel()
		wg.Wait()
		node.Close()
		g.unbind()
	}, nil
}

// mirrorStatus keeps the printer-class port status byte (what the host's
// usblp reads with LPGETSTATUS) in step with the virtual printer; the
// commands that change the paper call sync at once.
type statusMirror struct {
	mu   sync.Mutex
	sim  *escpossim.Printer
	node *nodePort
	last int
}

func (m *statusMirror) sync() {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.sim.Status()
	b := printerSelected | printerNotError
	if st.PaperOut {
		b |= printerPaperEmpty
	}
	if st.Offline {
		b &^= printerSelected
	}
	if st.CoverOpen || st.CutterError || st.PaperOut {
		b &^= printerNotError
	}
	if b != m.last {
		if err := m.node.setStatus(byte(b)); err != nil {
			log.Printf("printer status: %v", err)
			return
		}
		m.last = b
	}
}

// run syncs as the virtual printer's sensors change by themselves (the
// roll running out while printing).
func (m *statusMirror) run(ctx context.Context) {
	for ctx.Err() == nil {
		m.sync()
		sleepCtx(ctx, 10*time.Millisecond)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// recordingPort records what passes through a port: OUT is what the host
// sent, IN what the device answered.
type recordingPort struct {
	transport.Port
	rec     *usbvm.Recorder
	out, in uint8
}

func (p *recordingPort) Read(b []byte) (int, error) {
	n, err := p.Port.Read(b)
	if n > 0 {
		p.rec.Transfer("OUT", p.out, b[:n])
	}
	return n, err
}

func (p *recordingPort) Write(b []byte) (int, error) {
	n, err := p.Port.Write(b)
	if n > 0 {
		p.rec.Transfer("IN", p.in, b[:n])
	}
	return n, err
}

// nodePort is the gadget's /dev/g_printer0 as a transport.Port: Read
// returns 0, nil after 50 ms without data.
type nodePort struct{ f *os.File }

func openNode(path string) (*nodePort, error) {
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return &nodePort{f}, nil
}

func (p *nodePort) Read(b []byte) (int, error) {
	p.f.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	n, err := p.f.Read(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return n, nil
	}
	return n, err
}

func (p *nodePort) Write(b []byte) (int, error) {
	p.f.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return p.f.Write(b)
}

func (p *nodePort) Close() error { return p.f.Close() }

// setStatus sets the port status byte the kernel reports to the host.
func (p *nodePort) setStatus(b byte) error {
	raw, err := p.f.SyscallConn()
	if err != nil {
		return err
	}
	var errno unix.Errno
	raw.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, gadgetSetPrinterStatus, uintptr(b))
	})
	if errno != 0 {
		return errno
	}
	return nil
}
