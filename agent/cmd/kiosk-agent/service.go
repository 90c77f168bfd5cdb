package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/service"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// serviceCommand is "kiosk-agent service ACTION": install, uninstall,
// start, stop, status or restart the system service, or print the systemd
// unit (for packagers and CI).
func serviceCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (!slices.Contains(service.Actions, args[0]) && args[0] != "unit") {
		fmt.Fprintln(stderr, "usage: kiosk-agent service install|uninstall|start|stop|status|restart [--config FILE]")
		fmt.Fprintln(stderr, "       kiosk-agent service unit [--config FILE] [--bin PATH]")
		return 2
	}
	action, args := args[0], args[1:]
	fs := flag.NewFlagSet("service "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "the configuration file the service runs with (default: per OS)")
	var bin *string
	if action == "unit" {
		bin = fs.String("bin", service.DefaultBinary, "the agent's executable in the unit")
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk-agent service %s: unexpected argument %q\n", action, fs.Arg(0))
		return 2
	}
	if action == "unit" {
		fmt.Fprint(stdout, service.Unit(service.UnitOptions{Binary: *bin, Config: *config}))
		return 0
	}
	if err := service.Control(action, service.Options{Config: *config, Stdout: stdout, Stderr: stderr}); err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	switch action {
	case "install":
		fmt.Fprintln(stdout, "installed; start it with: kiosk-agent service start")
	case "uninstall":
		fmt.Fprintln(stdout, "uninstalled")
	}
	return 0
}

// runService runs an agent core that is built but not started (run serves
// until its context ends; ready is closed once it listens; healthy says
// whether it still answers) the way the service manager runs it, and the
// same way in the foreground (see service.Serve): READY=1 to systemd once
// it listens, then WATCHDOG=1 while it is healthy; STOPPING=1 when asked
// to stop; a second signal ends it at once. The caller holds the state
// directory's instance lock. It returns the exit status.
func runService(run func(context.Context) error, ready <-chan struct{}, healthy func() bool, log *slog.Logger, stderr io.Writer) int {
	p := &service.Program{Run: func(ctx context.Context) error {
		notifyCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-ready:
			case <-notifyCtx.Done():
				return
			}
			if _, err := service.Ready(); err != nil {
				log.Warn("cannot tell systemd that the agent is ready", "err", err)
			}
			if err := service.RunWatchdog(notifyCtx, healthy); err != nil {
				log.Warn("cannot feed systemd's watchdog", "err", err)
			}
		}()
		return run(ctx)
	}}
	if err := service.Serve(p, service.Options{Stderr: stderr}); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("kiosk agent failed", "err", err)
		return 1
	}
	return 0
}

// answers is the watchdog's health check: the HTTP server at addr() (the
// loopback address, if it listens on all) serves a small file within 5 s.
func answers(addr func() net.Addr) func() bool {
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(host string) bool {
		resp, err := client.Get("http://" + host + protocol.SchemaPath)
		if err != nil {
			return false
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	return func() bool {
		a, ok := addr().(*net.TCPAddr)
		if !ok {
			return false
		}
		if !a.IP.IsUnspecified() {
			return get(a.String())
		}
		port := strconv.Itoa(a.Port)
		return get(net.JoinHostPort("127.0.0.1", port)) || get(net.JoinHostPort("::1", port))
	}
}
