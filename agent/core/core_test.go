package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// syncBuffer collects the agent's log lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testConfig is the default configuration with a private state directory,
// a free loopback port and the fastest poll a reader tolerates.
func testConfig(t testing.TB) config.Config {
	cfg := config.Default()
	cfg.StateDir = t.TempDir()
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.IDCard.PollInterval = config.Duration{Duration: 300 * time.Millisecond}
	cfg.IDCard.Port = "none"
	cfg.Security.AllowNative = true // the tests are native clients
	return cfg
}

// simConfig is testConfig with simulated devices.
func simConfig(t testing.TB) config.Config {
	cfg := testConfig(t)
	cfg.Simulate = true
	cfg.IDCard.Port = "auto"
	return cfg
}

// startAgent runs an agent with cfg until the test ends.
func startAgent(t testing.TB, cfg config.Config) (string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	a, err := core.New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	select {
	case <-a.Ready():
	case err := <-done:
		t.Fatalf("agent did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent Run: %v", err)
		}
	})
	return a.Addr().String(), logs
}

// client is a minimal JSON-RPC client for tests.
type client struct {
	t      testing.TB
	ws     *websocket.Conn
	mu     sync.Mutex
	nextID int
	resp   map[string]chan json.RawMessage
	events chan json.RawMessage
	raw    chan json.RawMessage // replies without a known id
}

func dial(t testing.TB, addr string, hdr http.Header) *client {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", hdr)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial: %v (HTTP %d)", err, status)
	}
	c := &client{t: t, ws: ws, resp: map[string]chan json.RawMessage{}, events: make(chan json.RawMessage, 100), raw: make(chan json.RawMessage, 100)}
	go c.readLoop()
	t.Cleanup(func() { ws.Close() })
	return c
}

func (c *client) readLoop() {
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var head struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		json.Unmarshal(msg, &head)
		switch {
		case head.Method != "":
			c.events <- msg
		default:
			c.mu.Lock()
			ch := c.resp[string(head.ID)]
			c.mu.Unlock()
			if ch != nil {
				ch <- msg
			} else {
				c.raw <- msg
			}
		}
	}
}

// call sends a request and returns the whole response message.
func (c *client) call(method string, params any) json.RawMessage {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan json.RawMessage, 1)
	c.resp[string(mustJSON(id))] = ch
	c.mu.Unlock()
	req := map[string]any{"jsonrpc": "2.0", "id": id, "method": method}
	if params != nil {
		req["params"] = params
	}
	if err := c.ws.WriteJSON(req); err != nil {
		c.t.Fatal(err)
	}
	select {
	case m := <-ch:
		return m
	case <-time.After(10 * time.Second):
		c.t.Fatalf("no response to %s", method)
		return nil
	}
}

func (c *client) send(raw string) json.RawMessage {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
		c.t.Fatal(err)
	}
	select {
	case m := <-c.raw:
		return m
	case <-time.After(5 * time.Second):
		c.t.Fatalf("no response to %s", raw)
		return nil
	}
}

func (c *client) event(method string) json.RawMessage {
	c.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case m := <-c.events:
			if strings.Contains(string(m), `"method":"`+method+`"`) {
				return m
			}
		case <-deadline:
			c.t.Fatalf("no %s event", method)
			return nil
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// schemas compiles protocol.Schema once per test.
func schemas(t testing.TB) func(def string, msg []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(protocol.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("urn:kiosk-agent:protocol:1", doc); err != nil {
		t.Fatal(err)
	}
	return func(def string, msg []byte) {
		t.Helper()
		loc := "urn:kiosk-agent:protocol:1"
		if def != "" {
			loc += "#/$defs/" + def
		}
		s, err := c.Compile(loc)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(msg))
		if err != nil {
			t.Fatalf("agent sent invalid JSON %s: %v", msg, err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("message does not match schema %q:\n%s\n%v", def, msg, err)
		}
	}
}

// result validates a response against the protocol, checks it succeeded,
// and checks its result against resultDef.
func result(t testing.TB, validate func(string, []byte), msg json.RawMessage, resultDef string) json.RawMessage {
	t.Helper()
	validate("", msg)
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *protocol.Error `json:"error"`
	}
	if err := json.Unmarshal(msg, &r); err != nil {
		t.Fatal(err)
	}
	if r.Error != nil {
		t.Fatalf("error response: %s", msg)
	}
	validate(resultDef, r.Result)
	return r.Result
}

// rpcError validates an error response and returns its code and reason.
func rpcError(t testing.TB, validate func(string, []byte), msg json.RawMessage) (int, protocol.Reason) {
	t.Helper()
	validate("", msg)
	var r struct {
		Error *protocol.Error `json:"error"`
	}
	json.Unmarshal(msg, &r)
	if r.Error == nil {
		t.Fatalf("expected an error, got %s", msg)
	}
	if r.Error.Data == nil {
		return r.Error.Code, ""
	}
	return r.Error.Code, r.Error.Data.Reason
}

func TestWebSocketEndToEnd(t *testing.T) {
	addr, logs := startAgent(t, simConfig(t))
	validate := schemas(t)
	c := dial(t, addr, nil)

	var hello protocol.Hello
	json.Unmarshal(result(t, validate, c.call("agent.hello", nil), "hello"), &hello)
	if hello.Protocol != "1" || len(hello.Devices) != 3 || hello.Devices[0].Kind != "idcard" || hello.Devices[1].Kind != "printer" ||
		hello.Devices[2].Kind != "sigpad" || hello.EvidenceKey == nil || hello.EvidenceKey.Alg != "Ed25519" || len(hello.EvidenceKey.PublicKey) != 32 {
		t.Fatalf("hello: %+v", hello)
	}
	result(t, validate, c.call("devices.list", map[string]any{}), "devicesListResult")

	if _, reason := rpcError(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 0})); reason != protocol.ReasonNoCard {
		t.Fatalf("read with no card: %s", reason)
	}
	if _, reason := rpcError(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 100})); reason != protocol.ReasonTimeout {
		t.Fatalf("read timeout: %s", reason)
	}

	result(t, validate, c.call("sim.idcard.place", map[string]any{}), "empty")
	ev := c.event("idcard.inserted")
	validate("notification", ev)

	var got protocol.IDCardReadResult
	json.Unmarshal(result(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 3000}), "idcardReadResult"), &got)
	want := idcardsim.SampleCard()
	g := got.Card
	for _, f := range [][3]string{
		{"type", g.Type, string(want.Type)}, {"name", g.Name, want.Name}, {"sex", g.Sex, want.Sex},
		{"nation", g.Nation, want.Nation}, {"birthDate", g.BirthDate, want.BirthDate}, {"address", g.Address, want.Address},
		{"idNumber", g.IDNumber, want.IDNumber}, {"issuer", g.Issuer, want.Issuer}, {"validFrom", g.ValidFrom, want.ValidFrom},
		{"validUntil", g.ValidUntil, want.ValidUntil}, {"birthplace", g.Birthplace, "山东省枣庄市滕州市"},
	} {
		if f[1] != f[2] {
			t.Errorf("%s = %q, want %q", f[0], f[1], f[2])
		}
	}
	if !bytes.Equal(g.Photo.WLT, want.Photo) || g.Photo.PNG != nil {
		t.Errorf("photo: %d WLT bytes, png %v", len(g.Photo.WLT), g.Photo.PNG != nil)
	}

	result(t, validate, c.call("sim.idcard.remove", nil), "empty")
	validate("notification", c.event("idcard.removed"))

	// Fingerprints: only when asked, and exactly as on the card.
	fpCard := protocol.Card{Type: "resident", Name: "赵敏", Sex: "女", Nation: "回", BirthDate: "1990-01-02",
		Address: "山东省滕州市", IDNumber: "370481199001020026", Issuer: "滕州市公安局", ValidFrom: "2020-01-01",
		ValidUntil: "2040-01-01", Photo: &protocol.Photo{WLT: bytes.Repeat([]byte{7}, 1024)}, Fingerprint: bytes.Repeat([]byte{1, 2, 3, 4}, 256)}
	result(t, validate, c.call("sim.idcard.place", map[string]any{"card": fpCard}), "empty")
	ins := c.event("idcard.inserted")
	if strings.Contains(string(ins), `"fingerprint"`) {
		t.Errorf("an event carries fingerprints: %.200s", ins)
	}
	var fp protocol.IDCardReadResult
	json.Unmarshal(result(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 3000, "fingerprint": true}), "idcardReadResult"), &fp)
	if !bytes.Equal(fp.Card.Fingerprint, fpCard.Fingerprint) || fp.Card.Name != "赵敏" {
		t.Errorf("fingerprint read: %d bytes, first %v", len(fp.Card.Fingerprint), fp.Card.Fingerprint[:min(8, len(fp.Card.Fingerprint))])
	}
	var nofp protocol.IDCardReadResult
	json.Unmarshal(result(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 0}), "idcardReadResult"), &nofp)
	if nofp.Card.Fingerprint != nil {
		t.Error("fingerprints sent to a caller that did not ask")
	}

	// Personal data: the log shows the masked number only.
	if l := logs.String(); strings.Contains(l, want.IDNumber) || !strings.Contains(l, "370481********4828") {
		t.Errorf("log leaks the ID number or lacks the masked one:\n%s", l)
	}
}

func TestEveryCardKindOverWebSocket(t *testing.T) {
	addr, _ := startAgent(t, simConfig(t))
	validate := schemas(t)
	c := dial(t, addr, nil)
	for i, want := range idcardsim.SampleCards() {
		result(t, validate, c.call("sim.idcard.place", map[string]any{"sample": i}), "empty")
		var got protocol.IDCardReadResult
		json.Unmarshal(result(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 3000}), "idcardReadResult"), &got)
		g := got.Card
		if g.Type != string(want.Type) || g.Name != want.Name || g.NameEn != want.NameEn || g.IDNumber != want.IDNumber ||
			g.Nationality != want.Nationality || g.PassNumber != want.PassNumber || g.IssueCount != want.IssueCount ||
			g.AppendedAddress != want.AppendedAddress || g.CardVersion != want.CardVersion || g.IssuerCode != want.IssuerCode {
			t.Errorf("sample %d: got %+v", i, g)
		}
		result(t, validate, c.call("sim.idcard.remove", nil), "empty")
		c.event("idcard.removed")
	}
}

func TestMalformedInputKeepsServing(t *testing.T) {
	addr, _ := startAgent(t, simConfig(t))
	validate := schemas(t)
	c := dial(t, addr, nil)
	for _, tc := range []struct {
		raw    string
		code   int
		reason protocol.Reason
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"agent.hello"`, protocol.CodeParseError, ""},
		{`not json at all`, protocol.CodeParseError, ""},
		{`{"jsonrpc":"1.0","id":2,"method":"agent.hello"}`, protocol.CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"agent.hello"}`, protocol.CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":3,"method":42}`, protocol.CodeInvalidRequest, ""},
		{`[]`, protocol.CodeInvalidRequest, ""},
	} {
		code, reason := rpcError(t, validate, c.send(tc.raw))
		if code != tc.code || reason != tc.reason {
			t.Errorf("%s: got %d %s, want %d %s", tc.raw, code, reason, tc.code, tc.reason)
		}
	}
	for _, tc := range []struct {
		method string
		params any
		code   int
		reason protocol.Reason
	}{
		{"no.such.method", nil, protocol.CodeMethodNotFound, ""},
		{"idcard.read", map[string]any{"timeoutMs": -1}, protocol.CodeInvalidParams, protocol.ReasonBadParams},
		{"idcard.read", map[string]any{"timeoutMs": "soon"}, protocol.CodeInvalidParams, protocol.ReasonBadParams},
		{"idcard.read", map[string]any{"timeout": 5}, protocol.CodeInvalidParams, protocol.ReasonBadParams},
		{"idcard.read", []int{1}, protocol.CodeInvalidParams, protocol.ReasonBadParams},
		{"sim.idcard.place", map[string]any{"sample": 99}, protocol.CodeInvalidParams, protocol.ReasonBadParams},
		{"sim.idcard.place", map[string]any{"card": map[string]any{"type": "resident", "name": strings.Repeat("长", 20)}}, protocol.CodeInvalidParams, protocol.ReasonBadParams},
	} {
		code, reason := rpcError(t, validate, c.call(tc.method, tc.params))
		if code != tc.code || reason != tc.reason {
			t.Errorf("%s %v: got %d %s, want %d %s", tc.method, tc.params, code, reason, tc.code, tc.reason)
		}
	}
	// A batch, with a notification inside that gets no reply.
	batch := c.send(`[{"jsonrpc":"2.0","id":"a","method":"agent.hello"},{"jsonrpc":"2.0","method":"devices.list"},{"jsonrpc":"2.0","id":"b","method":"nope"}]`)
	var replies []json.RawMessage
	if err := json.Unmarshal(batch, &replies); err != nil || len(replies) != 2 {
		t.Fatalf("batch reply: %s", batch)
	}
	for _, r := range replies {
		validate("response", r)
	}
	// Binary frames are refused politely.
	c.ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
	if code, _ := rpcError(t, validate, <-c.raw); code != protocol.CodeInvalidRequest {
		t.Errorf("binary frame: code %d", code)
	}
	// And the agent still answers.
	result(t, validate, c.call("agent.hello", nil), "hello")
}

func TestSimMethodsNeedSimulate(t *testing.T) {
	addr, _ := startAgent(t, testConfig(t))
	validate := schemas(t)
	c := dial(t, addr, nil)
	if _, reason := rpcError(t, validate, c.call("sim.idcard.place", nil)); reason != protocol.ReasonNotSimulated {
		t.Errorf("sim.idcard.place without --simulate: %s", reason)
	}
	if _, reason := rpcError(t, validate, c.call("idcard.read", nil)); reason != protocol.ReasonDeviceNotFound {
		t.Errorf("idcard.read without a reader: %s", reason)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, tweak := range map[string]func(*config.Config){
		"simulate with a serial port": func(c *config.Config) { c.Simulate, c.IDCard.Port = true, "/dev/ttyUSB0" },
		"poll too fast":               func(c *config.Config) { c.IDCard.PollInterval.Duration = 10 * time.Millisecond },
		"remote listen":               func(c *config.Config) { c.Server.Listen = "0.0.0.0:17321" },
		"no state dir":                func(c *config.Config) { c.StateDir = "" },
	} {
		cfg := testConfig(t)
		tweak(&cfg)
		if _, err := core.New(cfg, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Every reason the Go side can send is in the schema, and nothing else.
func TestSchemaListsEveryReason(t *testing.T) {
	var schema struct {
		Defs struct {
			Reason struct {
				Enum []protocol.Reason `json:"enum"`
			} `json:"reason"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(protocol.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	got := map[protocol.Reason]bool{}
	for _, r := range schema.Defs.Reason.Enum {
		got[r] = true
	}
	for _, r := range protocol.Reasons() {
		if !got[r] {
			t.Errorf("reason %s is not in the schema", r)
		}
		if r.Code() == protocol.CodeInternalError {
			t.Errorf("reason %s has no code", r)
		}
		delete(got, r)
	}
	for r := range got {
		t.Errorf("the schema lists reason %s that the agent never sends", r)
	}
}
