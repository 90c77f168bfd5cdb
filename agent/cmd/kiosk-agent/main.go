// Command kiosk-agent drives the ID card reader of a government service
// kiosk and serves it to the kiosk UI and to web pages over a local
// WebSocket (JSON-RPC 2.0).
//
//	kiosk-agent [run] [--listen ADDR] [--idcard-port PATH | --simulate] [--platform URL]
//
// With no subcommand it runs the agent. See README.md for everything else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/agent/internal/logfile"
	"github.com/kiosk-agent/kiosk-agent/agent/service"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/wlt"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runAgent(args, stderr)
	case "idcard":
		return idcardCommand(args, stdout, stderr)
	case "devices":
		return devicesCommand(args, stdout, stderr)
	case "sim-reader":
		return simReaderCommand(args, os.Stdin, stdout, stderr)
	case "service":
		return serviceCommand(args, stdout, stderr)
	case "kiosk":
		return kioskCommand(args, stdout, stderr)
	case "platform-demo":
		return platformDemoCommand(args, stderr)
	case "config":
		return configCommand(args, stdout, stderr)
	case "pair":
		return pairCommand(args, stdout, stderr)
	case "audit":
		return auditCommand(args, stdout, stderr)
	case "print":
		return printCommand(args, stdout, stderr)
	case "evidence-key":
		return evidenceKeyCommand(args, stdout, stderr)
	case "field-worker":
		return fieldWorkerCommand(args, os.Stdin, stdout, stderr)
	case "verify-signature":
		return verifySignatureCommand(args, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "kiosk-agent %s (protocol %s, %s/%s)\n", core.Version, protocol.Version, runtime.GOOS, runtime.GOARCH)
		return 0
	case wlt.ChildSubcommand:
		// The photo decoder's child process (see package wlt); not for
		// people to run.
		cfg, err := wlt.ParseArgs(args)
		if err == nil {
			err = wlt.ServeChild(context.Background(), os.Stdin, os.Stdout, cfg)
		}
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent %s: %v\n", wlt.ChildSubcommand, err)
			return 1
		}
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "kiosk-agent: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  kiosk-agent [run] [flags]     run the agent (the default); kiosk-agent run --help lists the flags
  kiosk-agent idcard read [--port PATH] [--json] [--show-id] [--timeout DUR]
                                read one card and print it (ID number masked)
  kiosk-agent devices [--exclude PATH]...
                                list serial ports, probe them for a reader, say why not
  kiosk-agent sim-reader [--card N] [--baud B]
                                a simulated reader on a pseudo-terminal: prints its path,
                                then takes "place N", "remove", "quit" on stdin
  kiosk-agent platform-demo [--listen ADDR] [--db FILE] [--speed N] [--rules FILE] [--cert FILE --key FILE]
                                serve the demo platform (fictional households) over HTTP(S), for
                                agents run with --platform URL; GET /demo/applications lists what it holds
  kiosk-agent config check FILE check a configuration file; names each bad key and its line
  kiosk-agent config example    print a configuration file with every key at its default
  kiosk-agent pair add --origin URL --fields F,F... | --native --name NAME --fields ...
                                pair a web page's origin (or a native program): prints its token
  kiosk-agent pair list | pair remove ORIGIN|NAME
  kiosk-agent print test [--port PATH|tcp://HOST:PORT|/dev/usb/lpN|usb:VVVV:PPPP] [--baud N] [--profile NAME] [--preview FILE.png]
                                print a test receipt (Chinese, rare characters, QR, barcode) and show the status
  kiosk-agent evidence-key [--state-dir DIR]
                                print the public key that checks this agent's signature bundles
  kiosk-agent field-worker < ID-NUMBER, PIN, PIN (three lines)
                                print a field worker's flow.workers entry (masked number, PBKDF2 hash)
  kiosk-agent verify-signature FILE [--key KEY] [--document DOC]
                                check a signature bundle offline; names the part that fails
  kiosk-agent audit verify [--dir DIR]
                                check the audit log's hash chain; names the first broken record
  kiosk-agent service install|uninstall|start|stop|status|restart [--config FILE]
                                the system service (systemd, Windows SCM)
  kiosk-agent service unit [--config FILE] [--bin PATH]
                                print the systemd unit
  kiosk-agent kiosk [--url URL] [--fullscreen=false] [--monitor N] [--hide-cursor] [--watchdog DUR]
                                the kiosk window on the agent's page: full screen, locked, restarted
                                whenever it ends (builds with -tags webview only)
  kiosk-agent version           print the version
  kiosk-agent help              this text
`)
}

func runAgent(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kiosk-agent [run] [flags]\n\nEvery flag has a key in the configuration file (kiosk-agent config example); flags override the file.")
		fs.PrintDefaults()
	}
	fl := config.Bind(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk-agent: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := fl.Load()
	if err != nil {
		printConfigError(stderr, err)
		return 2
	}
	if _, set := os.LookupEnv("GOMAXPROCS"); !set && cfg.MaxProcs > 0 {
		runtime.GOMAXPROCS(cfg.MaxProcs)
	}
	logTo := stderr
	if path := cfg.LogFile(service.Managed()); path != "" {
		f, err := logfile.Open(path, 10<<20, 5)
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: log.file: %v\n", err)
			return 1
		}
		defer f.Close()
		logTo = f
		if !service.Managed() {
			logTo = io.MultiWriter(f, stderr)
		}
	}
	log := newLogger(logTo, cfg.Log)
	// One agent per state directory, decided before anything in it is
	// opened (the outbox, the platform's database): a second agent is told
	// who runs, not which file it found busy.
	release, err := service.AcquireInstance(cfg.StateDir)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	defer release()
	c, err := core.New(cfg, log)
	if err != nil {
		printConfigError(stderr, err)
		return 2
	}
	return runService(c.Run, c.Ready(), answers(c.Addr), log, stderr)
}

// printConfigError prints each problem of a configuration on its own line.
func printConfigError(w io.Writer, err error) {
	var errs config.Errors
	if errors.As(err, &errs) {
		fmt.Fprintln(w, "kiosk-agent: the configuration is not valid:")
		for _, e := range errs {
			fmt.Fprintf(w, "  %v\n", e)
		}
		return
	}
	fmt.Fprintf(w, "kiosk-agent: %v\n", err)
}

// newLogger logs to w in the configured format at the configured level.
func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var lv slog.Level
	lv.UnmarshalText([]byte(c.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: lv}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
