// Command kiosk-agent drives the ID card reader of a government service
// kiosk and serves it to the kiosk UI and to web pages over a local
// WebSocket (JSON-RPC 2.0).
//
//	kiosk-agent [run] [--listen ADDR] [--idcard-port PATH | --simulate]
//
// With no subcommand it runs the agent. See README.md for everything else.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/agent"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/wlt"
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
	case "help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "kiosk-agent: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  kiosk-agent [run] [flags]     run the agent (the default)
  kiosk-agent idcard read [--port PATH] [--json] [--show-id] [--timeout DUR]
                                read one card and print it (ID number masked)
  kiosk-agent devices [--exclude PATH]...
                                list serial ports, probe them for a reader, say why not
  kiosk-agent sim-reader [--card N] [--baud B]
                                a simulated reader on a pseudo-terminal: prints its path,
                                then takes "place N", "remove", "quit" on stdin
  kiosk-agent service install|uninstall|start|stop|status|restart [--config FILE]
                                the system service (systemd, Windows SCM)
  kiosk-agent service unit [--config FILE] [--bin PATH]
                                print the systemd unit
  kiosk-agent help              this text

run flags:
  --listen ADDR          HTTP/WebSocket address (default 127.0.0.1:17321)
  --idcard-port PATH     ID card reader serial device, e.g. /dev/ttyUSB0 or COM3;
                         usb for a USB bulk reader (0400:C35A; builds with -tags libusb);
                         auto (the default) finds it, none runs without one
  --exclude-port PATH    never probe this port when finding the reader (repeatable)
  --state-dir DIR        where the agent remembers the reader's port (default: per OS)
  --simulate             use a simulated ID card reader (sample cards, sim.* methods)
  --poll-interval DUR    how often to look for a card (default 500ms, at least 300ms)
  --read-fingerprints    read fingerprint templates with every card (default: only when asked)
  --allow-origin ORIGIN  let pages from ORIGIN use the API (repeatable)
  --photo-library PATH   vendor WLT photo decoder library (.so/.dll); none: photo.png is null
  --photo-abi ABI        how to call it: unpack, buffer, wlttobmp or getbmp (default unpack)
  --photo-symbol NAME    its entry point, if not the ABI's usual name
  --photo-flag N         the integer some entry points take (e.g. unpack's vendor code)
  --log-level LEVEL      debug, info, warn or error (default info)
`)
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runAgent(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(stderr) }
	var cfg agent.Config
	var origins listFlag
	var level string
	fs.StringVar(&cfg.Listen, "listen", agent.DefaultListen, "")
	var exclude listFlag
	fs.StringVar(&cfg.IDCardPort, "idcard-port", "", "")
	fs.Var(&exclude, "exclude-port", "")
	fs.StringVar(&cfg.StateDir, "state-dir", defaultStateDir(), "")
	fs.BoolVar(&cfg.Simulate, "simulate", false, "")
	fs.DurationVar(&cfg.PollInterval, "poll-interval", 0, "")
	fs.BoolVar(&cfg.ReadFingerprints, "read-fingerprints", false, "")
	fs.Var(&origins, "allow-origin", "")
	fs.StringVar(&level, "log-level", "info", "")
	fs.StringVar(&cfg.Photo.Library, "photo-library", "", "")
	fs.StringVar(&cfg.Photo.ABI, "photo-abi", wlt.ABIUnpack, "")
	fs.StringVar(&cfg.Photo.Symbol, "photo-symbol", "", "")
	fs.IntVar(&cfg.Photo.Flag, "photo-flag", 0, "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk-agent: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg.AllowOrigins = origins
	cfg.ExcludePorts = exclude
	switch cfg.IDCardPort {
	case "":
		if !cfg.Simulate {
			cfg.IDCardPort = agent.AutoDetect
		}
	case "none":
		cfg.IDCardPort = ""
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: --log-level: %v\n", err)
		return 2
	}
	log := newLogger(stderr, lv)
	a, err := agent.New(cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 2
	}
	return runService(cfg.StateDir, a.Run, a.Ready(), answers(a.Addr), log, stderr)
}

func newLogger(w io.Writer, lv slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv}))
}

// defaultStateDir is where the agent keeps what it remembers: the system's
// state directory when running as a service, the user's otherwise.
func defaultStateDir() string {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("ProgramData"); d != "" {
			return filepath.Join(d, "kiosk-agent")
		}
	case "linux":
		if os.Geteuid() == 0 {
			return "/var/lib/kiosk-agent"
		}
		if d := os.Getenv("XDG_STATE_HOME"); d != "" {
			return filepath.Join(d, "kiosk-agent")
		}
	}
	if d, err := os.UserHomeDir(); err == nil {
		return filepath.Join(d, ".local", "state", "kiosk-agent")
	}
	return ""
}
