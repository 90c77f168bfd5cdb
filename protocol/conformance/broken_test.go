package conformance_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/protocol"
	"github.com/kiosk-agent/kiosk-agent/protocol/conformance"
)

// fault is one way the fake agent breaks the protocol.
type fault string

// The faults, each with the checks that must catch it.
const (
	faultAnyHost              fault = "serves any Host header (no DNS-rebinding guard)"
	faultAnyOrigin            fault = "upgrades any Origin as if it were its own"
	faultNoHeaders            fault = "sends no security headers"
	faultParseErrorID         fault = "answers a parse error with id 0 instead of null"
	faultAnswerNotifications  fault = "answers notifications"
	faultGoTypeNames          fault = "puts Go's decoder errors (Go type names) in BAD_PARAMS messages"
	faultLenientRequests      fault = "takes requests without jsonrpc \"2.0\" for valid ones"
	faultBatchLimits          fault = "answers an empty batch with [] and serves batches of 65"
	faultBinaryAsText         fault = "reads binary frames as text"
	faultNoReadLimit          fault = "takes messages of any size"
	faultNoRateLimit          fault = "has no rate limit"
	faultNoMaxClients         fault = "takes any number of clients"
	faultBlockingWrites       fault = "writes to each client synchronously, without deadline or drop"
	faultAuthorizeAll         fault = "authorizes paired pages before they present their token"
	faultEventsToUnauthorized fault = "sends events to clients that are not authorized"
	faultAnyToken             fault = "accepts any token"
	faultLeakFields           fault = "sends paired pages the whole card"
	faultNativeAlways         fault = "authorizes native clients although they are not allowed"
	faultSimAlways            fault = "serves sim.* without --simulate"
	faultSchema               fault = "sends devices without health and /healthz with a status the schema does not know"
)

// faultCatches names, for each fault, the checks that must fail, and the
// fake's configuration for that run.
var faultCatches = []struct {
	fault     fault
	simulated bool
	checks    []string
}{
	{faultAnyHost, true, []string{"http/host-rule", "origin/dns-rebinding"}},
	{faultAnyOrigin, true, []string{"origin/unpaired-refused", "origin/dns-rebinding"}},
	{faultNoHeaders, true, []string{"http/security-headers"}},
	{faultParseErrorID, true, []string{"jsonrpc/parse-error"}},
	{faultAnswerNotifications, true, []string{"jsonrpc/notifications", "jsonrpc/method-not-found", "jsonrpc/batch"}},
	{faultGoTypeNames, true, []string{"jsonrpc/invalid-params", "jsonrpc/batch", "sim/methods"}},
	{faultLenientRequests, true, []string{"jsonrpc/invalid-request"}},
	{faultBatchLimits, true, []string{"jsonrpc/batch"}},
	{faultBinaryAsText, true, []string{"jsonrpc/binary-frame"}},
	{faultNoReadLimit, true, []string{"limits/oversized-message"}},
	{faultNoRateLimit, true, []string{"limits/rate"}},
	{faultNoMaxClients, true, []string{"limits/max-clients"}},
	{faultBlockingWrites, true, []string{"limits/slow-reader"}},
	{faultAuthorizeAll, true, []string{"token/unauthorized-before-hello", "token/wrong-token"}},
	{faultEventsToUnauthorized, true, []string{"token/unauthorized-before-hello"}},
	{faultAnyToken, true, []string{"token/wrong-token", "token/other-origin"}},
	{faultLeakFields, true, []string{"card/paired-fields"}},
	{faultNativeAlways, false, []string{"native/admission"}},
	{faultSimAlways, false, []string{"sim/methods"}},
	{faultSchema, true, []string{"methods/results", "http/healthz", "origin/own-authorized"}},
}

// TestBrokenAgentFails runs, for each fault, the checks that cover it
// against a fake agent with that fault alone, and asserts that each fails.
func TestBrokenAgentFails(t *testing.T) {
	checks := map[string]conformance.Check{}
	for _, c := range conformance.Checks() {
		checks[c.Name] = c
	}
	for _, fc := range faultCatches {
		t.Run(strings.ReplaceAll(string(fc.fault), " ", "_"), func(t *testing.T) {
			t.Parallel()
			cfg := startFake(t, fc.simulated, fc.fault)
			env, err := conformance.NewEnv(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range fc.checks {
				c, ok := checks[name]
				if !ok {
					t.Fatalf("no check %q", name)
				}
				ctx, cancel := context.WithTimeout(t.Context(), conformance.CheckTimeout)
				err := c.Run(ctx, env.WithLog(t.Logf))
				cancel()
				if reason, ok := conformance.IsSkip(err); ok {
					t.Errorf("%s was skipped (%s); it must catch a fake agent that %s", name, reason, fc.fault)
				} else if err == nil {
					t.Errorf("%s passed; it must catch a fake agent that %s", name, fc.fault)
				} else {
					t.Logf("%s caught it:\n%v", name, err)
				}
			}
		})
	}
}

// TestFaithfulFakePasses runs every check against the fake agent without
// faults: the checks ask nothing the protocol does not promise.
func TestFaithfulFakePasses(t *testing.T) {
	t.Run("simulated", func(t *testing.T) {
		conformance.Run(t, startFake(t, true))
	})
	t.Run("native-token", func(t *testing.T) {
		cfg := startFake(t, false)
		env, err := conformance.NewEnv(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range conformance.Checks() {
			if !slices.Contains([]string{"native/admission", "sim/methods", "token/other-origin", "card/paired-fields"}, c.Name) {
				continue
			}
			ctx, cancel := context.WithTimeout(t.Context(), conformance.CheckTimeout)
			err := c.Run(ctx, env.WithLog(t.Logf))
			cancel()
			if _, ok := conformance.IsSkip(err); ok && c.Name == "card/paired-fields" {
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", c.Name, err)
			}
		}
	})
}

// TestChecksNamed: every check has a unique name and a Run.
func TestChecksNamed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range conformance.Checks() {
		if c.Name == "" || c.Run == nil || seen[c.Name] {
			t.Errorf("check %q: empty, without Run, or twice", c.Name)
		}
		seen[c.Name] = true
	}
	if _, err := conformance.NewEnv(conformance.Config{BaseURL: "http://127.0.0.1"}); err == nil {
		t.Error("NewEnv took a base URL without a port")
	}
}

// The fake's pairings.
const (
	pairedOrigin = "https://counter.example.gov.cn"
	pairedToken  = "tok-counter-0123456789"
	otherOrigin  = "https://other.example.gov.cn"
	otherToken   = "tok-other-0123456789"
	nativeToken  = "tok-native-0123456789"
)

var pairedFields = []string{"name", "idNumberMasked"}

// startFake starts a fake agent with faults and returns the Config that
// describes it.
func startFake(t *testing.T, simulated bool, faults ...fault) conformance.Config {
	t.Helper()
	limits := conformance.DefaultLimits()
	limits.MaxClients = 16
	a := &fakeAgent{
		faults: map[fault]bool{}, simulated: simulated, allowNative: simulated, limits: limits,
		pairings: map[string]fakePairing{pairedOrigin: {pairedToken, pairedFields}, otherOrigin: {otherToken, []string{"name"}}},
		clients:  map[*fakeClient]bool{},
		since:    time.Now().UTC().Format(time.RFC3339),
	}
	for _, f := range faults {
		a.faults[f] = true
	}
	a.srv = httptest.NewServer(a)
	t.Cleanup(a.close)
	return conformance.Config{BaseURL: a.srv.URL, PairedOrigin: pairedOrigin, Token: pairedToken, OtherPairedOrigin: otherOrigin,
		NativeToken: nativeToken, NativeAllowed: simulated, Simulated: simulated, Limits: limits}
}

type fakePairing struct {
	token  string
	fields []string
}

// fakeAgent is a small agent over httptest and gorilla/websocket that
// follows the protocol except where a fault says otherwise.
type fakeAgent struct {
	faults      map[fault]bool
	simulated   bool
	allowNative bool
	limits      conformance.Limits
	pairings    map[string]fakePairing
	since       string
	srv         *httptest.Server

	mu      sync.Mutex
	clients map[*fakeClient]bool
	order   []*fakeClient
	card    map[string]any // on the simulated reader
}

func (a *fakeAgent) close() {
	a.mu.Lock()
	for c := range a.clients {
		c.kill()
	}
	a.mu.Unlock()
	a.srv.Close()
}

var sampleCard = map[string]any{
	"type": "resident", "name": "张三", "sex": "男", "nation": "汉", "birthDate": "1956-03-14",
	"address": "山东省龙口市东莱街道", "idNumber": "370481195603144828", "idNumberMasked": "370481********4828",
	"issuer": "龙口市公安局", "validFrom": "2010-01-01", "validUntil": "长期", "birthplace": "山东省烟台市龙口市",
	"photo": map[string]any{"wlt": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x57}, 1024)), "png": nil},
}

func (a *fakeAgent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !a.faults[faultNoHeaders] {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
	}
	if !a.faults[faultAnyHost] && !a.loopbackHost(r.Host) {
		http.Error(w, "forbidden host", http.StatusForbidden)
		return
	}
	switch r.URL.Path {
	case "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>kiosk</title>")
	case "/healthz":
		rep := a.health()
		w.Header().Set("Content-Type", "application/json")
		if a.faults[faultSchema] {
			fmt.Fprint(w, `{"status":"fine","checks":[]}`)
			return
		}
		json.NewEncoder(w).Encode(rep)
	case "/ws":
		a.serveWS(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (a *fakeAgent) loopbackHost(host string) bool {
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		return false
	}
	_, port, _ := net.SplitHostPort(a.srv.Listener.Addr().String())
	if p != port {
		return false
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func (a *fakeAgent) health() protocol.HealthReport {
	return protocol.HealthReport{Status: "ok", Checks: []protocol.HealthCheck{a.check()}}
}

func (a *fakeAgent) check() protocol.HealthCheck {
	return protocol.HealthCheck{Component: "idcard", Code: "ok", Severity: "ok", Since: a.since}
}

func (a *fakeAgent) devices() any {
	if a.faults[faultSchema] {
		return []map[string]any{{"kind": "idcard", "id": "sim-0", "model": "sim", "port": "sim", "state": "connected"}}
	}
	return []protocol.Device{{Kind: "idcard", ID: "sim-0", Model: "sim", Port: "sim", State: protocol.StateConnected, Health: a.check()}}
}

func (a *fakeAgent) serveWS(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	c := &fakeClient{a: a, origin: origin, send: make(chan []byte, 64), done: make(chan struct{}),
		tokens: float64(a.limits.Burst), last: time.Now(), fields: []string{}}
	switch {
	case origin == "":
		c.kind = protocol.AccessNone
		if a.allowNative || a.faults[faultNativeAlways] {
			c.authorize(protocol.AccessNative, protocol.CardFields())
		}
	case origin == "http://"+r.Host:
		c.authorize(protocol.AccessOwn, protocol.CardFields())
	case a.pairings[origin].token != "":
		c.kind = protocol.AccessNone
		if a.faults[faultAuthorizeAll] {
			c.authorize(protocol.AccessPaired, protocol.CardFields())
		}
	case a.faults[faultAnyOrigin]:
		c.authorize(protocol.AccessOwn, protocol.CardFields())
	default:
		http.Error(w, "origin not paired", http.StatusForbidden)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c.ws = ws
	a.mu.Lock()
	if len(a.clients) >= a.limits.MaxClients && !a.faults[faultNoMaxClients] {
		a.mu.Unlock()
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(protocol.CloseTryAgainLate, "too many clients"), time.Now().Add(time.Second))
		ws.Close()
		return
	}
	a.clients[c] = true
	a.order = append(a.order, c)
	a.mu.Unlock()
	go c.writeLoop()
	c.readLoop()
	a.mu.Lock()
	delete(a.clients, c)
	a.order = slices.DeleteFunc(a.order, func(x *fakeClient) bool { return x == c })
	a.mu.Unlock()
}

// broadcast sends an event to the authorized clients, in the order they
// connected, shaped per client.
func (a *fakeAgent) broadcast(method string, params func(c *fakeClient) any) {
	a.mu.Lock()
	conns := slices.Clone(a.order)
	a.mu.Unlock()
	for _, c := range conns {
		if !c.isAuthorized() && !a.faults[faultEventsToUnauthorized] {
			continue
		}
		b, _ := json.Marshal(protocol.Notification{JSONRPC: "2.0", Method: method, Params: params(c)})
		c.enqueue(b)
	}
}

type fakeClient struct {
	a      *fakeAgent
	ws     *websocket.Conn
	origin string
	send   chan []byte
	done   chan struct{}
	once   sync.Once
	wmu    sync.Mutex // serializes writes in faultBlockingWrites

	// read loop only
	tokens float64
	last   time.Time

	mu         sync.Mutex
	kind       string
	authorized bool
	fields     []string
}

func (c *fakeClient) authorize(kind string, fields []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kind, c.authorized, c.fields = kind, true, slices.Clone(fields)
}

func (c *fakeClient) isAuthorized() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.authorized
}

func (c *fakeClient) access() protocol.Access {
	c.mu.Lock()
	defer c.mu.Unlock()
	return protocol.Access{Kind: c.kind, Origin: c.origin, Authorized: c.authorized, Fields: slices.Clone(c.fields)}
}

// filter returns the card as this client may see it.
func (c *fakeClient) filter(card map[string]any) map[string]any {
	if c.a.faults[faultLeakFields] {
		return card
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]any{}
	for k, v := range card {
		if k == "type" || k == "incomplete" || slices.Contains(c.fields, k) {
			out[k] = v
		}
	}
	return out
}

func (c *fakeClient) kill() {
	c.once.Do(func() {
		close(c.done)
		c.ws.NetConn().Close()
	})
}

func (c *fakeClient) enqueue(msg []byte) {
	if c.a.faults[faultBlockingWrites] {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		c.ws.SetWriteDeadline(time.Time{})
		if c.ws.WriteMessage(websocket.TextMessage, msg) != nil {
			c.kill()
		}
		return
	}
	select {
	case <-c.done:
	case c.send <- msg:
	default:
		c.kill() // not reading: dropped
	}
}

func (c *fakeClient) writeLoop() {
	if c.a.faults[faultBlockingWrites] {
		return
	}
	for {
		select {
		case m := <-c.send:
			c.ws.SetWriteDeadline(time.Now().Add(2 * time.Second))
			if c.ws.WriteMessage(websocket.TextMessage, m) != nil {
				c.kill()
				return
			}
		case <-c.done:
			return
		}
	}
}

func (c *fakeClient) readLoop() {
	defer c.kill()
	if !c.a.faults[faultNoReadLimit] {
		c.ws.SetReadLimit(int64(c.a.limits.MaxMessageBytes))
	}
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if typ == websocket.BinaryMessage && !c.a.faults[faultBinaryAsText] {
			c.enqueue(response(nil, nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "binary frames are not JSON-RPC"}))
			continue
		}
		if out := c.handle(data); out != nil {
			c.enqueue(out)
		}
	}
}

func response(id json.RawMessage, result any, e *protocol.Error) []byte {
	r := protocol.Response{JSONRPC: "2.0", ID: id, Result: result, Error: e}
	if e == nil && result == nil {
		r.Result = struct{}{}
	}
	b, _ := json.Marshal(r)
	return b
}

func (c *fakeClient) handle(data []byte) []byte {
	trimmed := bytes.TrimSpace(data)
	if !json.Valid(trimmed) {
		id := json.RawMessage(nil)
		if c.a.faults[faultParseErrorID] {
			id = json.RawMessage("0")
		}
		return response(id, nil, &protocol.Error{Code: protocol.CodeParseError, Message: "parse error"})
	}
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var elems []json.RawMessage
		json.Unmarshal(trimmed, &elems)
		invalid := &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "invalid request: a batch holds 1 to 64 requests"}
		if len(elems) == 0 {
			if c.a.faults[faultBatchLimits] {
				return []byte("[]")
			}
			return response(nil, nil, invalid)
		}
		if len(elems) > 64 && !c.a.faults[faultBatchLimits] {
			return response(nil, nil, invalid)
		}
		var out []json.RawMessage
		for _, e := range elems {
			if r := c.one(e); r != nil {
				out = append(out, r)
			}
		}
		if len(out) == 0 {
			return nil
		}
		b, _ := json.Marshal(out)
		return b
	}
	return c.one(trimmed)
}

// validID: a string, an integer or null.
func validID(id json.RawMessage) bool {
	var v any
	d := json.NewDecoder(bytes.NewReader(id))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return false
	}
	switch x := v.(type) {
	case nil, string:
		return true
	case json.Number:
		_, err := x.Int64()
		return err == nil
	}
	return false
}

func (c *fakeClient) take() bool {
	if c.a.faults[faultNoRateLimit] {
		return true
	}
	now := time.Now()
	c.tokens = min(float64(c.a.limits.Burst), c.tokens+now.Sub(c.last).Seconds()*c.a.limits.CallsPerSecond)
	c.last = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

func (c *fakeClient) one(raw json.RawMessage) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return response(nil, nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "invalid request: not an object"})
	}
	id, hasID := m["id"]
	if hasID && !validID(id) {
		return response(nil, nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "invalid request: id must be a string or an integer"})
	}
	var version, method string
	okVersion := json.Unmarshal(m["jsonrpc"], &version) == nil && version == "2.0"
	okMethod := json.Unmarshal(m["method"], &method) == nil && m["method"] != nil
	params := m["params"]
	okParams := params == nil || (len(params) > 0 && (params[0] == '{' || params[0] == '['))
	if c.a.faults[faultLenientRequests] {
		okVersion = true
	}
	if !okVersion || !okMethod || !okParams {
		return response(id, nil, &protocol.Error{Code: protocol.CodeInvalidRequest, Message: "invalid request"})
	}
	notification := !hasID
	if !c.take() {
		if notification {
			return nil
		}
		return response(id, nil, protocol.Errorf(protocol.ReasonRateLimited, "too many calls: at most %g a second", c.a.limits.CallsPerSecond))
	}
	var result any
	var e *protocol.Error
	if !c.isAuthorized() && method != protocol.MethodHello {
		e = protocol.Errorf(protocol.ReasonUnauthorized, "present the pairing token with agent.hello first")
	} else {
		result, e = c.call(method, params)
	}
	if notification && !c.a.faults[faultAnswerNotifications] {
		return nil
	}
	return response(id, result, e)
}

func (c *fakeClient) decode(params json.RawMessage, v any) *protocol.Error {
	if !c.a.faults[faultGoTypeNames] {
		return protocol.DecodeParams(params, v)
	}
	if len(params) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(params))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		e := protocol.Errorf(protocol.ReasonBadParams, "invalid params: %v", err)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			e.Data.Field = te.Field
		}
		return e
	}
	return nil
}

func (c *fakeClient) call(method string, params json.RawMessage) (any, *protocol.Error) {
	a := c.a
	switch method {
	case protocol.MethodHello:
		var p protocol.HelloParams
		if e := c.decode(params, &p); e != nil {
			return nil, e
		}
		if p.Token != "" {
			c.mu.Lock()
			kind := c.kind
			c.mu.Unlock()
			switch {
			case a.faults[faultAnyToken]:
				c.authorize(protocol.AccessPaired, pairedFields)
			case c.origin == "" && p.Token == nativeToken && !a.allowNative:
				c.authorize(protocol.AccessPaired, protocol.CardFields())
			case c.origin != "" && a.pairings[c.origin].token == p.Token:
				c.authorize(protocol.AccessPaired, a.pairings[c.origin].fields)
			case kind == protocol.AccessOwn || kind == protocol.AccessNative:
			default:
				return nil, protocol.Errorf(protocol.ReasonUnauthorized, "this token is not paired with this client")
			}
		}
		return protocol.Hello{Protocol: protocol.Version, Version: "fake", Devices: []protocol.Device{}, Access: c.access()}, nil
	case protocol.MethodDevicesList:
		if e := c.decode(params, &protocol.Empty{}); e != nil {
			return nil, e
		}
		return a.devices(), nil
	case protocol.MethodHealthGet:
		if e := c.decode(params, &protocol.Empty{}); e != nil {
			return nil, e
		}
		return a.health(), nil
	case protocol.MethodIDCardRead:
		var p protocol.IDCardReadParams
		if e := c.decode(params, &p); e != nil {
			return nil, e
		}
		if p.TimeoutMs != nil && (*p.TimeoutMs < 0 || *p.TimeoutMs > 600000) {
			e := protocol.Errorf(protocol.ReasonBadParams, "invalid params: timeoutMs must be 0 to 600000")
			e.Data.Field = "timeoutMs"
			return nil, e
		}
		a.mu.Lock()
		card := a.card
		a.mu.Unlock()
		if card == nil {
			if p.TimeoutMs == nil || *p.TimeoutMs == 0 {
				return nil, protocol.Errorf(protocol.ReasonNoCard, "no card on the reader")
			}
			return nil, protocol.Errorf(protocol.ReasonTimeout, "no card was placed")
		}
		return map[string]any{"card": c.filter(card)}, nil
	case protocol.MethodSimPlaceCard, protocol.MethodSimRemoveCard:
		if !a.simulated && !a.faults[faultSimAlways] {
			return nil, protocol.Errorf(protocol.ReasonNotSimulated, "%s needs --simulate", method)
		}
		if method == protocol.MethodSimPlaceCard {
			var p protocol.SimPlaceParams
			if e := c.decode(params, &p); e != nil {
				return nil, e
			}
			a.mu.Lock()
			a.card = sampleCard
			a.mu.Unlock()
			a.broadcast(protocol.EventIDCardInserted, func(c *fakeClient) any { return map[string]any{"card": c.filter(sampleCard)} })
			return protocol.Empty{}, nil
		}
		if e := c.decode(params, &protocol.Empty{}); e != nil {
			return nil, e
		}
		a.mu.Lock()
		had := a.card != nil
		a.card = nil
		a.mu.Unlock()
		if had {
			a.broadcast(protocol.EventIDCardRemoved, func(*fakeClient) any { return protocol.Empty{} })
		}
		return protocol.Empty{}, nil
	}
	return nil, &protocol.Error{Code: protocol.CodeMethodNotFound, Message: "method not found: " + method}
}
