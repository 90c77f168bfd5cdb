// Command kiosk-conformance runs the protocol conformance checks
// (package protocol/conformance) against a running kiosk agent and prints
// PASS, FAIL or SKIP for each, with the reason. It exits with status 1 when
// a check fails, 2 on bad usage.
//
//	kiosk-conformance --url http://127.0.0.1:17321 --simulated
//	kiosk-conformance --url http://127.0.0.1:17321 --paired-origin https://counter.example --token T
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/conformance"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kiosk-conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := conformance.DefaultLimits()
	var cfg conformance.Config
	fs.StringVar(&cfg.BaseURL, "url", "http://127.0.0.1:17321", "the agent's `URL`")
	fs.StringVar(&cfg.PairedOrigin, "paired-origin", "", "an `origin` paired with the agent (e.g. https://counter.example.gov.cn)")
	fs.StringVar(&cfg.Token, "token", "", "the pairing `token` of --paired-origin")
	fs.StringVar(&cfg.OtherPairedOrigin, "other-paired-origin", "", "a second paired `origin`, from which --token must be refused")
	fs.StringVar(&cfg.NativeToken, "native-token", "", "the pairing `token` of a native client")
	fs.BoolVar(&cfg.NativeAllowed, "native-allowed", false, "the agent runs with --allow-native")
	fs.BoolVar(&cfg.Simulated, "simulated", false, "the agent runs with --simulate (implies --native-allowed)")
	fs.IntVar(&cfg.Limits.MaxMessageBytes, "max-message-bytes", d.MaxMessageBytes, "the agent's --max-message-bytes")
	fs.Float64Var(&cfg.Limits.CallsPerSecond, "calls-per-second", d.CallsPerSecond, "the agent's --calls-per-second")
	fs.IntVar(&cfg.Limits.Burst, "call-burst", d.Burst, "the agent's --call-burst")
	fs.IntVar(&cfg.Limits.MaxClients, "max-clients", d.MaxClients, "the agent's --max-clients")
	only := fs.String("run", "", "run only the checks whose name matches this `regexp`")
	verbose := fs.Bool("v", false, "print the checks' notes")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kiosk-conformance [flags]\n\nChecks a running kiosk agent against the protocol. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk-conformance: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var re *regexp.Regexp
	if *only != "" {
		var err error
		if re, err = regexp.Compile(*only); err != nil {
			fmt.Fprintf(stderr, "kiosk-conformance: --run: %v\n", err)
			return 2
		}
	}
	env, err := conformance.NewEnv(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "kiosk-conformance:", err)
		return 2
	}
	var pass, fail, skipped int
	for _, c := range conformance.Checks() {
		if re != nil && !re.MatchString(c.Name) {
			continue
		}
		var notes []string
		e := env.WithLog(func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) })
		ctx, cancel := context.WithTimeout(context.Background(), conformance.CheckTimeout)
		start := time.Now()
		err := c.Run(ctx, e)
		cancel()
		took := time.Since(start).Round(time.Millisecond)
		if reason, ok := conformance.IsSkip(err); ok {
			skipped++
			fmt.Fprintf(stdout, "SKIP %s: %s\n", c.Name, reason)
		} else if err != nil {
			fail++
			fmt.Fprintf(stdout, "FAIL %s (%v)\n%s\n", c.Name, took, indent(err.Error()))
		} else {
			pass++
			fmt.Fprintf(stdout, "PASS %s (%v)\n", c.Name, took)
		}
		if *verbose || (err != nil && !isSkip(err)) {
			for _, n := range notes {
				fmt.Fprintf(stdout, "     note: %s\n", n)
			}
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped\n", pass, fail, skipped)
	if fail > 0 {
		return 1
	}
	return 0
}

func isSkip(err error) bool {
	_, ok := conformance.IsSkip(err)
	return ok
}

func indent(s string) string {
	return "     " + strings.ReplaceAll(s, "\n", "\n     ")
}
