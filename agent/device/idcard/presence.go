package idcard

import (
	"context"
	"errors"

	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
)

// presence is what a presence check says about the card read last.
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
func (w *session) calibrate(ctx context.Context) {
	there, err := w.r.Probe(ctx)
	unsupported := errors.Is(err, samv.ErrProbeUnsupported)
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
	var se *samv.StatusError
	switch {
	case err == nil && sameCard(card, w.current):
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
func (w *session) probe(ctx context.Context) presence {
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
		var se *samv.StatusError
		switch {
		case err == nil && sameCard(card, w.current):
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
