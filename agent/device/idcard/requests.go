package idcard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
)

// request is one Read waiting for the session.
type request struct {
	ctx         context.Context
	deadline    time.Time // zero: answer at once
	fingerprint bool
	reply       chan result
	// sawReplace: while it waited, the person was told to place the card
	// again; if it then times out, it says so.
	sawReplace bool
}

type result struct {
	card *samv.Card
	err  error
}

// maxBatch bounds how many queued requests one look at the reader answers.
const maxBatch = 256

// batch collects the requests queued behind req, so that one look at the
// reader answers them all: many clients asking at once cost the reader one
// exchange, not one each.
func (w *session) batch(req *request) []*request {
	b := []*request{req}
	for len(b) < maxBatch {
		select {
		case q := <-w.reqs:
			b = append(b, q)
		default:
			return b
		}
	}
	return b
}

// minRequestGap keeps clients that call idcard.read in a tight loop with
// no card on the reader from driving the reader faster than it can bear;
// within it, the last look stands.
const minRequestGap = 50 * time.Millisecond

// handle answers a batch of read requests with one look at the reader.
func (w *session) handle(ctx context.Context, batch []*request) {
	fingerprint, immediate := false, false
	for _, q := range batch {
		fingerprint = fingerprint || q.fingerprint
		immediate = immediate || q.deadline.IsZero()
	}
	prompts := w.prompts
	var lookErr error
	switch {
	case w.current != nil:
		// Always make sure: the card may have been swapped since the
		// last look, and handing out the previous person's card is the
		// one thing that must never happen.
		w.verifyCurrent(ctx, fingerprint)
	case time.Since(w.lastLook) >= minRequestGap:
		w.lastLook = time.Now()
		lookErr = w.readNew(ctx, w.wantFingerprints(fingerprint))
		if immediate && w.replace == replacePending && w.gone == nil {
			// Look once more before answering: the failure may belong
			// to a card swapped mid-read, which now reads fine.
			sleepCtx(ctx, min(w.s.cfg.PollInterval, MinPollInterval))
			w.lastLook = time.Now()
			lookErr = w.readNew(ctx, w.wantFingerprints(fingerprint))
		}
	}
	prompted := w.prompts != prompts
	for _, q := range batch {
		w.answerOne(ctx, q, lookErr, prompted)
	}
}

// answerOne answers req after a look whose error was lookErr, or makes it
// wait for a card.
func (w *session) answerOne(ctx context.Context, req *request, lookErr error, prompted bool) {
	switch {
	case req.ctx.Err() != nil:
		req.reply <- result{err: req.ctx.Err()}
	case w.gone != nil:
		req.reply <- result{err: w.s.errGone(w.gone)}
	case w.current != nil:
		w.answer(ctx, req)
	case !req.deadline.IsZero():
		req.sawReplace = w.replace == replacePrompted
		w.waiters = append(w.waiters, req)
	case prompted || w.replace != replaceNone:
		// A card is there (or just left half-read) and must be placed
		// again: say so, not "no card".
		req.reply <- result{err: fmt.Errorf("%w: %w", ErrReplace, lookErr)}
	case lookErr != nil && !errors.Is(lookErr, samv.ErrNoCard):
		req.reply <- result{err: fmt.Errorf("%w: %w", ErrReadFailed, lookErr)}
	default:
		req.reply <- result{err: ErrNoCard}
	}
}

// verifyCurrent makes sure the card believed to be on the reader still is,
// before it is handed out: a new placement is read, a departed card is
// dropped.
func (w *session) verifyCurrent(ctx context.Context, fingerprint bool) {
	err := w.readNew(ctx, w.wantFingerprints(fingerprint))
	switch {
	case err == nil:
	case errors.Is(err, samv.ErrNoCard):
		if w.probe(ctx) == gone {
			w.dropCurrent(true)
		}
	case needsReplace(err):
		// A card was found that could not be read: the one read before
		// may have been swapped for it. Never hand the old one out.
		st := w.replace
		w.dropCurrent(true)
		w.replace = st
	}
}

// answer gives req the current card, with its fingerprints when they were
// asked for.
func (w *session) answer(ctx context.Context, req *request) {
	if req.fingerprint {
		if err := w.withFingerprints(ctx); err != nil {
			req.reply <- result{err: err}
			return
		}
		if w.current == nil { // cannot happen: withFingerprints adopts a card on success
			req.reply <- result{err: ErrNoCard}
			return
		}
	}
	c := cloneCard(w.current)
	if !req.fingerprint {
		clear(c.Fingerprint)
		c.Fingerprint = nil
	}
	req.reply <- result{card: c}
}

func (w *session) answerWaiters(ctx context.Context) {
	for _, q := range w.waiters {
		if q.ctx.Err() == nil {
			w.answer(ctx, q)
		}
	}
	w.waiters = nil
}

func (w *session) expireWaiters() {
	now := time.Now()
	kept := w.waiters[:0]
	for _, q := range w.waiters {
		switch {
		case q.ctx.Err() != nil:
			// The caller went away; nobody reads the reply.
		case !now.Before(q.deadline):
			var err error = device.Errorf(w.s.cfg.ID, "read", device.ErrTimeout, "no card was placed in time")
			if q.sawReplace || w.replace != replaceNone {
				// A card that must be placed again lies there (or was
				// just lifted half-read): the caller must hear that.
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

func (w *session) failWaiters(err error) {
	for _, q := range w.waiters {
		q.reply <- result{err: err}
	}
	w.waiters = nil
}
