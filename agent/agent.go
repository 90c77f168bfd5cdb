// Package agent is the kiosk agent's core: it runs the devices, serves the
// WebSocket API and the kiosk UI, and stops cleanly when its context ends.
// The command in cmd/kiosk-agent is a thin shell around Run.
package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard/discover"
	"github.com/kiosk-agent/kiosk-agent/agent/idcardsvc"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/wlt"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
	"github.com/kiosk-agent/kiosk-agent/protocol"
	"github.com/kiosk-agent/kiosk-agent/ui"
)

// Version is the agent's version, reported by agent.hello.
const Version = "0.1.0"

// DefaultListen is where the agent listens unless told otherwise: loopback
// only, so nothing outside the machine can reach the devices.
const DefaultListen = "127.0.0.1:17321"

// Config is the agent's configuration.
type Config struct {
	// Listen is the TCP address of the HTTP/WebSocket server.
	Listen string
	// IDCardPort is the ID card reader's serial device (e.g. /dev/ttyUSB0,
	// COM3), or AutoDetect to find it by probing the serial ports. Empty
	// means no reader.
	IDCardPort string
	// ExcludePorts are never probed by AutoDetect (e.g. a printer's port).
	ExcludePorts []string
	// StateDir holds what the agent remembers between runs (the port the
	// reader was found on). Empty: nothing is remembered.
	StateDir string
	// Simulate runs a simulated ID card reader behind a pseudo-terminal
	// (an in-memory pipe where the OS has none) and enables the sim.*
	// methods.
	Simulate bool
	// PollInterval is how often the reader is polled for cards.
	PollInterval time.Duration
	// ReadFingerprints reads every card's fingerprint templates, so that
	// idcard.read {"fingerprint": true} never needs the card placed again.
	// They stay in memory only while the card is on the reader and are
	// sent only to callers that ask.
	ReadFingerprints bool
	// Photo configures the vendor library that decodes card photos (WLT)
	// to PNG. Without one, cards carry the raw WLT and photo.png is null.
	Photo wlt.Config
	// AllowOrigins lists extra browser origins (e.g.
	// https://zwfw.example.gov.cn) whose pages may use the API. Pages
	// served by the agent itself, and clients that send no Origin (native
	// programs), are always allowed.
	AllowOrigins []string
}

// Special values of IDCardPort.
const (
	AutoDetect = "auto" // search the USB devices and serial ports
	USBPort    = "usb"  // the first 部标 USB bulk reader (needs a -tags libusb build)
)

// Agent is a running kiosk agent.
type Agent struct {
	cfg Config
	log *slog.Logger

	rpc    *rpc.Server
	idcard *idcardsvc.Service
	photos *photos
	events chan idcardsvc.Event
	sim    *idcardsim.Simulator
	link   *simlink.Link

	ready chan struct{}
	mu    sync.Mutex
	addr  net.Addr
}

// New checks cfg and prepares an agent. Nothing is opened until Run.
func New(cfg Config, log *slog.Logger) (*Agent, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.Simulate && cfg.IDCardPort != "" {
		return nil, errors.New("config: --simulate and --idcard-port exclude each other")
	}
	for _, o := range cfg.AllowOrigins {
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			return nil, fmt.Errorf("config: allowed origin %q is not scheme://host[:port]", o)
		}
	}
	if cfg.PollInterval != 0 && cfg.PollInterval < idcardsvc.MinPollInterval {
		return nil, fmt.Errorf("config: poll interval %v is below the %v readers tolerate", cfg.PollInterval, idcardsvc.MinPollInterval)
	}
	dec, err := wlt.New(cfg.Photo)
	if err != nil {
		return nil, fmt.Errorf("config: photo decoder: %w", err)
	}
	a := &Agent{cfg: cfg, log: log, ready: make(chan struct{}), photos: &photos{dec: dec}, events: make(chan idcardsvc.Event, eventQueue)}
	a.rpc = rpc.NewServer(log, a.checkOrigin)
	a.register()
	return a, nil
}

// Ready is closed once the agent listens.
func (a *Agent) Ready() <-chan struct{} { return a.ready }

// Addr is the address the agent listens on (valid after Ready).
func (a *Agent) Addr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}

// Run serves until ctx ends, then shuts down gracefully. It returns an
// error when it cannot start (e.g. the address is in use).
func (a *Agent) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Listen, err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { a.dispatch(ctx) })
	if err := a.startDevices(ctx, &wg); err != nil {
		cancel()
		wg.Wait()
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: a.routes(), ReadHeaderTimeout: 10 * time.Second}
	a.mu.Lock()
	a.addr = ln.Addr()
	a.mu.Unlock()
	close(a.ready)
	if a.cfg.Photo.Library == "" {
		a.log.Info("no photo decoder configured: cards carry the raw WLT photo and photo.png is null")
	}
	a.log.Info("kiosk agent listening", "addr", ln.Addr().String(), "ui", "http://"+ln.Addr().String()+"/", "simulate", a.cfg.Simulate)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		cancel()
	}
	shutCtx, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	srv.Shutdown(shutCtx)
	a.rpc.CloseAll()
	cancel()
	wg.Wait()
	if a.link != nil {
		a.link.Device.Close()
	}
	if c, ok := a.photos.dec.(io.Closer); ok {
		c.Close()
	}
	a.log.Info("kiosk agent stopped")
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (a *Agent) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/ws", a.rpc)
	mux.HandleFunc(protocol.ClientJSPath, serveBytes("text/javascript; charset=utf-8", protocol.ClientJS))
	mux.HandleFunc(protocol.SchemaPath, serveBytes("application/schema+json", protocol.Schema))
	mux.Handle("/", ui.Handler())
	return securityHeaders(mux)
}

func serveBytes(ctype string, b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}
}

// securityHeaders keeps the agent's pages from being framed or sniffed.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// checkOrigin admits native clients (no Origin), the agent's own pages
// (same host), and configured origins.
func (a *Agent) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range a.cfg.AllowOrigins {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	a.log.Warn("refused a page from an origin that is not allowed", "origin", origin)
	return false
}

// startDevices opens the configured devices (or their simulators).
func (a *Agent) startDevices(ctx context.Context, wg *sync.WaitGroup) error {
	var open idcardsvc.Opener
	model := "SAM_V serial reader"
	switch {
	case a.cfg.Simulate:
		link, err := simlink.New()
		if err != nil {
			return err
		}
		a.link = link
		a.sim = idcardsim.New(idcardsim.Config{Delays: idcardsim.DefaultDelays, Baud: 115200})
		wg.Go(func() {
			if err := a.sim.Serve(ctx, link.Device); err != nil {
				a.log.Error("ID card simulator stopped", "err", err)
			}
		})
		model = "SAM_V reader simulator"
		open = func(context.Context) (transport.Port, string, error) {
			if link.Path == "" {
				return link.Host, "in-memory", nil
			}
			return openSerial(link.Path)
		}
	case a.cfg.IDCardPort == AutoDetect:
		open = a.detectOpener()
	case a.cfg.IDCardPort == USBPort:
		model = "SAM_V USB reader"
		open = func(context.Context) (transport.Port, string, error) { return openUSB() }
	case a.cfg.IDCardPort != "":
		path := a.cfg.IDCardPort
		open = func(context.Context) (transport.Port, string, error) { return openSerial(path) }
	default:
		a.log.Warn("no ID card reader configured: give --idcard-port PATH or auto, or --simulate")
		return nil
	}
	port := a.cfg.IDCardPort
	if a.link != nil {
		port = a.link.Path
	}
	a.idcard = idcardsvc.New(idcardsvc.Config{
		ID: "idcard0", Model: model, Port: port, Open: open, PollInterval: a.cfg.PollInterval, ReadFingerprints: a.cfg.ReadFingerprints,
		Log: a.log.With("device", "idcard0"),
	}, a.queueEvent)
	wg.Go(func() { a.idcard.Run(ctx) })
	return nil
}

// detectOpener searches for the reader each time it must be opened,
// remembered port first, backing off while nothing answers so that idle
// ports are not probed continuously.
func (a *Agent) detectOpener() idcardsvc.Opener {
	f := a.Finder()
	misses := 0
	return func(ctx context.Context) (transport.Port, string, error) {
		if misses > 0 {
			wait := min(time.Second<<min(misses, 6), 30*time.Second)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, "", ctx.Err()
			case <-t.C:
			}
		}
		found, _, err := f.Find(ctx)
		if err != nil {
			misses++
			return nil, "auto", err
		}
		misses = 0
		return found.Port, found.Path, nil
	}
}

// Finder returns the reader search the agent uses, for the devices command.
func (a *Agent) Finder() *discover.Finder {
	f := &discover.Finder{List: discover.SerialPorts, Open: discover.OpenSerial, USB: openUSB, Exclude: a.cfg.ExcludePorts, Log: a.log}
	if a.cfg.StateDir != "" {
		f.Memory = discover.NewMemory(filepath.Join(a.cfg.StateDir, "discover.json"))
	}
	return f
}

// openUSB opens the first USB bulk reader.
func openUSB() (transport.Port, string, error) {
	p, info, err := usbframe.OpenReader(usbframe.Match{})
	if errors.Is(err, usb.ErrNoLibusb) {
		return nil, "usb", fmt.Errorf("%w: %w", discover.ErrUnsupported, err)
	}
	if err != nil {
		return nil, "usb", err
	}
	return p, "usb:" + info.String(), nil
}

func openSerial(path string) (transport.Port, string, error) {
	p, err := serialport.Open(path, serialport.Config{})
	if err != nil {
		return nil, path, err
	}
	return p, path, nil
}
