package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/core"
	idcardsvc "github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
)

// Bounds of one test. A whole test normally takes 1–3 s.
const (
	testTimeout = 25 * time.Second // everything a test does in the browser
	waitTimeout = 6 * time.Second  // one wait for the page to reach a state
)

// chromiumPath returns the browser to drive, or fails the test with the
// command that installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no Chromium at %s (%v): install it with\n\tapt-get install -y --no-install-recommends chromium\nor point $CHROMIUM at a Chromium binary", p, err)
	}
	return p
}

// startAgent runs an agent with a simulated reader on a free loopback port
// until the test ends, and returns its base URL. listen may name the
// address (to restart an agent where a page expects it).
func startAgent(t *testing.T, listen string) (base string, stop func()) {
	t.Helper()
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The fastest poll a reader tolerates keeps the tests quick.
	cfg := config.Default()
	cfg.Server.Listen, cfg.Simulate, cfg.StateDir = listen, true, stateDir(t)
	cfg.IDCard.PollInterval.Duration = idcardsvc.MinPollInterval
	a, err := core.New(cfg, log)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	select {
	case <-a.Ready():
	case err := <-done:
		cancel()
		t.Fatalf("agent did not start: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("agent not ready after 10 s")
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("agent.Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("agent did not stop within 10 s")
			}
		})
	}
	t.Cleanup(stop)
	return "http://" + a.Addr().String(), stop
}

// stateDir is the test's state directory: one per test, kept across the
// agent restarts of a test.
func stateDir(t *testing.T) string {
	t.Helper()
	d := filepath.Join(os.TempDir(), "kiosk-e2e-"+strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// kiosk is one test's rig: an agent with a simulated reader, a headless
// Chromium tab with a fixed viewport, and a JSON-RPC connection of its own
// to place and remove cards.
type kiosk struct {
	t    *testing.T
	base string
	tab  context.Context // bounded by testTimeout
	w, h int64
	rpc  *rpcConn
	// browser is the first tab's context, which newTab derives others from.
	browser context.Context
	consMu  sync.Mutex
	cons    []chromedp.ConsoleMessage
}

func newKiosk(t *testing.T, width, height int64) *kiosk {
	t.Helper()
	base, _ := startAgent(t, "")
	return newKioskAt(t, base, width, height)
}

// newKioskAt starts the browser for an agent at base.
func newKioskAt(t *testing.T, base string, width, height int64) *kiosk {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(width), int(height)),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first Do starts the browser and binds it to ctx, which has no
	// deadline; the test's bound applies to everything after it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	tab, cancelTab := context.WithTimeout(ctx, testTimeout)
	t.Cleanup(cancelTab)

	k := &kiosk{t: t, base: base, tab: tab, browser: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			k.consMu.Lock()
			k.cons = append(k.cons, m)
			k.consMu.Unlock()
		}
	}()
	k.resize(width, height)
	k.rpc = dialRPC(t, base)
	return k
}

// newTab opens another tab in the same browser, bounded by testTimeout.
func (k *kiosk) newTab() context.Context {
	k.t.Helper()
	ctx, cancel := chromedp.NewContext(k.browser)
	k.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		k.t.Fatalf("open a tab: %v", err)
	}
	tab, cancelTab := context.WithTimeout(ctx, testTimeout)
	k.t.Cleanup(cancelTab)
	return tab
}

// chromedpNavigate loads url in tab.
func chromedpNavigate(t *testing.T, tab context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
}

// waitIn waits until cond is truthy in tab.
func (k *kiosk) waitIn(tab context.Context, what, cond string) {
	k.t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(waitTimeout))); err != nil {
		state, _ := chromedp.Run(tab, chromedp.Evaluate[string](`JSON.stringify(window.log || document.title)`))
		k.t.Fatalf("waiting for %s: %v\npage: %s", what, err, state)
	}
}

// evalIn evaluates expr in tab.
func evalIn[T any](k *kiosk, tab context.Context, expr string) T {
	k.t.Helper()
	v, err := chromedp.Run(tab, chromedp.Evaluate[T](expr))
	if err != nil {
		k.t.Fatalf("evaluate %.60q: %v", expr, err)
	}
	return v
}

// resize changes the viewport.
func (k *kiosk) resize(width, height int64) {
	k.t.Helper()
	if err := chromedp.Do(k.tab, chromedp.EmulateViewport(width, height)); err != nil {
		k.t.Fatalf("set the viewport to %d×%d: %v", width, height, err)
	}
	k.w, k.h = width, height
}

// open loads the page at path (e.g. "/").
func (k *kiosk) open(path string) {
	k.t.Helper()
	if err := chromedp.Do(k.tab, chromedp.Navigate(k.base+path)); err != nil {
		k.t.Fatalf("navigate to %s: %v", path, err)
	}
}

// waitFor waits until the JavaScript expression cond is truthy in the page.
// On a time-out it fails the test with the page's state and saves a
// screenshot named after the test.
func (k *kiosk) waitFor(what, cond string) {
	k.t.Helper()
	_, err := chromedp.Run(k.tab, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(waitTimeout)))
	if err == nil {
		return
	}
	state, _ := chromedp.Run(k.tab, chromedp.Evaluate[string](
		`document.body.getAttribute('data-state') + ' | ' + document.querySelector('main').innerText.replace(/\s+/g, ' ')`))
	k.screenshot("failed-" + strings.ReplaceAll(k.t.Name(), "/", "_") + ".png")
	k.t.Fatalf("waiting for %s: %v\npage state: %s", what, err, state)
}

// eval evaluates a JavaScript expression in the page and decodes its value into T.
func eval[T any](k *kiosk, expr string) T {
	k.t.Helper()
	v, err := chromedp.Run(k.tab, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		k.t.Fatalf("evaluate %.60q: %v", expr, err)
	}
	return v
}

// text returns the textContent of the element with the id, or "" when there is none.
func (k *kiosk) text(id string) string {
	k.t.Helper()
	return eval[string](k, fmt.Sprintf(`(document.getElementById(%q) || {}).textContent || ''`, id))
}

// html returns the whole document as HTML.
func (k *kiosk) html() string {
	k.t.Helper()
	return eval[string](k, `document.documentElement.outerHTML`)
}

// screenshot saves a PNG of the viewport to the artifacts folder.
func (k *kiosk) screenshot(name string) {
	k.t.Helper()
	png, err := chromedp.Run(k.tab, chromedp.CaptureScreenshot())
	if err != nil {
		k.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifactsDir(k.t), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		k.t.Errorf("save screenshot: %v", err)
		return
	}
	k.t.Logf("screenshot %s (%d×%d)", p, k.w, k.h)
}

// checkConsole fails the test for every error or uncaught exception that
// the page reported (a failed request, a CSP violation, a script error).
func (k *kiosk) checkConsole() {
	k.t.Helper()
	time.Sleep(50 * time.Millisecond) // let the last messages arrive
	k.consMu.Lock()
	defer k.consMu.Unlock()
	for _, m := range k.cons {
		if m.IsException() || m.Type == chromedp.ConsoleError {
			k.t.Errorf("page console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
		}
	}
}

// layoutJS lists what would embarrass us at a kiosk: text that is clipped
// or spills out of its box sideways, content outside the viewport or needing a
// scroll, and text below the 28 px floor (56 px for the main prompt).
const layoutJS = `(() => {
	const out = [];
	const vw = innerWidth, vh = innerHeight;
	const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
		(el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
	const de = document.documentElement;
	if (de.scrollWidth > vw + 1) out.push('page is wider than the viewport: ' + de.scrollWidth + ' > ' + vw);
	if (de.scrollHeight > vh + 1) out.push('page is taller than the viewport: ' + de.scrollHeight + ' > ' + vh);
	const main = document.querySelector('main');
	if (main.scrollHeight > main.clientHeight + 1) out.push('main needs scrolling: ' + main.scrollHeight + ' > ' + main.clientHeight);
	for (const el of document.body.querySelectorAll('*')) {
		if (el.closest('[hidden]') || el.closest('svg')) continue;
		const cs = getComputedStyle(el);
		if (cs.display === 'none' || cs.visibility === 'hidden') continue;
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		// A region that scrolls on purpose (查看全文's document, marked
		// data-scroll) may hold more than shows; it must itself fit.
		const scroller = el.parentElement && el.parentElement.closest('[data-scroll]');
		if (!scroller && (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1))
			out.push(name(el) + ' is outside the viewport: ' + JSON.stringify([r.left, r.top, r.right, r.bottom].map(Math.round)));
		const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
		if (!own) continue;
		const px = parseFloat(cs.fontSize);
		if (px < 27.5) out.push(name(el) + ' text is ' + px + 'px, below 28px');
		if (el.id === 'prompt' && px < 55.5) out.push('the prompt is ' + px + 'px, below 56px');
		// CJK fonts draw a little above and below a tight line box; that is
		// only clipping when the box clips.
		const clips = cs.overflowX !== 'visible' || cs.overflowY !== 'visible';
		const slackY = clips ? 1 : Math.max(2, px * 0.2);
		if (cs.display !== 'inline' && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + slackY))
			out.push(name(el) + ' text overflows its box: ' + el.scrollWidth + '×' + el.scrollHeight + ' in ' + el.clientWidth + '×' + el.clientHeight);
	}
	return out;
})()`

// checkLayout fails the test for each layout problem on the current screen.
func (k *kiosk) checkLayout(screen string) {
	k.t.Helper()
	for _, p := range eval[[]string](k, layoutJS) {
		k.t.Errorf("%s at %d×%d: %s", screen, k.w, k.h, p)
	}
}

// cjkFontFamilies are the families the page asks for, in its order.
var cjkFontFamilies = []string{"Noto Sans CJK", "Source Han Sans", "WenQuanYi", "Microsoft YaHei", "PingFang", "Hiragino Sans GB", "Noto Sans SC", "SimHei"}

// checkFonts fails the test unless the element's text was drawn, all of
// it, with a CJK system font. Without one, Chromium draws tofu boxes or
// nothing, and no DOM check would notice.
func (k *kiosk) checkFonts(selector string) {
	k.t.Helper()
	fonts, err := chromedp.Run(k.tab, chromedp.QueryAfter(chromedp.CSS(selector),
		func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) ([]*css.PlatformFontUsage, error) {
			if _, err := cdp.Call(ctx, t, css.Enable, cdp.Empty{}); err != nil {
				return nil, err
			}
			res, err := cdp.Call(ctx, t, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: nodes[0].NodeID})
			return res.Fonts, err
		}))
	if err != nil {
		k.t.Fatalf("fonts of %s: %v", selector, err)
	}
	if len(fonts) == 0 {
		k.t.Errorf("%s: no font drew its text", selector)
	}
	for _, f := range fonts {
		ok := false
		for _, fam := range cjkFontFamilies {
			ok = ok || strings.Contains(f.FamilyName, fam)
		}
		if !ok || f.IsCustomFont {
			k.t.Errorf("%s: %v glyphs drawn with %q (custom %v), want a system CJK font (apt-get install fonts-noto-cjk)",
				selector, f.GlyphCount, f.FamilyName, f.IsCustomFont)
		}
	}
}

// artifactsDir is $KIOSK_ARTIFACTS, or artifacts/ at the repository root.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KIOSK_ARTIFACTS")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		root := wd
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatalf("no go.mod above %s", wd)
			}
			root = parent
		}
		dir = filepath.Join(root, "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// rpcConn is the test's own JSON-RPC client of the agent: a native client
// with no Origin, like a counter program would be.
type rpcConn struct {
	t    *testing.T
	mu   sync.Mutex
	ws   *websocket.Conn
	next int
}

func dialRPC(t *testing.T, base string) *rpcConn {
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
	t.Cleanup(func() { ws.Close() })
	return &rpcConn{t: t, ws: ws}
}

// rpcError is a JSON-RPC error answer.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Reason string `json:"reason"`
	} `json:"data"`
}

func (e *rpcError) Error() string {
	return fmt.Sprintf("%s (%d %s)", e.Message, e.Code, e.Data.Reason)
}

// call sends a request and returns its result, skipping the notifications
// that every client receives.
func (c *rpcConn) call(method string, params any) (json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next++
	id := c.next
	deadline := time.Now().Add(5 * time.Second)
	c.ws.SetWriteDeadline(deadline)
	if err := c.ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return nil, err
	}
	c.ws.SetReadDeadline(deadline)
	for {
		var m struct {
			ID     *int            `json:"id"`
			Method string          `json:"method"`
			Result json.RawMessage `json:"result"`
			Error  *rpcError       `json:"error"`
		}
		if err := c.ws.ReadJSON(&m); err != nil {
			return nil, err
		}
		if m.ID == nil || *m.ID != id {
			continue
		}
		if m.Error != nil {
			return nil, m.Error
		}
		return m.Result, nil
	}
}

// must calls method and fails the test on an error.
func (c *rpcConn) must(method string, params any) json.RawMessage {
	c.t.Helper()
	res, err := c.call(method, params)
	if err != nil {
		var re *rpcError
		if errors.As(err, &re) {
			c.t.Fatalf("%s: agent answered %v", method, re)
		}
		c.t.Fatalf("%s: %v", method, err)
	}
	return res
}
