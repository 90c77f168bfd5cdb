package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// wsClient is a JSON-RPC client that can wait for a call's answer while
// events arrive: what a capture needs.
type wsClient struct {
	t  *testing.T
	ws *websocket.Conn

	mu      sync.Mutex
	next    int
	waiting map[int]chan wsAnswer
	events  []wsEvent
	evCh    chan struct{}
}

type wsAnswer struct {
	Result json.RawMessage
	Error  *rpcError
}

type wsEvent struct {
	Method string
	Params json.RawMessage
	At     time.Time
}

func dialWS(t *testing.T, base string) *wsClient {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.Dial("ws://"+u.Host+"/ws", nil)
	if err != nil {
		t.Fatalf("dial the agent: %v", err)
	}
	c := &wsClient{t: t, ws: ws, waiting: map[int]chan wsAnswer{}, evCh: make(chan struct{}, 1)}
	go c.read()
	t.Cleanup(func() { ws.Close() })
	return c
}

func (c *wsClient) read() {
	for {
		var m struct {
			ID     *int            `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
			Result json.RawMessage `json:"result"`
			Error  *rpcError       `json:"error"`
		}
		if err := c.ws.ReadJSON(&m); err != nil {
			c.mu.Lock()
			for _, ch := range c.waiting {
				close(ch)
			}
			c.waiting = map[int]chan wsAnswer{}
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		if m.ID != nil {
			if ch, ok := c.waiting[*m.ID]; ok {
				ch <- wsAnswer{m.Result, m.Error}
				delete(c.waiting, *m.ID)
			}
		} else {
			c.events = append(c.events, wsEvent{m.Method, m.Params, time.Now()})
			select {
			case c.evCh <- struct{}{}:
			default:
			}
		}
		c.mu.Unlock()
	}
}

// start sends a call and returns the channel its answer comes on.
func (c *wsClient) start(method string, params any) chan wsAnswer {
	c.t.Helper()
	c.mu.Lock()
	c.next++
	id := c.next
	ch := make(chan wsAnswer, 1)
	c.waiting[id] = ch
	err := c.ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	c.mu.Unlock()
	if err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	return ch
}

// call sends a call and waits up to d for its answer.
func (c *wsClient) call(method string, params any, d time.Duration) (json.RawMessage, *rpcError) {
	c.t.Helper()
	return c.await(method, c.start(method, params), d)
}

func (c *wsClient) await(method string, ch chan wsAnswer, d time.Duration) (json.RawMessage, *rpcError) {
	c.t.Helper()
	select {
	case a, ok := <-ch:
		if !ok {
			c.t.Fatalf("%s: the connection closed", method)
		}
		return a.Result, a.Error
	case <-time.After(d):
		c.t.Fatalf("%s: no answer within %v", method, d)
	}
	return nil, nil
}

func (c *wsClient) must(method string, params any, d time.Duration) json.RawMessage {
	c.t.Helper()
	r, err := c.call(method, params, d)
	if err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	return r
}

// waitEvent waits for an event named method after the first skip ones.
func (c *wsClient) waitEvent(method string, d time.Duration) wsEvent {
	c.t.Helper()
	deadline := time.After(d)
	for {
		c.mu.Lock()
		for _, e := range c.events {
			if e.Method == method {
				c.mu.Unlock()
				return e
			}
		}
		c.mu.Unlock()
		select {
		case <-c.evCh:
		case <-deadline:
			c.t.Fatalf("no %s event within %v", method, d)
		}
	}
}

func (c *wsClient) eventsNamed(method string) []wsEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []wsEvent
	for _, e := range c.events {
		if e.Method == method {
			out = append(out, e)
		}
	}
	return out
}

// evidenceKey asks the agent for its evidence key.
func (c *wsClient) evidenceKey() *evidence.PublicKey {
	c.t.Helper()
	var h protocol.Hello
	if err := json.Unmarshal(c.must("agent.hello", map[string]any{}, 5*time.Second), &h); err != nil {
		c.t.Fatal(err)
	}
	if h.EvidenceKey == nil {
		c.t.Fatal("agent.hello has no evidenceKey")
	}
	k, err := evidence.NewPublicKey(h.EvidenceKey.Alg, h.EvidenceKey.PublicKey)
	if err != nil {
		c.t.Fatal(err)
	}
	return &k
}

var testDocument = map[string]any{"title": "诚信承诺书", "summary": "1. 我说的家里人口、收入都是真的。\n2. 我愿意配合上门了解情况。",
	"sha256": "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7"}

// verifyBundle checks a capture's answer: a bundle that verifies with the
// agent's key, signed by signer on a device of kind.
func verifyBundle(t *testing.T, raw json.RawMessage, key *evidence.PublicKey, kind, signer string) evidence.Manifest {
	t.Helper()
	var res struct {
		Bundle json.RawMessage `json:"bundle"`
	}
	if err := json.Unmarshal(raw, &res); err != nil || len(res.Bundle) == 0 {
		t.Fatalf("no bundle in %.200s: %v", raw, err)
	}
	rep, err := evidence.Verify(res.Bundle, key)
	if err != nil {
		t.Fatalf("the bundle does not verify: %v", err)
	}
	m := rep.Manifest
	if m.Device.Kind != kind || m.Signer.Name != signer || m.Document.SHA256 != testDocument["sha256"] {
		t.Errorf("manifest: device %+v signer %q document %+v", m.Device, m.Signer.Name, m.Document)
	}
	// One byte changed anywhere fails, naming the part.
	for _, change := range []struct{ from, to string }{{`"王`, `"玉`}, {`"dropped":0`, `"dropped":1`}} {
		bad := strings.Replace(string(res.Bundle), change.from, change.to, 1)
		if bad == string(res.Bundle) {
			continue
		}
		if _, err := evidence.Verify([]byte(bad), key); err == nil {
			t.Errorf("a bundle with %s changed to %s verifies", change.from, change.to)
		}
	}
	return m
}

// TestSigpadOverWebSocket takes a signature on the simulated pad through
// the WebSocket: the pad signs, the client sees the ink live, the pad's
// 签好了 ends it, and the bundle verifies. Then the errors: a second
// client is DEVICE_BUSY, confirm with no ink is EMPTY_SIGNATURE, cancel
// is CANCELLED, buttons with no capture are NO_CAPTURE.
func TestSigpadOverWebSocket(t *testing.T) {
	base, _ := startAgent(t, "")
	c := dialWS(t, base)
	key := c.evidenceKey()
	other := dialWS(t, base)
	other.must("agent.hello", map[string]any{}, 5*time.Second)

	ans := c.start("sigpad.capture", map[string]any{"document": testDocument, "signer": map[string]any{"name": "王秀兰"}})
	started := c.waitEvent("sigpad.started", 10*time.Second)
	var st protocol.StartedEvent
	json.Unmarshal(started.Params, &st)
	if st.Source != "pad" || !strings.Contains(st.Model, "STU-540") || st.Width <= 0 || len(st.PromptSHA256) != 64 {
		t.Errorf("sigpad.started %+v", st)
	}
	if _, err := other.call("sigpad.capture", map[string]any{"document": testDocument, "signer": map[string]any{"name": "李四"}}, 5*time.Second); err == nil || err.Data.Reason != "DEVICE_BUSY" {
		t.Errorf("a second client's capture: %v, want DEVICE_BUSY", err)
	}
	if _, err := other.call("sigpad.button", map[string]any{"button": "confirm"}, 5*time.Second); err == nil || err.Data.Reason != "NO_CAPTURE" {
		t.Errorf("another client's confirm: %v, want NO_CAPTURE", err)
	}
	other.must("sim.sigpad.sign", map[string]any{}, 30*time.Second)
	other.must("sim.sigpad.button", map[string]any{"button": "confirm"}, 10*time.Second)
	raw, rerr := c.await("sigpad.capture", ans, 10*time.Second)
	if rerr != nil {
		t.Fatalf("sigpad.capture: %v", rerr)
	}
	m := verifyBundle(t, raw, key, "sigpad", "王秀兰")

	// The live ink was every sample of the bundle, in order, and only to
	// the client that held the capture.
	var live []protocol.SigpadSample
	for _, e := range c.eventsNamed("sigpad.sample") {
		var se protocol.SampleEvent
		json.Unmarshal(e.Params, &se)
		live = append(live, se.Samples...)
	}
	if len(live) != len(m.Ink.Samples) {
		t.Fatalf("%d live samples, %d in the bundle", len(live), len(m.Ink.Samples))
	}
	for i, s := range live {
		if got := [5]int64{s.T, s.X, s.Y, s.P, int64(s.SW)}; got != m.Ink.Samples[i] || s.NX < 0 || s.NX > 1 || s.NY < 0 || s.NY > 1 {
			t.Fatalf("live sample %d %+v, bundle %v", i, s, m.Ink.Samples[i])
		}
	}
	if n := len(other.eventsNamed("sigpad.sample")); n != 0 {
		t.Errorf("another client got %d sigpad.sample events", n)
	}
	if p := c.eventsNamed("sigpad.pressed"); len(p) != 1 || !strings.Contains(string(p[0].Params), "confirm") {
		t.Errorf("sigpad.pressed events %v", p)
	}

	for _, tc := range []struct {
		name, reason string
		act          func()
	}{
		{"confirm with no ink", "EMPTY_SIGNATURE", func() { c.must("sigpad.button", map[string]any{"button": "confirm"}, 5*time.Second) }},
		{"cancel", "CANCELLED", func() { c.must("sigpad.cancel", map[string]any{}, 5*time.Second) }},
		{"cancel on the pad", "CANCELLED", func() { other.must("sim.sigpad.button", map[string]any{"button": "cancel"}, 10*time.Second) }},
	} {
		c.mu.Lock()
		c.events = nil
		c.mu.Unlock()
		ans := c.start("sigpad.capture", map[string]any{"document": testDocument, "signer": map[string]any{"name": "王秀兰"}})
		c.waitEvent("sigpad.started", 10*time.Second)
		tc.act()
		if _, err := c.await("sigpad.capture", ans, 10*time.Second); err == nil || err.Data.Reason != tc.reason {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.reason)
		}
	}
	if _, err := c.call("sigpad.clear", map[string]any{}, 5*time.Second); err == nil || err.Data.Reason != "NO_CAPTURE" {
		t.Errorf("sigpad.clear with no capture: %v, want NO_CAPTURE", err)
	}
	for _, bad := range []map[string]any{
		{"document": map[string]any{"title": "x", "sha256": "nothex"}, "signer": map[string]any{"name": "a"}},
		{"document": testDocument, "signer": map[string]any{"name": ""}},
		{"document": testDocument, "signer": map[string]any{"name": "a"}, "timeoutMs": 0},
		{"document": testDocument, "signer": map[string]any{"name": "a"}, "source": "paper"},
	} {
		if _, err := c.call("sigpad.capture", bad, 5*time.Second); err == nil || err.Data.Reason != "BAD_PARAMS" {
			t.Errorf("sigpad.capture %v: %v, want BAD_PARAMS", bad, err)
		}
	}
}

// signPage waits for the signing page to be ready for the signer on
// source.
func signPage(k *kiosk, source string) {
	k.t.Helper()
	k.waitFor("the signing page on the "+source, fmt.Sprintf(`document.body.getAttribute('data-state') === 'signing' &&
		document.body.getAttribute('data-source') === %q`, source))
}

// inkedPixels counts the canvas's pixels with ink.
const inkedPixelsJS = `(() => {
	const c = document.getElementById('ink');
	const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	let n = 0;
	for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
	return n;
})()`

// TestSignPageMirrorsThePad signs on the simulated pad with the signing
// page open: the page mirrors the ink live, 签好了 on the screen ends it,
// and the page's bundle verifies.
func TestSignPageMirrorsThePad(t *testing.T) {
	k := newKiosk(t, 1280, 800)
	ws := dialWS(t, k.base)
	key := ws.evidenceKey()
	k.open("/sign.html?sha256=" + testDocument["sha256"].(string) + "&signer=" + url.QueryEscape("王秀兰"))
	signPage(k, "pad")
	if !eval[bool](k, `document.getElementById('btn-confirm').disabled`) {
		t.Error("签好了 is enabled before anything is written")
	}
	k.checkLayout("signing page (pad)")
	ws.must("sim.sigpad.sign", map[string]any{}, 30*time.Second)
	k.waitFor("the mirrored ink", inkedPixelsJS+` > 500`)
	k.waitFor("签好了 enabled", `!document.getElementById('btn-confirm').disabled`)
	k.screenshot("sign-pad-mirror.png")
	if err := chromedp.Do(k.tab, chromedp.Click("#btn-confirm")); err != nil {
		t.Fatal(err)
	}
	k.waitFor("the signed screen", `document.body.getAttribute('data-state') === 'done' && !!(window.kioskSign || {}).bundle`)
	k.screenshot("sign-pad-done.png")
	raw := eval[string](k, `JSON.stringify({bundle: window.kioskSign.bundle})`)
	verifyBundle(t, json.RawMessage(raw), key, "sigpad", "王秀兰")
	k.checkConsole()
}

// TestSignPageOnScreen signs with the mouse in real Chromium (no pad: the
// on-screen fallback), and the agent makes the same kind of bundle.
func TestSignPageOnScreen(t *testing.T) {
	k := newKiosk(t, 1080, 1920)
	ws := dialWS(t, k.base)
	key := ws.evidenceKey()
	k.open("/sign.html?source=screen&sha256=" + testDocument["sha256"].(string) + "&signer=" + url.QueryEscape("王秀兰"))
	signPage(k, "screen")
	k.checkLayout("signing page (screen, portrait)")
	box := eval[map[string]float64](k, `(() => { const r = document.getElementById('ink').getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; })()`)
	if box["w"] < 0.6*1080 {
		t.Errorf("the signing box is %.0f px wide, under 60%% of the screen", box["w"])
	}
	// Three strokes of 王 and a vertical: each a press, moves, a release.
	strokes := [][4]float64{{0.2, 0.3, 0.6, 0.3}, {0.22, 0.5, 0.58, 0.5}, {0.15, 0.72, 0.65, 0.72}, {0.4, 0.3, 0.4, 0.72}}
	moves := 0
	var acts []chromedp.Action[chromedp.Void]
	for _, s := range strokes {
		x0, y0 := box["x"]+s[0]*box["w"], box["y"]+s[1]*box["h"]
		x1, y1 := box["x"]+s[2]*box["w"], box["y"]+s[3]*box["h"]
		acts = append(acts, chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y0, chromedp.ButtonLeft))
		for i := 1; i <= 20; i++ {
			f := float64(i) / 20
			acts = append(acts, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0+(x1-x0)*f, y0+(y1-y0)*f, chromedp.ButtonLeft),
				chromedp.Sleep(8*time.Millisecond))
			moves++
		}
		acts = append(acts, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x1, y1, chromedp.ButtonLeft))
	}
	if err := chromedp.Do(k.tab, acts...); err != nil {
		t.Fatal(err)
	}
	k.waitFor("签好了 enabled", `!document.getElementById('btn-confirm').disabled`)
	if n := eval[int](k, inkedPixelsJS); n < 500 {
		t.Errorf("only %d pixels of ink on the canvas", n)
	}
	k.screenshot("sign-screen-ink.png")
	if err := chromedp.Do(k.tab, chromedp.Click("#btn-confirm")); err != nil {
		t.Fatal(err)
	}
	k.waitFor("the signed screen", `document.body.getAttribute('data-state') === 'done' && !!(window.kioskSign || {}).bundle`)
	k.screenshot("sign-screen-done.png")
	raw := eval[string](k, `JSON.stringify({bundle: window.kioskSign.bundle})`)
	m := verifyBundle(t, json.RawMessage(raw), key, "screen", "王秀兰")
	down := 0
	for _, s := range m.Ink.Samples {
		down += int(s[4])
	}
	// Every press and move is a pen-down sample (coalesced moves may add
	// more, never fewer).
	if down < len(strokes)+moves {
		t.Errorf("%d pen-down samples in the bundle, %d presses and moves were made", down, len(strokes)+moves)
	}
	if m.Ink.Unit != "px" || m.Ink.Width != int64(box["w"]+0.5) {
		t.Errorf("ink %s %d×%d, canvas %.0f×%.0f", m.Ink.Unit, m.Ink.Width, m.Ink.Height, box["w"], box["h"])
	}
	k.checkConsole()
}

// TestVerifySignatureCLI takes a signature from the agent binary (its
// virtual pad), saves the bundle as a client would, and checks it with
// "kiosk-agent verify-signature" and the key agent.hello gave: ok as it
// came, FAILED naming the part with one byte changed.
func TestVerifySignatureCLI(t *testing.T) {
	p := startBinary(t, []string{"--simulate"})
	c := dialWS(t, "http://"+p.addr)
	key := c.evidenceKey()
	other := dialWS(t, "http://"+p.addr)
	other.must("agent.hello", map[string]any{}, 5*time.Second)
	ans := c.start("sigpad.capture", map[string]any{"document": testDocument, "signer": map[string]any{"name": "张建国"}})
	c.waitEvent("sigpad.started", 10*time.Second)
	other.must("sim.sigpad.sign", map[string]any{}, 30*time.Second)
	other.must("sim.sigpad.button", map[string]any{"button": "confirm"}, 10*time.Second)
	raw, rerr := c.await("sigpad.capture", ans, 10*time.Second)
	if rerr != nil {
		t.Fatal(rerr)
	}
	var res struct {
		Bundle json.RawMessage `json:"bundle"`
	}
	json.Unmarshal(raw, &res)
	dir := t.TempDir()
	good := filepath.Join(dir, "bundle.json")
	os.WriteFile(good, res.Bundle, 0o600)
	keyArg := base64.StdEncoding.EncodeToString(key.PublicKey)
	verify := func(file string) (string, int) {
		out, err := exec.Command(agentBinary(t), "verify-signature", file, "--key", keyArg).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := verify(good); code != 0 || !strings.HasPrefix(out, "ok") {
		t.Fatalf("verify-signature of the agent's bundle: exit %d, %s", code, out)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(res.Bundle), "张建国", "张建图", 1)), 0o600)
	if out, code := verify(bad); code != 1 || !strings.Contains(out, "FAILED: manifest.signer") {
		t.Fatalf("verify-signature of a bundle with the signer changed: exit %d, %s", code, out)
	}
}
