package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/documents"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
	"github.com/kiosk-agent/kiosk-agent/agent/precheck"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// DemoDir is the embedded demo platform's directory in the state
// directory, and DemoFile its database there. The demo platform stands in
// for the government's: its database holds the fictional households, and
// what is submitted to it, in clear — as the real platform's does.
const (
	DemoDir  = "platform-demo"
	DemoFile = "platform-demo.db"
)

// Health components of the platform side.
const (
	componentPlatform = "platform"
	componentOutbox   = "outbox"
	componentDocs     = "documents"
)

// Health codes of the outbox (component "outbox") and the platform.
const (
	// CodeOutboxRefused: the platform refused items for good (a bad
	// application, a key used twice); they are kept and wait for an
	// operator.
	CodeOutboxRefused = "refused"
	// CodeOutboxFailing: items could not be delivered on their last try
	// (the platform or the network is down); they are tried again.
	CodeOutboxFailing = "failing"
	// CodeOutboxOld: the oldest undelivered item is older than
	// OutboxOldAfter.
	CodeOutboxOld = "old"
	// CodePlatformUnreachable: the platform did not answer the last
	// request (look-up, progress or delivery).
	CodePlatformUnreachable = "unreachable"
	// CodeDemoPlatform: the embedded demo platform is in use (no
	// platform.url): applications go to no government office.
	CodeDemoPlatform = "demo"
	// CodeNoFont: no font to make the documents' PDFs with; the flow
	// signs a plain-text rendering instead.
	CodeNoFont = "no_font"
)

// OutboxOldAfter is the age of the oldest undelivered item from which the
// outbox's health says "old".
const OutboxOldAfter = time.Hour

// Sender settings: a down platform is asked at most once a minute (and at
// once when the agent is told, by Kick), so a submission made while it
// was down goes out within a minute of its return.
const (
	senderMinBackoff = 500 * time.Millisecond
	senderMaxBackoff = time.Minute
)

// provisionPlatform builds the platform side: the pre-check's rules, the
// platform (the embedded demo or the HTTP client), the outbox and its
// sender's delivery, and the documents renderer.
func (c *Core) provisionPlatform() error {
	cfg := c.cfg
	if cfg.Precheck.Rules == "" {
		c.rules = precheck.Default()
	} else {
		r, err := precheck.Load(cfg.Precheck.Rules)
		if err != nil {
			return fmt.Errorf("precheck.rules: %w", err)
		}
		c.rules = r
	}
	var err error
	if c.contract, err = contract.Load(); err != nil {
		return fmt.Errorf("platform: %w", err)
	}

	if cfg.Platform.URL == "" {
		dir := filepath.Join(cfg.StateDir, DemoDir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("stateDir: the demo platform's directory: %w", err)
		}
		d, err := demo.Open(context.Background(), demo.Options{Path: filepath.Join(dir, DemoFile),
			Precheck: c.demoPrecheck, Logger: c.log.With("component", "platform-demo")})
		if err != nil {
			return fmt.Errorf("platform.url: the embedded demo platform: %w", err)
		}
		c.onCleanup(func() { d.Close() })
		c.platform, c.sendTo = d, d
		c.health.Set(componentPlatform, CodeDemoPlatform, health.OK, "the embedded demo platform (fictional households): set platform.url for a real one")
		if !cfg.Simulate {
			c.log.Warn("using the embedded DEMO platform: applications reach no government office; set platform.url (--platform) for the real one")
		}
	} else {
		opts := platform.HTTPOptions{BaseURL: cfg.Platform.URL, CAFile: cfg.Platform.CA, CertFile: cfg.Platform.Cert,
			KeyFile: cfg.Platform.Key, Timeout: cfg.Platform.Timeout.Duration, Logger: c.log.With("component", "platform")}
		h, err := platform.NewHTTP(opts)
		if err != nil {
			return fmt.Errorf("platform.url: %w", err)
		}
		// The sender has its own client that tries once: the outbox's
		// back-off decides when to try again, not the client's.
		opts.Attempts = 1
		s, err := platform.NewHTTP(opts)
		if err != nil {
			return fmt.Errorf("platform.url: %w", err)
		}
		c.platform, c.sendTo = h, s
		u, _ := url.Parse(cfg.Platform.URL)
		c.health.Set(componentPlatform, health.CodeOK, health.OK, "the platform at "+u.Host)
	}

	c.outbox, err = outbox.Open(context.Background(), outbox.Options{Dir: cfg.StateDir, Retention: cfg.Outbox.Retention.Duration})
	if err != nil {
		return fmt.Errorf("stateDir: the outbox: %w", err)
	}
	c.onCleanup(func() {
		if err := c.outbox.Close(); err != nil {
			c.log.Error("outbox not closed cleanly", "err", err)
		}
	})
	c.subs = newSubmissions(c)
	c.subs.watchHealth()

	c.docs, err = documents.New(documents.Options{})
	if err != nil {
		c.docs = nil
		c.health.Set(componentDocs, CodeNoFont, health.Warning, "no font to make the documents' PDFs: "+err.Error())
		c.log.Warn("the documents are signed as plain text: no embeddable CJK font (install fonts-wqy-zenhei)", "err", err)
	} else {
		c.health.SetOK(componentDocs)
	}
	return nil
}

// demoPrecheck is the embedded demo platform's pre-check: the agent's own
// rules.
func (c *Core) demoPrecheck(ctx context.Context, h *wire.Household) ([]wire.PrecheckResult, error) {
	return c.rules.Evaluate(h, time.Now())
}

// runSender delivers the outbox until ctx ends.
func (c *Core) runSender(ctx context.Context) {
	purge := min(max(c.cfg.Outbox.Retention.Duration/4, time.Minute), time.Hour)
	s := &outbox.Sender{Queue: c.outbox, Deliver: c.subs.deliver, MinBackoff: senderMinBackoff, MaxBackoff: senderMaxBackoff,
		AttemptTimeout: 2*c.cfg.Platform.Timeout.Duration + 5*time.Second, PurgeEvery: purge,
		OnParked: func(it outbox.Item, err error) {
			c.log.Error("the platform refused an item for good; it is kept for an operator", "key", it.Key, "kind", it.Kind, "err", err)
		}}
	if err := s.Run(ctx); err != nil {
		c.log.Error("the outbox's sender stopped", "err", err)
		c.health.Set(componentOutbox, "stopped", health.Error, "the outbox's sender stopped: "+err.Error())
	}
}

// flowPlatform is the platform as the flow asks it, in its words.
type flowPlatform struct{ c *Core }

func (p flowPlatform) Household(ctx context.Context, idNumber string) (*wire.Household, error) {
	h, err := p.c.platform.Household(ctx, idNumber)
	switch {
	case err == nil:
		p.c.platformAnswered()
		return h, nil
	case errors.Is(err, platform.ErrNotFound), errors.Is(err, platform.ErrRejected):
		// No record; a number the platform does not take has none.
		p.c.platformAnswered()
		return nil, fmt.Errorf("%w: %v", flow.ErrNoHousehold, err)
	}
	p.c.platformFailed(err)
	return nil, fmt.Errorf("%w: %v", flow.ErrOffline, err)
}

func (p flowPlatform) Progress(ctx context.Context, idNumber string) ([]wire.Progress, error) {
	ps, err := p.c.platform.Progress(ctx, idNumber)
	if err != nil {
		if platform.Transient(err) {
			p.c.platformFailed(err)
		}
		return nil, fmt.Errorf("%w: %v", flow.ErrOffline, err)
	}
	p.c.platformAnswered()
	return ps, nil
}

// precheck is the flow's pre-check: the rules on the household, for the
// day. A household the rules cannot judge gives no hints (the flow then
// offers every item), and the reason is logged without personal data.
func (c *Core) precheck(h *wire.Household, on time.Time) []wire.PrecheckResult {
	rs, err := c.rules.Evaluate(h, on)
	if err != nil {
		c.log.Warn("pre-check not made", "err", err)
		return nil
	}
	return rs
}

// platformAnswered and platformFailed keep the platform's health.
func (c *Core) platformAnswered() {
	if ch, ok := c.health.Get(componentPlatform); ok && ch.Code == CodePlatformUnreachable {
		if c.cfg.Platform.URL == "" {
			c.health.Set(componentPlatform, CodeDemoPlatform, health.OK, "the embedded demo platform (fictional households)")
		} else {
			c.health.SetOK(componentPlatform)
		}
	}
}

func (c *Core) platformFailed(err error) {
	c.health.Set(componentPlatform, CodePlatformUnreachable, health.Warning, "the platform did not answer: "+err.Error())
}
