// Package core builds the agent from its configuration and runs it.
//
// Life cycle (after Caddy's): New provisions every subsystem from the
// configuration — health, metrics, the audit log, the pairings, the
// devices, the RPC methods, the HTTP routes — and validates it; a failure
// at any step cleans up what was already built and names the setting.
// Run listens, serves until its context ends, then stops everything in
// reverse order: no new clients, clients told "going away", their calls
// cancelled, device operations aborted, the audit log closed.
package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/api"
	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/documents"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/agent/precheck"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/sim"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	"github.com/kiosk-agent/kiosk-agent/agent/web/pairing"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/wlt"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
	"github.com/kiosk-agent/kiosk-agent/protocol"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
	"github.com/kiosk-agent/kiosk-agent/ui"
)

// Version is the agent's version, reported by agent.hello.
const Version = "0.2.0"

// PairingsFile is the pairings' file name in the state directory.
const PairingsFile = "pairings.json"

// Core is a provisioned agent.
type Core struct {
	cfg      config.Config
	log      *slog.Logger
	cleanups []func()

	health   *health.Registry
	metrics  *health.Metrics
	audit    *audit.Log
	pairings *pairing.Store
	devices  *device.Registry
	reader   *idcard.Service
	simRead  *sim.Reader
	printer  *printer.Service
	simPrint *sim.Printer
	sigpad   *sigpad.Service
	simPad   *sim.Sigpad
	evKey    *evidence.Key
	agentID  string
	flow     *flow.Engine
	// The platform side: the pre-check's rules, the platform for look-ups
	// (sendTo for the sender's deliveries), the outbox and what puts
	// applications in it, the documents' renderer (nil: no font).
	rules    *precheck.Rules
	contract *contract.Contract
	platform platform.Platform
	sendTo   platform.Platform
	outbox   *outbox.Queue
	subs     *submissions
	docs     *documents.Renderer
	// flowWatch hears the flow's signature captures: the API's FlowInk,
	// set once the API is registered (before Run).
	flowWatch sigpad.Listener
	// printWaiters hands printer job events to the flow's waits.
	printWaiters *printWaiters
	fonts        textimage.Chain
	photo        wlt.Decoder
	rpc          *rpc.Server
	web          *web.Server
	api          *api.API

	ready chan struct{}
	mu    sync.Mutex
	addr  net.Addr
	beat  time.Time // the event loop's last sign of life
}

// New provisions and validates an agent from cfg. Nothing listens and no
// device is opened until Run.
func New(cfg config.Config, log *slog.Logger) (_ *Core, err error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("config: %w", errs)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Core{cfg: cfg, log: log, ready: make(chan struct{}), devices: &device.Registry{}, printWaiters: &printWaiters{}}
	defer func() {
		if err != nil {
			c.cleanup() // what was built before the failure
		}
	}()
	c.health = health.NewRegistry(nil)
	c.metrics = health.NewMetrics(c.health)
	c.health.SetOK("server")
	if !cfg.ListenIsLoopback() {
		c.health.Set("server", "remote_access", health.Warning, "listening on "+cfg.Server.Listen+": reachable from other machines")
	}

	if cfg.StateDir == "" {
		return nil, errors.New("config: stateDir: empty; the agent needs a directory for its pairings and audit log")
	}
	c.audit, err = audit.Open(cfg.AuditDir(), audit.Options{MaxFileBytes: cfg.Audit.MaxFileBytes, KeepFiles: cfg.Audit.KeepFiles})
	if err != nil {
		return nil, fmt.Errorf("audit.dir: %w", err)
	}
	c.onCleanup(func() { c.audit.Close() })
	c.health.SetOK("audit")
	c.pairings = pairing.Open(filepath.Join(cfg.StateDir, PairingsFile))

	if cfg.Photo.Library != "" {
		// The library is loaded lazily, in a child process: check now that
		// it is there, so that a wrong path fails at start, not at the
		// first card.
		if _, err := os.Stat(cfg.Photo.Library); err != nil {
			return nil, fmt.Errorf("photo.library: %w", err)
		}
	}
	c.photo, err = wlt.New(wlt.Config{Library: cfg.Photo.Library, ABI: cfg.Photo.ABI, Symbol: cfg.Photo.Symbol, Flag: cfg.Photo.Flag})
	if err != nil {
		return nil, fmt.Errorf("photo.library: %w", err)
	}
	if cl, ok := c.photo.(io.Closer); ok {
		c.onCleanup(func() { cl.Close() })
	}

	c.rpc = rpc.NewServer(rpc.Options{
		MaxMessageBytes: int64(cfg.Server.MaxMessageBytes), MaxClients: cfg.Server.MaxClients,
		CallsPerSecond: cfg.Server.CallsPerSecond, CallBurst: cfg.Server.CallBurst,
		OnConnect: web.OnConnect, Observer: c.metrics, Log: log,
	})
	routes := map[string]http.Handler{
		"/":                      ui.Handler(),
		"/healthz":               c.health.Handler(),
		"/metrics":               c.metrics.Handler(),
		protocol.ClientJSPath:    serveBytes("text/javascript; charset=utf-8", protocol.ClientJS),
		protocol.SchemaPath:      serveBytes("application/schema+json", protocol.Schema),
		protocol.ClientTypesPath: serveBytes("application/typescript; charset=utf-8", protocol.ClientTypes),
	}
	c.web = web.New(web.Config{
		AllowRemote: cfg.Server.AllowRemote, AllowNative: cfg.AllowsNative(), Simulate: cfg.Simulate,
		Pairings: c.pairings, RPC: c.rpc, Rejected: c.metrics.Rejected, Log: log, Routes: routes,
	})

	if err := c.provisionReader(); err != nil {
		return nil, err
	}
	if err := c.provisionPrinter(routes); err != nil {
		return nil, err
	}
	if c.agentID, err = os.Hostname(); err != nil || c.agentID == "" {
		c.agentID = "kiosk-agent"
	}
	if err := c.provisionSigpad(); err != nil {
		return nil, err
	}
	if err := c.provisionPlatform(); err != nil {
		return nil, err
	}
	routes["/metrics"] = joinMetrics(c.metrics.Handler(), c.subs.reg)
	c.provisionFlow(c.agentID)
	pub := c.evKey.Public()
	deps := api.Deps{Version: Version, RPC: c.rpc, Web: c.web, Devices: c.devices, Health: c.health,
		IDCard: c.reader, Printer: c.printer, Sigpad: c.sigpad, Fonts: c.fonts, Photo: c.photo, Audit: c.audit, Reads: c.metrics, Log: log,
		EvidenceKey: &protocol.EvidenceKey{Alg: pub.Alg, KeyID: pub.KeyID, PublicKey: pub.PublicKey},
		Flow:        c.flow, Outbox: c.subs, Terminal: c.agentID, Window: cfg.Flow.Window}
	if cfg.Staff.Webhook != "" {
		deps.StaffWebhook = c.staffWebhook(cfg.Staff.Webhook)
	}
	if c.simPrint != nil {
		deps.OnPrinted = func(job string) {
			go func() {
				if names, err := c.simPrint.SaveNew(job); err != nil {
					c.log.Warn("virtual printer: receipt not saved", "job", job, "err", err)
				} else if len(names) > 0 {
					c.log.Info("virtual printer: receipt saved", "job", job, "files", names)
				}
			}()
		}
	}
	c.api = api.Register(deps)
	c.flowWatch = c.api.FlowInk()
	sim.Register(c.rpc, c.simRead)
	sim.RegisterPrinter(c.rpc, c.simPrint)
	sim.RegisterSigpad(c.rpc, c.simPad, c.sigpad)
	return c, nil
}

// provisionSigpad loads the evidence key and builds signature capture:
// on the pad when one is configured (or simulated), always on the screen.
func (c *Core) provisionSigpad() error {
	cfg := c.cfg
	key, err := evidence.LoadOrCreateKey(cfg.StateDir)
	if err != nil {
		return fmt.Errorf("stateDir: evidence key: %w", err)
	}
	c.evKey = key
	fonts := c.fonts
	if cfg.Sigpad.Font != "" {
		own, err := textimage.Find(cfg.Sigpad.Font)
		if err != nil {
			return fmt.Errorf("sigpad.font: %w", err)
		}
		c.onCleanup(func() { own.Close() })
		fonts = own // the configured font first, then the system's
	}
	agentID := c.agentID
	sc := sigpad.Config{ID: "sigpad0", Model: "signature pad", Port: cfg.Sigpad.Port, Fonts: fonts, Signer: key,
		Agent: evidence.Agent{ID: agentID, Version: Version}, Backoff: device.Backoff{Initial: time.Second, Max: 10 * time.Second},
		Log: c.log, Health: c.health}
	switch {
	case cfg.Simulate:
		c.simPad = sim.NewSigpad()
		sc.Open, sc.Port, sc.Model = c.simPad.Opener(), c.simPad.Port(), "Wacom STU-540 (virtual)"
	case cfg.Sigpad.Port == "none":
	default:
		if sc.Open, err = sigpad.OpenerFor(cfg.Sigpad.Port); err != nil {
			return err
		}
		sc.Model = "Wacom STU / Hanvon signature pad"
	}
	c.sigpad = sigpad.New(sc)
	if d := c.sigpad.Device(); d != nil {
		c.devices.Add(d)
	}
	return nil
}

// provisionPrinter builds the receipt printer's service, real or virtual,
// and finds the fonts for what it cannot print and for previews.
func (c *Core) provisionPrinter(routes map[string]http.Handler) error {
	cfg := c.cfg
	fonts, err := textimage.Find(cfg.Printer.Font)
	switch {
	case err != nil && cfg.Printer.Font != "":
		return fmt.Errorf("printer.font: %w", err)
	case err != nil:
		c.log.Warn("no CJK font found: rare characters cannot be printed as images, and previews show boxes", "err", err)
	default:
		c.fonts = fonts
		c.onCleanup(func() { fonts.Close() })
	}
	prof, err := escpos.ProfileByName(cfg.Printer.Profile)
	if err != nil {
		return fmt.Errorf("printer.profile: %w", err)
	}
	prof.Blind = prof.Blind || cfg.Printer.Blind
	var open printer.Opener
	port, baud := cfg.Printer.Port, cfg.Printer.Baud
	switch {
	case cfg.Simulate:
		p, err := sim.NewPrinter(filepath.Join(cfg.StateDir, "receipts"))
		if err != nil {
			return err
		}
		c.simPrint = p
		c.onCleanup(func() { p.Close() })
		open, port, baud = p.Opener(), p.Port(), sim.PrinterBaud
		routes["/sim/receipts"] = p.Receipts()
		routes["/sim/receipts/"] = p.Receipts()
	case port == "none":
		return nil
	default:
		if open, err = printer.OpenerFor(port, baud); err != nil {
			return err
		}
		if !strings.HasPrefix(port, "/") && !strings.HasPrefix(port, "COM") && !strings.Contains(port, "tty") {
			baud = 0 // not a serial line
		}
	}
	c.printer = printer.New(printer.Config{ID: "printer0", Model: "ESC/POS receipt printer (" + prof.Name + ")", Port: port,
		Open: open, Profile: prof, Baud: baud, Fonts: c.fonts, Backoff: device.Backoff{Initial: time.Second, Max: 10 * time.Second},
		Log: c.log, Health: c.health}, func(e printer.Event) {
		c.printWaiters.event(e)
		c.api.PrinterEvent(e)
	})
	c.devices.Add(c.printer.Device())
	return nil
}

// provisionReader builds the ID card reader's service, real or simulated.
func (c *Core) provisionReader() error {
	cfg := c.cfg
	var open idcard.Opener
	model, port := "SAM_V serial reader", cfg.IDCard.Port
	backoff := device.Backoff{Initial: time.Second, Max: 5 * time.Second}
	switch {
	case cfg.Simulate:
		r, err := sim.NewReader()
		if err != nil {
			return err
		}
		c.simRead = r
		c.onCleanup(func() { r.Close() })
		open, model, port = r.Opener(), "SAM_V reader simulator", r.Port()
	case cfg.IDCard.Port == "none":
		c.log.Warn("no ID card reader configured (idcard.port = none)")
		return nil
	case cfg.IDCard.Port == "auto":
		// The search backs off by itself (probing writes to ports).
		open = idcard.Search(idcard.NewFinder(cfg.IDCard.ExcludePorts, cfg.StateDir, c.log))
		backoff = device.Backoff{Initial: time.Millisecond, Max: time.Millisecond}
	case cfg.IDCard.Port == "usb":
		open, model = idcard.USB, "SAM_V USB reader"
	default:
		open = idcard.Serial(cfg.IDCard.Port)
	}
	c.reader = idcard.New(idcard.Config{
		ID: "idcard0", Model: model, Port: port, Open: open, PollInterval: cfg.IDCard.PollInterval.Duration,
		Backoff: backoff, ReadFingerprints: cfg.IDCard.ReadFingerprints,
		Log: c.log, Health: c.health,
	}, func(e idcard.Event) {
		if e.Kind == idcard.CardRemoved && c.flow != nil {
			c.flow.CardRemoved()
		}
		c.api.ReaderEvent(e)
	})
	c.devices.Add(c.reader.Device())
	return nil
}

func (c *Core) onCleanup(f func()) { c.cleanups = append(c.cleanups, f) }

// cleanup undoes provisioning, last step first. It works after a failed
// New as after Run.
func (c *Core) cleanup() {
	for i := len(c.cleanups) - 1; i >= 0; i-- {
		c.cleanups[i]()
	}
	c.cleanups = nil
}

// Ready is closed once the agent listens.
func (c *Core) Ready() <-chan struct{} { return c.ready }

// Addr is the address the agent listens on (valid after Ready).
func (c *Core) Addr() net.Addr {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addr
}

// Healthy reports whether the agent's own loop is alive (for the service
// manager's watchdog): not whether devices work — restarting the agent
// does not plug a reader in.
func (c *Core) Healthy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Since(c.beat) < 10*time.Second
}

// Run serves until ctx ends, then shuts down. It returns an error when it
// cannot start (e.g. the address is in use). A Core runs once.
func (c *Core) Run(ctx context.Context) error {
	defer c.cleanup()
	ln, err := net.Listen("tcp", c.cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("server.listen %s: %w", c.cfg.Server.Listen, err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	srv := &http.Server{
		Handler:           c.web.Handler(port),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       c.cfg.Server.IdleTimeout.Duration,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(c.log.Handler(), slog.LevelDebug),
	}
	devCtx, stopDevices := context.WithCancel(context.Background())
	defer stopDevices()
	var wg sync.WaitGroup
	c.beat = time.Now()
	wg.Go(func() { c.api.Run(devCtx) })
	wg.Go(func() { c.heartbeat(devCtx) })
	if c.simRead != nil {
		wg.Go(func() {
			if err := c.simRead.Serve(devCtx); err != nil {
				c.log.Error("simulated reader stopped", "err", err)
			}
		})
	}
	if c.reader != nil {
		wg.Go(func() { c.reader.Run(devCtx) })
	}
	if c.simPrint != nil {
		wg.Go(func() {
			if err := c.simPrint.Serve(devCtx); err != nil {
				c.log.Error("virtual printer stopped", "err", err)
			}
		})
	}
	if c.printer != nil {
		wg.Go(func() { c.printer.Run(devCtx) })
	}
	wg.Go(func() { c.sigpad.Run(devCtx) })
	wg.Go(func() { c.runSender(devCtx) })
	wg.Go(func() { c.subs.ageLoop(devCtx) })
	c.mu.Lock()
	c.addr = ln.Addr()
	c.mu.Unlock()
	close(c.ready)
	if !c.cfg.ListenIsLoopback() {
		c.log.Warn("LISTENING BEYOND THIS MACHINE: other machines can reach the agent's API (server.allowRemote)", "addr", ln.Addr().String())
	}
	if c.cfg.Photo.Library == "" {
		c.log.Info("no photo decoder configured: cards carry the raw WLT photo and photo.png is null")
	}
	c.audit.Append(audit.Record{Event: audit.EventAgentStarted, Detail: map[string]string{"version": Version, "listen": ln.Addr().String()}})
	c.log.Info("kiosk agent listening", "addr", ln.Addr().String(), "ui", "http://"+ln.Addr().String()+"/", "simulate", c.cfg.Simulate)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	// Stop: refuse new clients, end the connected ones (their calls are
	// cancelled with them), then the devices. Bounded: a stop finishes
	// well inside the service manager's patience.
	shutCtx, done := context.WithTimeout(context.Background(), 2*time.Second)
	defer done()
	srv.Shutdown(shutCtx)
	c.rpc.CloseAll()
	c.flow.Close() // a session going on is wiped
	stopDevices()
	wg.Wait()
	c.audit.Append(audit.Record{Event: audit.EventAgentStopped})
	c.log.Info("kiosk agent stopped")
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// heartbeat marks the agent alive and drops connections whose pairing was
// removed, every two seconds.
func (c *Core) heartbeat(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.mu.Lock()
			c.beat = time.Now()
			c.mu.Unlock()
			c.web.Revalidate()
		}
	}
}

func serveBytes(ctype string, b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}
}
