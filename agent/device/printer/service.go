package printer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// Kind is the device kind of receipt printers.
const Kind = "printer"

// Opener opens the printer's port and names it.
type Opener func(ctx context.Context) (transport.Port, string, error)

// Config configures a Service.
type Config struct {
	ID, Model string // "printer0", "ESC/POS receipt printer"
	Port      string // as configured, shown until opened
	Open      Opener
	Profile   escpos.Profile
	// Baud is the line speed, for estimating how long a part takes to
	// reach the printer (0: fast, e.g. TCP or USB).
	Baud int
	// Fonts draw what the printer's own font cannot print.
	Fonts textimage.Chain
	// StatusTimeout bounds the answer to a real-time status request
	// (default 1 s: at 9600 baud a request may wait behind a part on the
	// line).
	StatusTimeout time.Duration
	// IdleStatus is how often an idle printer is asked for its condition,
	// so that paper running out shows before the next job (default 10 s).
	IdleStatus time.Duration
	// Backoff spaces attempts to open the port.
	Backoff device.Backoff
	Log     *slog.Logger
	Health  *health.Registry
}

// Errors of the service that are not device kinds (package device) or
// printer conditions (escpos.ErrPaperOut and friends).
var (
	ErrNoSuchJob = errors.New("no such job: it is done, or was never queued")
	ErrQueueFull = errors.New("the print queue is full")
)

// State is a job's state.
type State string

// Job states.
const (
	Queued   State = "queued"
	Printing State = "printing"
	Done     State = "done"
	Failed   State = "failed"
)

// Event is a change of a job, for printer.job.
type Event struct {
	JobID     string
	State     State
	Err       error // why it failed
	Resumable bool
	Copy      int // the copy printing or done, 1-based
	Copies    int
}

// Job is one receipt to print, maybe several copies.
type Job struct {
	ID     string
	Copies int
	job    *escpos.Job
	done   int // copies printed completely
	state  State
	err    error
	// resumable: it stopped before its end and may be printed again.
	resumable bool
	queuedAt  time.Time
}

// Service runs one printer.
type Service struct {
	cfg  Config
	emit func(Event)
	sup  *device.Supervisor

	// handoff orders a job's queued event before its printing one: Print
	// and Resume hold it from handing the job to the session until they
	// have emitted queued, and the session passes through it before it
	// emits printing.
	handoff sync.Mutex

	mu     sync.Mutex
	open   *session
	jobs   map[string]*Job
	order  []string // job ids, oldest first, for eviction
	nextID uint64
}

// queueLen bounds the jobs waiting for the printer.
const queueLen = 16

// keepJobs is how many finished jobs are remembered.
const keepJobs = 64

// New returns a service that reports job changes to emit (called from the
// printer's goroutine; it must not block).
func New(cfg Config, emit func(Event)) *Service {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ID == "" {
		cfg.ID = "printer0"
	}
	if cfg.StatusTimeout <= 0 {
		cfg.StatusTimeout = time.Second
	}
	if cfg.IdleStatus <= 0 {
		cfg.IdleStatus = 10 * time.Second
	}
	supLog := cfg.Log // the supervisor names the device itself
	cfg.Log = cfg.Log.With("device", cfg.ID)
	s := &Service{cfg: cfg, emit: emit, jobs: map[string]*Job{}}
	s.sup = device.NewSupervisor(device.Config{
		Info: device.Info{ID: cfg.ID, Kind: Kind, Model: cfg.Model}, Port: cfg.Port,
		Open: s.openSession, Backoff: cfg.Backoff, Log: supLog, Health: cfg.Health,
	})
	return s
}

// Device returns the printer's supervisor, for the registry.
func (s *Service) Device() *device.Supervisor { return s.sup }

// Profile returns the printer's profile.
func (s *Service) Profile() escpos.Profile { return s.cfg.Profile }

// Run opens the printer and serves it until ctx ends.
func (s *Service) Run(ctx context.Context) error { return s.sup.Run(ctx) }

// Layout lays r out for this printer (for printing and for previews).
func (s *Service) Layout(r escpos.Receipt) (*escpos.Job, error) {
	return escpos.Layout(r, s.cfg.Profile, s.cfg.Fonts)
}

// Print lays r out and queues it; job events follow. It fails at once when
// the receipt is invalid (an *escpos.ValidationError or ValidationErrors),
// the printer is not there, or the queue is full.
func (s *Service) Print(r escpos.Receipt, copies int) (string, error) {
	job, err := s.Layout(r)
	if err != nil {
		return "", err
	}
	if copies < 1 {
		copies = 1
	}
	s.mu.Lock()
	sess := s.open
	if sess == nil {
		s.mu.Unlock()
		return "", s.sup.Unavailable("print")
	}
	s.nextID++
	j := &Job{ID: "p" + strconv.FormatUint(s.nextID, 10) + "-" + strconv.FormatInt(time.Now().UnixMilli()%100000, 10),
		Copies: copies, job: job, state: Queued, queuedAt: time.Now()}
	s.remember(j)
	s.mu.Unlock()
	s.handoff.Lock()
	defer s.handoff.Unlock()
	select {
	case sess.queue <- j:
	default:
		s.mu.Lock()
		delete(s.jobs, j.ID)
		s.mu.Unlock()
		return "", device.Errorf(s.cfg.ID, "print", device.ErrBusy, "%v (%d jobs waiting)", ErrQueueFull, queueLen)
	}
	s.emit(Event{JobID: j.ID, State: Queued, Copies: copies})
	return j.ID, nil
}

// Resume queues a job that stopped before its end (paper out, cover open,
// the printer gone) again: the interrupted copy prints from its start,
// copies already printed are not printed again.
func (s *Service) Resume(id string) error {
	s.mu.Lock()
	j := s.jobs[id]
	sess := s.open
	switch {
	case j == nil || j.state != Failed || !j.resumable:
		s.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrNoSuchJob, id)
	case sess == nil:
		s.mu.Unlock()
		return s.sup.Unavailable("resume")
	}
	j.state, j.err, j.resumable = Queued, nil, false
	// Read before the job is queued: once it is, the session counts its
	// copies.
	queued := Event{JobID: j.ID, State: Queued, Copy: j.done + 1, Copies: j.Copies}
	s.mu.Unlock()
	s.handoff.Lock()
	defer s.handoff.Unlock()
	select {
	case sess.queue <- j:
	default:
		s.mu.Lock()
		j.state, j.resumable = Failed, true
		s.mu.Unlock()
		return device.Errorf(s.cfg.ID, "resume", device.ErrBusy, "%v", ErrQueueFull)
	}
	s.emit(queued)
	return nil
}

// Status asks the printer for its condition now.
func (s *Service) Status(ctx context.Context) (escpos.Status, error) {
	s.mu.Lock()
	sess := s.open
	s.mu.Unlock()
	if sess == nil {
		return escpos.Status{}, s.sup.Unavailable("status")
	}
	if s.cfg.Profile.Blind {
		return escpos.Status{}, nil
	}
	req := statusReq{reply: make(chan statusReply, 1)}
	select {
	case sess.statusReqs <- req:
	case <-sess.done:
		return escpos.Status{}, s.sup.Unavailable("status")
	case <-ctx.Done():
		return escpos.Status{}, ctx.Err()
	}
	select {
	case r := <-req.reply:
		return r.st, r.err
	case <-ctx.Done():
		return escpos.Status{}, ctx.Err()
	}
}

// remember keeps j, forgetting the oldest finished jobs beyond keepJobs.
// JobStatus is a job's state and, when it failed, why.
type JobStatus struct {
	State State
	Err   error
}

// Job returns a job's status; ok is false for a job the service does not
// keep (never queued, or long done).
func (s *Service) Job(id string) (st JobStatus, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		return JobStatus{}, false
	}
	return JobStatus{State: j.state, Err: j.err}, true
}

func (s *Service) remember(j *Job) {
	s.jobs[j.ID] = j
	s.order = append(s.order, j.ID)
	for len(s.order) > keepJobs {
		old := s.jobs[s.order[0]]
		if old != nil && (old.state == Queued || old.state == Printing || old.resumable) {
			break // never forget a job that is not finished
		}
		delete(s.jobs, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *Service) setOpen(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open = sess
}

func (s *Service) openSession(ctx context.Context) (device.Session, string, error) {
	port, name, err := s.cfg.Open(ctx)
	if err != nil {
		return nil, name, err
	}
	return newSession(s, port, name), name, nil
}

// finish records the end of a job's attempt and tells the clients.
func (s *Service) finish(j *Job, err error, resumable bool) {
	s.mu.Lock()
	j.err, j.resumable = err, resumable
	if err == nil {
		j.state = Done
	} else {
		j.state = Failed
	}
	ev := Event{JobID: j.ID, State: j.state, Err: err, Resumable: resumable, Copy: min(j.done+1, j.Copies), Copies: j.Copies}
	if err == nil {
		ev.Copy = j.Copies
	}
	s.mu.Unlock()
	if err != nil {
		s.cfg.Log.Warn("print job failed", "job", j.ID, "err", err, "resumable", resumable)
	} else {
		s.cfg.Log.Info("print job done", "job", j.ID, "copies", j.Copies)
	}
	s.emit(ev)
}
