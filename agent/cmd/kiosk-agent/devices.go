package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	idcardsvc "github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard/discover"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
)

// devicesCommand is "kiosk-agent devices": what ports there are, what was
// probed, and why no reader was found on each.
func devicesCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("devices", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var exclude listFlag
	fs.Var(&exclude, "exclude", "port never to probe (repeatable)")
	stateDir := fs.String("state-dir", config.DefaultStateDir(), "where the reader's port is remembered")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	ports, err := discover.SerialPorts()
	if err != nil {
		fmt.Fprintf(stdout, "serial ports: cannot list: %v\n", err)
	} else {
		fmt.Fprintf(stdout, "serial ports (%d):\n", len(ports))
		for _, p := range ports {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
	}
	if usb, err := usbframe.List(); err != nil {
		fmt.Fprintf(stdout, "USB ID card readers: %v\n", err)
	} else {
		fmt.Fprintf(stdout, "USB ID card readers (%d):\n", len(usb))
		for _, d := range usb {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
	}
	finder := idcardsvc.NewFinder(exclude, *stateDir, slog.New(slog.DiscardHandler))
	found, tried, err := finder.Find(ctx)
	fmt.Fprintln(stdout, "ID card reader probes (SAM status 11 FF):")
	for _, t := range tried {
		verdict := "reader answered"
		if t.Err != "" {
			verdict = "no: " + t.Err
		}
		rate := "USB"
		if t.Baud > 0 {
			rate = fmt.Sprintf("%d baud", t.Baud)
		}
		fmt.Fprintf(stdout, "  %-20s %-11s %s\n", t.Port, rate, verdict)
	}
	if err != nil {
		fmt.Fprintf(stdout, "ID card reader: not found (%v)\n", err)
		return 1
	}
	found.Port.Close()
	if found.Baud > 0 {
		fmt.Fprintf(stdout, "ID card reader: %s at %d baud\n", found.Path, found.Baud)
	} else {
		fmt.Fprintf(stdout, "ID card reader: %s\n", found.Path)
	}
	return 0
}
