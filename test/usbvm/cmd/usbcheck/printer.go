package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/devfile"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
)

const printerVID, printerPID = 0x0525, 0xA4A8

// qrData is the receipt's QR payload.
const qrData = "https://zwfw.tengzhou.gov.cn/q?id=TZ-2026-112901"

// receipt is an application receipt as the flow prints it.
func receipt() escpos.Receipt {
	return escpos.Receipt{Width: 80, Blocks: []escpos.Block{
		{Type: "title", Text: "社会救助申请回执"},
		{Type: "kv", Key: "申请编号", Value: "TZ-2026-112901"},
		{Type: "kv", Key: "申请人", Value: "王秀英"},
		{Type: "kv", Key: "公民身份号码", Value: "370481********4828"},
		{Type: "text", Text: "申请事项：最低生活保障、临时救助"},
		{Type: "divider"},
		{Type: "qr", Data: qrData},
		{Type: "text", Text: "回执结束", Align: "center"},
	}}
}

// gadgetPage is a page as the gadget's virtual printer decoded it.
type gadgetPage struct {
	Text     string   `json:"text"`
	QR       []string `json:"qr"`
	Cut      string   `json:"cut"`
	PaperOut bool     `json:"paperOut"`
}

// printed returns the pages with something on them.
func printed(pages []gadgetPage) []gadgetPage {
	var out []gadgetPage
	for _, p := range pages {
		if strings.TrimSpace(p.Text) != "" || len(p.QR) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func gadgetPages() ([]gadgetPage, error) {
	s, err := usbvm.Call("printer", "pages")
	if err != nil {
		return nil, err
	}
	var pages []gadgetPage
	err = json.Unmarshal([]byte(s), &pages)
	return printed(pages), err
}

// lpNode finds the usblp node of vid:pid through sysfs, never by number.
func lpNode(vid, pid uint16, within time.Duration) (string, error) {
	deadline := time.Now().Add(within)
	for {
		nodes, _ := filepath.Glob("/sys/class/usbmisc/lp*")
		for _, n := range nodes {
			// device is the interface; its parent is the USB device.
			intf, err := filepath.EvalSymlinks(filepath.Join(n, "device"))
			if err != nil {
				continue
			}
			dev := filepath.Dir(intf)
			v, _ := os.ReadFile(filepath.Join(dev, "idVendor"))
			p, _ := os.ReadFile(filepath.Join(dev, "idProduct"))
			if strings.TrimSpace(string(v)) == fmt.Sprintf("%04x", vid) && strings.TrimSpace(string(p)) == fmt.Sprintf("%04x", pid) {
				path := "/dev/usb/" + filepath.Base(n)
				if _, err := os.Stat(path); err == nil {
					return path, nil
				}
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no usblp node for %04x:%04x within %v", vid, pid, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// printerService runs the agent's printer service on port until stop.
type printerService struct {
	svc    *printer.Service
	events chan printer.Event
	stop   func()
}

func startPrinterService(port string) (*printerService, error) {
	open, err := printer.OpenerFor(port, 0)
	if err != nil {
		return nil, err
	}
	ps := &printerService{events: make(chan printer.Event, 64)}
	ps.svc = printer.New(printer.Config{Port: port, Open: open, Profile: escpos.Epson80(), StatusTimeout: time.Second,
		Backoff: device.Backoff{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond}},
		func(e printer.Event) { ps.events <- e })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ps.svc.Run(ctx); close(done) }()
	ps.stop = func() { cancel(); <-done }
	// Open and answering: connected, or out of paper.
	ready := func() bool {
		st := ps.svc.Device().Status()
		return st.State == device.Connected || st.Health.Code == "paper_out"
	}
	for deadline := time.Now().Add(10 * time.Second); !ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			st := ps.svc.Device().Status()
			ps.stop()
			return nil, fmt.Errorf("printer on %s not connected: %s %s", port, st.State, st.Health.Message)
		}
	}
	return ps, nil
}

// print prints r and waits for the job's end.
func (ps *printerService) print(r escpos.Receipt) (printer.Event, error) {
	id, err := ps.svc.Print(r, 1)
	if err != nil {
		return printer.Event{}, err
	}
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-ps.events:
			if e.JobID == id && (e.State == printer.Done || e.State == printer.Failed) {
				return e, nil
			}
		case <-timeout:
			return printer.Event{}, errors.New("the job did not end within 30 s")
		}
	}
}

// wantPages is what the virtual printer makes of the receipt's bytes
// in-process: the gadget must have decoded the same.
func wantPages(svc *printer.Service) ([]gadgetPage, error) {
	job, err := svc.Layout(receipt())
	if err != nil {
		return nil, err
	}
	doc := escpossim.Interpret(job.Bytes(), escpossim.Config{NativeQR: true})
	var out []gadgetPage
	for _, p := range doc.Pages {
		out = append(out, gadgetPage{Text: p.Text(), QR: p.QRPayloads(), Cut: p.Cut.String(), PaperOut: p.PaperOut})
	}
	return printed(out), nil
}

func printReceipt(port string) (string, error) {
	if _, err := usbvm.Call("printer", "reset"); err != nil {
		return "", err
	}
	ps, err := startPrinterService(port)
	if err != nil {
		return "", err
	}
	defer ps.stop()
	e, err := ps.print(receipt())
	if err != nil {
		return "", err
	}
	if e.State != printer.Done {
		return "", fmt.Errorf("job %s: %v", e.State, e.Err)
	}
	got, err := gadgetPages()
	if err != nil {
		return "", err
	}
	want, err := wantPages(ps.svc)
	if err != nil {
		return "", err
	}
	if len(got) != 1 || !reflect.DeepEqual(got, want) {
		return "", fmt.Errorf("the printer decoded %+v, want %+v", got, want)
	}
	if !strings.Contains(got[0].Text, "社会救助申请回执") || len(got[0].QR) != 1 || got[0].QR[0] != qrData {
		return "", fmt.Errorf("page %q with QR %q", got[0].Text, got[0].QR)
	}
	lines := strings.Count(strings.TrimSpace(got[0].Text), "\n") + 1
	return fmt.Sprintf("one page, %d lines of text and QR %q as laid out, cut %s", lines, got[0].QR[0], got[0].Cut), nil
}

func printerChecks() {
	if err := waitUSB(printerVID, printerPID, true, 10*time.Second); err != nil {
		check("printer.enumerated", func() (string, error) { return "", err })
		return
	}
	var lp string
	if !check("printer.usblp", func() (string, error) {
		var err error
		lp, err = lpNode(printerVID, printerPID, 5*time.Second)
		return lp + " found by VID:PID", err
	}) {
		return
	}
	check("printer.receipt-lp", func() (string, error) {
		usbvm.Call("printer", "mark receipt through %s", lp)
		return printReceipt(lp)
	})
	check("printer.receipt-gousb", func() (string, error) {
		usbvm.Call("printer", "mark receipt through gousb")
		return printReceipt("usb:0525:A4A8")
	})
	check("printer.paper-out", func() (string, error) {
		usbvm.Call("printer", "mark paper out")
		// gousb let usblp have the printer back: find its node again.
		lp, err := lpNode(printerVID, printerPID, 5*time.Second)
		if err != nil {
			return "", err
		}
		if _, err := usbvm.Call("printer", "runout 0"); err != nil {
			return "", err
		}
		defer usbvm.Call("printer", "load")
		// The printer class's own status line (GET_PORT_STATUS).
		node, err := devfile.Open(lp, devfile.Config{})
		if err != nil {
			return "", err
		}
		line, err := node.Status()
		node.Close()
		if err != nil {
			return "", err
		}
		if !line.PaperOut {
			return "", fmt.Errorf("LPGETSTATUS says %+v, want paper out", line)
		}
		// ESC/POS real-time status over bulk IN, through the service, and
		// a job that fails with PAPER_OUT.
		ps, err := startPrinterService(lp)
		if err != nil {
			return "", err
		}
		defer ps.stop()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		st, err := ps.svc.Status(ctx)
		if err != nil {
			return "", err
		}
		if !errors.Is(st.Problem(), escpos.ErrPaperOut) {
			return "", fmt.Errorf("DLE EOT status %v, want paper out", st)
		}
		e, err := ps.print(receipt())
		if err != nil {
			return "", err
		}
		if e.State != printer.Failed || !errors.Is(e.Err, escpos.ErrPaperOut) {
			return "", fmt.Errorf("a job with the paper out ended %s (%v), want failed PAPER_OUT", e.State, e.Err)
		}
		return fmt.Sprintf("LPGETSTATUS paper out; DLE EOT: %v; the job failed: %v", st, e.Err), nil
	})
}
