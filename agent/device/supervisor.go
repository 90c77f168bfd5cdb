package device

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// State is a device's condition as clients see it.
type State string

// States, as the protocol names them.
const (
	Connected    State = "connected"    // open and working
	Disconnected State = "disconnected" // not open: not found, unplugged
	Busy         State = "busy"         // held by another program
	Faulty       State = "error"        // open but not working (not answering, security module fault)
)

// Info names a device.
type Info struct {
	ID    string // "idcard0"
	Kind  string // "idcard", "printer", "sigpad"
	Model string // "SAM_V serial reader"
}

// Status is a device's current condition.
type Status struct {
	Info
	State  State
	Port   string       // where it is (or is looked for)
	Health health.Check // the same condition as data
}

// Session is an open device. Serve drives it until it fails, returning the
// error that ended it, or until ctx ends, returning nil. Serve reports the
// device's condition through r: Ready once it works, Problem when it stops
// working without going away. Close releases the port; it is called once,
// after Serve returns.
type Session interface {
	Serve(ctx context.Context, r Reporter) error
	Close() error
}

// Opener opens the device. It returns the session and where the device
// was found (a port path), or an error (with the port looked at, if any).
type Opener func(ctx context.Context) (s Session, port string, err error)

// Reporter is how a session tells its supervisor about the device.
type Reporter interface {
	// Ready: the device works.
	Ready()
	// Problem: the device is open but not working; code is a stable
	// health code such as "not_answering" or "sam_fault".
	Problem(code, message string)
	// Warning: the device works, with something someone should see to
	// soon (a printer's paper near its end).
	Warning(code, message string)
}

// Backoff spaces reopen attempts: Initial after the first failure,
// doubling up to Max. Zero fields take 1 s and 30 s.
type Backoff struct {
	Initial, Max time.Duration
}

func (b Backoff) delay(failures int) time.Duration {
	if b.Initial <= 0 {
		b.Initial = time.Second
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	d := b.Initial
	for i := 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Config configures a Supervisor.
type Config struct {
	Info
	// Port is the port as configured ("auto", "/dev/ttyUSB0"), shown until
	// Open names where the device is.
	Port    string
	Open    Opener
	Backoff Backoff
	Log     *slog.Logger
	// Health receives the device's condition under its ID; may be nil.
	Health *health.Registry
}

// Supervisor runs one device: open, serve, reopen with back-off.
type Supervisor struct {
	cfg      Config
	onChange func(Status) // set by the Registry before Run

	mu      sync.Mutex
	status  Status
	ever    bool  // has been open and ready once
	cause   error // why the device is not open
	session Session
	holder  string
	held    chan struct{} // closed when the current hold ends
}

// NewSupervisor returns a supervisor for the device cfg describes. Nothing
// is opened until Run.
func NewSupervisor(cfg Config) *Supervisor {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Supervisor{cfg: cfg}
	s.status = Status{Info: cfg.Info, State: Disconnected, Port: cfg.Port,
		Health: health.Check{Component: cfg.ID, Code: "not_open", Severity: health.Error, Since: time.Now().UTC(), Message: "not opened yet"}}
	if cfg.Health != nil {
		cfg.Health.Set(cfg.ID, "not_open", health.Error, "not opened yet")
	}
	return s
}

// Info returns the device's names.
func (s *Supervisor) Info() Info { return s.cfg.Info }

// Status returns the device's current condition.
func (s *Supervisor) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Session returns the open session, or nil while the device is not open.
func (s *Supervisor) Session() Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session
}

// Unavailable returns the error for a call made while the device is not
// open: busy when another program holds it, disconnected when it was once
// there, not found otherwise; it wraps the reason the last open failed.
func (s *Supervisor) Unavailable(op string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind := ErrNotFound
	switch {
	case s.status.State == Busy:
		kind = ErrBusy
	case s.ever:
		kind = ErrDisconnected
	}
	return &Error{Device: s.cfg.ID, Op: op, Kind: kind, Err: s.cause}
}

// Run opens the device and serves it until ctx ends, opening it again
// whenever it fails, with back-off while it cannot be opened. It returns
// nil when ctx ends.
func (s *Supervisor) Run(ctx context.Context) error {
	failures := 0
	for ctx.Err() == nil {
		sess, port, err := s.cfg.Open(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			s.down(port, err)
			sleep(ctx, s.cfg.Backoff.delay(failures))
			continue
		}
		failures = 0
		s.mu.Lock()
		s.session, s.cause = sess, nil
		s.status.Port = port
		s.mu.Unlock()
		err = sess.Serve(ctx, reporter{s, port})
		sess.Close()
		s.mu.Lock()
		s.session = nil
		s.mu.Unlock()
		if ctx.Err() != nil {
			break
		}
		if err == nil {
			err = errors.New("the device session ended")
		}
		s.cfg.Log.Warn("device lost", "device", s.cfg.ID, "port", port, "err", err)
		s.down(port, err)
	}
	return nil
}

// down records that the device is not open, and why.
func (s *Supervisor) down(port string, err error) {
	state, code := Disconnected, "disconnected"
	switch {
	case errors.Is(err, transport.ErrBusy):
		state, code = Busy, "busy"
	case errors.Is(err, ErrNotFound):
		code = "not_found"
	}
	s.mu.Lock()
	s.cause = err
	if !s.ever && code == "disconnected" {
		code = "not_found"
	}
	s.mu.Unlock()
	if port == "" {
		port = s.cfg.Port
	}
	s.set(state, port, code, health.Error, err.Error())
}

// set changes the status. Subscribers hear of it only when the state or
// the health code changed: a reopen that fails again the same way, with
// another error text or on another port, is not news.
func (s *Supervisor) set(state State, port, code string, sev health.Severity, msg string) {
	s.mu.Lock()
	old := s.status
	// The port alone is not news: while the device is down a search
	// names other ports, and a reconnection says where it is.
	changed := old.State != state || old.Health.Code != code
	s.status.State, s.status.Port = state, port
	s.status.Health.Message = msg
	if old.Health.Code != code || old.Health.Severity != sev {
		s.status.Health = health.Check{Component: s.cfg.ID, Code: code, Severity: sev, Since: time.Now().UTC(), Message: msg}
	}
	if state == Connected {
		s.ever = true
	}
	st := s.status
	notify := s.onChange
	s.mu.Unlock()
	if s.cfg.Health != nil {
		s.cfg.Health.Set(s.cfg.ID, code, sev, msg)
	}
	if changed {
		s.cfg.Log.Info("device status", "device", s.cfg.ID, "state", state, "code", code, "port", port, "message", msg)
		if notify != nil {
			notify(st)
		}
	}
}

type reporter struct {
	s    *Supervisor
	port string
}

func (r reporter) Ready() { r.s.set(Connected, r.port, health.CodeOK, health.OK, "") }

func (r reporter) Problem(code, message string) { r.s.set(Faulty, r.port, code, health.Error, message) }

func (r reporter) Warning(code, message string) {
	r.s.set(Connected, r.port, code, health.Warning, message)
}

// Acquire gives owner the device exclusively until release is called or
// ctx ends, whichever comes first. While it is held, Acquire by anyone
// fails at once with an *Error of kind ErrBusy naming the holder.
func (s *Supervisor) Acquire(ctx context.Context, owner string) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held != nil {
		return nil, Errorf(s.cfg.ID, "acquire", ErrBusy, "held by %s", s.holder)
	}
	held := make(chan struct{})
	s.holder, s.held = owner, held
	var once sync.Once
	let := func() {
		once.Do(func() {
			s.mu.Lock()
			if s.held == held {
				s.holder, s.held = "", nil
			}
			s.mu.Unlock()
			close(held)
		})
	}
	stop := context.AfterFunc(ctx, let)
	return func() { stop(); let() }, nil
}

// Holder returns who holds the device exclusively, or "".
func (s *Supervisor) Holder() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.holder
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
