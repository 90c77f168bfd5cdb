package wacomstu

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// Config tunes a Pad. Zero fields take the defaults.
type Config struct {
	// ProductID is the pad's USB PID (from hid.Info), which picks its row
	// of the model table; 0 means: find the row by the model name in the
	// Information report.
	ProductID uint16
	// StatusRetries is how many more times Status is polled while the pad
	// is in a state that does not accept the next report (default 25, as
	// the SDK), StatusInterval the pause between polls (default 50 ms).
	StatusRetries  int
	StatusInterval time.Duration
	// PollPeriod bounds one wait for an input report, i.e. how soon
	// ReadSample notices its context ending (default 50 ms). A report is
	// returned as soon as it arrives either way.
	PollPeriod time.Duration
	// Now is the host clock (default time.Now); tests replace it.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.StatusRetries <= 0 {
		c.StatusRetries = 25
	}
	if c.StatusInterval <= 0 {
		c.StatusInterval = 50 * time.Millisecond
	}
	if c.PollPeriod <= 0 {
		c.PollPeriod = 50 * time.Millisecond
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Stats counts the input reports a Pad has seen.
type Stats struct {
	Reports    uint64 // input reports read
	Samples    uint64 // pen samples returned
	Ignored    uint64 // reports of other IDs (encrypted pen data, events)
	Malformed  uint64 // pen reports too short to decode
	Duplicates uint64 // pen reports delivered twice (same sequence number)
	Dropped    uint64 // pen reports missing by their sequence numbers
}

// Pad is a Wacom STU pad on an open hid.Device. It implements sigpad.Pad
// and sigpad.DropCounter. Commands (feature reports) are serialised; one
// ReadSample may run concurrently with them.
type Pad struct {
	dev   hid.Device
	cfg   Config
	model Model
	info  sigpad.Info
	caps  sigpad.Capabilities
	raw   Capability
	inf   Information

	mu       sync.Mutex // serialises feature reports; guards the fields below
	status   Status     // the last Status read
	statusOK bool       // status is fresh enough to decide on
	noZlib   bool       // the pad refused a zlib image once

	readMu sync.Mutex // one ReadSample at a time; guards clock and seq
	clock  Clock
	seq    Sequence
	epoch  uint64        // the session the clock belongs to
	start  atomic.Uint64 // bumped by Start: the clock starts anew

	reports, samples, ignored, malformed, duplicates, dropped atomic.Uint64
}

var _ sigpad.Pad = (*Pad)(nil)
var _ sigpad.DropCounter = (*Pad)(nil)

// New identifies the pad on dev and returns it ready for Start. It reads
// Status (ending an encrypted capture or an image upload a crashed program
// left open), Information, Capability, and where the model has them Uid2
// and Eserial. It does not close dev on failure.
func New(ctx context.Context, dev hid.Device, cfg Config) (*Pad, error) {
	p := &Pad{dev: dev, cfg: cfg.withDefaults()}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.recover(ctx); err != nil {
		return nil, err
	}
	b, err := p.get(ctx, ReportInformation)
	if err != nil {
		return nil, err
	}
	if p.inf, err = DecodeInformation(b); err != nil {
		return nil, err
	}
	if b, err = p.get(ctx, ReportCapability); err != nil {
		return nil, err
	}
	if p.raw, err = DecodeCapability(b); err != nil {
		return nil, err
	}
	p.model = pickModel(cfg.ProductID, p.inf.ModelName)
	p.info = sigpad.Info{
		Vendor:    "Wacom",
		Model:     p.inf.ModelName,
		VendorID:  VendorID,
		ProductID: p.model.ProductID,
		Firmware:  p.inf.Firmware(),
	}
	if cfg.ProductID != 0 {
		p.info.ProductID = cfg.ProductID
	}
	if p.info.Model == "" {
		p.info.Model = p.model.Name
	}
	if err := p.readIDs(ctx); err != nil {
		return nil, err
	}
	p.caps = capabilities(p.model, p.raw, p.info.ProductID)
	return p, nil
}

// pickModel finds the model table's row by PID, else by name, else the
// generic row.
func pickModel(pid uint16, name string) Model {
	if m, ok := ModelByPID(pid); ok {
		return m
	}
	if m, ok := ModelByName(name); ok {
		return m
	}
	m := genericModel
	m.ProductID = pid
	if name != "" {
		m.Name = name
	}
	return m
}

// recover ends what a previous owner left running: an encrypted capture
// (EndCapture) or an image upload (EndImageData abandon).
func (p *Pad) recover(ctx context.Context) error {
	st, err := p.readStatus(ctx)
	if err != nil {
		return err
	}
	switch st.Code {
	case StatusCapture:
		return p.set(ctx, EncodeEndCapture())
	case StatusImage:
		return p.set(ctx, EncodeEndImageData(false))
	}
	return nil
}

// readIDs reads Uid2 and Eserial where the model has them. A pad that
// refuses them is not an error; a device that is gone is.
func (p *Pad) readIDs(ctx context.Context) error {
	var err error
	if p.model.features&featUID2 != 0 {
		if p.info.UID2, err = p.readID(ctx, ReportUID2, DecodeUID2); err != nil {
			return err
		}
	}
	if p.model.features&featEserial != 0 {
		if p.info.ESerial, err = p.readID(ctx, ReportEserial, DecodeEserial); err != nil {
			return err
		}
	}
	p.info.Serial = p.info.ESerial
	if p.info.Serial == "" {
		p.info.Serial = p.info.UID2
	}
	return nil
}

// readID reads one ID report; only a fatal error is returned.
func (p *Pad) readID(ctx context.Context, id ReportID, decode func([]byte) (string, error)) (string, error) {
	b, err := p.get(ctx, id)
	if err != nil {
		if isFatal(err) {
			return "", err
		}
		return "", nil
	}
	s, _ := decode(b) // get checked the length and ID
	return s, nil
}

// isFatal reports whether err ends the conversation with the pad: the
// device is gone or closed, or the caller gave up. A pad that stalls a
// report it does not have, or refuses it, is not fatal.
func isFatal(err error) bool {
	return errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// capabilities merges the Capability report with the model table.
func capabilities(m Model, c Capability, pid uint16) sigpad.Capabilities {
	caps := sigpad.Capabilities{
		TabletMaxX:   int(c.TabletMaxX),
		TabletMaxY:   int(c.TabletMaxY),
		MaxPressure:  int(c.TabletMaxPressure),
		ScreenWidth:  int(c.ScreenWidth),
		ScreenHeight: int(c.ScreenHeight),
		ReportRate:   int(c.MaxReportRate),
		Resolution:   int(c.Resolution),
		PadClock:     m.features&featTimeCountSeq != 0,
	}
	if caps.ScreenWidth == 0 || caps.ScreenHeight == 0 {
		caps.ScreenWidth, caps.ScreenHeight = m.ScreenWidth, m.ScreenHeight
	}
	if caps.MaxPressure == 0 && m.PressureLevels > 0 {
		caps.MaxPressure = m.PressureLevels - 1
	}
	if caps.ReportRate == 0 {
		caps.ReportRate = 200 // fixed over USB HID (spec §1.5)
	}
	flag := FallbackEncodingFlag(pid, c.EncodingFlag)
	if flag&FlagMono != 0 {
		caps.Encodings |= sigpad.EncodingMono
		if flag&FlagZlib != 0 {
			caps.Encodings |= sigpad.EncodingMonoZlib
		}
	}
	if flag&Flag16bit != 0 {
		caps.Encodings |= sigpad.EncodingRGB565
	}
	if flag&Flag24bit != 0 {
		caps.Encodings |= sigpad.EncodingBGR24
	}
	switch {
	case flag&Flag24bit != 0:
		caps.ColorDepth = 24
	case flag&Flag16bit != 0:
		caps.ColorDepth = 16
	default:
		caps.ColorDepth = 1
	}
	return caps
}

// Info identifies the pad.
func (p *Pad) Info() sigpad.Info { return p.info }

// Capabilities are the pad's ranges and encodings.
func (p *Pad) Capabilities() sigpad.Capabilities { return p.caps }

// Model is the pad's row of the model table.
func (p *Pad) Model() Model { return p.model }

// Information is the pad's Information report as read by New.
func (p *Pad) Information() Information { return p.inf }

// Capability is the pad's Capability report as read by New.
func (p *Pad) Capability() Capability { return p.raw }

// Dropped is how many pen reports never arrived, by their sequence
// numbers, since New.
func (p *Pad) Dropped() uint64 { return p.dropped.Load() }

// Stats returns the input counters.
func (p *Pad) Stats() Stats {
	return Stats{
		Reports:    p.reports.Load(),
		Samples:    p.samples.Load(),
		Ignored:    p.ignored.Load(),
		Malformed:  p.malformed.Load(),
		Duplicates: p.duplicates.Load(),
		Dropped:    p.dropped.Load(),
	}
}

// Close closes the device. It does not switch inking off: call Stop first
// for a tidy pad.
func (p *Pad) Close() error {
	if err := p.dev.Close(); err != nil {
		return fmt.Errorf("wacomstu: close: %w", err)
	}
	return nil
}
