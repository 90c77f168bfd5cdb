package web

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web/pairing"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

func TestHostAllowed(t *testing.T) {
	s := &Server{port: "17321"}
	remote := &Server{port: "17321", cfg: Config{AllowRemote: true}}
	for _, tc := range []struct {
		host          string
		local, remote bool
	}{
		{"127.0.0.1:17321", true, true},
		{"localhost:17321", true, true},
		{"LOCALHOST:17321", true, true},
		{"[::1]:17321", true, true},
		{"127.8.9.10:17321", true, true},
		{"127.0.0.1:80", false, false},         // another port
		{"127.0.0.1", false, false},            // no port
		{"evil.example:17321", false, false},   // DNS rebinding
		{"localhost.evil:17321", false, false}, // a name that merely starts so
		{"192.168.1.20:17321", false, true},    // a LAN address: only with allowRemote
		{"0.0.0.0:17321", false, false},
		{"224.0.0.1:17321", false, false},
		{"", false, false},
	} {
		if got := s.hostAllowed(tc.host); got != tc.local {
			t.Errorf("loopback agent, Host %q: %v, want %v", tc.host, got, tc.local)
		}
		if got := remote.hostAllowed(tc.host); got != tc.remote {
			t.Errorf("remote agent, Host %q: %v, want %v", tc.host, got, tc.remote)
		}
	}
}

// rig is a web server with a real RPC server and pairing store.
type rig struct {
	t     *testing.T
	url   string // http://127.0.0.1:PORT
	host  string
	store *pairing.Store
	web   *Server
}

func newRig(t *testing.T, allowNative bool) *rig {
	store := pairing.Open(filepath.Join(t.TempDir(), "pairings.json"))
	srv := rpc.NewServer(rpc.Options{OnConnect: OnConnect})
	w := New(Config{Pairings: store, RPC: srv, AllowNative: allowNative,
		Routes: map[string]http.Handler{"/": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) })}})
	srv.HandlePublic(protocol.MethodHello, func(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		var p protocol.HelloParams
		json.Unmarshal(params, &p)
		acc, err := w.Hello(c, p.Token)
		if err != nil {
			return nil, protocol.Errorf(protocol.ReasonUnauthorized, "bad token")
		}
		return acc.Wire(), nil
	})
	srv.Handle("ping", func(context.Context, *rpc.Conn, json.RawMessage) (any, error) { return "pong", nil })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: w.Handler(port)}}
	hs.Start()
	t.Cleanup(func() { srv.CloseAll(); hs.Close() })
	return &rig{t: t, url: "http://" + ln.Addr().String(), host: ln.Addr().String(), store: store, web: w}
}

func (r *rig) dial(origin, host string) (*websocket.Conn, int) {
	r.t.Helper()
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	if host != "" {
		hdr.Set("Host", host)
	}
	d := websocket.Dialer{HandshakeTimeout: 2 * time.Second}
	u := strings.Replace(r.url, "http", "ws", 1) + "/ws"
	ws, resp, err := d.Dial(u, hdr)
	if err != nil {
		if resp == nil {
			r.t.Fatalf("dial: %v", err)
		}
		return nil, resp.StatusCode
	}
	r.t.Cleanup(func() { ws.Close() })
	return ws, http.StatusSwitchingProtocols
}

func call(t *testing.T, ws *websocket.Conn, method string, params any) (json.RawMessage, *protocol.Error) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(3 * time.Second))
	if err := ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params}); err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *protocol.Error `json:"error"`
	}
	if err := ws.ReadJSON(&resp); err != nil {
		t.Fatal(err)
	}
	return resp.Result, resp.Error
}

func reason(e *protocol.Error) protocol.Reason {
	if e == nil || e.Data == nil {
		return ""
	}
	return e.Data.Reason
}

func TestAdmission(t *testing.T) {
	r := newRig(t, false)
	tok, _, err := r.store.Add(pairing.AddRequest{Origin: "https://zwfw.example.gov.cn", Fields: []string{"name", "idNumberMasked"}, Known: protocol.CardFields()})
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := r.store.Add(pairing.AddRequest{Origin: "https://other.example.gov.cn", Fields: []string{"all"}, Known: protocol.CardFields()})

	// DNS rebinding: another name for this address, on any route.
	for _, path := range []string{"/", "/ws"} {
		req, _ := http.NewRequest("GET", r.url+path, nil)
		req.Host = "evil.example:" + strings.Split(r.host, ":")[1]
		req.Header.Set("Origin", "http://"+req.Host)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("rebinding request to %s: %d, want 403", path, res.StatusCode)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers missing: CSP %q", path, csp)
		}
	}
	// An origin nobody paired.
	if _, code := r.dial("https://evil.example", ""); code != http.StatusForbidden {
		t.Errorf("unpaired origin: %d, want 403", code)
	}
	if _, code := r.dial("null", ""); code != http.StatusForbidden {
		t.Errorf("opaque origin: %d, want 403", code)
	}
	// The agent's own page: authorized at once, every field.
	ws, _ := r.dial("http://"+r.host, "")
	if _, e := call(t, ws, "ping", nil); e != nil {
		t.Errorf("own page: %v", e)
	}
	// A paired page: nothing until its token.
	ws, _ = r.dial("https://zwfw.example.gov.cn", "")
	if _, e := call(t, ws, "ping", nil); reason(e) != protocol.ReasonUnauthorized {
		t.Errorf("paired page before hello: %v", e)
	}
	res, e := call(t, ws, protocol.MethodHello, map[string]any{})
	var acc protocol.Access
	json.Unmarshal(res, &acc)
	if e != nil || acc.Authorized || acc.Kind != protocol.AccessNone {
		t.Errorf("hello without a token: %v %+v", e, acc)
	}
	if _, e := call(t, ws, protocol.MethodHello, map[string]any{"token": other}); reason(e) != protocol.ReasonUnauthorized {
		t.Errorf("another origin's token: %v", e)
	}
	res, e = call(t, ws, protocol.MethodHello, map[string]any{"token": tok})
	json.Unmarshal(res, &acc)
	if e != nil || !acc.Authorized || acc.Kind != protocol.AccessPaired || strings.Join(acc.Fields, ",") != "type,name,idNumberMasked,incomplete" {
		t.Errorf("hello with its token: %v %+v", e, acc)
	}
	if _, e := call(t, ws, "ping", nil); e != nil {
		t.Errorf("paired page after hello: %v", e)
	}
	// A native client without allowNative needs a native token.
	ws, _ = r.dial("", "")
	if _, e := call(t, ws, "ping", nil); reason(e) != protocol.ReasonUnauthorized {
		t.Errorf("native client without a token: %v", e)
	}
	ntok, _, _ := r.store.Add(pairing.AddRequest{Native: true, Name: "counter-app", Fields: []string{"all"}, Known: protocol.CardFields()})
	if _, e := call(t, ws, protocol.MethodHello, map[string]any{"token": tok}); reason(e) != protocol.ReasonUnauthorized {
		t.Errorf("native client with a page's token: %v", e)
	}
	if _, e := call(t, ws, protocol.MethodHello, map[string]any{"token": ntok}); e != nil {
		t.Errorf("native client with its token: %v", e)
	}
	if _, e := call(t, ws, "ping", nil); e != nil {
		t.Errorf("native client after hello: %v", e)
	}
}

// Removing a pairing closes the connections that presented its token.
func TestRevalidateClosesRemovedPairings(t *testing.T) {
	r := newRig(t, false)
	tok, _, _ := r.store.Add(pairing.AddRequest{Origin: "https://zwfw.example.gov.cn", Fields: []string{"name"}, Known: protocol.CardFields()})
	ws, _ := r.dial("https://zwfw.example.gov.cn", "")
	if _, e := call(t, ws, protocol.MethodHello, map[string]any{"token": tok}); e != nil {
		t.Fatal(e)
	}
	if ok, err := r.store.Remove("https://zwfw.example.gov.cn"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	r.web.Revalidate()
	ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, _, err := ws.ReadMessage()
	var ce *websocket.CloseError
	if !errorsAs(err, &ce) || ce.Code != protocol.ClosePolicy {
		t.Fatalf("after removal: %v, want close %d", err, protocol.ClosePolicy)
	}
}

func errorsAs(err error, ce **websocket.CloseError) bool {
	c, ok := err.(*websocket.CloseError)
	*ce = c
	return ok
}

// FilterCard keeps exactly the fields a policy names, for every field the
// card has (a new field added to protocol.Card without a rule here fails).
func TestFilterCardCoversEveryField(t *testing.T) {
	full := protocol.Card{}
	v := reflect.ValueOf(&full).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x" + v.Type().Field(i).Name)
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				f.Set(reflect.ValueOf([]string{"appendedAddress"}))
			} else {
				f.SetBytes([]byte{1})
			}
		case reflect.Pointer:
			f.Set(reflect.ValueOf(&protocol.Photo{WLT: []byte{2}}))
		}
	}
	allJSON, _ := json.Marshal(full)
	var all map[string]any
	json.Unmarshal(allJSON, &all)
	if len(all) != len(protocol.CardFields()) {
		t.Fatalf("the card has %d JSON fields, CardFields lists %d", len(all), len(protocol.CardFields()))
	}
	for _, field := range protocol.CardFields() {
		b, _ := json.Marshal(Access{Fields: map[string]bool{field: true}}.FilterCard(full))
		var got map[string]any
		json.Unmarshal(b, &got)
		want := map[string]bool{"type": true, "incomplete": true, field: true}
		for k := range got {
			if !want[k] {
				t.Errorf("policy {%s}: field %s leaks through", field, k)
			}
		}
		if _, ok := got[field]; !ok {
			t.Errorf("policy {%s}: the field itself is missing", field)
		}
	}
	if b, _ := json.Marshal(Access{}.FilterCard(full)); string(b) != string(allJSON) {
		t.Error("an access without a field policy must see the whole card")
	}
}
