package platform

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// HTTPOptions configure HTTP. Zero values take the defaults named.
type HTTPOptions struct {
	// BaseURL is the platform's address, https://host[:port][/prefix].
	// http:// is allowed for a loopback host only (the demo platform).
	BaseURL string
	// CAFile is a PEM file of the CA certificates that may sign the
	// platform's certificate ("": the system's roots).
	CAFile string
	// CertFile and KeyFile are the kiosk's client certificate and key
	// (PEM) for mutual TLS; both or neither.
	CertFile, KeyFile string
	// Timeout bounds one attempt of a call (default 15s).
	Timeout time.Duration
	// Attempts is how often a call is tried when it fails transiently
	// (default 4; 1: no retries).
	Attempts int
	// MinBackoff and MaxBackoff bound the wait between attempts (default
	// 250ms and 8s): it doubles from MinBackoff with jitter, or follows
	// the platform's Retry-After, up to MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Logger gets one line per retry (default: none). Lines name the
	// operation, never a person.
	Logger *slog.Logger
	// Transport replaces the HTTP transport (tests); TLS settings above
	// are then not used.
	Transport http.RoundTripper
}

// HTTP is the client of the platform's HTTPS API. It is safe for
// concurrent use. Every call is idempotent (look-ups, submissions by
// idempotency key, evidence by digest), so every call is retried after a
// transient failure, with back-off, within its context.
type HTTP struct {
	base     *url.URL
	client   *http.Client
	contract *contract.Contract
	opts     HTTPOptions
	log      *slog.Logger
}

var _ Platform = (*HTTP)(nil)

// NewHTTP returns a client for the platform at opts.BaseURL. It reads the
// CA and client certificate files now, so a wrong path is an error here
// and not on the first call.
func NewHTTP(opts HTTPOptions) (*HTTP, error) {
	base, err := url.Parse(opts.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("platform: base URL %q: want https://host[:port][/prefix]", opts.BaseURL)
	}
	switch base.Scheme {
	case "https":
	case "http":
		if !isLoopback(base.Hostname()) {
			return nil, fmt.Errorf("platform: base URL %q: http:// only to a loopback address; the platform needs https://", opts.BaseURL)
		}
	default:
		return nil, fmt.Errorf("platform: base URL %q: want https://", opts.BaseURL)
	}
	if base.RawQuery != "" || base.Fragment != "" || base.User != nil {
		return nil, fmt.Errorf("platform: base URL %q: no query, fragment or user info", opts.BaseURL)
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 4
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 250 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(8*time.Second, opts.MinBackoff)
	}
	rt := opts.Transport
	if rt == nil {
		tc, err := tlsConfig(opts)
		if err != nil {
			return nil, err
		}
		rt = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       tc,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          8,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	c, err := contract.Load()
	if err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &HTTP{
		base: base, contract: c, opts: opts, log: log,
		client: &http.Client{
			Transport: rt,
			// The platform does not redirect; following one could send
			// a body with an ID number somewhere else.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func tlsConfig(opts HTTPOptions) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("platform: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("platform: CA file %s holds no PEM certificate", opts.CAFile)
		}
		tc.RootCAs = pool
	}
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return nil, errors.New("platform: a client certificate needs both its certificate file and its key file")
	}
	if opts.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(opts.CertFile, opts.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("platform: client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// Close closes idle connections.
func (c *HTTP) Close() error {
	c.client.CloseIdleConnections()
	return nil
}

// Household implements Platform.
func (c *HTTP) Household(ctx context.Context, idNumber string) (*wire.Household, error) {
	var h wire.Household
	if _, err := c.callJSON(ctx, OpHousehold, http.MethodPost, wire.PathLookup, wire.IDNumberRequest{IDNumber: idNumber}, MaxHouseholdResponse, &h); err != nil {
		return nil, err
	}
	if err := checkHousehold(&h); err != nil {
		return nil, &Error{Op: OpHousehold, Kind: ErrBadResponse, Status: http.StatusOK, Err: err}
	}
	return &h, nil
}

// Precheck implements Platform.
func (c *HTTP) Precheck(ctx context.Context, householdID string) ([]wire.PrecheckResult, error) {
	var rs []wire.PrecheckResult
	if _, err := c.callJSON(ctx, OpPrecheck, http.MethodPost, wire.PathPrecheck, wire.PrecheckRequest{HouseholdID: householdID}, MaxPrecheckResponse, &rs); err != nil {
		return nil, err
	}
	return rs, nil
}

// Submit implements Platform.
func (c *HTTP) Submit(ctx context.Context, app wire.Application) (wire.Submitted, error) {
	var s wire.Submitted
	if _, err := c.callJSON(ctx, OpSubmit, http.MethodPost, wire.PathApplications, app, MaxSmallResponse, &s); err != nil {
		return wire.Submitted{}, err
	}
	if err := checkSubmitted(&s); err != nil {
		return wire.Submitted{}, &Error{Op: OpSubmit, Kind: ErrBadResponse, Err: err}
	}
	return s, nil
}

// UploadEvidence implements Platform. The digest in the URL is the
// SHA-256 of body, which the platform checks.
func (c *HTTP) UploadEvidence(ctx context.Context, idempotencyKey, contentType string, body []byte) error {
	_, err := c.Evidence(ctx, idempotencyKey, contentType, body)
	return err
}

// Evidence is UploadEvidence with the platform's receipt.
func (c *HTTP) Evidence(ctx context.Context, idempotencyKey, contentType string, body []byte) (wire.EvidenceReceipt, error) {
	sum := sha256.Sum256(body)
	path := wire.PathEvidence + url.PathEscape(idempotencyKey) + "/" + hex.EncodeToString(sum[:])
	var r wire.EvidenceReceipt
	if _, err := c.call(ctx, OpEvidence, http.MethodPut, path, contentType, body, MaxSmallResponse, &r); err != nil {
		return wire.EvidenceReceipt{}, err
	}
	return r, nil
}

// Progress implements Platform.
func (c *HTTP) Progress(ctx context.Context, idNumber string) ([]wire.Progress, error) {
	var ps []wire.Progress
	if _, err := c.callJSON(ctx, OpProgress, http.MethodPost, wire.PathProgress, wire.IDNumberRequest{IDNumber: idNumber}, MaxProgressResponse, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

func (c *HTTP) callJSON(ctx context.Context, op, method, path string, in any, limit int64, out any) (int, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return 0, &Error{Op: op, Kind: ErrRejected, Err: err}
	}
	return c.call(ctx, op, method, path, wire.MediaJSON, body, limit, out)
}

// call makes attempts until one succeeds, fails permanently, the
// attempts are used up or ctx ends.
func (c *HTTP) call(ctx context.Context, op, method, path, contentType string, body []byte, limit int64, out any) (int, error) {
	for attempt := 1; ; attempt++ {
		status, retryAfter, err := c.once(ctx, op, method, path, contentType, body, limit, out)
		if err == nil {
			return status, nil
		}
		if !Transient(err) || attempt >= c.opts.Attempts || ctx.Err() != nil {
			return status, err
		}
		wait := c.backoff(attempt, retryAfter)
		c.log.Warn("platform call failed, retrying", "op", op, "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return status, err
		case <-t.C:
		}
	}
}

// backoff is the wait after attempt n: Retry-After when the platform gave
// one, else MinBackoff doubled per attempt, between half of that and all
// of it (jitter spreads kiosks that failed together), never more than
// MaxBackoff.
func (c *HTTP) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.opts.MaxBackoff)
	}
	d := c.opts.MinBackoff << min(n-1, 20)
	if d <= 0 || d > c.opts.MaxBackoff {
		d = c.opts.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// once makes one attempt within Timeout.
func (c *HTTP) once(ctx context.Context, op, method, path, contentType string, body []byte, limit int64, out any) (status int, retryAfter time.Duration, err error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	// path is escaped already (the evidence key is PathEscape'd).
	req, err := http.NewRequestWithContext(actx, method, c.base.String()+path, bytes.NewReader(body))
	if err != nil {
		return 0, 0, &Error{Op: op, Kind: ErrRejected, Err: err}
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", wire.MediaJSON+", "+wire.MediaProblem)
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, 0, &Error{Op: op, Kind: ErrUnavailable, Err: transportError(ctx, actx, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return resp.StatusCode, 0, &Error{Op: op, Kind: ErrUnavailable, Status: resp.StatusCode, Err: transportError(ctx, actx, err)}
	}
	if int64(len(data)) > limit {
		return resp.StatusCode, 0, &Error{Op: op, Kind: ErrBadResponse, Status: resp.StatusCode, Err: fmt.Errorf("answer larger than %d bytes", limit)}
	}
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, 0, decodeAnswer(c.contract, op, method, path, resp.StatusCode, ct, data, out)
	}
	e := decodeProblem(c.contract, op, resp.StatusCode, ct, data)
	if e.Code == "" && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
		e.Err = errors.New("an answer without a problem object (a proxy? a wrong base URL?)")
	}
	return resp.StatusCode, parseRetryAfter(resp.Header.Get("Retry-After")), e
}

// transportError says why a request got no answer: the caller's context,
// this attempt's timeout, or the network (which names the URL: no ID
// number is ever in one).
func transportError(ctx, actx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if actx.Err() != nil {
		return fmt.Errorf("attempt timed out: %w", actx.Err())
	}
	return err
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
