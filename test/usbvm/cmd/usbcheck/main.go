// Command usbcheck runs the real-USB checks inside the testbed VM (see
// package usbvm), against the gadgets usbgadget serves, through the
// agent's own packages: gousb (built with -tags libusb), hidraw,
// /dev/usb/lp, and at the end the agent binary. It prints one line per
// check, "PASS name (details)" or "FAIL name: why", then a count, and
// exits non-zero unless every check passed.
//
//	usbcheck [-only reader,printer,pad] [-agent /bin/kiosk-agent]
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

var (
	only      = flag.String("only", "reader,printer,pad", "which devices to check")
	agentPath = flag.String("agent", "/bin/kiosk-agent", "the agent binary (libusb build)")
	mu        sync.Mutex // guards the counts and the output
	failures  int
	passes    int
)

// check runs one named check and prints its verdict.
func check(name string, f func() (string, error)) bool {
	start := time.Now()
	detail, err := func() (d string, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return f()
	}()
	took := time.Since(start).Round(time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		failures++
		fmt.Printf("FAIL %s: %v (%v)\n", name, err, took)
		return false
	}
	passes++
	if detail != "" {
		detail = "; " + detail
	}
	fmt.Printf("PASS %s (%v%s)\n", name, took, detail)
	return true
}

func main() {
	flag.Parse()
	want := strings.Split(*only, ",")
	// The pad's checks wait mostly on control transfers (its prompt goes
	// up in some 4,500 of them, one per tick of dummy_hcd's timer): they
	// run beside the reader's and the printer's, once the reader's timing
	// has been measured alone.
	quiet := make(chan struct{})
	var wg sync.WaitGroup
	if slices.Contains(want, "pad") {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-quiet
			padChecks()
		}()
	}
	if slices.Contains(want, "reader") {
		readerChecks(func() { close(quiet) })
	} else {
		close(quiet)
	}
	if slices.Contains(want, "printer") {
		printerChecks()
	}
	wg.Wait()
	fmt.Printf("usbcheck: %d passed, %d failed\n", passes, failures)
	if failures > 0 || passes == 0 {
		os.Exit(1)
	}
}
