// Package idcardsvc runs one ID card reader for the agent: it opens the
// port (and opens it again after an unplug), watches for cards, tells the
// agent when a card arrives or leaves, and answers read requests. One
// goroutine owns the reader, so commands never interleave.
//
// Card presence follows the real reader life cycle: after a good read, find
// answers "no card" until the card has left, so the watcher checks that
// the card is still there with the cheap 30 03 probe and only then goes
// back to looking for a new card. A card left on the reader is not read
// again.
package idcardsvc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// MinPollInterval is the fastest the watcher may poll: vendors ask for at
// least 300 ms between find commands or reads start failing
// (idcard-protocol.md §3.4).
const MinPollInterval = 300 * time.Millisecond

// Opener opens the reader's port. It returns the port and a name for it to
// show (a device path). It is called again after the port fails.
type Opener func(ctx context.Context) (transport.Port, string, error)

// Config configures a Service.
type Config struct {
	ID    string // device id shown to clients, e.g. "idcard0"
	Model string // e.g. "SAM_V serial reader"
	Port  string // the port as configured, shown until Open names it
	Open  Opener
	// PollInterval is how often the watcher looks for a card or checks
	// that it is still there (default 500 ms). Real readers need at least
	// MinPollInterval; the agent enforces that, tests may go faster.
	PollInterval time.Duration
	// RetryInterval is how long to wait before opening the port again
	// after it failed (default 1 s).
	RetryInterval time.Duration
	// ReadFingerprints reads the fingerprint templates (30 10) with every
	// card, so that a request for them never needs the card placed again.
	// They are kept in memory only while the card is on the reader and
	// given only to callers that ask. Off, they are read on request.
	ReadFingerprints bool
	Reader           idcard.Options
	Log              *slog.Logger
}

// State is the reader's condition.
type State string

// Reader states, as the protocol names them.
const (
	Connected    State = "connected"
	Disconnected State = "disconnected"
	Busy         State = "busy"
	Error        State = "error"
)

// Status is what clients are shown about the reader.
type Status struct {
	State State
	Port  string
	Err   string
}

// EventKind tells events apart.
type EventKind int

// Events the service emits.
const (
	CardInserted  EventKind = iota + 1 // Card holds the card; emitted once per placement
	CardRemoved                        // the card left the reader
	CardError                          // a read failed: the card must be placed again
	StatusChanged                      // Status changed
)

// Event is something clients should hear about. Card is a copy the
// receiver owns.
type Event struct {
	Kind    EventKind
	Card    *idcard.Card
	Message string
	Status  Status
}

// Errors returned by Read. Clients see them as protocol reasons.
var (
	ErrNoCard       = errors.New("no card on the reader")
	ErrTimeout      = errors.New("no card was read in time")
	ErrNotFound     = errors.New("no ID card reader found")
	ErrDisconnected = errors.New("the ID card reader is disconnected")
	ErrBusy         = errors.New("the ID card reader is in use by another program")
	ErrReplace      = errors.New("the card could not be read; lift it and place it again")
	ErrReadFailed   = errors.New("the card could not be read")
)

// Service runs one reader.
type Service struct {
	cfg  Config
	emit func(Event)
	reqs chan *request

	mu     sync.Mutex
	status Status
	ever   bool // has been connected once
}

// New returns a service that reports events to emit (called from the
// service's goroutine; it must not block).
func New(cfg Config, emit func(Event)) *Service {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 500 * time.Millisecond
	}
	if cfg.RetryInterval <= 0 {
		cfg.RetryInterval = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ID == "" {
		cfg.ID = "idcard0"
	}
	return &Service{cfg: cfg, emit: emit, reqs: make(chan *request), status: Status{State: Disconnected, Port: cfg.Port}}
}

// ID returns the device id.
func (s *Service) ID() string { return s.cfg.ID }

// Model returns the reader model description.
func (s *Service) Model() string { return s.cfg.Model }

// Status returns the reader's current status.
func (s *Service) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *Service) setStatus(st Status) {
	s.mu.Lock()
	changed := s.status != st
	s.status = st
	if st.State == Connected {
		s.ever = true
	}
	s.mu.Unlock()
	if changed {
		s.cfg.Log.Info("ID card reader status", "state", st.State, "port", st.Port, "err", st.Err)
		s.emit(Event{Kind: StatusChanged, Status: st})
	}
}

// unavailable is the error for a request while the reader is not open.
func (s *Service) unavailable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.status.State == Busy:
		return ErrBusy
	case s.ever:
		return ErrDisconnected
	}
	return ErrNotFound
}

type request struct {
	ctx         context.Context
	deadline    time.Time // zero: answer at once
	fingerprint bool
	reply       chan result
	sawReplace  bool
}

type result struct {
	card *idcard.Card
	err  error
}

// Read returns the card on the reader now or, with timeout > 0, the first
// card placed within timeout. A card that was read and is still on the
// reader is returned again. The caller owns the returned card.
func (s *Service) Read(ctx context.Context, timeout time.Duration, fingerprint bool) (*idcard.Card, error) {
	req := &request{ctx: ctx, fingerprint: fingerprint, reply: make(chan result, 1)}
	if timeout > 0 {
		req.deadline = time.Now().Add(timeout)
	}
	// The caller's time is kept even when the reader is slow to answer
	// (retries on a bad line): a read that ends later is dropped.
	limit := time.NewTimer(timeout + readGrace)
	defer limit.Stop()
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-limit.C:
		return nil, fmt.Errorf("%w: the reader is busy", ErrTimeout)
	}
	select {
	case res := <-req.reply:
		return res.card, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-limit.C:
		return nil, fmt.Errorf("%w: the reader did not answer in time", ErrTimeout)
	}
}

// readGrace is how much longer than its timeout a read may take: one read
// of a card placed at the last moment, with one lost reply retried.
const readGrace = 5 * time.Second

// Run opens the reader and serves it until ctx ends, opening it again
// whenever it goes away. It returns nil when ctx ends.
func (s *Service) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		port, name, err := s.cfg.Open(ctx)
		if err != nil {
			st := Status{State: Disconnected, Port: name, Err: err.Error()}
			if errors.Is(err, transport.ErrBusy) {
				st.State = Busy
			}
			s.setStatus(st)
			s.idle(ctx, s.cfg.RetryInterval)
			continue
		}
		s.serve(ctx, port, name)
		port.Close()
		if ctx.Err() == nil {
			s.setStatus(Status{State: Disconnected, Port: name, Err: "reader disconnected"})
		}
	}
	return nil
}

// idle waits for d, failing any read request that arrives meanwhile.
func (s *Service) idle(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			return
		case req := <-s.reqs:
			req.reply <- result{err: s.unavailable()}
		}
	}
}

// watcher is the state of one open reader.
type watcher struct {
	s       *Service
	r       *idcard.Reader
	port    string
	current *idcard.Card
	// check is how this reader tells whether a card it has read is still
	// in the field; learnt after the first good read (calibrate).
	check presenceCheck
	// polls counts watcher polls, to space out costly presence checks.
	polls int
	// replaced is set after a failed read was reported, so that the
	// person is told once per placement.
	replaced bool
	waiters  []*request
	gone     error
	// fpDone: the current card was read with its fingerprints (it may
	// have none). fpNext: read the next card with them, because a caller
	// asked for them when the card was already read.
	fpDone, fpNext bool
	lastLook       time.Time // when a request last made the reader look
}

func (s *Service) serve(ctx context.Context, port transport.Port, name string) {
	w := &watcher{s: s, r: idcard.NewReader(port, s.cfg.Reader), port: name}
	w.checkSAM(ctx)
	defer func() {
		w.failWaiters(ErrDisconnected)
		w.dropCurrent(ctx.Err() == nil)
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	nextPoll := time.Now()
	for w.gone == nil {
		select {
		case <-ctx.Done():
			return
		case req := <-s.reqs:
			w.handle(ctx, req)
		case <-timer.C:
		}
		if now := time.Now(); !now.Before(nextPoll) {
			w.poll(ctx)
			nextPoll = now.Add(s.cfg.PollInterval)
		}
		w.expireWaiters()
		wake := time.Until(nextPoll)
		for _, q := range w.waiters {
			wake = min(wake, time.Until(q.deadline))
		}
		timer.Reset(max(wake, time.Millisecond))
	}
	s.cfg.Log.Warn("ID card reader lost", "port", name, "err", w.gone)
}

// checkSAM asks the security module for its status; a failed self-test
// gets one SAM reset, as vendors do.
func (w *watcher) checkSAM(ctx context.Context) {
	err := w.r.SAMStatus(ctx)
	if errors.Is(err, idcard.ErrSAMSelfTestFailed) {
		w.s.cfg.Log.Warn("SAM self-test failed; resetting it", "port", w.port)
		if err = w.r.ResetSAM(ctx); err == nil {
			sleepCtx(ctx, 2*time.Second)
			err = w.r.SAMStatus(ctx)
		}
	}
	w.note(err)
	if err != nil && !errors.Is(err, idcard.ErrUnknownCommand) {
		if w.gone == nil {
			w.s.setStatus(Status{State: Error, Port: w.port, Err: "SAM status: " + err.Error()})
		}
		return
	}
	w.s.setStatus(Status{State: Connected, Port: w.port})
	// Learn now whether fingerprints can be read at all, so that a caller
	// asking for them is never told to place a card again for nothing.
	if err := w.r.CheckFingerprints(ctx); isGone(err) {
		w.gone = err
	}
}

// note records what an exchange says about the reader itself: gone, not
// answering, or fine.
func (w *watcher) note(err error) {
	var se *idcard.StatusError
	switch {
	case isGone(err):
		w.gone = err
	case errors.Is(err, idcard.ErrTimeout):
		w.s.setStatus(Status{State: Error, Port: w.port, Err: "the reader does not answer"})
	case err == nil, errors.As(err, &se) && se.Status != idcard.StatusSAMSelfTestFailed && se.Status != idcard.StatusSAMUnauthorized:
		if st := w.s.Status(); st.State != Connected {
			w.s.setStatus(Status{State: Connected, Port: w.port})
		}
	}
}

func isGone(err error) bool {
	return errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed)
}

// presence is what the 30 03 probe says about the card read last.
type presence int

const (
	present presence = iota
	gone
	unsure // no clear answer: the line failed, or this reader cannot tell
)

// presenceCheck is a way to ask a reader whether the card it has read is
// still in the field. Readers differ (idcard-protocol.md §3.4): most answer
// the 30 03 probe; some only allow the card to be read again; some allow
// neither, and then only a new placement can be seen.
type presenceCheck int

const (
	checkUnknown presenceCheck = iota // not calibrated yet
	checkProbe                        // 30 03: 90/91 present, a failure gone
	checkReread                       // 30 01 again: the same card present, a failure gone
	checkNone                         // nothing works: the card is assumed present until a new one is found
)

// rereadEvery spaces re-reads (a whole 30 01) to one in four polls.
const rereadEvery = 4

// calibrate finds out, right after a good read, which presence check this
// reader answers truthfully. The card is almost surely still in the field,
// but a quick hand may already have lifted it, so an answer of "gone" is
// checked against a re-read before it is believed either way.
func (w *watcher) calibrate(ctx context.Context) {
	there, err := w.r.Probe(ctx)
	unsupported := errors.Is(err, idcard.ErrProbeUnsupported)
	switch {
	case err == nil && there:
		w.check = checkProbe
		return
	case err != nil && !unsupported:
		w.note(err)
		return // no clear answer; calibrate after the next read
	}
	card, err := w.r.Reread(ctx)
	defer card.Wipe()
	var se *idcard.StatusError
	switch {
	case err == nil && idcard.SameCard(card, w.current):
		w.check = checkReread // the probe is missing or says "gone" wrongly
	case err == nil:
		// Another card was read: the field changed under us. Decide later.
	case errors.As(err, &se) && unsupported:
		w.check = checkNone
		w.s.cfg.Log.Warn("this reader cannot tell when a card leaves (no 30 03 probe, no re-read); a card is taken to be there until another is placed")
	case errors.As(err, &se):
		// Probe and re-read agree: the card has gone already.
		w.dropCurrent(true)
	default:
		w.note(err)
	}
}

// probe asks the reader whether the card read last is still in the field.
// With a new card found by a re-read, it makes that the current card.
func (w *watcher) probe(ctx context.Context) presence {
	switch w.check {
	case checkProbe:
		there, err := w.r.Probe(ctx)
		switch {
		case err != nil:
			w.note(err)
			return unsure
		case there:
			w.note(nil)
			return present
		}
		return gone
	case checkReread:
		card, err := w.r.Reread(ctx)
		var se *idcard.StatusError
		switch {
		case err == nil && idcard.SameCard(card, w.current):
			card.Wipe()
			w.note(nil)
			return present
		case err == nil:
			w.dropCurrent(true)
			w.adopt(card, false)
			return present
		case errors.As(err, &se):
			w.note(err)
			return gone
		}
		w.note(err)
	}
	return unsure
}

// poll is one look at the reader: is the card still there, or is there a
// new one?
func (w *watcher) poll(ctx context.Context) {
	w.polls++
	if w.current != nil {
		switch {
		case w.check == checkProbe || w.check == checkReread && w.polls%rereadEvery == 0:
			switch w.probe(ctx) {
			case present, unsure:
				return
			case gone:
				w.dropCurrent(true)
			}
		case w.check == checkReread:
			return // re-read only every rereadEvery polls
		}
		// Without a presence check only a new placement can be seen.
	}
	w.readNew(ctx, w.wantFingerprints(false))
}

// wantFingerprints reports whether the next read should include the
// fingerprints.
func (w *watcher) wantFingerprints(asked bool) bool {
	if asked || w.s.cfg.ReadFingerprints || w.fpNext {
		return true
	}
	for _, q := range w.waiters {
		if q.fingerprint {
			return true
		}
	}
	return false
}

// readNew reads a newly placed card, if there is one, and updates the
// state. It returns the error of the read.
func (w *watcher) readNew(ctx context.Context, fingerprint bool) error {
	card, err := w.r.ReadCard(ctx, idcard.ReadOptions{Fingerprint: fingerprint})
	w.note(err)
	switch {
	case err == nil:
		w.replaced = false
		if idcard.SameCard(w.current, card) {
			// The same card found again: a reader that does not keep the
			// read card out of find, or no probe. Not a new placement.
			if fingerprint && !w.fpDone {
				w.current.Fingerprint, w.fpDone = card.Fingerprint, true
			}
			return nil
		}
		w.dropCurrent(true)
		w.adopt(card, fingerprint)
		w.answerWaiters(ctx)
		if w.check == checkUnknown {
			w.calibrate(ctx)
		}
		return nil
	case errors.Is(err, idcard.ErrNoCard):
		if w.replaced && w.current == nil {
			// The card that could not be read has been lifted: the
			// person no longer needs to be told to place it again.
			w.replaced = false
			w.s.emit(Event{Kind: CardRemoved})
		}
		return err
	case idcard.NeedsReplace(err), errors.Is(err, idcard.ErrBadReply):
		for _, q := range w.waiters {
			q.sawReplace = true
		}
		if !w.replaced {
			w.replaced = true
			w.s.cfg.Log.Warn("card read failed; asking for it to be placed again", "err", err)
			w.s.emit(Event{Kind: CardError, Message: "请将身份证拿起后重新放置 (the card could not be read; lift it and place it again)"})
		}
	}
	// Other failures (the reader not answering, gone) are reflected in
	// the reader's status by note.
	return err
}

// adopt makes card the one on the reader and tells clients.
func (w *watcher) adopt(card *idcard.Card, fingerprint bool) {
	w.current = card
	w.fpDone = fingerprint
	if fingerprint {
		w.fpNext = false
	}
	w.s.cfg.Log.Info("ID card read", "type", card.Type, "id", idnumber.Mask(card.IDNumber), "port", w.port)
	w.s.emit(Event{Kind: CardInserted, Card: cloneCard(card)})
}

// dropCurrent forgets the card on the reader, wiping its data, and tells
// clients it left.
func (w *watcher) dropCurrent(announce bool) {
	if w.current == nil {
		return
	}
	w.current.Wipe()
	w.current = nil
	w.replaced = false
	w.fpDone = false
	if announce {
		w.s.emit(Event{Kind: CardRemoved})
	}
}

// minRequestGap keeps a client that calls idcard.read in a tight loop with
// no card on the reader from driving the reader faster than it can bear;
// within it, the last look stands.
const minRequestGap = 50 * time.Millisecond

// handle answers a read request.
func (w *watcher) handle(ctx context.Context, req *request) {
	switch {
	case w.current != nil:
		// Always make sure: the card may have been swapped since the
		// last look, and handing out the previous person's card is the
		// one thing that must never happen.
		w.verifyCurrent(ctx, req.fingerprint)
	case time.Since(w.lastLook) >= minRequestGap:
		w.lastLook = time.Now()
		err := w.readNew(ctx, w.wantFingerprints(req.fingerprint))
		if err != nil && !errors.Is(err, idcard.ErrNoCard) && w.gone == nil && req.deadline.IsZero() {
			// A card is there (or the reader is not answering) but it
			// could not be read: say so rather than "no card".
			reason := ErrReadFailed
			if idcard.NeedsReplace(err) || errors.Is(err, idcard.ErrBadReply) {
				reason = ErrReplace
			}
			req.reply <- result{err: fmt.Errorf("%w: %v", reason, err)}
			return
		}
	}
	if w.gone != nil {
		req.reply <- result{err: ErrDisconnected}
		return
	}
	if w.current != nil {
		w.answer(ctx, req)
		return
	}
	if req.deadline.IsZero() {
		req.reply <- result{err: ErrNoCard}
		return
	}
	w.waiters = append(w.waiters, req)
}

// verifyCurrent makes sure the card believed to be on the reader still is,
// before it is handed out: a new placement is read, a departed card is
// dropped.
func (w *watcher) verifyCurrent(ctx context.Context, fingerprint bool) {
	err := w.readNew(ctx, w.wantFingerprints(fingerprint))
	if err == nil || !errors.Is(err, idcard.ErrNoCard) {
		return
	}
	if w.probe(ctx) == gone {
		w.dropCurrent(true)
	}
}

// answer gives req the current card, reading the fingerprints first when
// they were asked for and not read yet.
func (w *watcher) answer(ctx context.Context, req *request) {
	if req.fingerprint && !w.fpDone && w.r.ReadsFingerprints() {
		card, err := w.readAgainWithFingerprints(ctx)
		w.note(err)
		switch {
		case err != nil:
			w.fpNext = true
			req.reply <- result{err: fmt.Errorf("%w (the card was read without fingerprints; placed again, it is read with them): %v", ErrReplace, err)}
			return
		case idcard.SameCard(card, w.current) || card.Fields == w.current.Fields:
			w.current.Fingerprint, w.fpDone = card.Fingerprint, true
			card.Fingerprint = nil // now the current card's
			card.Wipe()
		default: // another card was placed meanwhile
			w.dropCurrent(true)
			w.adopt(card, true)
		}
	}
	req.reply <- result{card: cloneCard(w.current)}
}

// readAgainWithFingerprints reads the card in the field again, with its
// fingerprints. Some readers let a card that was read be selected again.
// Others refuse until it has left the field; for those the SAM is reset,
// which restarts the reader's RF side, and the card is found anew — as
// vendor SDKs do after SDT_ResetSAM.
func (w *watcher) readAgainWithFingerprints(ctx context.Context) (*idcard.Card, error) {
	err := w.r.Select(ctx)
	if err == nil {
		return w.r.ReadSelected(ctx, idcard.ReadOptions{Fingerprint: true, SkipAppendedAddress: true})
	}
	if !errors.Is(err, idcard.ErrSelectFailed) {
		return nil, err
	}
	if err := w.r.ResetSAM(ctx); err != nil {
		return nil, err
	}
	// Wait for the SAM to come back: vendors poll its status (up to 2 s).
	deadline := time.Now().Add(samRestart)
	for w.r.SAMStatus(ctx) != nil {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("the SAM did not come back within %v of a reset", samRestart)
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	return w.r.ReadCard(ctx, idcard.ReadOptions{Fingerprint: true})
}

// samRestart bounds the wait for the SAM after a reset.
const samRestart = 3 * time.Second

func (w *watcher) answerWaiters(ctx context.Context) {
	for _, q := range w.waiters {
		if q.ctx.Err() == nil {
			w.answer(ctx, q)
		}
	}
	w.waiters = nil
}

func (w *watcher) expireWaiters() {
	now := time.Now()
	kept := w.waiters[:0]
	for _, q := range w.waiters {
		switch {
		case q.ctx.Err() != nil:
			// The caller went away; nobody reads the reply.
		case !now.Before(q.deadline):
			err := ErrTimeout
			if q.sawReplace {
				err = ErrReplace
			}
			q.reply <- result{err: err}
		default:
			kept = append(kept, q)
		}
	}
	clear(w.waiters[len(kept):])
	w.waiters = kept
}

func (w *watcher) failWaiters(err error) {
	for _, q := range w.waiters {
		q.reply <- result{err: err}
	}
	w.waiters = nil
}

func cloneCard(c *idcard.Card) *idcard.Card {
	cp := *c
	cp.Photo = append([]byte(nil), c.Photo...)
	if c.Fingerprint != nil {
		cp.Fingerprint = append([]byte(nil), c.Fingerprint...)
	}
	return &cp
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
