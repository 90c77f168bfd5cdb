package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// TestFlowApplyKiosk goes through a whole application at a self-service
// kiosk, as a person would: 我要申请, the card placed, the identity
// confirmed, the household shown (and 返回 once), the items chosen (and a
// call for staff on the way), the commitment answered and signed on the
// simulated pad, the authorization signed, submitted, the receipt printed
// by the virtual printer, the card taken: wiped, back to idle. Every step
// is checked (layout, 适老化, axe-core) and photographed at 1920×1080 and
// 1080×1920.
func TestFlowApplyKiosk(t *testing.T) {
	f := newFlowRig(t, "kiosk")
	f.apply()
	f.checkFlowConsole()
}

// TestFlowApplyCounter is the same application at a clerk's counter: the
// clerk ticks 已核对本人 before going on, corrects the household's data
// (更正家庭信息: a note, and the case marked for verification) and adds a
// note of their own (窗口备注, saved, still there after a reload), sees
// the rules behind the pre-check, may print the receipt again (more than
// once), and the counter page shows a kiosk's call for staff. The agent
// uses a platform-demo over HTTP, which is then asked what it holds: the
// application with the clerk's notes.
func TestFlowApplyCounter(t *testing.T) {
	f := newFlowRig(t, "counter")
	f.apply()
	f.checkFlowConsole()
}

// apply walks the application; the mode's differences are checked on the
// way.
func (f *flowRig) apply() {
	t := f.t
	counter := f.mode == "counter"
	f.open("/")
	f.wait("the idle screen", atStep("idle"))
	if counter {
		f.wait("the counter note", `!document.getElementById('mode-note').hidden`)
	}
	f.step("idle")

	f.click(`[data-action="apply"]`)
	f.wait("read_card", atStep("read_card")+` && `+asked("read_card.place"))
	// The spoken prompt plays (the page's CSP lets it, the agent serves it).
	f.wait("the prompt played", `window.kioskFlow.voice.played.indexOf('read_card.place') >= 0`)
	f.step("read_card")
	// 静音: the next step's prompt is asked for, and not played.
	f.click(`[data-action="mute"]`)
	f.wait("muted", `document.getElementById('btn-mute').getAttribute('aria-pressed') === 'true' && document.getElementById('mute-word').textContent === '开声音'`)

	f.ws.must("sim.idcard.place", map[string]any{}, 5*time.Second)
	f.wait("confirm_identity", atStep("confirm_identity")+fmt.Sprintf(
		` && document.getElementById('ci-name').textContent === %q && document.getElementById('ci-id').textContent === %q`,
		sampleName, sampleMasked)+` && `+asked("confirm_identity.check"))
	time.Sleep(500 * time.Millisecond)
	if eval[bool](f.kiosk, `window.kioskFlow.voice.played.indexOf('confirm_identity.check') >= 0`) {
		t.Error("a prompt played while muted")
	}
	f.click(`[data-action="mute"]`)
	f.wait("sound back", `document.getElementById('btn-mute').getAttribute('aria-pressed') === 'false'`)
	if got := f.text("ci-valid-word"); !strings.Contains(got, "证件有效 ✓") {
		t.Errorf("the validity line says %q", got)
	}
	if counter {
		if !eval[bool](f.kiosk, `document.getElementById('btn-next').disabled`) {
			t.Error("确认无误 is enabled before the clerk ticked 已核对本人")
		}
		f.wait("why it is disabled", `document.getElementById('why').textContent.includes('已核对本人')`)
		f.click(`[data-action="verified"]`)
		f.wait("the tick", `document.getElementById('ci-verified').getAttribute('aria-pressed') === 'true' && !document.getElementById('btn-next').disabled`)
		f.wait("窗口备注 in the top bar, nothing saved yet", `!document.getElementById('btn-notes').hidden &&
			document.getElementById('notes-chip').textContent === '' && document.getElementById('clerk-notes').hidden`)
	} else if !eval[bool](f.kiosk, `document.getElementById('btn-notes').hidden && document.getElementById('clerk-notes').hidden`) {
		t.Error("a kiosk shows the clerk's notes")
	}
	f.step("confirm_identity")

	f.click(`[data-action="next"]`)
	f.wait("household", atStep("household")+` && document.getElementById('hh-loading').hidden`)
	f.step("household")
	// 返回 goes back one step, and 下一步 forward again.
	f.click(`[data-action="back"]`)
	f.wait("confirm_identity after 返回", atStep("confirm_identity"))
	f.click(`[data-action="next"]`)
	f.wait("household again", atStep("household")+` && document.getElementById('hh-loading').hidden`)
	found := eval[bool](f.kiosk, `!document.getElementById('hh-found').hidden`)
	if found && f.text("hh-rows") == "" {
		t.Error("the household was found, and no member is shown")
	}
	if !counter && !eval[bool](f.kiosk, `document.getElementById('hh-correct').hidden && document.getElementById('btn-notes').hidden`) {
		t.Error("a kiosk offers 更正家庭信息 or 窗口备注")
	}
	if counter && found {
		f.correctHousehold()
	} else {
		f.click(`[data-action="next"]`)
	}

	f.wait("precheck or choose_items", `(`+atStep("precheck")+`) || (`+atStep("choose_items")+`)`)
	if eval[string](f.kiosk, `document.body.getAttribute('data-step')`) == "precheck" {
		if strings.Contains(f.text("main"), "不符合") {
			t.Error("the pre-check says 不符合")
		}
		if counter && found && eval[int](f.kiosk, `document.querySelectorAll('#pc-hints .rules').length`) == 0 &&
			eval[int](f.kiosk, `document.querySelectorAll('#pc-hints .hint').length`) > 0 {
			t.Error("the clerk sees no rules behind the hints")
		}
		f.step("precheck")
		f.click(`[data-action="next"]`)
	} else if found {
		t.Error("a household was found, and the pre-check was skipped")
	}

	f.wait("choose_items", atStep("choose_items")+` && document.querySelectorAll('[data-item]').length === 9`)
	// Nothing chosen (a household without hints): 下一步 waits, and says why.
	for _, item := range eval[[]string](f.kiosk, `Array.from(document.querySelectorAll('[data-item][aria-pressed="true"]')).map((e) => e.getAttribute('data-item'))`) {
		f.click(`[data-item="` + item + `"]`)
		f.wait("unselected "+item, `document.querySelector('[data-item="`+item+`"]').getAttribute('aria-pressed') === 'false'`)
	}
	f.wait("下一步 disabled with the reason", `document.getElementById('btn-next').disabled && document.getElementById('why').textContent.includes('请至少选一项')`)
	f.click(`[data-item="dibao"]`)
	f.click(`[data-item="yiliao"]`)
	f.wait("two items chosen", `document.getElementById('ch-count').textContent === '已选 2 项' &&
		document.querySelector('[data-item="dibao"]').getAttribute('aria-pressed') === 'true' &&
		document.querySelector('[data-item="dibao"]').textContent.includes('已选') && !document.getElementById('btn-next').disabled`)
	f.step("choose_items")

	// 呼叫工作人员: staff.called reaches the other clients (a counter
	// page), the screen says so, and 取消呼叫 ends it.
	f.click(`#btn-staff`)
	ev := f.ws.waitEvent(protocol.EventStaffCalled, 10*time.Second)
	var called protocol.StaffCalledEvent
	json.Unmarshal(ev.Params, &called)
	if called.Step != "choose_items" || called.Reason != "call" {
		t.Errorf("staff.called %+v", called)
	}
	f.wait("the staff panel", `!document.getElementById('staff-panel').hidden && document.getElementById('staff-text').textContent === '已通知工作人员，请稍等'`)
	f.step("call_staff")
	f.click(`[data-action="cancel-call"]`)
	f.wait("the staff panel gone", `document.getElementById('staff-panel').hidden`)
	if counter {
		f.clerkNotes(found)
	}

	f.click(`[data-action="next"]`)
	f.wait("sign_commitment", atStep("sign_commitment")+` && `+asked("sign_commitment.sign"))
	if counter && eval[string](f.kiosk, `document.getElementById('cn-text').value`) != "" {
		t.Error("what the clerk typed and did not save outlived its step")
	}
	f.wait("签好了 disabled until the question is answered", `document.getElementById('btn-next').disabled && document.getElementById('why').textContent.includes('回答')`)
	// 返回 from a sign step goes back to the items, which stay chosen.
	f.click(`[data-action="back"]`)
	f.wait("choose_items after 返回", atStep("choose_items")+` && document.getElementById('ch-count').textContent === '已选 2 项'`)
	f.click(`[data-action="next"]`)
	f.wait("sign_commitment again", atStep("sign_commitment"))
	f.click(`[data-action="answer"][data-value="false"]`)
	f.wait("the capture on the pad", `document.body.getAttribute('data-capturing') === 'yes' && document.body.getAttribute('data-source') === 'pad' &&
		document.getElementById('sg-no').getAttribute('aria-pressed') === 'true' && document.getElementById('btn-next').disabled`)
	if !counter {
		// 查看全文: the whole commitment, to scroll through, names and
		// numbers masked as everywhere on the screen; 看完了 returns.
		f.click(`[data-action="fulltext"]`)
		f.wait("the full text", `!document.getElementById('fulltext').hidden && document.getElementById('ft-title').textContent === '诚信承诺书（全文）' &&
			document.querySelectorAll('#ft-body p').length > 10 && document.getElementById('ft-body').textContent.includes('王*英') &&
			document.activeElement === document.getElementById('ft-body')`)
		if text := eval[string](f.kiosk, `document.getElementById('ft-body').textContent`); strings.Contains(text, sampleName) || strings.Contains(text, sampleIDNumber) {
			t.Errorf("the full text shows the name or the ID number in full:\n%s", text)
		}
		f.stepAs(81, "sign_commitment_fulltext")
		f.click(`[data-action="fulltext-done"]`)
		f.wait("back to signing", `document.getElementById('fulltext').hidden && !document.getElementById('sg-fulltext').hidden &&
			document.body.getAttribute('data-capturing') === 'yes'`)
	}
	f.sign("sign_commitment")
	f.click(`[data-action="next"]`)

	f.wait("sign_authorization", atStep("sign_authorization")+` && `+asked("sign_authorization.all"))
	for i := 0; ; i++ {
		f.wait("a signer or submit", `(`+atStep("submit")+`) || (`+atStep("sign_authorization")+` && document.body.getAttribute('data-capturing') === 'yes')`)
		if eval[string](f.kiosk, `document.body.getAttribute('data-step')`) == "submit" {
			break
		}
		if i > 0 && i == 2 {
			// A third signer is said to be away: listed for later.
			f.click(`[data-action="absent"]`)
			continue
		}
		if i == 1 {
			// The second signer writes on the screen instead (the
			// fallback when the pad is not there or fails).
			f.click(`[data-action="screen"]`)
			f.wait("signing on the screen", `document.body.getAttribute('data-source') === 'screen' &&
				document.body.getAttribute('data-ink-mode') === 'screen' && document.getElementById('btn-next').disabled`)
			f.drawOnScreen()
			f.wait("签好了 enabled by the ink on the screen", inkedPixelsJS+` > 500 && !document.getElementById('btn-next').disabled`)
			f.step(fmt.Sprintf("sign_authorization-%d-screen", i+1))
		} else {
			f.sign(fmt.Sprintf("sign_authorization-%d", i+1))
		}
		f.click(`[data-action="next"]`)
		f.wait("the signature taken", `document.body.getAttribute('data-step') !== 'sign_authorization' ||
			document.querySelectorAll('#sg-signers [data-state="signed"]').length === `+fmt.Sprint(i+1))
	}

	f.wait("submit", atStep("submit")+` && document.getElementById('sb-items').textContent === '低保、医疗救助'`)
	if got := f.text("sb-signed"); !strings.Contains(got, "诚信承诺书") || !strings.Contains(got, "家庭经济状况核对授权书") {
		t.Errorf("the signatures listed on submit: %q", got)
	}
	if counter {
		// The notes going with the application, for a last look.
		f.wait("the clerk's notes on submit", `!document.getElementById('sb-notes-dd').hidden && document.getElementById('sb-notes').textContent.includes('`+clerkNote+`')`)
		if found && !strings.Contains(f.text("sb-notes"), correction) {
			t.Errorf("submit shows the clerk's notes as %q, without the correction", f.text("sb-notes"))
		}
	} else if !eval[bool](f.kiosk, `document.getElementById('sb-notes-dd').hidden`) {
		t.Error("a kiosk's submit shows clerk's notes")
	}
	f.step("submit")
	if counter {
		// The printer runs out of paper: the application is safe all the
		// same, and the screen says where to get the receipt.
		f.ws.must("sim.printer", map[string]any{"paper": "out"}, 5*time.Second)
	}
	f.click(`[data-action="next"]`)
	if counter {
		f.wait("the receipt not printed", atStep("receipt")+` && document.getElementById('rc-print').getAttribute('data-state') === 'failed' &&
			!document.getElementById('rc-print-failed').hidden && document.getElementById('title').textContent === '回执暂时打不出' &&
			document.getElementById('rc-case').textContent.length >= 8 && `+asked("device.printer"))
		f.step("receipt_paper_out")
		f.ws.must("sim.printer", map[string]any{"paper": "load"}, 5*time.Second)
		f.click(`[data-action="reprint"]`)
	}

	f.wait("receipt printed", atStep("receipt")+` && document.getElementById('rc-print').getAttribute('data-state') === 'printed' &&
		document.getElementById('rc-case').textContent.length >= 8`)
	f.ws.waitEvent(protocol.EventPrinterJob, 10*time.Second)
	if n := f.saveReceipt("receipt.png"); n < 1000 {
		t.Errorf("the receipt PNG has %d bytes", n)
	}
	f.step("receipt")
	reprint := eval[bool](f.kiosk, `!document.getElementById('rc-reprint').hidden`)
	if !reprint {
		t.Error("no 重新打印 on the receipt")
	} else {
		// printAgain taps 重新打印 and waits until the page has shown the
		// reprint printing and then printed: the printer's job events can
		// reach this test before the page hears of the reprint, and a page
		// still showing the last print's 已打印 must not count (a second
		// tap then raced the button's hiding).
		printAgain := func() {
			done := len(f.ws.eventsNamed(protocol.EventPrinterJob))
			eval[bool](f.kiosk, `(() => {
				const p = document.getElementById('rc-print');
				window.__sawPrinting = false;
				if (window.__printObs) window.__printObs.disconnect();
				window.__printObs = new MutationObserver(() => { if (p.getAttribute('data-state') === 'printing') window.__sawPrinting = true; });
				window.__printObs.observe(p, {attributes: true, attributeFilter: ['data-state']});
				return true;
			})()`)
			f.click(`[data-action="reprint"]`)
			for deadline := time.Now().Add(flowWait); len(f.ws.eventsNamed(protocol.EventPrinterJob)) == done; {
				if time.Now().After(deadline) {
					t.Fatal("重新打印 printed nothing")
				}
				time.Sleep(50 * time.Millisecond)
			}
			f.wait("the reprint printing, then printed", `window.__sawPrinting && document.getElementById('rc-print').getAttribute('data-state') === 'printed'`)
		}
		printAgain()
		// At a counter 重新打印 stays (and prints again), at a kiosk it is
		// there once only.
		f.wait("printed again, 重新打印 as the mode has it", fmt.Sprintf(`document.getElementById('rc-print').getAttribute('data-state') === 'printed' &&
			document.getElementById('rc-reprint').hidden === %v`, !counter))
		if counter {
			printAgain()
			f.wait("printed a third time", `document.getElementById('rc-print').getAttribute('data-state') === 'printed' && !document.getElementById('rc-reprint').hidden`)
		}
	}
	if counter {
		// The counter page hears a kiosk's call for staff.
		f.ws.must("staff.call", map[string]any{"reason": "call"}, 5*time.Second)
		f.wait("the call on the counter page", `!document.getElementById('calls').hidden && document.getElementById('calls-text').textContent.includes('呼叫工作人员')`)
		f.step("counter_staff_called")
		f.click(`[data-action="dismiss-call"]`)
		f.click(`[data-action="cancel-call"]`)
		f.wait("the calls handled", `document.getElementById('calls').hidden && document.getElementById('staff-panel').hidden`)
	}
	f.click(`[data-action="next"]`)

	f.wait("take_card", atStep("take_card")+` && `+asked("take_card.remind"))
	f.step("take_card")
	f.ws.must("sim.idcard.remove", map[string]any{}, 5*time.Second)
	f.wait("wiped, back to idle", atStep("idle")+` && !document.getElementById('wiped').hidden`)
	f.step("wiped")
	for _, s := range []string{sampleName, sampleMasked, "370481", "低保、医疗救助"} {
		f.wait("no trace of "+s, goneJS(s))
	}
	for _, s := range []string{correction, clerkNote} {
		f.wait("no trace of the clerk's notes", goneJS(s)+` && document.getElementById('cn-text').value === '' && document.getElementById('btn-notes').hidden`)
	}
	f.wait("the notice gone after 5 s", atStep("idle")+` && document.getElementById('wiped').hidden`)

	// The application just made shows in the progress query (once the
	// outbox has delivered it to the demo platform).
	for try := 0; ; try++ {
		f.click(`[data-action="progress"]`)
		f.wait("read_card for a progress query", atStep("read_card")+` && document.body.getAttribute('data-kind') === 'progress'`)
		f.ws.must("sim.idcard.place", map[string]any{}, 5*time.Second)
		f.wait("the progress", atStep("progress")+` && document.getElementById('pg-loading').hidden`)
		if eval[bool](f.kiosk, `!document.getElementById('pg-app').hidden`) {
			break
		}
		if try == 10 {
			t.Fatal("the application never showed in the progress query")
		}
		f.click(`[data-action="back"]`)
		f.wait("idle", atStep("idle"))
		f.ws.must("sim.idcard.remove", map[string]any{}, 5*time.Second)
		time.Sleep(time.Second)
	}
	f.wait("five stages, 受理 now, said in words", `document.querySelectorAll('#pg-stages .stage').length === 5 &&
		document.querySelector('#pg-stages [data-current="yes"]').textContent.includes('受理') &&
		document.querySelector('#pg-stages [data-current="yes"]').textContent.includes('现在在这一步') &&
		document.getElementById('pg-items').textContent.includes('低保') && `+asked("progress.show"))
	f.step("progress")
	f.click(`[data-action="print"]`)
	f.wait("the progress printed or not", `['printed', 'failed'].indexOf(document.getElementById('pg-print-state').getAttribute('data-state')) >= 0`)
	if eval[string](f.kiosk, `document.getElementById('pg-print-state').getAttribute('data-state')`) == "failed" {
		// Seen once in a loaded CI run: the page said 暂时打不出 and a person
		// taps 打印进度 again. It must print then; the agent says why not.
		t.Logf("the progress did not print the first time; the agent's last log lines:\n%s", f.logTail(25))
		f.click(`[data-action="print"]`)
	}
	f.wait("the progress printed", `document.getElementById('pg-print-state').getAttribute('data-state') === 'printed'`)
	f.click(`[data-action="next"]`)
	f.wait("take_card after the query", atStep("take_card")+` && document.getElementById('take-receipt-pic').hidden`)
	f.ws.must("sim.idcard.remove", map[string]any{}, 5*time.Second)
	f.wait("wiped after the query", atStep("idle")+` && `+goneJS(sampleName)+` && `+goneJS(sampleMasked))

	if counter {
		f.checkStoredNotes(found)
	}
}

// The clerk's correction and note in TestFlowApplyCounter.
const (
	correction = "丈夫已于2026年10月去世，户口还没注销。"
	clerkNote  = "申请人腿脚不便，由女儿陪同办理。"
)

// correctHousehold, on the household step at a counter: 更正家庭信息
// opens the clerk's notes with 更正：, which alone is not saved; the
// correction typed and saved (保存更正) is the clerk's note, and marks the
// case for verification, as 有不对的 does, and goes on. 返回 shows the
// mark; 有不对的 then goes on again.
func (f *flowRig) correctHousehold() {
	t := f.t
	f.click(`[data-action="notes-correct"]`)
	f.wait("the correction panel", `!document.getElementById('clerk-notes').hidden && document.getElementById('cn-text').value === '更正：' &&
		document.activeElement === document.getElementById('cn-text') && document.getElementById('cn-save-word').textContent === '保存更正' &&
		document.getElementById('btn-notes').getAttribute('aria-expanded') === 'true' &&
		getComputedStyle(document.getElementById('bottombar')).display === 'none'`)
	f.click(`[data-action="notes-save"]`)
	f.wait("what is missing, said", `document.getElementById('cn-state').textContent.includes('后面写上哪里不对') && `+atStep("household"))
	f.typeText(correction)
	f.wait("the correction typed, not saved yet", `document.getElementById('cn-text').value === '更正：`+correction+`' &&
		document.getElementById('cn-state').textContent === '还没保存'`)
	f.stepAs(71, "counter_household_correct")
	f.click(`[data-action="notes-save"]`)
	f.wait("the correction saved, on to the next step", `((`+atStep("precheck")+`) || (`+atStep("choose_items")+`)) &&
		document.getElementById('clerk-notes').hidden && document.getElementById('cn-text').value === '' &&
		document.getElementById('notes-chip').textContent === '已保存' && getComputedStyle(document.getElementById('bottombar')).display !== 'none'`)
	f.click(`[data-action="back"]`)
	f.wait("the household marked for verification", atStep("household")+` && document.getElementById('hh-loading').hidden && !document.getElementById('hh-disputed').hidden`)
	if got := f.text("notes-chip"); got != "已保存" {
		t.Errorf("after 返回, 窗口备注 says %q", got)
	}
	// 有不对的 marks the case for the clerk and goes on: it never blocks.
	f.click(`[data-action="dispute"]`)
}

// clerkNotes, at a counter: 窗口备注 opens the saved correction; a note
// added and saved says 已保存; after a reload of the page the saved notes
// are there again; something typed and not saved says 还没保存, and
// 回到办理 goes back to the step.
func (f *flowRig) clerkNotes(corrected bool) {
	saved := ""
	if corrected {
		saved = "更正：" + correction
	}
	f.click(`[data-action="notes-open"]`)
	f.wait("the notes panel with the saved notes", fmt.Sprintf(`!document.getElementById('clerk-notes').hidden && document.getElementById('cn-text').value === %q &&
		document.getElementById('cn-save-word').textContent === '保存备注' && document.activeElement === document.getElementById('cn-text')`, saved))
	note := clerkNote
	if saved != "" {
		note = "\n" + clerkNote
	}
	f.typeText(note)
	want := saved + note
	f.wait("the note typed", fmt.Sprintf(`document.getElementById('cn-text').value === %q && document.getElementById('cn-state').textContent === '还没保存'`, want))
	f.click(`[data-action="notes-save"]`)
	f.wait("已保存", `document.getElementById('cn-state').textContent === '已保存' && document.getElementById('cn-state').getAttribute('data-state') === 'saved' &&
		document.getElementById('notes-chip').textContent === '已保存' && `+atStep("choose_items"))
	f.stepAs(72, "counter_notes")

	if err := chromedp.Do(f.tab, chromedp.Reload()); err != nil {
		f.t.Fatalf("reload: %v", err)
	}
	f.wait("choose_items after the reload", atStep("choose_items")+` && document.getElementById('notes-chip').textContent === '已保存' &&
		document.getElementById('clerk-notes').hidden && document.getElementById('cn-text').value === ''`)
	f.click(`[data-action="notes-open"]`)
	f.wait("the saved notes from the agent", fmt.Sprintf(`!document.getElementById('clerk-notes').hidden && document.getElementById('cn-text').value === %q &&
		document.getElementById('cn-state').textContent === '已保存'`, want))
	f.typeText("这句没有保存")
	f.wait("还没保存", `document.getElementById('cn-state').textContent === '还没保存'`)
	f.click(`[data-action="notes-close"]`)
	f.wait("back to the step", `document.getElementById('clerk-notes').hidden && getComputedStyle(document.getElementById('bottombar')).display !== 'none' &&
		document.getElementById('btn-notes').getAttribute('aria-expanded') === 'false'`)
}

// checkStoredNotes: the application the platform-demo holds carries the
// clerk's notes, and the mark for verification.
func (f *flowRig) checkStoredNotes(corrected bool) {
	t := f.t
	var notes []string
	for _, s := range platformStored(t, f.platform) {
		if s.Application != nil && s.Application.Channel == "counter" {
			notes = append(notes, s.Application.Notes)
		}
	}
	if len(notes) != 1 {
		t.Fatalf("the platform holds %d counter applications, want 1: notes %q", len(notes), notes)
	}
	want := "窗口备注：" + clerkNote
	if corrected {
		want = "窗口备注：更正：" + correction + "\n" + clerkNote
	}
	if !strings.Contains(notes[0], want) || (corrected && !strings.Contains(notes[0], "请核实")) {
		t.Errorf("the application's notes at the platform: %q, want %q and the mark for verification", notes[0], want)
	}
	if strings.Contains(notes[0], "这句没有保存") {
		t.Errorf("notes never saved reached the platform: %q", notes[0])
	}
}

// sign has the simulated pad write the signer's name, and checks that the
// page mirrors the ink live and enables 签好了.
func (f *flowRig) sign(name string) {
	f.t.Helper()
	if n := f.inkedPixels(); n != 0 {
		f.t.Errorf("%s: %d pixels of ink before anything was written", name, n)
	}
	// The page shows the capture as soon as the engine asks for it; the pad
	// takes it a moment later.
	for deadline := time.Now().Add(flowWait); ; {
		_, err := f.ws.call("sim.sigpad.sign", map[string]any{}, 30*time.Second)
		if err == nil {
			break
		}
		if err.Data.Reason != "NO_CAPTURE" || time.Now().After(deadline) {
			f.t.Fatalf("%s: sim.sigpad.sign: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	f.wait("the mirrored ink", inkedPixelsJS+` > 500 && !document.getElementById('btn-next').disabled`)
	f.step(name)
}

// drawOnScreen writes 王 and a stroke down with the mouse in the sign
// box, as a finger would.
func (f *flowRig) drawOnScreen() {
	f.t.Helper()
	box := eval[map[string]float64](f.kiosk, `(() => { const r = document.getElementById('ink').getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; })()`)
	strokes := [][4]float64{{0.25, 0.3, 0.6, 0.3}, {0.27, 0.5, 0.58, 0.5}, {0.2, 0.72, 0.65, 0.72}, {0.42, 0.3, 0.42, 0.72}}
	var acts []chromedp.Action[chromedp.Void]
	for _, s := range strokes {
		x0, y0 := box["x"]+s[0]*box["w"], box["y"]+s[1]*box["h"]
		x1, y1 := box["x"]+s[2]*box["w"], box["y"]+s[3]*box["h"]
		acts = append(acts, chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y0, chromedp.ButtonLeft))
		for i := 1; i <= 15; i++ {
			p := float64(i) / 15
			acts = append(acts, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0+(x1-x0)*p, y0+(y1-y0)*p, chromedp.ButtonLeft),
				chromedp.Sleep(8*time.Millisecond))
		}
		acts = append(acts, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x1, y1, chromedp.ButtonLeft))
	}
	if err := chromedp.Do(f.tab, acts...); err != nil {
		f.t.Fatal(err)
	}
}
