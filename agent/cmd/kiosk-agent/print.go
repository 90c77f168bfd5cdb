package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// testReceipt is the self-test page: what the printer's encoding, fonts,
// QR and barcode do, so a technician sees at once what works.
func testReceipt() escpos.Receipt {
	return escpos.Receipt{Width: 80, Blocks: []escpos.Block{
		{Type: "title", Text: "打印测试 kiosk-agent"},
		{Type: "kv", Key: "时间", Value: time.Now().Format("2006-01-02 15:04:05")},
		{Type: "text", Text: "中文：社会救助申请回执 一证申请"},
		{Type: "text", Text: "数字与字母：0123456789 ABC abc"},
		{Type: "text", Text: "生僻字（以图像打印）：龚䶮 𠮷 金额 ¥12.50"},
		{Type: "text", Text: "加粗 双倍", Bold: true, Size: 2},
		{Type: "divider"},
		{Type: "qr", Data: "https://example.gov.cn/kiosk/print-test"},
		{Type: "barcode", Data: "A001-2026"},
		{Type: "text", Text: "若以上各行均清晰完整，打印机工作正常", Align: "center"},
	}}
}

// printCommand is "kiosk-agent print test": a technician's check that a
// receipt printer prints Chinese, rare characters, QR and barcode, and
// answers status, without the agent running.
func printCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(stderr, "usage: kiosk-agent print test [--port PATH|tcp://HOST:PORT|/dev/usb/lpN|usb:VVVV:PPPP] [--baud N] [--profile NAME] [--blind] [--preview FILE.png]")
		return 2
	}
	fs := flag.NewFlagSet("print test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := config.Default().Printer
	port := fs.String("port", "", "the printer (default: printer.port of the configuration)")
	baud := fs.Int("baud", def.Baud, "a serial printer's line speed")
	profile := fs.String("profile", def.Profile, "the printer's profile: "+fmt.Sprint(escpos.ProfileNames()))
	blind := fs.Bool("blind", false, "the printer answers no status")
	font := fs.String("font", "", "a font for what the printer's own font cannot print")
	preview := fs.String("preview", "", "also write the test receipt as the printer would print it to this PNG file")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *port == "" {
		if c, err := config.Load(config.DefaultPath()); err == nil {
			*port = c.Printer.Port
		}
	}
	if *port == "" || *port == "none" {
		fmt.Fprintln(stderr, "kiosk-agent: no printer: give --port (a serial device, tcp://HOST:9100, /dev/usb/lp0 or usb:VVVV:PPPP)")
		return 2
	}
	prof, err := escpos.ProfileByName(*profile)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 2
	}
	prof.Blind = prof.Blind || *blind
	fonts, err := textimage.Find(*font)
	if err != nil {
		fmt.Fprintf(stderr, "warning: %v: rare characters will not print\n", err)
	} else {
		defer fonts.Close()
	}
	open, err := printer.OpenerFor(*port, *baud)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	events := make(chan printer.Event, 16)
	svc := printer.New(printer.Config{Port: *port, Open: open, Profile: prof, Baud: *baud, Fonts: fonts,
		Log: slog.New(slog.DiscardHandler)}, func(e printer.Event) { events <- e })
	done := make(chan struct{})
	go func() { svc.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for svc.Device().Status().State != device.Connected {
		select {
		case <-ctx.Done():
			fmt.Fprintf(stderr, "kiosk-agent: printer on %s: %s\n", *port, svc.Device().Status().Health.Message)
			return 1
		case <-time.After(20 * time.Millisecond):
		}
		if st := svc.Device().Status(); st.State == device.Faulty {
			fmt.Fprintf(stderr, "kiosk-agent: printer on %s: %s (%s)\n", *port, st.Health.Message, st.Health.Code)
			return 1
		}
	}
	if st, err := svc.Status(ctx); err == nil {
		fmt.Fprintf(stdout, "printer on %s: %v\n", *port, st)
	}
	if *preview != "" {
		if err := writePreview(*preview, testReceipt(), prof, fonts); err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: preview: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "preview written to %s\n", *preview)
	}
	id, err := svc.Print(testReceipt(), 1)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	for {
		select {
		case e := <-events:
			if e.JobID != id {
				continue
			}
			switch e.State {
			case printer.Done:
				fmt.Fprintln(stdout, "test receipt printed")
				return 0
			case printer.Failed:
				fmt.Fprintf(stderr, "kiosk-agent: the test receipt failed: %v\n", e.Err)
				if errors.Is(e.Err, escpos.ErrPaperOut) {
					fmt.Fprintln(stderr, "load paper and run the test again")
				}
				return 1
			}
		case <-ctx.Done():
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", ctx.Err())
			return 1
		}
	}
}
