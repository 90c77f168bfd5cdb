package idcard

import (
	"context"
	"errors"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// session is one open reader. Its goroutine (Serve) owns everything in it.
type session struct {
	s    *Service
	r    *samv.Reader
	port transport.Port
	name string
	reqs chan *request
	done chan struct{}
	rep  device.Reporter

	// current is the card on the reader, read; nil when none is.
	current *samv.Card
	// check is how this reader tells whether a card it has read is still
	// in the field; learnt after the first good read (calibrate).
	check presenceCheck
	// polls counts polls, to space out costly presence checks.
	polls int
	// replace is where we are in asking for a card to be placed again.
	replace replaceState
	waiters []*request
	gone    error
	// fpDone: the current card was read with its fingerprints (it may
	// have none). fpNext: read the next card with them, because a caller
	// asked for them when the card was already read.
	fpDone, fpNext bool
	lastLook       time.Time // when a request last made the reader look
	// silent counts exchanges in a row the reader did not answer; a few
	// make it "not answering" (one lost reply is a line fault, not news).
	silent  int
	problem bool // Problem reported, Ready not yet
	prompts int  // "place the card again" prompts so far
}

// silentLimit is how many unanswered exchanges in a row make the reader
// "not answering".
const silentLimit = 3

func newSession(s *Service, port transport.Port, name string) *session {
	return &session{s: s, r: samv.NewReader(port, s.cfg.Reader), port: port, name: name,
		reqs: make(chan *request), done: make(chan struct{})}
}

// Close closes the port.
func (w *session) Close() error { return w.port.Close() }

// Serve polls the reader and answers requests until the reader goes away
// (it returns why) or ctx ends (nil).
func (w *session) Serve(ctx context.Context, rep device.Reporter) error {
	w.rep = rep
	w.s.setOpen(w)
	defer func() {
		w.s.setOpen(nil)
		close(w.done)
		cause := w.gone
		if cause == nil {
			cause = ctx.Err()
		}
		w.failWaiters(w.s.errGone(cause))
		w.dropCurrent(ctx.Err() == nil)
	}()
	w.checkSAM(ctx)
	timer := time.NewTimer(0)
	defer timer.Stop()
	nextPoll := time.Now()
	for w.gone == nil {
		select {
		case <-ctx.Done():
			return nil
		case req := <-w.reqs:
			w.handle(ctx, w.batch(req))
		case <-timer.C:
		}
		if now := time.Now(); !now.Before(nextPoll) && w.gone == nil {
			w.poll(ctx)
			nextPoll = now.Add(w.s.cfg.PollInterval)
		}
		w.expireWaiters()
		wake := time.Until(nextPoll)
		for _, q := range w.waiters {
			wake = min(wake, time.Until(q.deadline))
		}
		timer.Reset(max(wake, time.Millisecond))
	}
	if ctx.Err() != nil {
		return nil
	}
	return w.gone
}

// checkSAM asks the security module for its status; a failed self-test
// gets one SAM reset, as vendors do.
func (w *session) checkSAM(ctx context.Context) {
	err := w.r.SAMStatus(ctx)
	if errors.Is(err, samv.ErrSAMSelfTestFailed) {
		w.s.cfg.Log.Warn("SAM self-test failed; resetting it", "port", w.name)
		if err = w.r.ResetSAM(ctx); err == nil {
			sleepCtx(ctx, 2*time.Second)
			err = w.r.SAMStatus(ctx)
		}
	}
	if isGone(err) {
		w.gone = err
		return
	}
	if err != nil && !errors.Is(err, samv.ErrUnknownCommand) {
		code := "sam_fault"
		if errors.Is(err, samv.ErrTimeout) {
			code = "not_answering"
		}
		w.problem = true
		w.rep.Problem(code, "SAM status: "+err.Error())
		return
	}
	w.rep.Ready()
	// Learn now whether fingerprints can be read at all, so that a caller
	// asking for them is never told to place a card again for nothing.
	if err := w.r.CheckFingerprints(ctx); isGone(err) {
		w.gone = err
	}
}

// note records what an exchange says about the reader itself: gone, not
// answering, or fine.
func (w *session) note(err error) {
	var se *samv.StatusError
	switch {
	case isGone(err):
		w.gone = err
	case errors.Is(err, samv.ErrTimeout):
		w.silent++
		if w.silent >= silentLimit && !w.problem {
			w.problem = true
			w.rep.Problem("not_answering", "the reader does not answer")
		}
	case err == nil, errors.As(err, &se) && se.Status != samv.StatusSAMSelfTestFailed && se.Status != samv.StatusSAMUnauthorized:
		w.silent = 0
		if w.problem {
			w.problem = false
			w.rep.Ready()
		}
	}
}

func isGone(err error) bool {
	return errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed)
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
