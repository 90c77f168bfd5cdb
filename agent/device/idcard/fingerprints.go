package idcard

import (
	"context"
	"errors"
	"fmt"
	"time"

	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
)

// Fingerprint policy: the templates are read with every card only when the
// configuration says so (ReadFingerprints); otherwise only for a caller
// that asks. Either way they live only in the current card, wiped when it
// leaves, and go only to callers that asked.

// wantFingerprints reports whether the next read should include the
// fingerprints.
func (w *session) wantFingerprints(asked bool) bool {
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

// withFingerprints makes sure the current card carries its fingerprints,
// reading them when they were not read with it. On failure the next card
// is read with them, and the error says to place the card again.
func (w *session) withFingerprints(ctx context.Context) error {
	if w.fpDone || !w.r.ReadsFingerprints() {
		return nil
	}
	card, err := w.readAgainWithFingerprints(ctx)
	w.note(err)
	switch {
	case err != nil:
		w.fpNext = true
		return fmt.Errorf("%w (the card was read without fingerprints; placed again, it is read with them): %w", ErrReplace, err)
	case sameCard(card, w.current):
		w.current.Fingerprint, w.fpDone = card.Fingerprint, true
		card.Fingerprint = nil // now the current card's
		card.Wipe()
	default: // another card was placed meanwhile
		w.dropCurrent(true)
		w.adopt(card, true)
	}
	return nil
}

// readAgainWithFingerprints reads the card in the field again, with its
// fingerprints. Some readers let a card that was read be selected again.
// Others refuse until it has left the field; for those the SAM is reset,
// which restarts the reader's RF side, and the card is found anew — as
// vendor SDKs do after SDT_ResetSAM.
func (w *session) readAgainWithFingerprints(ctx context.Context) (*samv.Card, error) {
	err := w.r.Select(ctx)
	if err == nil {
		return w.r.ReadSelected(ctx, samv.ReadOptions{Fingerprint: true, SkipAppendedAddress: true})
	}
	if !errors.Is(err, samv.ErrSelectFailed) {
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
	return w.r.ReadCard(ctx, samv.ReadOptions{Fingerprint: true})
}

// samRestart bounds the wait for the SAM after a reset.
const samRestart = 3 * time.Second
