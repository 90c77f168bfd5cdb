package wacomstu

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// The methods here run with p.mu held.

// readStatus reads Status and remembers it.
func (p *Pad) readStatus(ctx context.Context) (Status, error) {
	if err := ctx.Err(); err != nil {
		return Status{}, err
	}
	b, err := p.dev.GetFeature(byte(ReportStatus), sizeOf(ReportStatus))
	if err != nil {
		p.statusOK = false
		return Status{}, fmt.Errorf("wacomstu: get %v: %w", ReportStatus, err)
	}
	st, err := DecodeStatus(b)
	if err != nil {
		p.statusOK = false
		return Status{}, err
	}
	p.status, p.statusOK = st, true
	return st, nil
}

// waitToSend returns once the pad is in a state that accepts id in
// direction d: at once if the last Status read says so, else after
// polling Status up to StatusRetries more times.
func (p *Pad) waitToSend(ctx context.Context, id ReportID, d Direction) error {
	if p.statusOK && CanSend(p.status.Code, id, d) {
		return nil
	}
	for try := 0; ; try++ {
		st, err := p.readStatus(ctx)
		if err != nil {
			return err
		}
		if CanSend(st.Code, id, d) {
			return nil
		}
		if try >= p.cfg.StatusRetries {
			return &StateError{Report: id, Dir: d, Status: st.Code}
		}
		if err := sleep(ctx, p.cfg.StatusInterval); err != nil {
			return err
		}
	}
}

// checkResult reads Status after a report and fails when lastResultCode is
// not zero.
func (p *Pad) checkResult(ctx context.Context, id ReportID, d Direction) error {
	st, err := p.readStatus(ctx)
	if err != nil {
		return err
	}
	if st.LastResult != ResultNone {
		return &StateError{Report: id, Dir: d, Status: st.Code, Result: st.LastResult}
	}
	return nil
}

// set sends a feature report once the pad accepts it and checks the
// result. A report refused for the wrong state is sent once more after the
// pad is Ready: the pad may have moved on since the last Status (into
// Image while it clears), and a pad may accept a report in fewer states
// than the SDK's table says; Ready accepts every set.
func (p *Pad) set(ctx context.Context, report []byte) error {
	id := ReportID(report[0])
	if err := p.waitToSend(ctx, id, Set); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		if err := p.dev.SetFeature(report); err != nil {
			p.statusOK = false
			return fmt.Errorf("wacomstu: set %v: %w", id, err)
		}
		err := p.checkResult(ctx, id, Set)
		if se, ok := err.(*StateError); ok && se.Result == ResultWrongState && attempt == 0 {
			if err := p.waitReady(ctx, id); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

// get asks for a feature report once the pad accepts it, checks the reply
// and the result.
func (p *Pad) get(ctx context.Context, id ReportID) ([]byte, error) {
	if err := p.waitToSend(ctx, id, Get); err != nil {
		return nil, err
	}
	b, err := p.dev.GetFeature(byte(id), sizeOf(id))
	if err != nil {
		p.statusOK = false
		return nil, fmt.Errorf("wacomstu: get %v: %w", id, err)
	}
	if len(b) < sizeOf(id) || ReportID(b[0]) != id {
		return nil, badReport(id, b, sizeOf(id))
	}
	if err := p.checkResult(ctx, id, Get); err != nil {
		return nil, err
	}
	return b, nil
}

// setIfChanged writes an NVRAM-backed setting only when the pad holds a
// different value (spec §1.6: NVRAM wears). It reports whether it wrote.
func (p *Pad) setIfChanged(ctx context.Context, report []byte) (bool, error) {
	cur, err := p.get(ctx, ReportID(report[0]))
	if err != nil {
		return false, err
	}
	if bytes.Equal(cur[1:len(report)], report[1:]) {
		return false, nil
	}
	return true, p.set(ctx, report)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
