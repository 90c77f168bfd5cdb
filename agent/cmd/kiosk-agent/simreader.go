package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
)

// simReaderCommand is "kiosk-agent sim-reader": a simulated ID card reader
// on a pseudo-terminal, for trying other software (or a second agent)
// against it. It prints the device path, then takes commands on stdin:
// "place N" (sample card N), "remove", "quit".
func simReaderCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim-reader", flag.ContinueOnError)
	fs.SetOutput(stderr)
	card := fs.Int("card", -1, "sample card to place at start (0-4; -1 for none)")
	baud := fs.Int("baud", 115200, "pace replies as a serial line at this rate (0: no pacing)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	samples := idcardsim.SampleCards()
	link, err := simlink.New()
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	if link.Path == "" {
		fmt.Fprintln(stderr, "kiosk-agent: this system has no pseudo-terminals; use 'kiosk-agent run --simulate'")
		return 1
	}
	sim := idcardsim.New(idcardsim.Config{Baud: *baud})
	place := func(n int) error {
		if n < 0 || n >= len(samples) {
			return fmt.Errorf("sample card must be 0 to %d", len(samples)-1)
		}
		return sim.Place(samples[n])
	}
	if *card >= 0 {
		if err := place(*card); err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(stdout, link.Path)
	go func() {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 0 {
				continue
			}
			switch f[0] {
			case "place":
				n := 0
				if len(f) > 1 {
					n, _ = strconv.Atoi(f[1])
				}
				if err := place(n); err != nil {
					fmt.Fprintf(stderr, "place: %v\n", err)
				}
			case "remove":
				sim.Remove()
			case "quit":
				stop()
				return
			default:
				fmt.Fprintf(stderr, "commands: place N, remove, quit\n")
			}
		}
	}()
	err = sim.Serve(ctx, link.Device)
	link.Device.Close()
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	return 0
}
