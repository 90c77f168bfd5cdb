package sigpad

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// Kind is the device kind of signature pads.
const Kind = "sigpad"

// Opener opens the pad and says where it is.
type Opener func(ctx context.Context) (sigpad.Pad, string, error)

// Config configures a Service.
type Config struct {
	ID, Model string // "sigpad0", "Wacom STU signature pad"
	Port      string // as configured, shown until opened
	// Open opens the pad; nil when there is none, and every capture is
	// on the screen.
	Open Opener
	// Fonts draw the prompt.
	Fonts textimage.Chain
	// Signer signs the evidence bundles; Agent names the agent in them.
	Signer evidence.Signer
	Agent  evidence.Agent
	// Backoff spaces attempts to open the pad.
	Backoff device.Backoff
	Log     *slog.Logger
	Health  *health.Registry
	// Now is the clock of capturedAt (default time.Now).
	Now func() time.Time
}

// Errors of a capture that are not device kinds (package device).
var (
	// ErrCancelled: the signer pressed 取消, or the client cancelled.
	ErrCancelled = errors.New("the signature was cancelled")
	// ErrEmptySignature: 签好了 with no ink.
	ErrEmptySignature = errors.New("confirmed with no signature written")
	// ErrNoCapture: a button, input or clear from a client with no
	// capture going on.
	ErrNoCapture = errors.New("no signature capture of this client is going on")
	// ErrBadInput: on-screen samples that are not samples.
	ErrBadInput = errors.New("bad on-screen samples")
)

// Service runs a signature pad (when there is one) and signature captures,
// on the pad or on a client's screen.
type Service struct {
	cfg Config
	sup *device.Supervisor // nil without a pad

	mu       sync.Mutex
	open     *session
	captures map[string]*capture // by owner
	overruns atomic.Uint64       // samples lost because a capture did not keep up
}

// New returns the service. Nothing is opened until Run.
func New(cfg Config) *Service {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ID == "" {
		cfg.ID = "sigpad0"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	supLog := cfg.Log
	cfg.Log = cfg.Log.With("device", cfg.ID)
	s := &Service{cfg: cfg, captures: map[string]*capture{}}
	if cfg.Open != nil {
		s.sup = device.NewSupervisor(device.Config{
			Info: device.Info{ID: cfg.ID, Kind: Kind, Model: cfg.Model}, Port: cfg.Port,
			Open: s.openSession, Backoff: cfg.Backoff, Log: supLog, Health: cfg.Health,
		})
	}
	return s
}

// Device returns the pad's supervisor, for the registry; nil without a
// pad.
func (s *Service) Device() *device.Supervisor { return s.sup }

// HasPad reports whether a pad is configured.
func (s *Service) HasPad() bool { return s.sup != nil }

// Run opens the pad and serves it until ctx ends; without a pad it waits
// for ctx.
func (s *Service) Run(ctx context.Context) error {
	if s.sup == nil {
		<-ctx.Done()
		return nil
	}
	return s.sup.Run(ctx)
}

// Overruns counts pen samples lost because a capture did not take them
// as fast as the pad sent them (zero unless the machine is overloaded).
func (s *Service) Overruns() uint64 { return s.overruns.Load() }

// Lost counts the pen reports the open pad's sequence numbers show were
// lost before the agent read them (the operating system's buffer
// overflowed: the machine was too busy); zero without a pad open or for a
// model without sequence numbers.
func (s *Service) Lost() uint64 {
	s.mu.Lock()
	w := s.open
	s.mu.Unlock()
	if w == nil {
		return 0
	}
	return dropped(w.pad)
}

func (s *Service) openSession(ctx context.Context) (device.Session, string, error) {
	pad, port, err := s.cfg.Open(ctx)
	if err != nil {
		return nil, port, err
	}
	return newSession(s, pad), port, nil
}

func (s *Service) setOpen(w *session) {
	s.mu.Lock()
	s.open = w
	s.mu.Unlock()
}

func (s *Service) session() *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// samplesBuffer is how many pen samples wait for a capture: 4 s at the
// STU's 200 reports a second, 2 s at a synthetic 2 kHz.
const samplesBuffer = 4096

// session is an open pad. Its goroutine (Serve) reads the pad all the
// time, capture or not: a pad that is unplugged is noticed at once, and
// pen reports made while nobody signs do not pile up in the system's
// buffer to surface at the start of the next capture.
type session struct {
	s    *Service
	pad  sigpad.Pad
	done chan struct{} // closed when Serve returns
	err  error         // why Serve returned; read after done

	mu   sync.Mutex
	sink chan sigpad.Sample // the capture's, while one runs

	closeOnce sync.Once
	closeErr  error
}

func newSession(s *Service, pad sigpad.Pad) *session {
	return &session{s: s, pad: pad, done: make(chan struct{})}
}

// Serve reads the pad until it fails (it returns why) or ctx ends (nil).
func (w *session) Serve(ctx context.Context, rep device.Reporter) error {
	defer close(w.done)
	// A screen left full by a program that crashed is cleared.
	if err := w.pad.Clear(ctx); err != nil && !errors.Is(err, sigpad.ErrUnsupported) {
		w.err = err
		return err
	}
	rep.Ready()
	w.s.setOpen(w)
	defer w.s.setOpen(nil)
	// Closing the pad ends a read in progress: the agent stops at once
	// rather than at the read's next poll.
	stop := context.AfterFunc(ctx, func() { w.Close() })
	defer stop()
	for {
		smp, err := w.pad.ReadSample(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.err = err
			return err
		}
		w.mu.Lock()
		sink := w.sink
		w.mu.Unlock()
		if sink == nil {
			continue
		}
		select {
		case sink <- smp:
		default:
			w.s.overruns.Add(1)
		}
	}
}

// attach sends the pad's samples to sink until detach.
func (w *session) attach(sink chan sigpad.Sample) {
	w.mu.Lock()
	w.sink = sink
	w.mu.Unlock()
}

func (w *session) detach() { w.attach(nil) }

// Close closes the pad (once).
func (w *session) Close() error {
	w.closeOnce.Do(func() { w.closeErr = w.pad.Close() })
	return w.closeErr
}

// cause is why the session ended, for a capture it ended.
func (w *session) cause() error {
	select {
	case <-w.done:
		if w.err != nil {
			return w.err
		}
	default:
	}
	return errors.New("the pad was closed")
}

// Press presses a button of owner's capture: "confirm", "retry" or
// "cancel", from the client's own screen.
func (s *Service) Press(owner, button string) error {
	switch button {
	case ButtonConfirm, ButtonRetry, ButtonCancel:
	default:
		return fmt.Errorf("%w: no button %q (confirm, retry, cancel)", ErrBadInput, button)
	}
	c := s.capture(owner)
	if c == nil {
		return ErrNoCapture
	}
	c.post(event{button: button})
	return nil
}

// Input hands on-screen samples to owner's capture: [t_ms, x, y,
// pressure 0–1000, sw] in a canvas of width×height pixels.
func (s *Service) Input(owner string, samples [][5]int64, width, height int64) error {
	c := s.capture(owner)
	if c == nil {
		return ErrNoCapture
	}
	if c.source != SourceScreen {
		return fmt.Errorf("%w: this capture is on the pad, not the screen", ErrBadInput)
	}
	if err := checkInput(samples, width, height); err != nil {
		return err
	}
	c.post(event{input: samples, width: width, height: height})
	return nil
}

// PadCapture describes the pad capture going on, for the simulator: the
// signer's name and where the prompt's buttons are on the pad's screen.
func (s *Service) PadCapture() (signer string, buttons map[string]image.Rectangle, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.captures {
		if c.source == SourcePad && c.prompt != nil {
			return c.req.Signer, maps.Clone(c.prompt.Buttons), true
		}
	}
	return "", nil, false
}

func (s *Service) capture(owner string) *capture {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.captures[owner]
}
