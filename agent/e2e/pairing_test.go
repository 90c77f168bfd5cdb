package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/agent/web/pairing"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// counterPage is a third-party page (a government web system at a clerk's
// counter) that talks to the agent with a plain WebSocket: it presents
// its token, reads a card, and records what it gets in window.log.
const counterPage = `<!doctype html><meta charset="utf-8"><title>窗口受理</title>
<script>
window.log = [];
const qs = new URLSearchParams(location.search);
const ws = new WebSocket(qs.get('agent'));
ws.onopen = () => { log.push('open'); ws.send(JSON.stringify({jsonrpc: '2.0', id: 1, method: 'agent.hello', params: {token: qs.get('token') || undefined}})); };
ws.onclose = (e) => log.push('close:' + e.code);
ws.onerror = () => log.push('error');
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.method === 'idcard.inserted') { log.push('event:' + Object.keys(m.params.card).sort().join(',')); window.eventCard = m.params.card; return; }
  if (m.id === 1) {
    log.push(m.error ? 'hello:' + m.error.data.reason : 'hello:' + m.result.access.kind + ':' + m.result.access.authorized);
    ws.send(JSON.stringify({jsonrpc: '2.0', id: 2, method: 'idcard.read', params: {timeoutMs: 8000, purpose: '临时救助受理'}}));
  }
  if (m.id === 2) log.push(m.error ? 'read:' + m.error.data.reason : 'read:' + Object.keys(m.result.card).sort().join(','));
};
</script><p>counter</p>`

// TestPairedAndUnpairedPages runs, in real headless Chromium, a counter page
// served from another origin: unpaired, it cannot even connect; paired with
// the fields name and idNumberMasked, it can, and every card it receives —
// in events and in replies — holds exactly those fields. The agent's own
// page keeps working beside it.
func TestPairedAndUnpairedPages(t *testing.T) {
	k := newKiosk(t, 1024, 700)
	pages := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, counterPage)
	}))
	defer pages.Close()
	// The page's origin differs from the agent's by its port.
	_, agentPort, _ := net.SplitHostPort(strings.TrimPrefix(k.base, "http://"))
	agentWS := "ws://127.0.0.1:" + agentPort + "/ws"

	// Unpaired: refused at the door.
	k.open("/card.html")
	k.waitFor("the waiting prompt", waitingJS)
	own := k.tab
	unpaired := k.newTab()
	chromedpNavigate(t, unpaired, pages.URL+"/?agent="+agentWS)
	k.waitIn(unpaired, "the refusal", `log.includes('error') || log.some(s => s.startsWith('close:'))`)
	if got := evalIn[[]string](k, unpaired, `log`); strings.Contains(strings.Join(got, " "), "open") {
		t.Fatalf("an unpaired origin connected: %v", got)
	}

	// Paired with two fields.
	store := pairing.Open(filepath.Join(stateDir(t), core.PairingsFile))
	token, _, err := store.Add(pairing.AddRequest{Origin: pages.URL, Fields: []string{"name", "idNumberMasked"}, Known: protocol.CardFields()})
	if err != nil {
		t.Fatal(err)
	}
	paired := k.newTab()
	chromedpNavigate(t, paired, pages.URL+"/?agent="+agentWS+"&token="+token)
	k.waitIn(paired, "the hello", `log.includes('hello:paired:true')`)
	k.rpc.must("sim.idcard.place", map[string]any{})
	want := "idNumberMasked,name,type"
	k.waitIn(paired, "the card event and the read", `log.includes('event:`+want+`') && log.includes('read:`+want+`')`)
	if got := evalIn[string](k, paired, `window.eventCard.idNumberMasked + ' ' + window.eventCard.name`); got != sampleMasked+" "+sampleName {
		t.Errorf("paired page got %q", got)
	}
	// The agent's own page shows the card as before.
	k.tab = own
	k.waitFor("the card on the kiosk page", cardJS(sampleName, sampleMasked))
	// A wrong token gets UNAUTHORIZED and nothing else.
	wrong := k.newTab()
	chromedpNavigate(t, wrong, pages.URL+"/?agent="+agentWS+"&token=kat_wrong")
	k.waitIn(wrong, "the refusal of a wrong token", `log.includes('hello:UNAUTHORIZED') && log.includes('read:UNAUTHORIZED')`)
	time.Sleep(200 * time.Millisecond)
	if got := evalIn[[]string](k, wrong, `log`); strings.Contains(strings.Join(got, " "), "event:") {
		t.Errorf("a page with a wrong token received a card event: %v", got)
	}
}
