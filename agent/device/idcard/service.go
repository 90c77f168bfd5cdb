package idcard

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/health"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
)

// MinPollInterval is the fastest a reader may be polled: vendors ask for
// at least 300 ms between find commands or reads start failing
// (idcard-protocol.md §3.4).
const MinPollInterval = 300 * time.Millisecond

// Kind is the device kind of ID card readers.
const Kind = "idcard"

// Config configures a Service.
type Config struct {
	ID    string // device id shown to clients, e.g. "idcard0"
	Model string // e.g. "SAM_V serial reader"
	Port  string // the port as configured, shown until Open names it
	Open  Opener
	// PollInterval is how often the session looks for a card or checks
	// that it is still there (default 500 ms). Real readers need at least
	// MinPollInterval; the configuration enforces that, tests may go
	// faster.
	PollInterval time.Duration
	// Backoff spaces attempts to open the port (default 1 s doubling to
	// 30 s; an Opener that searches may back off on its own too).
	Backoff device.Backoff
	// ReadFingerprints reads the fingerprint templates (30 10) with every
	// card, so that a request for them never needs the card placed again.
	// They are kept in memory only while the card is on the reader and
	// given only to callers that ask. Off, they are read on request.
	ReadFingerprints bool
	Reader           samv.Options
	Log              *slog.Logger
	Health           *health.Registry
}

// EventKind tells events apart.
type EventKind int

// Events the service emits.
const (
	CardInserted EventKind = iota + 1 // Card holds the card; once per placement
	CardRemoved                       // the card left the reader
	CardError                         // the card must be placed again; Message says how
)

// Event is something clients should hear about. Card is a copy the
// receiver owns (and must wipe).
type Event struct {
	Kind    EventKind
	Card    *samv.Card
	Message string
}

// Service runs one reader.
type Service struct {
	cfg  Config
	emit func(Event)
	sup  *device.Supervisor

	mu   sync.Mutex
	open *session // the open reader, or nil
}

// New returns a service that reports events to emit (called from the
// reader's goroutine; it must not block).
func New(cfg Config, emit func(Event)) *Service {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 500 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ID == "" {
		cfg.ID = "idcard0"
	}
	supLog := cfg.Log // the supervisor names the device itself
	cfg.Log = cfg.Log.With("device", cfg.ID)
	s := &Service{cfg: cfg, emit: emit}
	s.sup = device.NewSupervisor(device.Config{
		Info: device.Info{ID: cfg.ID, Kind: Kind, Model: cfg.Model}, Port: cfg.Port,
		Open: s.openSession, Backoff: cfg.Backoff, Log: supLog, Health: cfg.Health,
	})
	return s
}

// Device returns the reader's supervisor (status, holds), for the registry.
func (s *Service) Device() *device.Supervisor { return s.sup }

// Run opens the reader and serves it until ctx ends, opening it again
// whenever it goes away. It returns nil when ctx ends.
func (s *Service) Run(ctx context.Context) error { return s.sup.Run(ctx) }

// ReadOptions says what a read waits for and returns.
type ReadOptions struct {
	// Timeout is how long to wait for a card to be placed; 0 answers at
	// once (the card on the reader now, or ErrNoCard).
	Timeout time.Duration
	// Fingerprint asks for the fingerprint templates.
	Fingerprint bool
}

// readGrace is how much longer than its timeout a read may take: one read
// of a card placed at the last moment, with one lost reply retried.
const readGrace = 5 * time.Second

// Read returns the card on the reader now or, with a timeout, the first
// card placed within it. A card that was read and is still on the reader
// is returned again (after checking that it still is). The caller owns the
// returned card and should Wipe it. Errors: ErrNoCard, ErrReplace,
// ErrReadFailed, or a *device.Error of kind ErrTimeout, ErrNotFound,
// ErrDisconnected or ErrBusy; or ctx's error.
func (s *Service) Read(ctx context.Context, o ReadOptions) (*samv.Card, error) {
	s.mu.Lock()
	sess := s.open
	s.mu.Unlock()
	if sess == nil {
		return nil, s.sup.Unavailable("read")
	}
	req := &request{ctx: ctx, fingerprint: o.Fingerprint, reply: make(chan result, 1)}
	if o.Timeout > 0 {
		req.deadline = time.Now().Add(o.Timeout)
	}
	// The caller's time is kept even when the reader is slow to answer
	// (retries on a bad line): a read that ends later is dropped.
	limit := time.NewTimer(o.Timeout + readGrace)
	defer limit.Stop()
	select {
	case sess.reqs <- req:
	case <-sess.done:
		return nil, s.sup.Unavailable("read")
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-limit.C:
		return nil, device.Errorf(s.cfg.ID, "read", device.ErrTimeout, "the reader is busy")
	}
	select {
	case res := <-req.reply:
		return res.card, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-limit.C:
		return nil, device.Errorf(s.cfg.ID, "read", device.ErrTimeout, "the reader did not answer in time")
	}
}

func (s *Service) setOpen(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open = sess
}

// errGone wraps why an open reader was lost.
func (s *Service) errGone(cause error) error {
	return &device.Error{Device: s.cfg.ID, Op: "read", Kind: device.ErrDisconnected, Err: cause}
}

func (s *Service) String() string { return fmt.Sprintf("%s (%s)", s.cfg.ID, s.cfg.Model) }
