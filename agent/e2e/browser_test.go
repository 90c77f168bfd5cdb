package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The default sample card (sample 0) of the simulator.
const (
	sampleName     = "王秀英"
	sampleIDNumber = "370481195603144828"
	sampleMasked   = "370481********4828"
)

// JavaScript conditions on the page.
const (
	waitingJS = `document.body.getAttribute('data-state') === 'waiting' &&
		(p => !!p && !p.closest('[hidden]') && p.textContent === '请将身份证放在读卡区')(document.getElementById('prompt'))`
	noCardJS = `!document.getElementById('card-name') && document.getElementById('card').childElementCount === 0`
)

// cardJS is true when the card with this name and masked number is shown.
func cardJS(name, masked string) string {
	return fmt.Sprintf(`document.body.getAttribute('data-state') === 'card' &&
		(document.getElementById('card-name') || {}).textContent === %q &&
		(document.getElementById('card-id') || {}).textContent === %q`, name, masked)
}

// goneJS is true when s appears nowhere in the document.
func goneJS(s string) string {
	return fmt.Sprintf(`!document.documentElement.outerHTML.includes(%q)`, s)
}

// TestKioskShowsAndClearsCard walks the main path at 1280×800: the waiting
// prompt, a card placed on the reader, the card with its ID number masked,
// and the waiting prompt again when the card is lifted.
func TestKioskShowsAndClearsCard(t *testing.T) {
	k := newKiosk(t, 1280, 800)
	k.open("/card.html")
	k.waitFor("the waiting prompt", waitingJS)
	k.checkFonts("#prompt")
	k.checkLayout("waiting screen")
	k.screenshot("ui-waiting.png")

	k.rpc.must("sim.idcard.place", map[string]any{})
	k.waitFor("the card of "+sampleName, cardJS(sampleName, sampleMasked))

	html := k.html()
	if strings.Contains(html, sampleIDNumber) {
		t.Errorf("the full ID number %s is in the page", sampleIDNumber)
	}
	if !strings.Contains(html, sampleMasked) {
		t.Errorf("the masked ID number %s is not in the page", sampleMasked)
	}
	for id, want := range map[string]string{
		"card-sex":     "女",
		"card-nation":  "汉",
		"card-birth":   "1956年3月14日",
		"card-address": "山东省滕州市荆河街道善国北路88号",
		"card-type":    "居民身份证",
		"card-hint":    "请取走身份证",
	} {
		if got := strings.TrimSpace(k.text(id)); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	if got := k.text("card-name-en"); got != "" {
		t.Errorf("a resident card shows an English name %q", got)
	}
	// The simulator has no photo decoder, so photo.png is null: a
	// placeholder, never a broken image.
	if !eval[bool](k, `!!document.querySelector('#card-photo [data-testid=photo-placeholder]') && document.images.length === 0`) {
		t.Error("no photo placeholder in place of the missing photo")
	}
	k.checkFonts("#card-name")
	k.checkFonts("#card-address")
	k.checkLayout("card screen")
	k.screenshot("ui-card.png")

	k.rpc.must("sim.idcard.remove", map[string]any{})
	k.waitFor("the waiting prompt after removal", waitingJS+" && "+noCardJS+" && "+goneJS(sampleName))
	if html := k.html(); strings.Contains(html, "4828") || strings.Contains(html, "善国北路") {
		t.Error("card data left in the page after removal")
	}
	k.checkConsole()
}

// TestKioskForeignCard shows a 2023 foreigner's permanent residence card
// (sample 4): the Chinese name large, the English name, the nationality.
func TestKioskForeignCard(t *testing.T) {
	k := newKiosk(t, 1280, 800)
	k.open("/card.html")
	k.waitFor("the waiting prompt", waitingJS)

	k.rpc.must("sim.idcard.place", map[string]any{"sample": 4})
	k.waitFor("the foreign card", cardJS("玛丽亚", "911562********0013"))
	for id, want := range map[string]string{
		"card-name-en":     "GARCIA LOPEZ, MARIA DEL CARMEN ALEJANDRA SOFIA",
		"card-nationality": "西班牙（ESP）",
		"card-type":        "外国人永久居留身份证",
		"card-sex":         "女",
		"card-birth":       "1985年4月12日",
	} {
		if got := k.text(id); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	if got := k.text("card-nation"); got != "" {
		t.Errorf("a foreigner's card shows a 民族 %q", got)
	}
	if strings.Contains(k.html(), "911562198504120013") {
		t.Error("the full number is in the page")
	}
	k.checkFonts("#card-name-en")
	k.checkLayout("foreign card screen")
	k.screenshot("ui-card-foreign.png")

	k.rpc.must("sim.idcard.remove", map[string]any{})
	k.waitFor("the waiting prompt after removal", waitingJS+" && "+noCardJS+" && "+goneJS("GARCIA"))
	k.checkConsole()
}

// TestKioskLayouts loads the page with a card already on the reader (the
// page must read it at load) at the other screen sizes, with the sample
// that has the longest address and an appended address.
func TestKioskLayouts(t *testing.T) {
	for _, size := range [][2]int64{{1920, 1080}, {800, 600}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			k := newKiosk(t, size[0], size[1])
			k.rpc.must("sim.idcard.place", map[string]any{"sample": 1})
			k.open("/card.html")
			k.waitFor("the card read at load", cardJS("李建国", "370402********3014"))
			if got := k.text("card-address2"); got != "山东省滕州市北辛街道学院中路6号" {
				t.Errorf("appended address %q", got)
			}
			k.checkLayout("card screen")
			k.screenshot(fmt.Sprintf("ui-card-%dx%d.png", size[0], size[1]))

			k.rpc.must("sim.idcard.remove", map[string]any{})
			k.waitFor("the waiting prompt", waitingJS+" && "+noCardJS)
			k.checkLayout("waiting screen")
			k.screenshot(fmt.Sprintf("ui-waiting-%dx%d.png", size[0], size[1]))
			k.checkConsole()
		})
	}
}

// TestKioskIdleWipe checks that the card leaves the page after the
// inactivity limit (shortened to 1 s by ?idleMs) although it still lies on
// the reader, and that lifting it then brings back the waiting prompt.
func TestKioskIdleWipe(t *testing.T) {
	k := newKiosk(t, 1280, 800)
	k.open("/card.html?idleMs=1000")
	k.waitFor("the waiting prompt", waitingJS)
	k.rpc.must("sim.idcard.place", map[string]any{})
	k.waitFor("the card", cardJS(sampleName, sampleMasked))
	k.waitFor("the card wiped after 1 s", `document.body.getAttribute('data-state') === 'takecard' && `+
		noCardJS+" && "+goneJS(sampleName)+" && "+goneJS(sampleMasked))
	k.checkLayout("take-card screen")
	k.screenshot("ui-takecard.png")
	k.rpc.must("sim.idcard.remove", map[string]any{})
	k.waitFor("the waiting prompt", waitingJS)
	k.checkConsole()
}

// TestKioskReconnects stops the agent under the page and starts it again
// at the same address: the page says it is connecting, reconnects by
// itself, and works again.
func TestKioskReconnects(t *testing.T) {
	base, stop := startAgent(t, "")
	k := newKioskAt(t, base, 1280, 800)
	k.open("/card.html")
	k.waitFor("the waiting prompt", waitingJS)
	k.rpc.must("sim.idcard.place", map[string]any{})
	k.waitFor("the card", cardJS(sampleName, sampleMasked))

	stop()
	k.waitFor("the connecting notice", `document.body.getAttribute('data-state') === 'connecting' &&
		!document.getElementById('status').hidden &&
		document.getElementById('status-text').textContent === '正在连接服务…' && `+noCardJS+" && "+goneJS(sampleName))
	k.checkLayout("connecting screen")
	k.screenshot("ui-connecting.png")

	startAgent(t, strings.TrimPrefix(base, "http://"))
	k.waitFor("the waiting prompt after the agent came back", waitingJS)
	k.rpc = dialRPC(t, base)
	k.rpc.must("sim.idcard.place", map[string]any{"sample": 2})
	k.waitFor("a card after reconnecting", cardJS("陈嘉欣", "810000********0039"))
	// A browser logs the failed reconnect attempts as errors; they are
	// expected here, so the console is not checked.
}

// injectJS wraps the page's WebSocket so that the test can hand the page
// a frame as if the agent had sent it: window.__kioskInject(message). It
// lets the test show the page what the simulator cannot produce on
// demand: a reader that goes away, a CARD_REPLACE error, a decoded photo.
const injectJS = `(() => {
	const Native = window.WebSocket;
	const live = [];
	function Shim(url, protocols) {
		const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
		live.push(ws);
		return ws;
	}
	Shim.prototype = Native.prototype;
	Object.setPrototypeOf(Shim, Native);
	window.WebSocket = Shim;
	window.__kioskInject = (msg) => {
		const ws = live.filter((w) => w.readyState === 1).pop();
		if (!ws || !ws.onmessage) return false;
		ws.onmessage(new MessageEvent('message', {data: JSON.stringify(msg)}));
		return true;
	};
})()`

// inject hands the page a notification as if the agent had sent it.
func (k *kiosk) inject(method string, params any) {
	k.t.Helper()
	msg, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	if err != nil {
		k.t.Fatal(err)
	}
	if !eval[bool](k, "window.__kioskInject("+string(msg)+")") {
		k.t.Fatalf("inject %s: the page has no open WebSocket", method)
	}
}

// testPhoto is a 102×126 PNG, the size of a decoded card photo.
func testPhoto(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 102, 126))
	for y := range 126 {
		for x := range 102 {
			img.Set(x, y, color.RGBA{R: uint8(120 + x), G: uint8(140 + y/2), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestKioskInjectedEvents shows the page the events the simulator cannot
// produce on demand: the reader going away and coming back, CARD_REPLACE,
// and a card with a decoded photo (and one with a corrupt photo).
func TestKioskInjectedEvents(t *testing.T) {
	k := newKiosk(t, 1280, 800)
	if _, err := chromedp.Call(k.tab, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: injectJS}); err != nil {
		t.Fatal(err)
	}
	k.open("/card.html")
	k.waitFor("the waiting prompt", waitingJS)

	reader := map[string]any{"kind": "idcard", "id": "idcard0", "model": "SAM_V reader simulator", "port": "/dev/pts/9", "state": "disconnected"}
	offlineJS := `document.body.getAttribute('data-state') === 'reader-offline' && !document.getElementById('status').hidden &&
		document.getElementById('status-text').textContent === '读卡器未连接，请联系工作人员'`
	// The page may still be taking the device list of its first
	// connection, and the agent's own simulated reader reports its state
	// too: either can overwrite an injected event. On a loaded machine the
	// event is sent again until the page shows it.
	showInjected := func(what, method string, params map[string]any, cond string) {
		t.Helper()
		for try := 0; try < 15; try++ {
			k.inject(method, params)
			if _, err := chromedp.Run(k.tab, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(time.Second))); err == nil {
				return
			}
		}
		k.waitFor(what, cond)
	}
	showInjected("the reader-offline notice", "device.changed", map[string]any{"device": reader}, offlineJS)
	k.checkLayout("reader-offline screen")
	k.screenshot("ui-reader-offline.png")
	// A reader held by another program is as useless to the kiosk.
	reader["state"] = "busy"
	showInjected("the reader-busy notice", "device.changed", map[string]any{"device": reader}, `document.body.getAttribute('data-state') === 'reader-offline' &&
		document.getElementById('status-text').textContent === '读卡器暂时不能使用，请联系工作人员'`)
	k.resize(800, 600)
	k.checkLayout("reader-busy screen")
	k.screenshot("ui-reader-busy-800x600.png")
	k.resize(1280, 800)
	reader["state"] = "connected"
	k.inject("device.changed", map[string]any{"device": reader})
	k.waitFor("the waiting prompt when the reader is back", waitingJS+` && document.getElementById('status').hidden`)

	k.inject("idcard.error", map[string]any{"reason": "CARD_REPLACE", "message": "lift the card and place it again"})
	k.waitFor("the replace prompt", `document.body.getAttribute('data-state') === 'replace' &&
		!document.getElementById('view-replace').hidden &&
		document.getElementById('replace-text').textContent === '请将身份证拿起后重新放置'`)
	k.checkLayout("replace screen")
	k.screenshot("ui-replace.png")
	k.inject("idcard.removed", map[string]any{})
	k.waitFor("the waiting prompt", waitingJS)

	card := map[string]any{
		"type": "resident", "name": "张桂兰", "sex": "女", "nation": "回", "birthDate": "1949-10-01",
		"address": "山东省枣庄市市中区光明路1号", "idNumber": "370402194910010027", "issuer": "枣庄市公安局市中分局",
		"validFrom": "2010-01-01", "validUntil": "长期",
		"photo": map[string]any{"wlt": "AAAA", "png": base64.StdEncoding.EncodeToString(testPhoto(t))},
	}
	k.inject("idcard.inserted", map[string]any{"card": card})
	k.waitFor("the card with its photo", cardJS("张桂兰", "370402********0027")+` &&
		(img => !!img && img.complete && img.naturalWidth === 102 && img.src.indexOf('blob:') === 0)(document.querySelector('#card-photo img'))`)
	if strings.Contains(k.html(), "370402194910010027") {
		t.Error("the full ID number is in the page")
	}
	if got := k.text("card-nation"); got != "回" {
		t.Errorf("民族 %q", got)
	}
	k.checkLayout("card screen with a photo")
	k.screenshot("ui-card-photo.png")

	// The reader going away takes the card off the screen.
	reader["state"] = "disconnected"
	k.inject("device.changed", map[string]any{"device": reader})
	k.waitFor("the card wiped when the reader went away", offlineJS+" && "+noCardJS+" && "+goneJS("张桂兰"))
	reader["state"] = "connected"
	k.inject("device.changed", map[string]any{"device": reader})
	k.waitFor("the waiting prompt", waitingJS)

	// A photo that does not decode shows the placeholder, not a broken image.
	card["photo"] = map[string]any{"wlt": "AAAA", "png": base64.StdEncoding.EncodeToString([]byte("not a PNG at all"))}
	k.inject("idcard.inserted", map[string]any{"card": card})
	k.waitFor("the placeholder for a corrupt photo", cardJS("张桂兰", "370402********0027")+
		` && !!document.querySelector('#card-photo [data-testid=photo-placeholder]') && document.images.length === 0`)
	k.inject("idcard.removed", map[string]any{})
	k.waitFor("the waiting prompt", waitingJS+" && "+noCardJS)
	k.checkConsole()
}

// TestSimulatorPage drives the simulator controls page: a click places a
// sample card on the simulated reader, and the kiosk page's agent reports
// it.
func TestSimulatorPage(t *testing.T) {
	k := newKiosk(t, 1280, 800)
	k.open("/sim.html")
	k.waitFor("the sample buttons", `document.querySelectorAll('#samples button').length === 5`)
	eval[bool](k, `document.querySelector('#samples button').click(), true`)
	k.waitFor("the inserted event in the log", fmt.Sprintf(
		`document.getElementById('log').textContent.includes('idcard.inserted %s %s')`, sampleName, sampleMasked))
	if strings.Contains(k.html(), sampleIDNumber) {
		t.Errorf("the full ID number is on the simulator page")
	}
	k.screenshot("ui-sim.png")
	eval[bool](k, `document.getElementById('remove').click(), true`)
	k.waitFor("the removed event in the log", `document.getElementById('log').textContent.includes('idcard.removed')`)
	k.checkConsole()
}
