package e2e

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// TestFlowProgress is the progress query of someone with no application
// (the application tests query one they made): 查询进度, the card, the
// plain "没有查到", 办完了, the card taken: wiped, back to idle.
func TestFlowProgress(t *testing.T) {
	f := newFlowRig(t, "kiosk")
	f.n = 20 // its screenshots follow the application's
	f.open("/")
	f.wait("the idle screen", atStep("idle"))
	f.click(`[data-action="progress"]`)
	f.wait("read_card for a progress query", atStep("read_card")+` && document.body.getAttribute('data-kind') === 'progress'`)
	f.ws.must("sim.idcard.place", map[string]any{}, 5*time.Second)
	f.wait("the progress", atStep("progress")+` && document.getElementById('pg-loading').hidden && `+asked("progress.show"))
	if eval[bool](f.kiosk, `!document.getElementById('pg-app').hidden`) {
		f.wait("five stages, the current one said in words", `document.querySelectorAll('#pg-stages .stage').length === 5 &&
			document.querySelector('#pg-stages [data-current="yes"]').textContent.includes('现在在这一步')`)
		f.step("progress")
		f.click(`[data-action="print"]`)
		f.wait("the progress printed", `document.getElementById('pg-print-state').getAttribute('data-state') === 'printed'`)
		f.ws.waitEvent(protocol.EventPrinterJob, 10*time.Second)
	} else {
		f.wait("a plain word for no progress", `!document.getElementById('pg-problem').hidden && document.getElementById('pg-problem-text').textContent.length > 10`)
		f.step("progress_none")
	}
	if strings.Contains(f.text("main"), "不符合") {
		t.Error("the progress says 不符合")
	}
	f.click(`[data-action="next"]`)
	f.wait("take_card", atStep("take_card")+` && document.getElementById('take-receipt-pic').hidden`)
	f.ws.must("sim.idcard.remove", map[string]any{}, 5*time.Second)
	f.wait("wiped, back to idle", atStep("idle")+` && !document.getElementById('wiped').hidden`)
	f.wait("no trace of the card", goneJS(sampleName)+` && `+goneJS(sampleMasked))
	f.checkFlowConsole()
}

// TestFlowTimeout waits for the engine's real timers (60 s on
// confirm_identity, then 30 s of warning): the warning panel shows with
// its countdown and 需要更多时间, which starts the step's time again; left
// alone, the session is wiped and the page says so.
func TestFlowTimeout(t *testing.T) {
	toConfirm := func(t *testing.T) *flowRig {
		f := newFlowRig(t, "kiosk")
		f.open("/")
		f.wait("the idle screen", atStep("idle"))
		f.click(`[data-action="apply"]`)
		f.wait("read_card", atStep("read_card"))
		f.ws.must("sim.idcard.place", map[string]any{}, 5*time.Second)
		f.wait("confirm_identity", atStep("confirm_identity")+` && document.getElementById('ci-name').textContent === '`+sampleName+`'`)
		if !eval[bool](f.kiosk, `document.getElementById('warning').hidden`) {
			t.Fatal("the warning shows at once")
		}
		f.waitLong("the timeout warning", `!document.getElementById('warning').hidden && `+asked("timeout.warn")+` &&
			(n => n > 0 && n <= 30)(Number(document.getElementById('countdown').textContent))`, 90*time.Second)
		return f
	}
	t.Run("wipe", func(t *testing.T) {
		t.Parallel()
		f := toConfirm(t)
		f.n = 30
		f.step("timeout_warning")
		start := eval[int](f.kiosk, `Number(document.getElementById('countdown').textContent)`)
		f.wait("the countdown going down", fmt.Sprintf(`Number(document.getElementById('countdown').textContent) < %d`, start))
		f.waitLong("wiped after the warning", atStep("idle")+` && !document.getElementById('wiped').hidden && `+asked("timeout.wiped"), 45*time.Second)
		f.step("timeout_wiped")
		f.wait("no trace of the card", goneJS(sampleName)+` && `+goneJS(sampleMasked))
		f.checkFlowConsole()
	})
	t.Run("extend", func(t *testing.T) {
		t.Parallel()
		f := toConfirm(t)
		f.click(`[data-action="extend"]`)
		f.wait("the warning gone, the step still there", atStep("confirm_identity")+` && document.getElementById('warning').hidden &&
			document.getElementById('ci-name').textContent === '`+sampleName+`'`)
		var st struct {
			Step     string `json:"step"`
			Deadline string `json:"deadline"`
		}
		f.ws.mustJSON("flow.get", map[string]any{}, &st)
		if d, err := time.Parse(time.RFC3339, st.Deadline); err != nil || time.Until(d) < 50*time.Second {
			t.Errorf("after 需要更多时间 the step's deadline is %q (%v from now), want a full minute", st.Deadline, time.Until(d))
		}
		f.checkFlowConsole()
	})
}

// TestFlowConnectionLost: with the agent gone, the page takes the
// person's data off the screen, says it is connecting, and — although
// every reconnect fails — adds "请联系工作人员" once the agent has been
// away for connHintMs in all (the old page reset that timer on every
// failed attempt, so the hint never came). When the agent is back, the
// page carries on.
func TestFlowConnectionLost(t *testing.T) {
	base, stop := startAgent(t, "")
	k := newKioskAt(t, base, 1920, 1080)
	f := &flowRig{kiosk: k, ws: dialWS(t, base), mode: "kiosk", shots: flowShotsDir(t), axe: axeSource(t), n: 40}
	const hintMs = 4000
	f.open(fmt.Sprintf("/?connHintMs=%d", hintMs))
	f.wait("the idle screen", atStep("idle"))
	f.click(`[data-action="apply"]`)
	f.wait("read_card", atStep("read_card"))
	k.rpc.must("sim.idcard.place", map[string]any{})
	f.wait("confirm_identity", atStep("confirm_identity")+` && document.getElementById('ci-name').textContent === '`+sampleName+`'`)

	stop()
	lost := time.Now()
	f.wait("the connecting panel, no personal data", `!document.getElementById('conn-panel').hidden && document.getElementById('conn-slow').hidden && `+
		goneJS(sampleName)+` && `+goneJS(sampleMasked))
	f.wait("the hint after the failed reconnects", `!document.getElementById('conn-slow').hidden`)
	took := time.Since(lost)
	retries := eval[int](f.kiosk, `window.kioskFlow.retries`)
	if took < hintMs*time.Millisecond-500*time.Millisecond || took > hintMs*time.Millisecond+3*time.Second || retries < 3 {
		t.Errorf("the hint came %v after the agent went (want ~%d ms), after %d reconnect attempts", took, hintMs, retries)
	}
	if got := f.text("conn-slow"); !strings.Contains(got, "请联系工作人员") {
		t.Errorf("the hint says %q", got)
	}
	f.step("connection_lost")

	startAgent(t, strings.TrimPrefix(base, "http://"))
	f.waitLong("the idle screen when the agent is back", atStep("idle")+` && document.getElementById('conn-panel').hidden`, 15*time.Second)
	// A browser logs the failed reconnect attempts as errors: the console
	// is not checked.
}

// TestFlowCardProblems: a resident card that has expired, and a permit
// (港澳台居民居住证), each get their own plain screen on read_card — what
// happened, what to do, 呼叫工作人员 large, 结束 — and "证件", never
// "身份证", for the permit.
func TestFlowCardProblems(t *testing.T) {
	f := newFlowRig(t, "kiosk")
	f.n = 50
	f.open("/")
	f.wait("the idle screen", atStep("idle"))

	f.click(`[data-action="apply"]`)
	f.wait("read_card", atStep("read_card"))
	expired := map[string]any{"type": "resident", "name": "刘桂芳", "sex": "女", "nation": "汉", "birthDate": "1950-02-03",
		"address": "山东省滕州市龙泉街道杏坛路1号", "idNumber": "370481195002030046", "issuer": "滕州市公安局",
		"validFrom": "2000-01-01", "validUntil": "2020-01-01"}
	f.ws.must("sim.idcard.place", map[string]any{"card": expired}, 5*time.Second)
	f.wait("the expired card's screen", atStep("read_card")+` && document.body.getAttribute('data-problem') === 'expired' &&
		document.getElementById('title').textContent === '身份证已过期' &&
		document.getElementById('read-notice-text').textContent.includes('2020年1月1日') &&
		!document.getElementById('read-actions').hidden && !document.getElementById('btn-end').hidden && `+asked("card.expired"))
	f.step("card_expired")
	f.click(`#btn-end`)
	f.wait("ended, wiped", atStep("idle")+` && !document.getElementById('wiped').hidden && `+goneJS("刘桂芳"))
	f.ws.must("sim.idcard.remove", map[string]any{}, 5*time.Second)

	f.click(`[data-action="apply"]`)
	f.wait("read_card", atStep("read_card"))
	f.ws.must("sim.idcard.place", map[string]any{"sample": 2}, 5*time.Second)
	f.wait("the permit's screen", atStep("read_card")+` && document.body.getAttribute('data-problem') === 'permit' &&
		document.getElementById('title').textContent === '请到窗口办理' &&
		document.getElementById('read-notice-text').textContent.includes('港澳台居民居住证') && `+asked("card.permit"))
	if txt := eval[string](f.kiosk, `document.body.innerText`); strings.Contains(txt, "身份证") {
		t.Errorf("the permit's screen says 身份证: %q", txt)
	}
	f.step("card_permit")
	f.click(`[data-testid="read-call-staff"]`)
	ev := f.ws.waitEvent(protocol.EventStaffCalled, 10*time.Second)
	if !strings.Contains(string(ev.Params), "read_card") {
		t.Errorf("staff.called %s", ev.Params)
	}
	f.wait("the staff panel", `!document.getElementById('staff-panel').hidden`)
	f.click(`#btn-end`)
	f.wait("ended, wiped", atStep("idle")+` && `+goneJS("陈嘉欣"))
	f.checkFlowConsole()
}

// TestFlowApplyField is a home visit in field mode: the grid worker
// unlocks with their own card (sample 1, 李建国) and PIN on the page's
// keypad (a wrong PIN first: 还可以试 4 次), the applicant's card, the
// application (the worker ticks 已核对本人), the 入户记录 written, saved
// and signed by the worker on the pad, submitted, no printer (the number
// is read out), the card taken, and the device locked again.
func TestFlowApplyField(t *testing.T) {
	f := newFlowRig(t, "field")
	f.n = 60
	f.open("/")
	f.wait("the locked idle screen", atStep("idle")+` && document.getElementById('idle-lead').textContent.includes('请工作人员刷证解锁')`)
	f.click(`[data-action="apply"]`)
	f.wait("unlock", atStep("unlock")+` && document.getElementById('title').textContent === '工作人员解锁' &&
		document.getElementById('ul-lead').textContent.includes('您自己的身份证') && document.getElementById('ul-pin').hidden`)
	f.step("unlock")
	f.ws.must("sim.idcard.place", map[string]any{"sample": 1}, 5*time.Second)
	f.wait("the keypad", `!document.getElementById('ul-pin').hidden && document.getElementById('ul-lead').textContent.includes('请输入您的密码') &&
		document.getElementById('btn-next').disabled`)
	typePIN := func(pin string) {
		for _, d := range pin {
			f.click(`[data-action="key"][data-key="` + string(d) + `"]`)
		}
		f.wait("the PIN's dots", fmt.Sprintf(`document.getElementById('ul-dots').textContent === %q && !document.getElementById('btn-next').disabled`,
			strings.Repeat("●", len(pin))))
	}
	typePIN("000000")
	if strings.Contains(f.html(), "000000") {
		t.Error("the PIN typed is in the page")
	}
	f.click(`[data-action="next"]`)
	f.wait("a wrong PIN said plainly", `!document.getElementById('ul-notice').hidden && document.getElementById('ul-problem').textContent === '密码不对，还可以试 4 次。' &&
		document.getElementById('ul-dots').textContent.includes('请输入')`)
	typePIN("123456")
	f.step("unlock_pin")
	f.click(`[data-action="next"]`)
	f.wait("unlocked: read_card for the applicant", atStep("read_card"))
	f.ws.must("sim.idcard.remove", map[string]any{}, 5*time.Second)
	f.ws.must("sim.idcard.place", map[string]any{}, 5*time.Second)
	f.wait("confirm_identity", atStep("confirm_identity")+` && document.getElementById('ci-name').textContent === '`+sampleName+`'`)
	f.click(`[data-action="verified"]`)
	f.wait("ticked", `!document.getElementById('btn-next').disabled`)
	f.click(`[data-action="next"]`)
	f.wait("household", atStep("household")+` && document.getElementById('hh-loading').hidden`)
	f.click(`[data-action="next"]`)
	f.wait("precheck or choose_items", `(`+atStep("precheck")+`) || (`+atStep("choose_items")+`)`)
	if eval[string](f.kiosk, `document.body.getAttribute('data-step')`) == "precheck" {
		f.click(`[data-action="next"]`)
	}
	f.wait("choose_items", atStep("choose_items")+` && document.querySelectorAll('[data-item]').length === 9`)
	if eval[bool](f.kiosk, `document.getElementById('btn-next').disabled`) {
		f.click(`[data-item="dibao"]`)
		f.wait("an item chosen", `!document.getElementById('btn-next').disabled`)
	}
	f.click(`[data-action="next"]`)
	f.wait("sign_commitment", atStep("sign_commitment"))
	f.click(`[data-action="answer"][data-value="false"]`)
	f.wait("the capture on the pad", `document.body.getAttribute('data-capturing') === 'yes' && document.getElementById('btn-next').disabled`)
	f.sign("field_sign_commitment")
	f.click(`[data-action="next"]`)
	for i := 0; ; i++ {
		f.wait("a signer or the visit record", `(`+atStep("home_visit")+`) || (`+atStep("sign_authorization")+` && document.body.getAttribute('data-capturing') === 'yes')`)
		if eval[string](f.kiosk, `document.body.getAttribute('data-step')`) == "home_visit" {
			break
		}
		f.sign(fmt.Sprintf("field_sign_authorization-%d", i+1))
		f.click(`[data-action="next"]`)
		f.wait("the signature taken", `document.body.getAttribute('data-step') !== 'sign_authorization' ||
			document.querySelectorAll('#sg-signers [data-state="signed"]').length === `+fmt.Sprint(i+1))
	}

	f.wait("the visit record, 签好了 waiting for the notes", atStep("home_visit")+` && document.getElementById('btn-next').disabled &&
		document.getElementById('why').textContent.includes('保存记录') && `+asked("home_visit.notes"))
	eval[bool](f.kiosk, `(document.getElementById('hv-notes').value = '老人独居，房屋老旧，有慢性病，靠养老金生活。', true)`)
	f.click(`[data-action="save-notes"]`)
	f.wait("the worker's capture", `document.body.getAttribute('data-capturing') === 'yes' && document.getElementById('hv-saved').textContent === '记录已保存'`)
	f.sign("home_visit")
	f.click(`[data-action="next"]`)
	f.wait("signed", `document.body.getAttribute('data-step') === 'submit' || document.getElementById('hv-saved').textContent === '已签名 ✓'`)
	if eval[string](f.kiosk, `document.body.getAttribute('data-step')`) == "home_visit" {
		f.click(`[data-action="next"]`)
	}
	f.wait("submit", atStep("submit"))
	f.click(`[data-action="next"]`)
	f.wait("the number, no printer", atStep("receipt")+` && document.getElementById('rc-case').textContent.length >= 8 &&
		document.getElementById('rc-reprint').hidden && document.getElementById('rc-lead').textContent.includes('不打印')`)
	f.step("field_receipt")
	f.click(`[data-action="next"]`)
	f.wait("take_card", atStep("take_card"))
	f.ws.must("sim.idcard.remove", map[string]any{}, 5*time.Second)
	f.wait("the visit wiped, the worker still unlocked", atStep("idle")+` && !document.getElementById('idle-worker').hidden && `+
		goneJS(sampleName)+` && `+goneJS("老人独居"))
	f.click(`[data-action="lock"]`)
	f.wait("locked", atStep("idle")+` && document.getElementById('idle-worker').hidden && document.getElementById('idle-lead').textContent.includes('请工作人员刷证解锁')`)
	f.checkFlowConsole()
}

// TestFlowBacklog: at the counter, the idle screen tells the clerk what
// the outbox still holds while the platform is away, and stops once it
// has been delivered. A self-service kiosk's applicants are not told.
func TestFlowBacklog(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	platform := fmt.Sprintf("http://127.0.0.1:%d", port)
	f := newFlowRigOn(t, "counter", platform)
	f.n = 75                           // after the clerk's screens (71, 72)
	card := idcardsim.SampleCards()[1] // 李建国, household TZH-0002
	f.ws.must("application.submit", map[string]any{"idempotencyKey": "flow-backlog-0001", "application": map[string]any{
		"householdId": "TZH-0002", "applicant": map[string]any{"name": card.Name, "idNumber": card.IDNumber},
		"items": []string{"dibao"}, "relatedToStaff": false, "channel": "counter"}}, 10*time.Second)
	f.open("/")
	f.wait("the backlog on the idle screen", atStep("idle")+` && !document.getElementById('idle-backlog').hidden &&
		document.getElementById('idle-backlog').textContent === '还有 1 份申请待上传，会自动重试送出。'`)
	f.step("counter_backlog")
	// The platform comes up on the address the agent was given: the sender's
	// next attempt delivers, outbox.changed says so, the line goes.
	_, up := startPlatformDemo(t, filepath.Join(t.TempDir(), "platform.db"), "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	if up != platform {
		t.Fatalf("the platform came up at %s, not %s", up, platform)
	}
	f.wait("the backlog delivered", `document.getElementById('idle-backlog').hidden`)
	f.checkFlowConsole()
}

// TestFlowCounterApplicantView: at a counter, /?view=applicant is the
// screen facing the applicant. It follows the clerk's session step by step
// with the same masked view, shows none of the clerk's controls, takes no
// taps and stays silent; the ink on the pad shows on it live.
func TestFlowCounterApplicantView(t *testing.T) {
	f := newFlowRig(t, "counter")
	f.n = 90
	m := newKioskAt(t, "http://"+f.proc.addr, flowSizes[0][0], flowSizes[0][1])
	tab, cancel := context.WithTimeout(m.browser, flowTestTimeout)
	t.Cleanup(cancel)
	m.tab = tab
	mf := &flowRig{kiosk: m, proc: f.proc, ws: f.ws, mode: "counter-applicant", shots: f.shots, axe: f.axe, n: 90}
	f.open("/")
	mf.open("/?view=applicant")
	f.wait("the clerk's idle screen", atStep("idle"))
	mf.wait("the applicant's idle screen", atStep("idle")+` && document.body.getAttribute('data-role') === 'applicant' &&
		document.getElementById('idle-lead').textContent.includes('工作人员会在窗口为您办理')`)
	mf.step("applicant_idle")
	// A tap on the applicant's screen does nothing.
	eval[bool](m, `(document.querySelector('[data-action="apply"]').click(), true)`)
	time.Sleep(300 * time.Millisecond)
	if st := eval[string](m, `document.body.getAttribute('data-step')`); st != "idle" {
		t.Fatalf("a tap on the applicant's screen started the session: %s", st)
	}
	f.click(`[data-action="apply"]`)
	mf.wait("the applicant's read_card", atStep("read_card"))
	f.ws.must("sim.idcard.place", map[string]any{}, 5*time.Second)
	f.wait("confirm_identity", atStep("confirm_identity"))
	mf.wait("the applicant sees the card", atStep("confirm_identity")+` && document.getElementById('ci-name').textContent === '`+sampleName+`'`)
	for _, sel := range []string{"#ci-verified", ".bottombar", "#btn-staff", "#btn-mute", "#btn-notes"} {
		if eval[bool](m, `(el => !!el && el.offsetParent !== null)(document.querySelector('`+sel+`'))`) {
			t.Errorf("the applicant's screen shows %s", sel)
		}
	}
	mf.step("applicant_confirm_identity")
	f.click(`[data-action="verified"]`)
	f.wait("ticked", `!document.getElementById('btn-next').disabled`)
	f.click(`[data-action="next"]`)
	f.wait("household", atStep("household")+` && document.getElementById('hh-loading').hidden`)
	mf.wait("the applicant's household", atStep("household"))
	f.click(`[data-action="next"]`)
	f.wait("precheck or choose_items", `(`+atStep("precheck")+`) || (`+atStep("choose_items")+`)`)
	if eval[string](f.kiosk, `document.body.getAttribute('data-step')`) == "precheck" {
		f.click(`[data-action="next"]`)
	}
	f.wait("choose_items", atStep("choose_items"))
	if eval[bool](f.kiosk, `document.getElementById('btn-next').disabled`) {
		f.click(`[data-item="dibao"]`)
		f.wait("an item chosen", `!document.getElementById('btn-next').disabled`)
	}
	f.click(`[data-action="next"]`)
	f.wait("sign_commitment", atStep("sign_commitment"))
	f.click(`[data-action="answer"][data-value="false"]`)
	f.wait("the capture on the pad", `document.body.getAttribute('data-capturing') === 'yes'`)
	mf.wait("the applicant's sign screen", atStep("sign_commitment")+` && document.body.getAttribute('data-capturing') === 'yes'`)
	for deadline := time.Now().Add(flowWait); ; {
		_, err := f.ws.call("sim.sigpad.sign", map[string]any{}, 30*time.Second)
		if err == nil {
			break
		}
		if err.Data.Reason != "NO_CAPTURE" || time.Now().After(deadline) {
			t.Fatalf("sim.sigpad.sign: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	f.wait("the clerk's mirrored ink", inkedPixelsJS+` > 500`)
	mf.wait("the ink on the applicant's screen", inkedPixelsJS+` > 500`)
	mf.step("applicant_sign_commitment")
	if said := eval[int](m, `window.kioskFlow.voice.played.length`); said != 0 {
		t.Errorf("the applicant's screen played %d prompts; it is silent", said)
	}
	f.ws.must("flow.cancel", map[string]any{}, 5*time.Second)
	mf.wait("the applicant's screen wiped", atStep("idle")+` && `+goneJS(sampleName))
	mf.checkFlowConsole()
}
