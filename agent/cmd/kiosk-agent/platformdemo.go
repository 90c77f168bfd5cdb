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
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
	"github.com/kiosk-agent/kiosk-agent/agent/precheck"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// platformDemoCommand is "kiosk-agent platform-demo": the embedded demo
// platform served over HTTP (or HTTPS), as the platform's contract says,
// plus GET /demo/applications, for agents started with --platform URL and
// for tests.
func platformDemoCommand(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("platform-demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kiosk-agent platform-demo [--listen ADDR] [--db FILE] [--speed N] [--rules FILE] [--cert FILE --key FILE]\n\n"+
			"Serves the demo platform (fictional households of 滕州市) over HTTP; agents use it with --platform http://ADDR.")
		fs.PrintDefaults()
	}
	listen := fs.String("listen", "127.0.0.1:17400", "serve on `ADDR` (host:port)")
	db := fs.String("db", "platform-demo.db", "the demo platform's database `FILE` (made and seeded when missing)")
	speed := fs.Float64("speed", 1, fmt.Sprintf("run the stage clock `N` times as fast as real time (86400: a day a second; at most %g)", float64(demo.MaxSpeed)))
	rules := fs.String("rules", "", "pre-check households with the rules `FILE` (empty: the embedded rules)")
	cert := fs.String("cert", "", "serve HTTPS with the certificate in `FILE` (PEM; with --key)")
	key := fs.String("key", "", "the certificate's private key `FILE` (PEM)")
	level := fs.String("log-level", "info", "log at `LEVEL` and above: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk-agent platform-demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "kiosk-agent platform-demo: --cert and --key go together")
		return 2
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stderr, "kiosk-agent platform-demo: --log-level %q: want debug, info, warn or error\n", *level)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	r := precheck.Default()
	if *rules != "" {
		var err error
		if r, err = precheck.Load(*rules); err != nil {
			fmt.Fprintf(stderr, "kiosk-agent platform-demo: --rules: %v\n", err)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := demo.Open(ctx, demo.Options{Path: *db, Speed: *speed, Logger: log,
		Precheck: func(_ context.Context, h *wire.Household) ([]wire.PrecheckResult, error) {
			return r.Evaluate(h, time.Now())
		}})
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent platform-demo: %v\n", err)
		return 1
	}
	defer p.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent platform-demo: --listen %s: %v\n", *listen, err)
		return 1
	}
	srv := &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	done := make(chan error, 1)
	go func() {
		if *cert != "" {
			done <- srv.ServeTLS(ln, *cert, *key)
			return
		}
		done <- srv.Serve(ln)
	}()
	log.Info("platform demo listening", "addr", ln.Addr().String(), "url", scheme+"://"+ln.Addr().String(), "db", *db, "speed", *speed)
	select {
	case <-ctx.Done():
	case err = <-done:
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "kiosk-agent platform-demo: %v\n", err)
		return 1
	}
	log.Info("platform demo stopped")
	return 0
}
