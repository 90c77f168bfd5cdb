package hanvon

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// Config tunes a Pad. Zero fields take the defaults.
type Config struct {
	// ReplyTimeout bounds the wait for the handshake and for each
	// acknowledgement (default 1 s).
	ReplyTimeout time.Duration
	// PollPeriod bounds one wait for an input report, i.e. how soon
	// ReadSample notices its context ending (default 50 ms).
	PollPeriod time.Duration
	// Now is the host clock (default time.Now); tests replace it.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.ReplyTimeout <= 0 {
		c.ReplyTimeout = time.Second
	}
	if c.PollPeriod <= 0 {
		c.PollPeriod = 50 * time.Millisecond
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// ReplyError says the pad did not answer a command as the single source
// says it does. It matches sigpad.ErrNotReady.
type ReplyError struct {
	Command Command
	Want    EventType // EventHandshake or EventAck
}

// Error names the command and the missing reply.
func (e *ReplyError) Error() string {
	return fmt.Sprintf("hanvon: no %v after the %v command", e.Want, e.Command)
}

// Is matches sigpad.ErrNotReady.
func (e *ReplyError) Is(target error) bool { return target == sigpad.ErrNotReady }

// Stats counts the input reports a Pad has seen.
type Stats struct {
	Reports   uint64 // input reports read
	Samples   uint64 // pen and key samples returned
	Replies   uint64 // handshakes and acknowledgements
	Unknown   uint64 // reports no pattern matched
	Malformed uint64 // reports too short or of another ID
}

// Pad is a Hanvon ESP370U on an open hid.Device. It implements sigpad.Pad.
// Commands are serialised; one ReadSample may run concurrently with them:
// a command holds the input stream while it waits for its reply, keeping
// the pen and key events it meets for ReadSample, and replies ReadSample
// meets are swallowed.
type Pad struct {
	dev       hid.Device
	cfg       Config
	handshake [7]byte

	mu      sync.Mutex      // serialises commands
	readMu  sync.Mutex      // one reader of the input stream at a time; guards pending
	pending []sigpad.Sample // samples a command read while awaiting its reply

	reports, samples, replies, unknown, malformed atomic.Uint64
}

var _ sigpad.Pad = (*Pad)(nil)

// New greets the pad on dev (init, and its handshake reply) and returns it
// ready for Start. A device that does not answer is a *ReplyError. It does
// not close dev on failure.
func New(ctx context.Context, dev hid.Device, cfg Config) (*Pad, error) {
	p := &Pad{dev: dev, cfg: cfg.withDefaults()}
	e, err := p.command(ctx, CmdInit, EventHandshake)
	if err != nil {
		return nil, err
	}
	p.handshake = e.Raw
	return p, nil
}

// Handshake is the pad's reply to init (88 00 74 00 14 65 00 in the
// source); what its bytes after 88 00 mean is not known.
func (p *Pad) Handshake() [7]byte { return p.handshake }

// Info identifies the pad: the ESP370U gives no firmware or serial number
// that is known.
func (p *Pad) Info() sigpad.Info {
	return sigpad.Info{Vendor: "Hanvon", Model: "ESP370U", VendorID: VendorID, ProductID: ProductID}
}

// Capabilities are the source's figures (unverified, see the package
// comment): tablet 0x1800 × 0x2000, pressure 0x400, 240×120 mono LCD, 150
// reports/s, 0.01 mm per unit; no image encodings, no pad clock.
func (p *Pad) Capabilities() sigpad.Capabilities {
	return sigpad.Capabilities{
		TabletMaxX: 0x1800, TabletMaxY: 0x2000, MaxPressure: 0x400,
		ScreenWidth: 240, ScreenHeight: 120, ReportRate: 150, Resolution: 2540, ColorDepth: 1,
	}
}

// Start opens a signature (open, acknowledged). If open is not
// acknowledged, it greets the pad again (init) and retries once. The pad
// has no handwriting area, ink or threshold setting that is known: any of
// them in o is sigpad.ErrUnsupported. NoInking is ignored (the pad inks as
// it does).
func (p *Pad) Start(ctx context.Context, o sigpad.Options) error {
	if !o.Area.Empty() || o.Ink != nil || o.Threshold != nil {
		return fmt.Errorf("hanvon: area, ink and threshold cannot be set on the ESP370U: %w", sigpad.ErrUnsupported)
	}
	_, err := p.command(ctx, CmdOpen, EventAck)
	var re *ReplyError
	if !errors.As(err, &re) {
		return err
	}
	if _, err := p.command(ctx, CmdInit, EventHandshake); err != nil {
		return err
	}
	_, err = p.command(ctx, CmdOpen, EventAck)
	return err
}

// ShowImage is not supported: the spec describes no image upload.
func (p *Pad) ShowImage(ctx context.Context, img image.Image) error {
	return fmt.Errorf("hanvon: images on the ESP370U: %w", sigpad.ErrUnsupported)
}

// Clear clears the signature on the pad (resign, acknowledged).
func (p *Pad) Clear(ctx context.Context) error {
	_, err := p.command(ctx, CmdResign, EventAck)
	return err
}

// Stop ends the signature (close, acknowledged).
func (p *Pad) Stop(ctx context.Context) error {
	_, err := p.command(ctx, CmdClose, EventAck)
	return err
}

// Close closes the device.
func (p *Pad) Close() error {
	if err := p.dev.Close(); err != nil {
		return fmt.Errorf("hanvon: close: %w", err)
	}
	return nil
}

// Stats returns the input counters.
func (p *Pad) Stats() Stats {
	return Stats{Reports: p.reports.Load(), Samples: p.samples.Load(), Replies: p.replies.Load(),
		Unknown: p.unknown.Load(), Malformed: p.malformed.Load()}
}

// maxPending bounds the samples kept while a command waits: a second of
// reports at 150/s, and more would mean nobody reads them.
const maxPending = 256

// command sends c and waits for its reply: the handshake, or the
// acknowledgement of c. Pen and key events that arrive meanwhile are kept
// for ReadSample (a key pressed while the pad clears must not be lost).
func (p *Pad) command(ctx context.Context, c Command, want EventType) (Event, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readMu.Lock()
	defer p.readMu.Unlock()
	if err := p.dev.SetFeature(c.Encode()); err != nil {
		return Event{}, fmt.Errorf("hanvon: send %v: %w", c, err)
	}
	deadline := time.Now().Add(p.cfg.ReplyTimeout)
	for {
		if err := ctx.Err(); err != nil {
			return Event{}, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return Event{}, &ReplyError{Command: c, Want: want}
		}
		b, err := p.dev.ReadInput(min(left, p.cfg.PollPeriod))
		if errors.Is(err, hid.ErrTimeout) {
			continue
		}
		if err != nil {
			return Event{}, fmt.Errorf("hanvon: await reply to %v: %w", c, err)
		}
		e, ok := p.count(b)
		if ok && e.Type == want && (want != EventAck || e.Acked == c) {
			return e, nil
		}
		if s, ok := p.sample(e, ok, p.cfg.Now()); ok && len(p.pending) < maxPending {
			p.pending = append(p.pending, s)
		}
	}
}

// count decodes b and counts it.
func (p *Pad) count(b []byte) (Event, bool) {
	p.reports.Add(1)
	e, err := Decode(b)
	switch {
	case err != nil:
		p.malformed.Add(1)
		return e, false
	case e.Type == EventHandshake || e.Type == EventAck:
		p.replies.Add(1)
	case e.Type == EventUnknown:
		p.unknown.Add(1)
	}
	return e, true
}

// ReadSample returns the next pen or key sample, timed by the host's
// clock on arrival (the pad has no clock of its own that is known). It
// waits until one comes, ctx ends, or the device fails (matching
// transport.ErrDisconnected when the pad is gone).
func (p *Pad) ReadSample(ctx context.Context) (sigpad.Sample, error) {
	for {
		if err := ctx.Err(); err != nil {
			return sigpad.Sample{}, err
		}
		wait := p.cfg.PollPeriod
		if d, ok := ctx.Deadline(); ok {
			wait = min(wait, max(time.Until(d), time.Millisecond))
		}
		p.readMu.Lock()
		if len(p.pending) > 0 {
			s := p.pending[0]
			p.pending = p.pending[1:]
			p.readMu.Unlock()
			return s, nil
		}
		b, err := p.dev.ReadInput(wait)
		p.readMu.Unlock()
		if errors.Is(err, hid.ErrTimeout) {
			continue
		}
		if err != nil {
			return sigpad.Sample{}, fmt.Errorf("hanvon: read input: %w", err)
		}
		if s, ok := p.decode(b, p.cfg.Now()); ok {
			return s, nil
		}
	}
}

// decode turns a report that arrived at host into a sample.
func (p *Pad) decode(b []byte, host time.Time) (sigpad.Sample, bool) {
	e, ok := p.count(b)
	return p.sample(e, ok, host)
}

// sample turns a decoded event (ok: it decoded) into a sample.
func (p *Pad) sample(e Event, ok bool, host time.Time) (sigpad.Sample, bool) {
	if !ok {
		return sigpad.Sample{}, false
	}
	s, ok := e.Sample()
	if !ok {
		return s, false
	}
	s.Time = host
	p.samples.Add(1)
	return s, true
}
