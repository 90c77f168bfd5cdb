// Package rpc serves JSON-RPC 2.0 over WebSocket (gorilla/websocket): one
// connection per client, requests handled concurrently, responses and
// event notifications written by one writer per connection, and malformed
// input answered with the standard error codes while the connection and
// the agent keep serving.
package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Handler answers one method. params is the raw params member (may be
// empty). It returns a result to marshal, or an error: a *protocol.Error is
// sent as it is; any other error becomes an internal error whose text is
// not shown to clients.
type Handler func(ctx context.Context, c *Conn, params json.RawMessage) (any, error)

// Limits of one connection.
const (
	MaxMessageBytes  = 1 << 20 // a larger frame closes the connection
	MaxInFlight      = 32      // concurrent requests per connection
	sendQueue        = 256     // queued outgoing messages before a client counts as stuck
	writeWait        = 10 * time.Second
	pingPeriod       = 30 * time.Second
	pongWait         = 75 * time.Second
	maxBatchRequests = 64
)

// Server routes JSON-RPC methods and broadcasts events to every connection.
type Server struct {
	log      *slog.Logger
	methods  map[string]Handler
	upgrader websocket.Upgrader

	mu      sync.Mutex
	conns   map[*Conn]struct{}
	closing bool
	wg      sync.WaitGroup // connection handlers and writers
}

// NewServer returns a server. checkOrigin decides which browser origins may
// connect (nil allows requests without an Origin header only, plus
// same-host pages).
func NewServer(log *slog.Logger, checkOrigin func(r *http.Request) bool) *Server {
	s := &Server{log: log, methods: map[string]Handler{}, conns: map[*Conn]struct{}{}}
	s.upgrader = websocket.Upgrader{CheckOrigin: checkOrigin, ReadBufferSize: 4096, WriteBufferSize: 16384}
	return s
}

// Handle registers h for method. It must be called before serving.
func (s *Server) Handle(method string, h Handler) { s.methods[method] = h }

// Conn is one client connection.
type Conn struct {
	ws     *websocket.Conn
	Origin string
	Remote string
	send   chan []byte
	done   chan struct{}
	once   sync.Once
}

func (c *Conn) close() { c.once.Do(func() { close(c.done) }) }

// ServeHTTP upgrades the request to a WebSocket and serves it until the
// client leaves or ctx of the request ends.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("websocket upgrade refused", "remote", r.RemoteAddr, "origin", r.Header.Get("Origin"), "err", err)
		return
	}
	c := &Conn{ws: ws, Origin: r.Header.Get("Origin"), Remote: r.RemoteAddr, send: make(chan []byte, sendQueue), done: make(chan struct{})}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(2) // this handler and the connection's writer; under mu, never during CloseAll's Wait
	s.mu.Unlock()
	defer s.wg.Done()
	s.log.Info("client connected", "remote", c.Remote, "origin", c.Origin)
	ctx, cancel := context.WithCancel(r.Context())
	go func() {
		defer s.wg.Done()
		s.writeLoop(c)
	}()
	s.readLoop(ctx, c)
	cancel()
	c.close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.log.Info("client disconnected", "remote", c.Remote)
}

// CloseAll closes every connection, refuses new ones, and waits until
// their handlers and writers have finished. (http.Server.Shutdown does not
// wait for hijacked WebSocket connections.)
func (s *Server) CloseAll() {
	s.mu.Lock()
	s.closing = true
	for c := range s.conns {
		c.close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Broadcast sends a notification to every connection. A connection whose
// queue is full is closed rather than allowed to stall the agent.
func (s *Server) Broadcast(method string, params any) {
	msg, err := json.Marshal(protocol.Notification{JSONRPC: "2.0", Method: method, Params: params})
	if err != nil {
		s.log.Error("marshal notification", "method", method, "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.enqueue(msg)
	}
}

func (c *Conn) enqueue(msg []byte) {
	select {
	case <-c.done:
	case c.send <- msg:
	default:
		c.close() // stuck client
	}
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
			if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
				c.close()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.close()
				return
			}
		case <-c.done:
			c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
			return
		}
	}
}

func (s *Server) readLoop(ctx context.Context, c *Conn) {
	c.ws.SetReadLimit(MaxMessageBytes)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	sem := make(chan struct{}, MaxInFlight)
	var inflight sync.WaitGroup
	defer inflight.Wait()
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		if typ != websocket.TextMessage {
			c.enqueue(mustMarshal(errorResponse(nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "binary frames are not JSON-RPC; send text frames"})))
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-c.done:
			return
		}
		inflight.Add(1)
		go func() {
			defer func() { <-sem; inflight.Done() }()
			if out := s.handleMessage(ctx, c, data); out != nil {
				c.enqueue(out)
			}
		}()
	}
}

// handleMessage answers one text frame: a request, a notification, or a
// batch. It returns the bytes to send, or nil when nothing is due.
func (s *Server) handleMessage(ctx context.Context, c *Conn, data []byte) []byte {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var batch []json.RawMessage
		if err := json.Unmarshal(trimmed, &batch); err != nil {
			return mustMarshal(errorResponse(nil, &protocol.Error{Code: protocol.CodeParseError, Message: "parse error: " + err.Error()}))
		}
		if len(batch) == 0 || len(batch) > maxBatchRequests {
			return mustMarshal(errorResponse(nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "a batch must hold 1 to 64 requests"}))
		}
		out := make([]*protocol.Response, len(batch))
		var wg sync.WaitGroup
		for i, raw := range batch {
			wg.Go(func() { out[i] = s.handleOne(ctx, c, raw) })
		}
		wg.Wait()
		var replies []*protocol.Response
		for _, r := range out {
			if r != nil {
				replies = append(replies, r)
			}
		}
		if len(replies) == 0 {
			return nil
		}
		return mustMarshal(replies)
	}
	if r := s.handleOne(ctx, c, trimmed); r != nil {
		return mustMarshal(r)
	}
	return nil
}

func (s *Server) handleOne(ctx context.Context, c *Conn, raw json.RawMessage) *protocol.Response {
	if !json.Valid(raw) {
		return errorResponse(nil, &protocol.Error{Code: protocol.CodeParseError, Message: "parse error: not valid JSON"})
	}
	var req protocol.Request
	if err := json.Unmarshal(raw, &req); err != nil || req.JSONRPC != "2.0" || req.Method == "" || !validID(req.ID) {
		return errorResponse(idOrNull(req.ID), &protocol.Error{Code: protocol.CodeInvalidRequest, Message: `invalid request: need {"jsonrpc":"2.0","method":string,"id":string|number}`})
	}
	isNotification := req.ID == nil
	h, ok := s.methods[req.Method]
	if !ok {
		if isNotification {
			return nil
		}
		return errorResponse(req.ID, &protocol.Error{Code: protocol.CodeMethodNotFound, Message: "method not found: " + req.Method})
	}
	if p := bytes.TrimSpace(req.Params); len(p) > 0 && p[0] != '{' && p[0] != '[' && string(p) != "null" {
		return errorResponse(req.ID, protocol.Errorf(protocol.ReasonBadParams, "params must be an object"))
	}
	result, err := s.call(ctx, c, h, req)
	if isNotification {
		return nil
	}
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
func (s *Server) call(ctx context.Context, c *Conn, h Handler, req protocol.Request) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("method panicked", "method", req.Method, "panic", p)
			result, err = nil, &protocol.Error{Code: protocol.CodeInternalError, Message: "internal error"}
		}
	}()
	return h(ctx, c, req.Params)
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
