package wacomstu

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// ReadSample returns the next pen sample: from a PenDataTimeCountSequence
// report (34) with the pad's time and sequence number, or from a PenData
// report (01) with the host's time of arrival. A 34 report with the same
// sequence number as the one before (delivered twice) is dropped; other
// input reports are skipped; both are counted (Stats). It waits until a sample comes, ctx ends
// (ctx's error), or the device fails (an error wrapping the transport's,
// matching transport.ErrDisconnected when the pad is gone). Pen data flows
// whenever the pen is near the pad, also before Start.
func (p *Pad) ReadSample(ctx context.Context) (sigpad.Sample, error) {
	p.readMu.Lock()
	defer p.readMu.Unlock()
	for {
		if err := ctx.Err(); err != nil {
			return sigpad.Sample{}, err
		}
		wait := p.cfg.PollPeriod
		if d, ok := ctx.Deadline(); ok {
			wait = min(wait, max(time.Until(d), time.Millisecond))
		}
		b, err := p.dev.ReadInput(wait)
		if errors.Is(err, hid.ErrTimeout) {
			continue
		}
		if err != nil {
			return sigpad.Sample{}, fmt.Errorf("wacomstu: read input: %w", err)
		}
		if s, ok := p.decode(b, p.cfg.Now()); ok {
			return s, nil
		}
	}
}

// decode turns an input report that arrived at host into a sample; ok is
// false for reports that are not pen data. Run with readMu held.
func (p *Pad) decode(b []byte, host time.Time) (s sigpad.Sample, ok bool) {
	p.reports.Add(1)
	if len(b) == 0 {
		p.malformed.Add(1)
		return s, false
	}
	if e := p.start.Load(); e != p.epoch {
		p.epoch = e
		p.clock.Reset()
		p.seq.Reset()
	}
	switch ReportID(b[0]) {
	case ReportPenDataTimeCountSequence:
		pd, err := DecodePenDataTimeCountSequence(b)
		if err != nil {
			p.malformed.Add(1)
			return s, false
		}
		n, fresh := p.seq.Observe(pd.Sequence)
		if !fresh {
			p.duplicates.Add(1)
			return s, false
		}
		if n > 0 {
			p.dropped.Add(uint64(n))
		}
		s = pd.Sample()
		s.Time, s.TimeFromPad = p.clock.Time(pd.TimeCount, host), true
		s.Seq, s.HasSeq = pd.Sequence, true
	case ReportPenData:
		pd, err := DecodePenData(b)
		if err != nil {
			p.malformed.Add(1)
			return s, false
		}
		s = pd.Sample()
		s.Time = host
	default:
		p.ignored.Add(1)
		return s, false
	}
	p.samples.Add(1)
	return s, true
}
