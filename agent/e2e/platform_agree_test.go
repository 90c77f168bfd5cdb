package e2e

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// applyRun is what a person at the kiosk saw of one application and the
// progress query after it, with what differs between runs (the case
// number, the timers) left out.
type applyRun struct {
	Household *flow.HouseholdView
	Hints     []flow.HintView
	Items     []flow.ItemView
	Signers   []flow.SignerView
	Receipt   flow.ReceiptView
	Progress  *flow.ProgressView
	// Submit is application.submit's answer for a fixed key, and the
	// backlog once delivered.
	Submit protocol.ApplicationSubmitResult
	Drain  protocol.OutboxStatus
	// CaseNumber is the receipt's, kept apart.
	CaseNumber string
}

// agreeKey is the idempotency key of the application submitted through
// application.submit in every run: its applicationId must be the same.
const agreeKey = "platform-agree-0001"

// runApplication takes sample card 0 (王秀英, household TZH-0001) through
// the whole flow on the simulated reader and printer, signing on the
// screen, then asks for its progress,
// then submits one more application through application.submit.
func runApplication(t *testing.T, c *agentClient) applyRun {
	t.Helper()
	var run applyRun
	t0 := time.Now()
	phase := func(what string) { t.Logf("%8v %s", time.Since(t0).Round(time.Millisecond), what) }
	c.must(t, protocol.MethodFlowStart, map[string]any{"kind": flow.KindApply})
	c.must(t, protocol.MethodSimPlaceCard, map[string]any{"sample": 0})
	waitForFlow(t, c, "confirm_identity", func(s flow.State) bool { return s.Step == flow.StepConfirmIdentity })
	flowAct(t, c, flow.ActNext, nil)
	st := waitForFlow(t, c, "the household", func(s flow.State) bool {
		return s.View.Household != nil && s.View.Household.Status != "loading"
	})
	run.Household = st.View.Household
	phase("household")
	if run.Household.Status != "found" {
		t.Fatalf("the household of sample card 0: %+v", run.Household)
	}
	flowAct(t, c, flow.ActNext, nil)
	st = waitForFlow(t, c, "the pre-check", func(s flow.State) bool { return s.Step == flow.StepPrecheck || s.Step == flow.StepChooseItems })
	run.Hints = st.View.Hints
	if st.Step == flow.StepPrecheck {
		flowAct(t, c, flow.ActNext, nil)
	}
	st = waitForFlow(t, c, "choose_items", func(s flow.State) bool { return s.Step == flow.StepChooseItems })
	if st.View.Chosen == 0 {
		flowAct(t, c, flow.ActToggle, map[string]any{"item": "dibao"})
	}
	st = getFlowState(t, c)
	run.Items = st.View.Items
	flowAct(t, c, flow.ActNext, nil)
	waitForFlow(t, c, "sign_commitment", func(s flow.State) bool { return s.Step == flow.StepSignCommitment })
	flowAct(t, c, flow.ActAnswer, map[string]any{"relatedToStaff": false})
	phase("sign_commitment")
	signOnScreen(t, c)
	phase("commitment signed")
	st = waitForFlow(t, c, "sign_authorization", func(s flow.State) bool { return s.Step == flow.StepSignAuthorization })
	run.Signers = st.View.Sign.Signers
	for {
		st = waitForFlow(t, c, "a signer or submit", func(s flow.State) bool {
			return s.Step == flow.StepSubmit || (s.Step == flow.StepSignAuthorization && s.View.Sign != nil && s.View.Sign.Capturing)
		})
		if st.Step == flow.StepSubmit {
			break
		}
		signOnScreen(t, c)
		phase("authorization signed")
	}
	flowAct(t, c, flow.ActNext, nil)
	st = waitForFlow(t, c, "the receipt", func(s flow.State) bool {
		return s.Step != flow.StepSubmit || (s.View.Submit != nil && s.View.Submit.Error != "")
	})
	if st.Step != flow.StepReceipt {
		b, _ := json.Marshal(st.View.Submit)
		t.Fatalf("after submit the session is at %s: %s", st.Step, b)
	}
	phase("receipt")
	run.Receipt = *st.View.Receipt
	run.CaseNumber, run.Receipt.CaseNumber = run.Receipt.CaseNumber, ""
	run.Receipt.Printing, run.Receipt.CanReprint = "", false
	c.must(t, protocol.MethodFlowCancel, nil)
	c.must(t, protocol.MethodSimRemoveCard, nil)

	c.must(t, protocol.MethodFlowStart, map[string]any{"kind": flow.KindProgress})
	c.must(t, protocol.MethodSimPlaceCard, map[string]any{"sample": 0})
	st = waitForFlow(t, c, "the progress", func(s flow.State) bool { return s.View.Progress != nil && s.View.Progress.Status != "loading" })
	run.Progress = st.View.Progress
	phase("progress")
	c.must(t, protocol.MethodFlowCancel, nil)
	c.must(t, protocol.MethodSimRemoveCard, nil)

	idcard := idcardsim.SampleCards()[1] // 李建国, household TZH-0002
	r := c.must(t, protocol.MethodApplicationSubmit, map[string]any{"idempotencyKey": agreeKey, "application": map[string]any{
		"householdId": "TZH-0002", "applicant": map[string]any{"name": idcard.Name, "idNumber": idcard.IDNumber},
		"items": []string{"dibao", "jiuye"}, "relatedToStaff": false, "channel": "counter"}})
	json.Unmarshal(r, &run.Submit)
	run.Drain = waitOutboxDrained(t, c)
	phase("application.submit delivered")
	return run
}

// waitOutboxDrained waits until the outbox has delivered everything.
func waitOutboxDrained(t testing.TB, c *agentClient) protocol.OutboxStatus {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var st protocol.OutboxStatus
		json.Unmarshal(c.must(t, protocol.MethodOutboxStatus, nil), &st)
		if st.Pending == 0 {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("the outbox did not drain: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPlatformEmbeddedAndHTTPAgree: look-up, pre-check, submission and
// progress give the same results on the embedded demo platform and on
// kiosk-agent platform-demo over HTTP, driven through the agent binary's
// WebSocket (flow.* on the simulated reader and pad, application.submit).
func TestPlatformEmbeddedAndHTTPAgree(t *testing.T) {
	dir := t.TempDir()

	start := time.Now()
	embedded := startAgentProc(t, filepath.Join(dir, "embedded"), "127.0.0.1:0", "--simulate")
	embRun := runApplication(t, mustDialAgent(t, embedded.addr))
	embedded.stop()
	t.Logf("on the embedded platform: %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()

	demoProc, demoURL := startPlatformDemo(t, filepath.Join(dir, "demo.db"))
	remote := startAgentProc(t, filepath.Join(dir, "remote"), "127.0.0.1:0", "--simulate", "--platform", demoURL)
	httpRun := runApplication(t, mustDialAgent(t, remote.addr))
	remote.stop()
	t.Logf("on platform-demo over HTTP: %v", time.Since(start).Round(time.Millisecond))

	if embRun.CaseNumber == httpRun.CaseNumber || len(strings.ReplaceAll(embRun.CaseNumber, " ", "")) != 16 {
		t.Errorf("the receipts' case numbers: %q and %q, want 16 digits each, not the same", embRun.CaseNumber, httpRun.CaseNumber)
	}
	embRun.CaseNumber, httpRun.CaseNumber = "", ""
	if !reflect.DeepEqual(embRun, httpRun) {
		a, _ := json.MarshalIndent(embRun, "", " ")
		b, _ := json.MarshalIndent(httpRun, "", " ")
		t.Errorf("the embedded platform and the HTTP one differ:\nembedded: %s\nHTTP:     %s", a, b)
	}
	if len(embRun.Hints) == 0 || embRun.Hints[0].Item != "dibao" {
		t.Errorf("the pre-check of TZH-0001 has no 低保 hint first: %+v", embRun.Hints)
	}
	if embRun.Receipt.Queued {
		t.Error("the platform was there, and the receipt says 待上传")
	}
	if p := embRun.Progress; p.Status != "found" || len(p.Applications) != 1 || !p.Applications[0].Stages[0].Current {
		t.Errorf("the progress after the application: %+v", p)
	}
	if embRun.Submit.ApplicationID != core.ApplicationID(agreeKey) || !embRun.Submit.Queued {
		t.Errorf("application.submit answered %+v", embRun.Submit)
	}

	// The HTTP platform holds both applications, once each, with all the
	// flow's evidence: three signature bundles and the two signed PDFs.
	stored := platformStored(t, demoURL)
	if len(stored) != 2 {
		t.Fatalf("the platform holds %d applications, want 2: %+v", len(stored), stored)
	}
	flowApp := stored[0]
	if flowApp.Application == nil || flowApp.Application.HouseholdID != "TZH-0001" || len(flowApp.Application.Signatures) != 3 ||
		len(flowApp.Evidence) != 5 || len(flowApp.MissingEvidence) != 0 {
		b, _ := json.Marshal(flowApp)
		t.Errorf("the flow's application at the platform: %s", b)
	}
	pdfs := 0
	for _, e := range flowApp.Evidence {
		if e.ContentType == "application/pdf" {
			pdfs++
			// The documents' renderer, not the flow's plain-text stand-in
			// (a few hundred bytes): a font and signature images embedded.
			if e.Size < 20_000 {
				t.Errorf("a signed PDF of %d bytes: not the rendered document", e.Size)
			}
		}
	}
	if pdfs != 2 {
		t.Errorf("%d PDFs at the platform, want the two signed documents", pdfs)
	}
	if api := stored[1]; api.IdempotencyKey != agreeKey || api.Application.Channel != "counter" || api.Submitted == nil {
		t.Errorf("application.submit's application at the platform: %+v", api)
	}
	demoProc.stop()
}

// TestPlatformStateHoldsNoPersonalData: after a whole application (the
// household looked up, signatures taken, the PDFs made, everything queued
// and delivered) and a kill -9, no file in the agent's state directory
// holds an ID number, a name or an address of the household in clear —
// the outbox's database and its write-ahead log included. The platform is
// a platform-demo of its own, so that nothing is left out of the search.
func TestPlatformStateHoldsNoPersonalData(t *testing.T) {
	dir := t.TempDir()
	_, demoURL := startPlatformDemo(t, filepath.Join(dir, "demo.db"))
	state := filepath.Join(dir, "state")
	agent := startAgentProc(t, state, "127.0.0.1:0", "--simulate", "--platform", demoURL, "--log-level", "debug")
	c := mustDialAgent(t, agent.addr)
	runApplication(t, c)
	// A second application that stays in the outbox: the platform refuses
	// it (no such household), so it is kept, sealed, on disk.
	card := idcardsim.SampleCards()[0]
	c.must(t, protocol.MethodApplicationSubmit, map[string]any{"idempotencyKey": "platform-privacy-0002", "application": map[string]any{
		"householdId": "TZH-9999", "applicant": map[string]any{"name": card.Name, "idNumber": card.IDNumber, "phone": "13912345678"},
		"items": []string{"linshi"}, "relatedToStaff": true, "notes": "住址：" + card.Address}})
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st protocol.OutboxStatus
		json.Unmarshal(c.must(t, protocol.MethodOutboxStatus, nil), &st)
		if st.Failing == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the refused application is not counted as failing: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	agent.kill()

	secrets := map[string]string{"the applicant's ID number": card.IDNumber, "the applicant's name": card.Name,
		"the applicant's address": card.Address, "the husband's ID number": "370481195308214010", "the husband's name": "张德厚",
		"the phone number": "13912345678"}
	for _, tail := range []string{card.IDNumber[len(card.IDNumber)-8:], strings.TrimSpace(card.Address)[:9]} {
		secrets["a part ("+tail+")"] = tail
	}
	files := 0
	filepath.WalkDir(state, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		files++
		for what, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %s in clear", path, what)
			}
		}
		return nil
	})
	for _, f := range []string{"outbox.db", "outbox.db-wal"} {
		if _, err := os.Stat(filepath.Join(state, f)); err != nil {
			t.Errorf("the search missed the outbox: %v", err)
		}
	}
	if files < 4 {
		t.Fatalf("only %d files searched", files)
	}
	// The same search finds them where they are meant to be: at the
	// platform (so the search itself works).
	var platformDB []byte
	for _, f := range []string{"demo.db", "demo.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		platformDB = append(platformDB, b...)
	}
	for _, s := range []string{card.IDNumber, card.Name, "张德厚"} {
		if !strings.Contains(string(platformDB), s) {
			t.Errorf("the search does not find %q at the platform either", s)
		}
	}
	// The agent's log names people by masked number only.
	log := agent.log()
	for what, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the agent's log holds %s", what)
		}
	}
	if !strings.Contains(log, "370481********4828") {
		t.Error("the agent's log does not name the application by its masked number")
	}
}
