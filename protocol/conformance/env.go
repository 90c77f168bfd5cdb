package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Bounds of every wait.
const (
	replyWait   = 5 * time.Second        // an answer to a call
	eventWait   = 5 * time.Second        // an event after what causes it
	quietWait   = 300 * time.Millisecond // how long "no reply" is watched for
	closeWait   = 3 * time.Second        // the agent closing a connection
	httpTimeout = 5 * time.Second
)

// Env is what a check runs against: the normalized Config, the compiled
// schema, an HTTP client, and the connections the check opened. When a
// check made with Checks ends, its connections are closed and every schema
// violation seen on them is part of its error.
type Env struct {
	cfg   Config
	base  *url.URL
	v     *validator
	httpc *http.Client
	logf  func(format string, args ...any)

	mu    sync.Mutex
	conns []*Conn
}

// NewEnv checks cfg and compiles protocol.Schema. Notes of the checks
// (e.g. why part of one was not run) go nowhere until WithLog.
func NewEnv(cfg Config) (*Env, error) {
	cfg, u, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	httpc := &http.Client{
		Timeout:       httpTimeout,
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Env{cfg: cfg, base: u, v: v, httpc: httpc, logf: func(string, ...any) {}}, nil
}

// WithLog returns an Env like e, with no connections of its own, whose
// checks write their notes with logf (e.g. testing.T.Logf).
func (e *Env) WithLog(logf func(format string, args ...any)) *Env {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Env{cfg: e.cfg, base: e.base, v: e.v, httpc: e.httpc, logf: logf}
}

// Config is the configuration, with defaults filled in.
func (e *Env) Config() Config { return e.cfg }

// Logf writes a note of the running check.
func (e *Env) Logf(format string, args ...any) { e.logf(format, args...) }

// Host is the agent's host:port as in Config.BaseURL.
func (e *Env) Host() string { return e.base.Host }

// Port is the agent's port.
func (e *Env) Port() string {
	_, p, _ := net.SplitHostPort(e.base.Host)
	return p
}

// OwnOrigin is the origin of the agent's own pages.
func (e *Env) OwnOrigin() string { return "http://" + e.base.Host }

// scope returns an Env for one check run.
func (e *Env) scope() *Env { return e.WithLog(e.logf) }

// closeAll closes the scope's connections and returns the schema
// violations seen on them.
func (e *Env) closeAll() error {
	e.mu.Lock()
	conns := e.conns
	e.conns = nil
	e.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(c.Close)
	}
	wg.Wait()
	var errs []error
	for _, c := range conns {
		errs = append(errs, c.violations()...)
	}
	return errors.Join(errs...)
}

// HTTPGet sends GET path with the given Host header ("" for the URL's) and
// returns the response with its body read (at most 1 MiB).
func (e *Env) HTTPGet(ctx context.Context, path, host string, hdr http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.base.String()+path, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if host != "" {
		req.Host = host
	}
	resp, err := e.httpc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s (Host %s): %w", path, req.Host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s (Host %s): reading the body: %w", path, req.Host, err)
	}
	return resp, body, nil
}

// DialOptions say how a WebSocket client presents itself.
type DialOptions struct {
	// Name is how errors call the client, e.g. "own-origin client".
	Name string
	// Origin is the Origin header; "" sends none (a native client).
	Origin string
	// Host is the Host header; "" uses the one of Config.BaseURL.
	Host string
	// Raw: no goroutine reads the socket; the check reads it (or not).
	Raw bool
}

func (o DialOptions) header() http.Header {
	h := http.Header{}
	if o.Origin != "" {
		h.Set("Origin", o.Origin)
	}
	if o.Host != "" {
		h["Host"] = []string{o.Host}
	}
	return h
}

func (o DialOptions) describe() string {
	var parts []string
	if o.Origin != "" {
		parts = append(parts, "Origin "+o.Origin)
	} else {
		parts = append(parts, "no Origin")
	}
	if o.Host != "" {
		parts = append(parts, "Host "+o.Host)
	}
	return strings.Join(parts, ", ")
}

// dialer returns a WebSocket dialer with a bounded handshake and no proxy.
func dialer() *websocket.Dialer {
	nd := &net.Dialer{Timeout: httpTimeout}
	return &websocket.Dialer{HandshakeTimeout: httpTimeout, Proxy: nil, NetDialContext: nd.DialContext}
}

// DialStatus tries a WebSocket upgrade and returns the HTTP status: 101
// when the agent upgraded (the connection is then closed at once).
func (e *Env) DialStatus(ctx context.Context, o DialOptions) (int, error) {
	ws, resp, err := dialer().DialContext(ctx, "ws://"+e.base.Host+"/ws", o.header())
	if ws != nil {
		ws.Close()
	}
	if resp != nil {
		if resp.Body != nil {
			resp.Body.Close()
		}
		return resp.StatusCode, nil
	}
	return 0, fmt.Errorf("WebSocket upgrade at /ws (%s): %w", o.describe(), err)
}

// Dial opens a WebSocket connection to /ws. A refused upgrade is an error
// naming the HTTP status.
func (e *Env) Dial(ctx context.Context, o DialOptions) (*Conn, error) {
	if o.Name == "" {
		o.Name = "client (" + o.describe() + ")"
	}
	ws, resp, err := dialer().DialContext(ctx, "ws://"+e.base.Host+"/ws", o.header())
	if err != nil {
		if resp != nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
			resp.Body.Close()
			return nil, fmt.Errorf("%s: the agent refused the WebSocket upgrade with HTTP %d %q", o.Name, resp.StatusCode, strings.TrimSpace(string(body)))
		}
		return nil, fmt.Errorf("%s: dial: %w", o.Name, err)
	}
	c := &Conn{env: e, Name: o.Name, ws: ws, raw: o.Raw, in: make(chan frame, 4096), done: make(chan struct{}),
		stop: make(chan struct{}), ids: map[string]string{}}
	e.mu.Lock()
	e.conns = append(e.conns, c)
	e.mu.Unlock()
	if !o.Raw {
		go c.readLoop()
	}
	return c, nil
}

// DialOwn connects as one of the agent's own pages (Origin = OwnOrigin).
func (e *Env) DialOwn(ctx context.Context) (*Conn, error) {
	return e.Dial(ctx, DialOptions{Name: "own-origin client", Origin: e.OwnOrigin()})
}

// DialPaired connects as a page of Config.PairedOrigin and, with hello,
// presents Config.Token and checks that the agent authorized it.
func (e *Env) DialPaired(ctx context.Context, hello bool) (*Conn, *protocol.Hello, error) {
	c, err := e.Dial(ctx, DialOptions{Name: "paired client (" + e.cfg.PairedOrigin + ")", Origin: e.cfg.PairedOrigin})
	if err != nil || !hello {
		return c, nil, err
	}
	h, err := c.Hello(ctx, e.cfg.Token)
	if err != nil {
		return nil, nil, err
	}
	if !h.Access.Authorized {
		return nil, nil, fmt.Errorf("%s: agent.hello with the pairing token answered access %+v, want authorized", c.Name, h.Access)
	}
	return c, h, nil
}

// frame is one message received.
type frame struct {
	data   []byte
	binary bool
}

// Conn is one WebSocket client of the agent. A Conn is used by one
// goroutine; a reader goroutine (unless Raw) validates every message
// against protocol.Schema as it arrives.
type Conn struct {
	// Name is how errors call the client.
	Name string

	env      *Env
	ws       *websocket.Conn
	raw      bool
	in       chan frame
	done     chan struct{} // the read loop ended; readErr is set
	readErr  error
	stop     chan struct{}
	stopOnce sync.Once

	mu     sync.Mutex
	ids    map[string]string // request id (JSON) → method
	viol   []error
	nextID int
	events []frame // notifications read while waiting for something else
	stray  []frame // replies read while waiting for something else
}

func (c *Conn) readLoop() {
	defer close(c.done)
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			c.readErr = err
			return
		}
		f := frame{data: data, binary: typ == websocket.BinaryMessage}
		c.validate(f)
		select {
		case c.in <- f:
		case <-c.stop:
			c.readErr = errors.New("closed by the check")
			return
		}
	}
}

func (c *Conn) validate(f frame) {
	var errs []error
	if f.binary {
		errs = []error{fmt.Errorf("the agent sent a binary frame (JSON-RPC messages are text frames): %s", clip(f.data))}
	} else {
		errs = c.env.v.message(f.data, c.methodOf)
	}
	if len(errs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, err := range errs {
		if len(c.viol) < 20 {
			c.viol = append(c.viol, fmt.Errorf("%s: %w", c.Name, err))
		}
	}
}

func (c *Conn) methodOf(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[id]
}

func (c *Conn) violations() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.viol
}

// Close sends a normal close and closes the socket (waiting at most a
// second for the agent's close reply).
func (c *Conn) Close() {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	if !c.raw {
		t := time.NewTimer(time.Second)
		defer t.Stop()
	drain:
		for {
			select {
			case <-c.done:
				break drain
			case <-c.in:
			case <-t.C:
				break drain
			}
		}
	}
	c.stopOnce.Do(func() { close(c.stop) })
	c.ws.Close()
}

// Track makes replies to id (a request sent with Send) validate against
// method's result.
func (c *Conn) Track(id any, method string) {
	b, _ := json.Marshal(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids[string(b)] = method
}

// Send writes one text frame.
func (c *Conn) Send(data []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(replyWait))
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		return fmt.Errorf("%s: sending %s: %w", c.Name, clip(data), err)
	}
	return nil
}

// SendBinary writes one binary frame.
func (c *Conn) SendBinary(data []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(replyWait))
	if err := c.ws.WriteMessage(websocket.BinaryMessage, data); err != nil {
		return fmt.Errorf("%s: sending a binary frame: %w", c.Name, err)
	}
	return nil
}

// next returns the next frame within d.
func (c *Conn) next(ctx context.Context, d time.Duration) (frame, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case f := <-c.in:
		return f, nil
	default:
	}
	select {
	case f := <-c.in:
		return f, nil
	case <-c.done:
		// Take what was queued before the end.
		select {
		case f := <-c.in:
			return f, nil
		default:
		}
		return frame{}, &closedError{name: c.Name, err: c.readErr}
	case <-t.C:
		return frame{}, errTimeout
	case <-ctx.Done():
		return frame{}, ctx.Err()
	}
}

var errTimeout = errors.New("timed out")

// closedError says the connection ended while a message was awaited.
type closedError struct {
	name string
	err  error
}

func (e *closedError) Error() string {
	return fmt.Sprintf("%s: the connection ended: %s", e.name, describeClose(e.err))
}

// describeClose names a read error: the close code and text, or the error.
func describeClose(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Sprintf("close code %d %q", ce.Code, ce.Text)
	}
	return fmt.Sprint(err)
}

// isNotification reports whether a message is a notification (a method
// and no id).
func isNotification(data []byte) bool {
	var m struct {
		ID     json.RawMessage `json:"id"`
		Method *string         `json:"method"`
	}
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	return m.Method != nil && len(m.ID) == 0
}

// NextReply returns the next message that is not a notification (a
// response, a batch reply, or anything else the agent sends) within d;
// notifications read on the way are kept for WaitEvent.
func (c *Conn) NextReply(ctx context.Context, d time.Duration) (json.RawMessage, error) {
	c.mu.Lock()
	if len(c.stray) > 0 {
		f := c.stray[0]
		c.stray = c.stray[1:]
		c.mu.Unlock()
		return f.data, nil
	}
	c.mu.Unlock()
	deadline := time.Now().Add(d)
	for {
		f, err := c.next(ctx, time.Until(deadline))
		if err != nil {
			return nil, err
		}
		if !f.binary && isNotification(f.data) {
			c.mu.Lock()
			c.events = append(c.events, f)
			c.mu.Unlock()
			continue
		}
		return f.data, nil
	}
}

// Response is a JSON-RPC response as received.
type Response struct {
	Raw    json.RawMessage
	ID     json.RawMessage
	Result json.RawMessage
	Error  *protocol.Error
}

// parseResponse reads a single response.
func parseResponse(raw []byte) (*Response, error) {
	var r struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *protocol.Error `json:"error"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("not a JSON-RPC response object (%v): %s", err, clip(raw))
	}
	if r.Result == nil && r.Error == nil {
		return nil, fmt.Errorf("neither result nor error: %s", clip(raw))
	}
	return &Response{Raw: raw, ID: r.ID, Result: r.Result, Error: r.Error}, nil
}

// request is a JSON-RPC request as the checks send it.
type request struct {
	JSONRPC string `json:"jsonrpc"`
	ID      any    `json:"id,omitempty"`
	Method  string `json:"method"`
	Params  any    `json:"params,omitempty"`
}

// newID returns a fresh request id, remembered for method.
func (c *Conn) newID(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	c.ids[fmt.Sprint(c.nextID)] = method
	return c.nextID
}

// Call sends a request and waits for the response with its id. An error
// response is a Response, not an error; errors are for what is not an
// answer (the connection ended, nothing came within the bound).
func (c *Conn) Call(ctx context.Context, method string, params any) (*Response, error) {
	id := c.newID(method)
	b, err := json.Marshal(request{JSONRPC: "2.0", ID: id, Method: method, Params: params})
	if err != nil {
		return nil, err
	}
	if err := c.Send(b); err != nil {
		return nil, err
	}
	return c.awaitID(ctx, b, fmt.Sprint(id))
}

// awaitID waits for the response whose id is id (JSON), keeping what else
// comes.
func (c *Conn) awaitID(ctx context.Context, sent []byte, id string) (*Response, error) {
	c.mu.Lock()
	for i, f := range c.stray {
		if r, err := parseResponse(f.data); err == nil && string(r.ID) == id {
			c.stray = append(c.stray[:i:i], c.stray[i+1:]...)
			c.mu.Unlock()
			return r, nil
		}
	}
	c.mu.Unlock()
	deadline := time.Now().Add(replyWait)
	for {
		f, err := c.next(ctx, time.Until(deadline))
		if errors.Is(err, errTimeout) {
			return nil, fmt.Errorf("%s: sent %s; no response with id %s within %v", c.Name, clip(sent), id, replyWait)
		}
		if err != nil {
			return nil, fmt.Errorf("sent %s; %w", clip(sent), err)
		}
		if !f.binary && isNotification(f.data) {
			c.mu.Lock()
			c.events = append(c.events, f)
			c.mu.Unlock()
			continue
		}
		if r, err := parseResponse(f.data); err == nil && string(r.ID) == id {
			return r, nil
		}
		c.mu.Lock()
		c.stray = append(c.stray, f)
		c.mu.Unlock()
	}
}

// Result calls method and decodes its result into out (if not nil); an
// error response is an error.
func (c *Conn) Result(ctx context.Context, method string, params, out any) error {
	r, err := c.Call(ctx, method, params)
	if err != nil {
		return err
	}
	if r.Error != nil {
		return fmt.Errorf("%s: %s %s answered an error, want a result: %s", c.Name, method, paramsText(params), clip(r.Raw))
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			return fmt.Errorf("%s: %s result %s: %v", c.Name, method, clip(r.Result), err)
		}
	}
	return nil
}

// Hello calls agent.hello, with token if not empty.
func (c *Conn) Hello(ctx context.Context, token string) (*protocol.Hello, error) {
	p := map[string]any{"client": map[string]any{"name": "kiosk-conformance"}}
	if token != "" {
		p["token"] = token
	}
	var h protocol.Hello
	if err := c.Result(ctx, protocol.MethodHello, p, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// ExpectError calls method and checks that it answers code with reason
// (reason "" to not check it).
func (c *Conn) ExpectError(ctx context.Context, method string, params any, code int, reason protocol.Reason) (*Response, error) {
	r, err := c.Call(ctx, method, params)
	if err != nil {
		return nil, err
	}
	if err := wantError(r, code, reason); err != nil {
		return r, fmt.Errorf("%s: sent %s %s: %w", c.Name, method, paramsText(params), err)
	}
	return r, nil
}

// wantError checks that r is an error with code and reason ("" for any).
func wantError(r *Response, code int, reason protocol.Reason) error {
	want := fmt.Sprintf("error %d", code)
	if reason != "" {
		want += " with data.reason " + string(reason)
	}
	if r.Error == nil {
		return fmt.Errorf("got %s, want %s", clip(r.Raw), want)
	}
	if r.Error.Code != code {
		return fmt.Errorf("got %s, want %s", clip(r.Raw), want)
	}
	if reason != "" && (r.Error.Data == nil || r.Error.Data.Reason != reason) {
		return fmt.Errorf("got %s, want %s", clip(r.Raw), want)
	}
	return nil
}

func paramsText(p any) string {
	if p == nil {
		return "(no params)"
	}
	b, _ := json.Marshal(p)
	return clip(b)
}

// WaitEvent waits within d for the notification method and returns its
// params; other notifications are kept.
func (c *Conn) WaitEvent(ctx context.Context, method string, d time.Duration) (json.RawMessage, error) {
	take := func(f frame) (json.RawMessage, bool) {
		var n struct {
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		if json.Unmarshal(f.data, &n) == nil && n.Method == method {
			return n.Params, true
		}
		return nil, false
	}
	c.mu.Lock()
	for i, f := range c.events {
		if p, ok := take(f); ok {
			c.events = append(c.events[:i:i], c.events[i+1:]...)
			c.mu.Unlock()
			return p, nil
		}
	}
	c.mu.Unlock()
	deadline := time.Now().Add(d)
	for {
		f, err := c.next(ctx, time.Until(deadline))
		if errors.Is(err, errTimeout) {
			return nil, fmt.Errorf("%s: no %s event within %v", c.Name, method, d)
		}
		if err != nil {
			return nil, fmt.Errorf("waiting for %s: %w", method, err)
		}
		if f.binary || !isNotification(f.data) {
			c.mu.Lock()
			c.stray = append(c.stray, f)
			c.mu.Unlock()
			continue
		}
		if p, ok := take(f); ok {
			return p, nil
		}
		c.mu.Lock()
		c.events = append(c.events, f)
		c.mu.Unlock()
	}
}

// DropEvents forgets the notifications kept so far.
func (c *Conn) DropEvents() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = nil
}

// Quiet checks that no reply (anything but a notification) comes within
// d; notifications are kept. after says what was sent, for the error.
func (c *Conn) Quiet(ctx context.Context, d time.Duration, after string) error {
	raw, err := c.NextReply(ctx, d)
	if errors.Is(err, errTimeout) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("after %s: %w", after, err)
	}
	return fmt.Errorf("%s: after %s the agent sent %s, want no reply", c.Name, after, clip(raw))
}

// Silent checks that nothing at all, not even a notification, comes
// within d.
func (c *Conn) Silent(ctx context.Context, d time.Duration, after string) error {
	c.mu.Lock()
	pending := append(append([]frame(nil), c.events...), c.stray...)
	c.mu.Unlock()
	if len(pending) > 0 {
		return fmt.Errorf("%s: after %s the agent sent %s, want nothing", c.Name, after, clip(pending[0].data))
	}
	f, err := c.next(ctx, d)
	if errors.Is(err, errTimeout) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("after %s: %w", after, err)
	}
	return fmt.Errorf("%s: after %s the agent sent %s, want nothing", c.Name, after, clip(f.data))
}

// WaitClosed waits within d for the agent to end the connection and
// returns the close code and text (1006 when it ended without a close
// frame). Messages that come first are skipped.
func (c *Conn) WaitClosed(ctx context.Context, d time.Duration) (int, string, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-c.in:
		case <-c.done:
			var ce *websocket.CloseError
			if errors.As(c.readErr, &ce) {
				return ce.Code, ce.Text, nil
			}
			return websocket.CloseAbnormalClosure, fmt.Sprint(c.readErr), nil
		case <-t.C:
			return 0, "", fmt.Errorf("%s: the connection is still open after %v", c.Name, d)
		case <-ctx.Done():
			return 0, "", ctx.Err()
		}
	}
}

// Alive checks that the connection still answers a call.
func (c *Conn) Alive(ctx context.Context) error {
	r, err := c.Call(ctx, protocol.MethodHello, nil)
	if err != nil {
		return err
	}
	if r.Error != nil {
		return fmt.Errorf("%s: agent.hello answered %s, want a result", c.Name, clip(r.Raw))
	}
	return nil
}
