package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The flow's browser tests drive the page at "/" of the agent binary run
// with --simulate: a person's taps are real mouse clicks on the page, the
// card is placed and the signatures written through the sim.* methods,
// as a tester would with sim.html.

// Bounds of the flow tests: a whole application takes 20–40 s on a loaded
// machine; a timeout test waits for the engine's real timers.
const (
	flowTestTimeout = 4 * time.Minute
	flowWait        = 20 * time.Second
)

// The two screens every step is checked and photographed on.
var flowSizes = [][2]int64{{1920, 1080}, {1080, 1920}}

// flowRig is a flow test's rig: the agent binary, a Chromium tab on its
// page, and a native WebSocket client that sees the events (staff.called,
// printer.job) and drives the simulators.
type flowRig struct {
	*kiosk
	proc  *proc
	ws    *wsClient
	mode  string
	shots string
	n     int
	axe   string
	// platform is the base URL of the platform-demo the agent uses in
	// counter mode (what was submitted is read back from it); empty: the
	// embedded demo platform.
	platform string
}

// newFlowRig starts the agent binary in mode (kiosk, counter) and a
// browser at 1920×1080 on its page. In counter mode the agent talks to a
// kiosk-agent platform-demo over HTTP (--platform).
func newFlowRig(t *testing.T, mode string) *flowRig {
	t.Helper()
	platform := ""
	if mode == "counter" {
		_, platform = startPlatformDemo(t, filepath.Join(t.TempDir(), "platform.db"))
	}
	return newFlowRigOn(t, mode, platform)
}

// newFlowRigOn is newFlowRig with the agent on the platform at the URL
// platform (empty: the embedded demo platform), which need not be up.
func newFlowRigOn(t *testing.T, mode, platform string) *flowRig {
	t.Helper()
	// The office as a town's configuration names it: the receipt and the
	// documents print it.
	args := []string{"--simulate", "--office-name", "滕州市龙泉街道便民服务中心", "--office-phone", "0632-5512345",
		"--office-civil-affairs", "滕州市民政局"}
	if mode != "kiosk" {
		args = append(args, "--mode", mode)
	}
	if platform != "" {
		args = append(args, "--platform", platform)
	}
	p := startBinary(t, args)
	base := "http://" + p.addr
	k := newKioskAt(t, base, flowSizes[0][0], flowSizes[0][1])
	tab, cancel := context.WithTimeout(k.browser, flowTestTimeout)
	t.Cleanup(cancel)
	k.tab = tab
	f := &flowRig{kiosk: k, proc: p, ws: dialWS(t, base), mode: mode, shots: flowShotsDir(t), axe: axeSource(t), platform: platform}
	f.ws.must("agent.hello", map[string]any{}, 5*time.Second)
	return f
}

// flowShotsDir is where the screenshots go: $KIOSK_FLOW_SHOTS, else
// flow/ in $KIOSK_ARTIFACTS, else the test's temporary folder.
func flowShotsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KIOSK_FLOW_SHOTS")
	if dir == "" {
		if a := os.Getenv("KIOSK_ARTIFACTS"); a != "" {
			dir = filepath.Join(a, "flow")
		} else {
			return t.TempDir()
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axeSource is axe-core (pinned in testdata/axe/package-lock.json,
// installed by .ci/setup), evaluated in the page by the test: the page
// itself never loads anything from outside.
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile(filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js"))
		axeSrc = string(b)
	})
	if axeErr != nil {
		t.Fatalf("axe-core is not installed (%v): run\n\tnpm ci --prefix agent/e2e/testdata/axe", axeErr)
	}
	return axeSrc
}

// wait waits up to flowWait until cond is truthy in the page.
func (f *flowRig) wait(what, cond string) {
	f.t.Helper()
	f.waitLong(what, cond, flowWait)
}

func (f *flowRig) waitLong(what, cond string, d time.Duration) {
	f.t.Helper()
	_, err := chromedp.Run(f.tab, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(d)))
	if err == nil {
		return
	}
	state, _ := chromedp.Run(f.tab, chromedp.Evaluate[string](
		`document.body.getAttribute('data-step') + ' | ' + document.body.innerText.replace(/\s+/g, ' ').slice(0, 600)`))
	f.screenshot("failed-" + strings.ReplaceAll(f.t.Name(), "/", "_") + ".png")
	f.t.Fatalf("waiting for %s: %v\npage: %s\nthe agent's last log lines:\n%s", what, err, state, f.logTail(25))
}

// logTail is the last n lines of the agent's log (masked, as it logs).
func (f *flowRig) logTail(n int) string {
	if f.proc == nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(f.proc.log(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// atStep is true when the page shows step (and is not waiting for the
// agent).
func atStep(step string) string {
	return fmt.Sprintf(`document.body.getAttribute('data-step') === %q && !document.body.hasAttribute('data-conn') &&
		!!window.kioskFlow && window.kioskFlow.ready`, step)
}

// click clicks the visible element that matches the CSS selector, with
// the mouse, as a person's finger would (so a covered or hidden control
// fails the test).
func (f *flowRig) click(sel string) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.tab, flowWait)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		state, _ := chromedp.Run(f.tab, chromedp.Evaluate[string](`document.body.getAttribute('data-step')`))
		// What the agent said last, for a button that came and went.
		var tail []string
		for _, name := range []string{"flow.state", "printer.job"} {
			evs := f.ws.eventsNamed(name)
			for _, e := range evs[max(0, len(evs)-3):] {
				tail = append(tail, name+" "+string(e.Params))
			}
		}
		f.t.Fatalf("click %s at step %s: %v\nthe last events:\n%s", sel, state, err, strings.Join(tail, "\n"))
	}
}

// flowChecksJS lists what the step's screen does wrong against flow-screens
// §1 (the 适老化 rules): targets under 60×60 px, line height under 1.5, the
// title under 36 px, the staff call or the mute button missing, the full
// ID number of the sample cards anywhere.
const flowChecksJS = `(() => {
	const out = [];
	const vis = (el) => {
		if (el.closest('[hidden]')) return false;
		const cs = getComputedStyle(el);
		if (cs.display === 'none' || cs.visibility === 'hidden') return false;
		const r = el.getBoundingClientRect();
		return r.width > 0 && r.height > 0;
	};
	const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
		(el.getAttribute('data-action') ? '[' + el.getAttribute('data-action') + ']' : '') +
		(el.getAttribute('data-item') ? '[' + el.getAttribute('data-item') + ']' : '');
	for (const el of document.querySelectorAll('button, [data-action], [data-item], a[href], input')) {
		if (!vis(el)) continue;
		const r = el.getBoundingClientRect();
		if (r.width < 59.5 || r.height < 59.5) out.push(name(el) + ' is ' + Math.round(r.width) + '×' + Math.round(r.height) + ', under 60×60');
	}
	for (const el of document.body.querySelectorAll('*')) {
		if (el.closest('svg') || !vis(el)) continue;
		if (!Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
		const cs = getComputedStyle(el);
		const px = parseFloat(cs.fontSize);
		if (px < 24) out.push(name(el) + ' text is ' + px + 'px, under 24px');
		const lh = cs.lineHeight === 'normal' ? 0 : parseFloat(cs.lineHeight);
		if (lh < px * 1.49) out.push(name(el) + ' line height ' + cs.lineHeight + ' for ' + px + 'px text, under 1.5');
	}
	const title = document.getElementById('title');
	if (parseFloat(getComputedStyle(title).fontSize) < 36) out.push('the title is under 36px');
	// The counter's applicant view only shows (the clerk beside it calls,
	// mutes and speaks): it has neither.
	const applicant = document.body.getAttribute('data-role') === 'applicant';
	for (const sel of applicant ? [] : ['[data-action="call-staff"]', '[data-action="mute"]']) {
		if (!Array.from(document.querySelectorAll(sel)).some(vis)) out.push('no visible ' + sel);
	}
	for (const id of ['370481195603144828', '370402197102053014']) {
		if (document.documentElement.outerHTML.includes(id)) out.push('the full ID number ' + id + ' is in the page');
	}
	return out;
})()`

// axeJS runs axe-core on the page and lists its violations.
const axeJS = `axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations.map((v) =>
	v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)).join(' | ')))`

// step checks the screen shown on both screen sizes — layout, the 适老化
// rules, axe-core — and saves a screenshot of each, named after the step.
func (f *flowRig) step(name string) {
	f.t.Helper()
	f.n++
	if !eval[bool](f.kiosk, `!!window.axe`) {
		if _, err := chromedp.Run(f.tab, chromedp.Evaluate[chromedp.Void](f.axe)); err != nil {
			f.t.Fatalf("load axe-core into the page: %v", err)
		}
	}
	for i, size := range flowSizes {
		if i > 0 || f.w != size[0] {
			f.resize(size[0], size[1])
		}
		// Let the layout (and the ink canvas) follow the new size, and the
		// fonts finish loading.
		f.wait("the page to settle", `document.fonts.status === 'loaded' && new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
		where := fmt.Sprintf("%s (%s) at %d×%d", name, f.mode, size[0], size[1])
		f.checkLayout(name + " (" + f.mode + ")")
		for _, p := range eval[[]string](f.kiosk, flowChecksJS) {
			f.t.Errorf("%s: %s", where, p)
		}
		for _, v := range eval[[]string](f.kiosk, axeJS) {
			f.t.Errorf("%s: axe: %s", where, v)
		}
		png, err := chromedp.Run(f.tab, chromedp.CaptureScreenshot())
		if err != nil {
			f.t.Fatalf("screenshot %s: %v", where, err)
		}
		file := filepath.Join(f.shots, fmt.Sprintf("%s-%02d-%s-%dx%d.png", f.mode, f.n, name, size[0], size[1]))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
	f.resize(flowSizes[0][0], flowSizes[0][1])
}

// stepAs is step under number n: the screens one mode adds keep numbers
// of their own, and the others' names stay as they were.
func (f *flowRig) stepAs(n int, name string) {
	f.t.Helper()
	saved := f.n
	f.n = n - 1
	f.step(name)
	f.n = saved
}

// typeText types text where the focus is, as an input method commits it
// (Chinese is typed through one).
func (f *flowRig) typeText(text string) {
	f.t.Helper()
	err := chromedp.Do(f.tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	}))
	if err != nil {
		f.t.Fatalf("type %q: %v", text, err)
	}
}

// asked is true once the page has asked for the spoken prompt id.
func asked(id string) string {
	return fmt.Sprintf(`window.kioskFlow.voice.asked.indexOf(%q) >= 0`, id)
}

// inkedPixels counts the sign screen's canvas pixels with ink.
func (f *flowRig) inkedPixels() int {
	f.t.Helper()
	return eval[int](f.kiosk, inkedPixelsJS)
}

// saveReceipt saves the virtual printer's last receipt beside the
// screenshots and returns its size in bytes.
func (f *flowRig) saveReceipt(name string) int {
	f.t.Helper()
	get := func(path string) []byte {
		res, err := http.Get("http://" + f.proc.addr + path)
		if err != nil {
			f.t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			f.t.Fatalf("GET %s: %s", path, res.Status)
		}
		return b
	}
	var list []string
	deadline := time.Now().Add(flowWait)
	for len(list) == 0 && time.Now().Before(deadline) {
		json.Unmarshal(get("/sim/receipts"), &list)
		if len(list) == 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if len(list) == 0 {
		f.t.Fatal("the virtual printer saved no receipt")
	}
	png := get(list[0])
	if err := os.WriteFile(filepath.Join(f.shots, f.mode+"-"+name), png, 0o644); err != nil {
		f.t.Fatal(err)
	}
	return len(png)
}

// mustJSON calls method and decodes its result into v.
func (c *wsClient) mustJSON(method string, params, v any) {
	c.t.Helper()
	if err := json.Unmarshal(c.must(method, params, 10*time.Second), v); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// checkFlowConsole fails the test for every error the page reported, but
// a missing audio/index.json: without it the kiosk is silent, which the
// page allows (ui's TestAudioIndex checks the index when there is one).
func (f *flowRig) checkFlowConsole() {
	f.t.Helper()
	time.Sleep(50 * time.Millisecond)
	f.consMu.Lock()
	defer f.consMu.Unlock()
	for _, m := range f.cons {
		if strings.Contains(m.URL, "/audio/index.json") && strings.Contains(m.Text, "404") {
			continue
		}
		if m.IsException() || m.Type == chromedp.ConsoleError {
			f.t.Errorf("page console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
		}
	}
}
