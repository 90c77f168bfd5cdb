// Command usbgadget runs one of our simulators as a real USB device inside
// the testbed VM (see package usbvm):
//
//	usbgadget reader  [-record FILE]   0400:C35A through gadgetfs, idcardsim behind it
//	usbgadget printer [-record FILE]   usb_f_printer, the virtual printer behind it
//	usbgadget pad     [-record FILE]   056A:00A8 through FunctionFS HID, stusim behind it
//
// Each listens on usbvm.SocketPath(name) for the checks' commands. It runs
// on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: usbgadget reader|printer|pad [flags]")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "usbgadget %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
