// Package rpc serves JSON-RPC 2.0 over WebSocket (gorilla/websocket): one
// connection per client, requests handled concurrently, responses and
// event notifications written by one writer per connection, and malformed
// input answered with the standard error codes while the connection and
// the agent keep serving.
//
// Admission (which Host, which Origin) is decided before a request reaches
// the Server (package web); the Server then keeps each client within its
// limits: message size, calls per second, calls waiting, clients in total.
// A connection is authorized or not: before, only methods registered with
// HandlePublic answer and no events are sent. Each connection has a
// context that ends when its socket dies, so work done for a client that
// left is cancelled at once.
package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Handler answers one method. params is the raw params member (may be
// empty). ctx ends when the client's connection does. It returns a result
// to marshal, or an error: a *protocol.Error is sent as it is; any other
// error becomes an internal error whose text is not shown to clients.
type Handler func(ctx context.Context, c *Conn, params json.RawMessage) (any, error)

// Options are a server's limits and hooks. Zero fields take the defaults.
type Options struct {
	MaxMessageBytes int64   // larger inbound messages close the connection (1009); default 64 KiB
	MaxClients      int     // connections at once; the next is closed with 1013; default 64
	CallsPerSecond  float64 // sustained calls per client; default 20
	CallBurst       int     // calls at once before the rate applies; default 40
	MaxInFlight     int     // calls of one client being answered at once; default 32
	// OnConnect is called for each new connection before it is served
	// (to authorize it, or not).
	OnConnect func(c *Conn, r *http.Request)
	// OnDisconnect is called when a connection has ended.
	OnDisconnect func(c *Conn)
	Observer     Observer
	Log          *slog.Logger
}

// Observer hears what the server does, for metrics. Methods must not block.
type Observer interface {
	Clients(n int)        // clients connected now
	Rejected(rule string) // a call or connection refused: "rate", "in_flight", "size", "clients", "unauthorized", "flood"
	EventDropped()        // an event not delivered to a stuck client
}

type nopObserver struct{}

func (nopObserver) Clients(int)     {}
func (nopObserver) Rejected(string) {}
func (nopObserver) EventDropped()   {}

// Fixed limits.
const (
	sendQueue = 256 // queued outgoing messages before a client counts as stuck
	// sendQueueBytes bounds the bytes queued for a client and not yet
	// written to its socket: a client that lets this much pile up is not
	// reading. Counting messages alone let 256 large replies (15 MB)
	// queue for one client before it was dropped.
	sendQueueBytes   = 4 << 20
	writeWait        = 10 * time.Second
	pingPeriod       = 30 * time.Second
	pongWait         = 75 * time.Second
	maxBatchRequests = 64
	// floodLimit is how many calls in a row a client may have refused for
	// its rate before it is disconnected.
	floodLimit = 1000
)

// Server routes JSON-RPC methods and broadcasts events.
type Server struct {
	opts     Options
	log      *slog.Logger
	methods  map[string]Handler
	public   map[string]bool
	upgrader websocket.Upgrader
	nextID   atomic.Uint64

	mu      sync.Mutex
	conns   map[*Conn]struct{}
	closing bool
	wg      sync.WaitGroup // connection handlers and writers
}

// NewServer returns a server with opts.
func NewServer(opts Options) *Server {
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = 64 << 10
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = 64
	}
	if opts.CallsPerSecond <= 0 {
		opts.CallsPerSecond = 20
	}
	if opts.CallBurst <= 0 {
		opts.CallBurst = 40
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 32
	}
	if opts.Observer == nil {
		opts.Observer = nopObserver{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, log: opts.Log, methods: map[string]Handler{}, public: map[string]bool{}, conns: map[*Conn]struct{}{}}
	// Origins are checked before the request gets here (package web).
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }, ReadBufferSize: 4096, WriteBufferSize: 16384,
		HandshakeTimeout: 10 * time.Second}
	return s
}

// Handle registers h for method; only authorized connections may call it.
// It must be called before serving.
func (s *Server) Handle(method string, h Handler) { s.methods[method] = h }

// HandlePublic registers h for method, callable before authorization.
func (s *Server) HandlePublic(method string, h Handler) {
	s.methods[method] = h
	s.public[method] = true
}

// Conn is one client connection.
type Conn struct {
	ID     uint64
	Origin string // the page's origin; "" for native clients
	Remote string

	ws      *websocket.Conn
	ctx     context.Context // ends with the connection
	cancel  context.CancelFunc
	send    chan []byte
	queued  atomic.Int64 // bytes in send and in the write going on
	done    chan struct{}
	once    sync.Once
	limiter *rate.Limiter
	slots   chan struct{}
	refused int // calls refused in a row for the rate (reader goroutine only)

	mu         sync.Mutex
	authorized bool
	state      any
	closeCode  int
	closeText  string
}

// Context ends when the connection does.
func (c *Conn) Context() context.Context { return c.ctx }

// Authorize lets the connection call every method and receive events, and
// keeps state (the web layer's view of the client) with it.
func (c *Conn) Authorize(state any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.authorized, c.state = true, state
}

// SetState keeps state with the connection without authorizing it.
func (c *Conn) SetState(state any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = state
}

// Authorized reports whether the connection is authorized.
func (c *Conn) Authorized() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.authorized
}

// State returns what Authorize or SetState kept.
func (c *Conn) State() any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Close ends the connection with a close code and reason text (RFC 6455).
func (c *Conn) Close(code int, reason string) {
	c.mu.Lock()
	if c.closeCode == 0 {
		c.closeCode, c.closeText = code, reason
	}
	c.mu.Unlock()
	c.close()
}

func (c *Conn) close() {
	c.once.Do(func() {
		close(c.done)
		c.cancel()
	})
}

// ServeHTTP upgrades the request to a WebSocket and serves it until the
// client leaves or the server closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Conn{ID: s.nextID.Add(1), ws: ws, Origin: r.Header.Get("Origin"), Remote: r.RemoteAddr, ctx: ctx, cancel: cancel,
		send: make(chan []byte, sendQueue), done: make(chan struct{}),
		limiter: rate.NewLimiter(rate.Limit(s.opts.CallsPerSecond), s.opts.CallBurst),
		slots:   make(chan struct{}, s.opts.MaxInFlight)}
	s.mu.Lock()
	switch {
	case s.closing:
		s.mu.Unlock()
		cancel()
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(protocol.CloseGoingAway, "agent stopping"), time.Now().Add(time.Second))
		ws.Close()
		return
	case len(s.conns) >= s.opts.MaxClients:
		s.mu.Unlock()
		cancel()
		s.opts.Observer.Rejected("clients")
		s.log.Warn("client refused: too many clients", "remote", c.Remote, "origin", c.Origin, "max", s.opts.MaxClients)
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(protocol.CloseTryAgainLate, "too many clients"), time.Now().Add(time.Second))
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	n := len(s.conns)
	s.wg.Add(2) // this handler and the connection's writer; under mu, never during CloseAll's Wait
	s.mu.Unlock()
	defer s.wg.Done()
	s.opts.Observer.Clients(n)
	if s.opts.OnConnect != nil {
		s.opts.OnConnect(c, r)
	}
	s.log.Info("client connected", "conn", c.ID, "remote", c.Remote, "origin", c.Origin, "authorized", c.Authorized())
	go func() {
		defer s.wg.Done()
		s.writeLoop(c)
	}()
	s.readLoop(c)
	s.mu.Lock()
	delete(s.conns, c)
	n = len(s.conns)
	s.mu.Unlock()
	s.opts.Observer.Clients(n)
	if s.opts.OnDisconnect != nil {
		s.opts.OnDisconnect(c)
	}
	s.log.Info("client disconnected", "conn", c.ID, "remote", c.Remote)
}

// CloseAll closes every connection (going away), refuses new ones, and
// waits until their handlers and writers have finished. Their contexts end
// at once, so calls waiting for a device return. (http.Server.Shutdown does
// not wait for hijacked WebSocket connections.)
func (s *Server) CloseAll() {
	s.mu.Lock()
	s.closing = true
	for c := range s.conns {
		c.Close(protocol.CloseGoingAway, "agent stopping")
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Conns returns the connections now open.
func (s *Server) Conns() []*Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

// Broadcast sends a notification with the same params to every authorized
// connection.
func (s *Server) Broadcast(method string, params any) {
	s.BroadcastBy(method, func(*Conn) string { return "" }, func(string) any { return params })
}

// BroadcastBy sends a notification to every authorized connection, with
// params shaped per client: key groups connections that get the same
// params (e.g. the same field policy), and build makes them once per
// group. build returning nil skips that group.
func (s *Server) BroadcastBy(method string, key func(*Conn) string, build func(key string) any) {
	s.mu.Lock()
	conns := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		if c.Authorized() {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	msgs := map[string][]byte{}
	for _, c := range conns {
		k := key(c)
		msg, ok := msgs[k]
		if !ok {
			if p := build(k); p != nil {
				var err error
				msg, err = json.Marshal(protocol.Notification{JSONRPC: "2.0", Method: method, Params: p})
				if err != nil {
					s.log.Error("marshal notification", "method", method, "err", err)
				}
			}
			msgs[k] = msg
		}
		if msg != nil {
			s.enqueue(c, msg)
		}
	}
}

// Notify sends a notification to one connection (an authorized one; a
// connection that is not is skipped). Like the broadcasts it never
// blocks: a client that does not read its queue is disconnected.
func (s *Server) Notify(c *Conn, method string, params any) {
	if !c.Authorized() {
		return
	}
	msg, err := json.Marshal(protocol.Notification{JSONRPC: "2.0", Method: method, Params: params})
	if err != nil {
		s.log.Error("marshal notification", "method", method, "err", err)
		return
	}
	s.enqueue(c, msg)
}

// enqueue queues msg for c; a client whose queue is full is closed rather
// than allowed to stall the agent.
func (s *Server) enqueue(c *Conn, msg []byte) {
	// One message larger than the bound (a long signature's bundle) is
	// sent when nothing waits before it.
	if n := c.queued.Add(int64(len(msg))); n > sendQueueBytes && n > int64(len(msg)) {
		s.dropStuck(c, "not reading: too much queued")
		return
	}
	select {
	case <-c.done:
	case c.send <- msg:
	default:
		s.dropStuck(c, "not reading: send queue full")
	}
}

// dropStuck disconnects a client that does not read what it is sent.
func (s *Server) dropStuck(c *Conn, why string) {
	select {
	case <-c.done:
		return
	default:
	}
	s.opts.Observer.EventDropped()
	s.log.Warn("client not reading; disconnected", "conn", c.ID, "origin", c.Origin, "why", why)
	c.Close(protocol.ClosePolicy, why)
	// Its writer is likely stuck in a write the client does not read:
	// end that now rather than at the write timeout.
	c.ws.NetConn().SetWriteDeadline(time.Now())
}

func (s *Server) writeLoop(c *Conn) {
	ping := time.NewTicker(pingPeriod)
	defer func() {
		ping.Stop()
		c.ws.Close()
	}()
	for {
		select {
		case msg := <-c.send:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			err := c.ws.WriteMessage(websocket.TextMessage, msg)
			c.queued.Add(-int64(len(msg)))
			if err != nil {
				c.close()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.close()
				return
			}
		case <-c.done:
			c.mu.Lock()
			code, text := c.closeCode, c.closeText
			c.mu.Unlock()
			if code == 0 {
				code = websocket.CloseNormalClosure
			}
			c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
			return
		}
	}
}

func (s *Server) readLoop(c *Conn) {
	c.ws.SetReadLimit(s.opts.MaxMessageBytes)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	var inflight sync.WaitGroup
	defer func() {
		// The socket is gone: end the client's calls now, then wait.
		c.close()
		inflight.Wait()
	}()
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				s.opts.Observer.Rejected("size")
				s.log.Warn("client sent a message over the limit; disconnected", "conn", c.ID, "origin", c.Origin, "limit", s.opts.MaxMessageBytes)
				c.Close(protocol.CloseTooBig, "message too big")
			}
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		if typ != websocket.TextMessage {
			s.enqueue(c, mustMarshal(errorResponse(nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "binary frames are not JSON-RPC; send text frames"})))
			continue
		}
		out, async := s.admit(c, data)
		if out != nil {
			s.enqueue(c, out)
		}
		if async == nil {
			continue
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			if out := async(); out != nil {
				s.enqueue(c, out)
			}
		}()
		if c.refused > floodLimit {
			s.opts.Observer.Rejected("flood")
			s.log.Warn("client keeps flooding after being limited; disconnected", "conn", c.ID, "origin", c.Origin)
			c.Close(protocol.ClosePolicy, "too many calls")
			return
		}
	}
}

// call is one request of a message, admitted or not.
type call struct {
	raw      json.RawMessage
	req      protocol.Request
	reply    *protocol.Response // set when answered without a handler
	slot     bool               // holds an in-flight slot
	noAnswer bool               // a notification: nothing is sent back
}

// admit parses a text frame and decides, on the reader goroutine, which
// of its calls go ahead: each takes a rate token and an in-flight slot, or
// is answered RATE_LIMITED at once. It returns bytes to send now (a parse
// error, or a batch wholly answered), or a function that runs the admitted
// calls and returns the bytes to send then.
func (s *Server) admit(c *Conn, data []byte) (now []byte, later func() []byte) {
	trimmed := bytes.TrimSpace(data)
	batch := len(trimmed) > 0 && trimmed[0] == '['
	var raws []json.RawMessage
	if batch {
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return mustMarshal(errorResponse(nil, &protocol.Error{Code: protocol.CodeParseError, Message: "parse error: the batch is not valid JSON"})), nil
		}
		if len(raws) == 0 || len(raws) > maxBatchRequests {
			return mustMarshal(errorResponse(nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "a batch must hold 1 to 64 requests"})), nil
		}
	} else {
		raws = []json.RawMessage{trimmed}
	}
	calls := make([]*call, len(raws))
	run := false
	for i, raw := range raws {
		k := s.parse(raw)
		calls[i] = k
		if k.reply != nil {
			continue
		}
		switch {
		case !c.limiter.Allow():
			c.refused++
			s.opts.Observer.Rejected("rate")
			k.reply = errorResponse(k.req.ID, protocol.Errorf(protocol.ReasonRateLimited, "too many calls: at most %g per second (%d at once)", s.opts.CallsPerSecond, s.opts.CallBurst))
		default:
			c.refused = 0
			select {
			case c.slots <- struct{}{}:
				k.slot, run = true, true
			default:
				s.opts.Observer.Rejected("in_flight")
				k.reply = errorResponse(k.req.ID, protocol.Errorf(protocol.ReasonRateLimited, "too many calls waiting for an answer (at most %d)", s.opts.MaxInFlight))
			}
		}
	}
	finish := func() []byte {
		var out []*protocol.Response
		for _, k := range calls {
			if k.reply != nil && !k.noAnswer {
				out = append(out, k.reply)
			}
		}
		switch {
		case len(out) == 0:
			return nil
		case !batch:
			return mustMarshal(out[0])
		}
		return mustMarshal(out)
	}
	if !run {
		return finish(), nil
	}
	return nil, func() []byte {
		var wg sync.WaitGroup
		for _, k := range calls {
			if k.slot {
				wg.Go(func() {
					defer func() { <-c.slots }()
					k.reply = s.dispatch(c, k.req)
				})
			}
		}
		wg.Wait()
		return finish()
	}
}

// parse checks one request's form. A malformed one is answered at once.
func (s *Server) parse(raw json.RawMessage) *call {
	k := &call{raw: raw}
	if !json.Valid(raw) {
		k.reply = errorResponse(nil, &protocol.Error{Code: protocol.CodeParseError, Message: "parse error: not valid JSON"})
		return k
	}
	if err := json.Unmarshal(raw, &k.req); err != nil || k.req.JSONRPC != "2.0" || k.req.Method == "" || !validID(k.req.ID) {
		k.reply = errorResponse(idOrNull(k.req.ID), &protocol.Error{Code: protocol.CodeInvalidRequest, Message: `invalid request: need {"jsonrpc":"2.0","method":string,"id":string|number}`})
		return k
	}
	k.noAnswer = k.req.ID == nil
	if _, ok := s.methods[k.req.Method]; !ok {
		k.reply = errorResponse(k.req.ID, &protocol.Error{Code: protocol.CodeMethodNotFound, Message: "method not found: " + k.req.Method})
		return k
	}
	if p := bytes.TrimSpace(k.req.Params); len(p) > 0 && p[0] != '{' && p[0] != '[' && string(p) != "null" {
		k.reply = errorResponse(k.req.ID, protocol.Errorf(protocol.ReasonBadParams, "params must be an object"))
	}
	return k
}

// dispatch runs one admitted request's handler.
func (s *Server) dispatch(c *Conn, req protocol.Request) *protocol.Response {
	if !s.public[req.Method] && !c.Authorized() {
		s.opts.Observer.Rejected("unauthorized")
		return errorResponse(req.ID, protocol.Errorf(protocol.ReasonUnauthorized, "not authorized: call agent.hello with this page's pairing token first"))
	}
	result, err := s.call(c, s.methods[req.Method], req)
	if err != nil {
		var pe *protocol.Error
		if !errors.As(err, &pe) {
			s.log.Error("method failed", "method", req.Method, "err", err)
			pe = &protocol.Error{Code: protocol.CodeInternalError, Message: "internal error"}
		}
		return errorResponse(req.ID, pe)
	}
	if result == nil {
		result = protocol.Empty{}
	}
	return &protocol.Response{JSONRPC: "2.0", ID: req.ID, Result: result}
}

// call runs a handler, turning a panic into an internal error so that one
// bad request never takes the agent down.
func (s *Server) call(c *Conn, h Handler, req protocol.Request) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("method panicked", "method", req.Method, "panic", p)
			result, err = nil, &protocol.Error{Code: protocol.CodeInternalError, Message: "internal error"}
		}
	}()
	return h(c.ctx, c, req.Params)
}

// validID accepts what JSON-RPC allows: absent, string, number, or null.
func validID(id json.RawMessage) bool {
	if id == nil {
		return true
	}
	switch t := bytes.TrimSpace(id); {
	case len(t) == 0:
		return false
	case t[0] == '"':
		return true
	case string(t) == "null":
		return true
	default:
		var f float64
		return json.Unmarshal(t, &f) == nil
	}
}

func idOrNull(id json.RawMessage) json.RawMessage {
	if id == nil || !validID(id) {
		return nil
	}
	return id
}

func errorResponse(id json.RawMessage, e *protocol.Error) *protocol.Response {
	if id == nil {
		id = json.RawMessage("null")
	}
	return &protocol.Response{JSONRPC: "2.0", ID: id, Error: e}
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own types are marshalled here; failing means a bug.
		b, _ = json.Marshal(errorResponse(nil, &protocol.Error{Code: protocol.CodeInternalError, Message: "internal error"}))
	}
	return b
}
