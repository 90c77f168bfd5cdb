// Package conformance is a black-box conformance suite for the kiosk
// agent's WebSocket API (package protocol): it speaks to an agent at any
// URL, over HTTP and WebSocket only, and checks what the protocol promises —
// the JSON-RPC 2.0 forms and errors, admission by Host and Origin, pairing
// tokens, the card field policy, the limits, and that every message the
// agent sends matches protocol.Schema.
//
// The agent's own tests run it with Run; the command
// protocol/conformance/cmd/kiosk-conformance runs it against an agent that
// is already running. Each Check says, when it fails, what it sent, what
// came back and what it expected. A check whose prerequisites the Config
// says are absent (no pairing token, no simulated reader) is skipped with a
// note saying why, never silently.
//
// The suite imports nothing of the agent: the dependency runs agent →
// protocol only.
package conformance

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Config says where the agent is and what it was started with, so that the
// checks know what to expect.
type Config struct {
	// BaseURL is the agent's HTTP address, http://127.0.0.1:PORT (or
	// http://localhost:PORT, http://[::1]:PORT).
	BaseURL string
	// PairedOrigin is an origin an administrator paired with the agent
	// (e.g. https://counter.example.gov.cn). Empty: the paired checks are
	// skipped.
	PairedOrigin string
	// Token is PairedOrigin's pairing token. Empty: the checks that need
	// an authorized paired page are skipped.
	Token string
	// OtherPairedOrigin, optional, is a second paired origin; Token must
	// be refused from it. (Its own token is not needed.)
	OtherPairedOrigin string
	// NativeToken, optional, is the pairing token of a native client
	// (no Origin header), for an agent that does not admit native clients
	// by themselves.
	NativeToken string
	// NativeAllowed: the agent admits native clients without a token
	// (--allow-native). Simulated implies it.
	NativeAllowed bool
	// Simulated: the agent runs with --simulate (sim.* methods and the
	// simulated reader).
	Simulated bool
	// Limits are the agent's limits; zero fields mean the defaults.
	Limits Limits
}

// Limits are the agent's per-connection and per-agent limits.
type Limits struct {
	// MaxMessageBytes is the largest inbound message (default 65536).
	MaxMessageBytes int
	// CallsPerSecond is the sustained call rate per client (default 20).
	CallsPerSecond float64
	// Burst is how many calls a client may make at once (default 40).
	Burst int
	// MaxClients is how many clients may be connected at once (default 64).
	MaxClients int
}

// MaxBatch is the most requests a batch may hold; it is the protocol's,
// not configurable.
const MaxBatch = 64

// DefaultLimits are the agent's default limits.
func DefaultLimits() Limits {
	return Limits{MaxMessageBytes: 65536, CallsPerSecond: 20, Burst: 40, MaxClients: 64}
}

// withDefaults fills zero limits with the defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.CallsPerSecond <= 0 {
		l.CallsPerSecond = d.CallsPerSecond
	}
	if l.Burst <= 0 {
		l.Burst = d.Burst
	}
	if l.MaxClients <= 0 {
		l.MaxClients = d.MaxClients
	}
	return l
}

// normalize checks cfg and returns it with defaults filled in, and the
// parsed base URL.
func (cfg Config) normalize() (Config, *url.URL, error) {
	if cfg.BaseURL == "" {
		return cfg, nil, errors.New("conformance: Config.BaseURL is empty (want http://127.0.0.1:PORT)")
	}
	u, err := url.Parse(strings.TrimSuffix(cfg.BaseURL, "/"))
	if err != nil {
		return cfg, nil, fmt.Errorf("conformance: Config.BaseURL: %w", err)
	}
	if u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return cfg, nil, fmt.Errorf("conformance: Config.BaseURL %q is not http://HOST:PORT", cfg.BaseURL)
	}
	if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
		return cfg, nil, fmt.Errorf("conformance: Config.BaseURL %q has no port", cfg.BaseURL)
	}
	for _, o := range []string{cfg.PairedOrigin, cfg.OtherPairedOrigin} {
		if o == "" {
			continue
		}
		ou, err := url.Parse(o)
		if err != nil || ou.Scheme == "" || ou.Host == "" || (ou.Path != "" && ou.Path != "/") {
			return cfg, nil, fmt.Errorf("conformance: origin %q is not scheme://host[:port]", o)
		}
	}
	if cfg.Token != "" && cfg.PairedOrigin == "" {
		return cfg, nil, errors.New("conformance: Config.Token without Config.PairedOrigin")
	}
	if cfg.OtherPairedOrigin != "" && cfg.OtherPairedOrigin == cfg.PairedOrigin {
		return cfg, nil, errors.New("conformance: Config.OtherPairedOrigin equals Config.PairedOrigin")
	}
	if cfg.Simulated {
		cfg.NativeAllowed = true
	}
	cfg.Limits = cfg.Limits.withDefaults()
	u.Path = ""
	return cfg, u, nil
}
