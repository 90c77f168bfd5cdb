//go:build linux

package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
)

// run starts the named gadget and serves it until SIGTERM.
func run(name string, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	record := fs.String("record", "", "record the USB traffic to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log.SetPrefix("usbgadget " + name + ": ")
	log.SetFlags(log.Lmicroseconds)
	var rec *usbvm.Recorder
	if *record != "" {
		var err error
		if rec, err = usbvm.NewRecorder(*record, "USB traffic of the "+name+" gadget, recorded in the usbvm testbed (test/usbvm)\n"+
			"by the gadget; regenerate with .ci/usb-vm --record"); err != nil {
			return err
		}
	}
	var stop func()
	var err error
	switch name {
	case "reader":
		stop, err = startReader(rec)
	case "printer":
		stop, err = startPrinter(rec)
	case "pad":
		stop, err = startPad(rec)
	default:
		return fmt.Errorf("no gadget %q", name)
	}
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	stop()
	return rec.Flush()
}
