package idcard

import (
	"context"
	"errors"
	"fmt"

	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
)

// replaceState is where the session is in asking for a card to be placed
// again.
type replaceState int

const (
	replaceNone replaceState = iota
	// replacePending: a read failed with a card in the field. Nobody is
	// told yet: the failure may belong to a card swapped mid-read whose
	// successor reads fine at the next look (soaks found a quarter of the
	// prompts needless). The next look decides.
	replacePending
	// replacePrompted: the person was told to lift the card and place it
	// again; a removal or a good read ends it.
	replacePrompted
)

// Prompts shown when a card must be placed again.
const (
	msgReplace = "请将身份证拿起后重新放置 (the card could not be read; lift it and place it again)"
	msgTooSoon = "读卡未完成，请重新放置身份证并停留片刻 (the card left before it was read; place it again and hold it still)"
)

// errMidRead marks a read that failed after the card was found: a card is
// (or was) in the field.
var errMidRead = errors.New("the card was found but not read")

// poll is one look at the reader: is the card still there, or is there a
// new one?
func (w *session) poll(ctx context.Context) {
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

// readCard runs find, select and read as separate steps, so that a
// failure after the card was found can be told from "no card".
func (w *session) readCard(ctx context.Context, fingerprint bool) (*samv.Card, error) {
	if err := w.r.Find(ctx); err != nil {
		return nil, err
	}
	err := w.r.Select(ctx)
	if err == nil {
		var card *samv.Card
		card, err = w.r.ReadSelected(ctx, samv.ReadOptions{Fingerprint: fingerprint})
		if err == nil {
			return card, nil
		}
	}
	if isGone(err) || ctx.Err() != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %w", errMidRead, err)
}

// needsReplace reports whether err means a card is in the field (or just
// was) and could not be read.
func needsReplace(err error) bool {
	return samv.NeedsReplace(err) || errors.Is(err, samv.ErrBadReply) || errors.Is(err, errMidRead)
}

// readNew reads a newly placed card, if there is one, and updates the
// state. It returns the error of the read.
func (w *session) readNew(ctx context.Context, fingerprint bool) error {
	card, err := w.readCard(ctx, fingerprint)
	w.note(err)
	switch {
	case err == nil:
		w.replace = replaceNone
		if sameCard(w.current, card) {
			// The same card found again: a reader that does not keep the
			// read card out of find, or no probe. Not a new placement.
			if fingerprint && !w.fpDone {
				w.current.Fingerprint, w.fpDone = card.Fingerprint, true
				card.Fingerprint = nil // now the current card's
			}
			card.Wipe()
			return nil
		}
		w.dropCurrent(true)
		w.adopt(card, fingerprint)
		w.answerWaiters(ctx)
		if w.check == checkUnknown {
			w.calibrate(ctx)
		}
		return nil
	case errors.Is(err, samv.ErrNoCard):
		switch w.replace {
		case replacePrompted:
			if w.current == nil {
				// The card that could not be read has been lifted: the
				// person no longer needs to be told to place it again.
				w.replace = replaceNone
				w.s.emit(Event{Kind: CardRemoved})
			}
		case replacePending:
			// It left before it could be read: it must come back.
			w.replace = replaceNone
			w.prompt(msgTooSoon, err)
		}
		return err
	case needsReplace(err):
		switch w.replace {
		case replaceNone:
			w.replace = replacePending
			w.s.cfg.Log.Debug("card read failed; looking again before asking for it to be placed again", "err", err)
		case replacePending:
			w.replace = replacePrompted
			w.prompt(msgReplace, err)
		}
	}
	// Other failures (the reader not answering, gone) are reflected in
	// the reader's status by note.
	return err
}

// prompt tells the person to place the card again, once.
func (w *session) prompt(msg string, cause error) {
	for _, q := range w.waiters {
		q.sawReplace = true
	}
	w.prompts++
	w.s.cfg.Log.Warn("asking for the card to be placed again", "err", cause)
	w.s.emit(Event{Kind: CardError, Message: msg})
}

// adopt makes card the one on the reader and tells clients.
func (w *session) adopt(card *samv.Card, fingerprint bool) {
	w.current = card
	w.fpDone = fingerprint
	if fingerprint {
		w.fpNext = false
	}
	w.s.cfg.Log.Info("ID card read", "type", card.Type, "id", idnumber.Mask(card.IDNumber), "port", w.name, "incomplete", card.Incomplete)
	w.s.emit(Event{Kind: CardInserted, Card: cloneCard(card)})
}

// dropCurrent forgets the card on the reader, wiping its data, and tells
// clients it left.
func (w *session) dropCurrent(announce bool) {
	if w.current == nil {
		return
	}
	w.current.Wipe()
	w.current = nil
	w.replace = replaceNone
	w.fpDone = false
	if announce {
		w.s.emit(Event{Kind: CardRemoved})
	}
}

// sameCard reports whether a and b are the same card read twice: the
// same text and photo. The appended address is left out, because a
// re-read (30 01 alone) does not include it.
func sameCard(a, b *samv.Card) bool {
	return a != nil && b != nil && a.Fields == b.Fields && string(a.Photo) == string(b.Photo)
}

func cloneCard(c *samv.Card) *samv.Card {
	cp := *c
	cp.Photo = append([]byte(nil), c.Photo...)
	if c.Fingerprint != nil {
		cp.Fingerprint = append([]byte(nil), c.Fingerprint...)
	}
	cp.Incomplete = append([]string(nil), c.Incomplete...)
	return &cp
}
