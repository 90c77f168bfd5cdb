package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/agent/fieldauth"
)

const fieldWorkerUsage = `usage: kiosk-agent field-worker < ANSWERS

Makes the configuration entry of a field worker (网格员) who unlocks a
field-mode device with their own ID card and a PIN. It reads three lines
from standard input — the worker's 18-digit ID number, the PIN (6 to 12
digits) and the PIN again — and prints the worker's entry for the
configuration's flow.workers list (or --field-worker). Neither the ID
number nor the PIN is printed: the entry holds the masked number and a
salted PBKDF2 hash of both.

  (echo 370481198501011235; echo 246810; echo 246810) | kiosk-agent field-worker
`

// fieldWorkerCommand prints the flow.workers entry of the ID number and
// PIN read from stdin.
func fieldWorkerCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	set := flag.NewFlagSet("field-worker", flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = func() { fmt.Fprint(stderr, fieldWorkerUsage) }
	if err := set.Parse(args); err != nil {
		return 2
	}
	if set.NArg() != 0 {
		set.Usage()
		return 2
	}
	in := bufio.NewScanner(io.LimitReader(stdin, 1<<10))
	var lines []string
	for len(lines) < 3 && in.Scan() {
		lines = append(lines, strings.TrimSpace(in.Text()))
	}
	if len(lines) < 3 {
		fmt.Fprintln(stderr, "kiosk-agent field-worker: want three lines on standard input: the ID number, the PIN, the PIN again")
		return 2
	}
	if lines[1] != lines[2] {
		fmt.Fprintln(stderr, "kiosk-agent field-worker: the two PINs differ")
		return 1
	}
	e, err := fieldauth.NewEntry(strings.ToUpper(lines[0]), lines[1])
	if err != nil {
		fmt.Fprintln(stderr, "kiosk-agent field-worker:", err)
		return 1
	}
	fmt.Fprintln(stdout, e.Card+" "+e.Secret)
	fmt.Fprintln(stderr, "add the line above to [flow] workers = [\"…\"] in the configuration file, or pass it to --field-worker")
	return 0
}
