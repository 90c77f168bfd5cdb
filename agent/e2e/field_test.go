package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// TestFieldVisitThroughTheBinary: a simulated field-mode agent on an HTTP
// demo platform. The worker (sample card 1, the simulated demo worker)
// unlocks with the card and PIN — a wrong PIN is refused — then sample
// card 0 applies, the visit is recorded and signed by the worker, and the
// platform stores the application with the worker's signed record.
func TestFieldVisitThroughTheBinary(t *testing.T) {
	_, platform := startPlatformDemo(t, filepath.Join(t.TempDir(), "platform.db"))
	agent := startAgentProc(t, stateDir(t), "127.0.0.1:0", "--simulate", "--mode", "field", "--platform", platform)
	c := mustDialAgent(t, agent.addr)

	if st := getFlowState(t, c); !st.View.Locked {
		t.Fatalf("a field-mode agent starts locked: %+v", st.View)
	}
	c.must(t, protocol.MethodFlowStart, map[string]any{"kind": flow.KindApply})
	c.must(t, protocol.MethodSimPlaceCard, map[string]any{"sample": 1})
	waitForFlow(t, c, "the PIN asked for", func(s flow.State) bool { return s.View.Unlock != nil && s.View.Unlock.Card })
	flowAct(t, c, flow.ActPIN, map[string]any{"pin": "000000"})
	st := waitForFlow(t, c, "a wrong PIN refused", func(s flow.State) bool {
		return s.View.Unlock != nil && s.View.Unlock.Problem == "wrong_pin" && !s.View.Unlock.Checking
	})
	if st.Step != flow.StepUnlock || st.View.Unlock.AttemptsLeft != flow.PINAttempts-1 {
		t.Fatalf("after a wrong PIN: %s %+v", st.Step, st.View.Unlock)
	}
	if _, err := c.call(protocol.MethodFlowAct, map[string]any{"action": "pin", "pin": "12ab"}, 5*time.Second); reasonOf(err) != string(protocol.ReasonBadParams) {
		t.Fatalf("a PIN that is not digits: %v", err)
	}
	flowAct(t, c, flow.ActPIN, map[string]any{"pin": "123456"})
	st = waitForFlow(t, c, "unlocked", func(s flow.State) bool { return s.Step == flow.StepReadCard })
	if st.View.Worker != "李*国" {
		t.Fatalf("the unlocked worker: %q", st.View.Worker)
	}
	c.must(t, protocol.MethodSimRemoveCard, nil)
	c.must(t, protocol.MethodSimPlaceCard, map[string]any{"sample": 0})
	waitForFlow(t, c, "confirm_identity", func(s flow.State) bool { return s.Step == flow.StepConfirmIdentity })
	flowAct(t, c, flow.ActConfirmID, nil)
	flowAct(t, c, flow.ActNext, nil)
	waitForFlow(t, c, "the household", func(s flow.State) bool { return s.View.Household != nil && s.View.Household.Status != "loading" })
	flowAct(t, c, flow.ActNext, nil)
	st = waitForFlow(t, c, "the pre-check", func(s flow.State) bool { return s.Step == flow.StepPrecheck || s.Step == flow.StepChooseItems })
	if st.Step == flow.StepPrecheck {
		flowAct(t, c, flow.ActNext, nil)
	}
	st = waitForFlow(t, c, "choose_items", func(s flow.State) bool { return s.Step == flow.StepChooseItems })
	if st.View.Chosen == 0 {
		flowAct(t, c, flow.ActToggle, map[string]any{"item": "dibao"})
	}
	flowAct(t, c, flow.ActNext, nil)
	waitForFlow(t, c, "sign_commitment", func(s flow.State) bool { return s.Step == flow.StepSignCommitment })
	flowAct(t, c, flow.ActAnswer, map[string]any{"relatedToStaff": false})
	signOnScreen(t, c)
	for {
		st = waitForFlow(t, c, "a signer or the visit", func(s flow.State) bool {
			return s.Step == flow.StepHomeVisit || (s.Step == flow.StepSignAuthorization && s.View.Sign != nil && s.View.Sign.Capturing)
		})
		if st.Step == flow.StepHomeVisit {
			break
		}
		signOnScreen(t, c)
	}
	notes := "入户查看：两位老人同住，房屋为自建平房，未见机动车。"
	flowAct(t, c, flow.ActNotes, map[string]any{"notes": notes})
	waitForFlow(t, c, "the worker's capture", func(s flow.State) bool { return s.View.HomeVisit != nil && s.View.HomeVisit.Capturing })
	samples := [][5]int64{}
	for i := range int64(40) {
		sw := int64(1)
		if i == 39 {
			sw = 0
		}
		samples = append(samples, [5]int64{20 + i*12, 80 + i*3, 300, 500 + i*10, sw})
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := c.call(protocol.MethodSigpadInput, map[string]any{"samples": samples, "width": 600, "height": 300}, 30*time.Second)
		if err == nil {
			if s := getFlowState(t, c); s.View.HomeVisit != nil && s.View.HomeVisit.Inked {
				break
			}
		} else if reasonOf(err) != string(protocol.ReasonNoCapture) {
			t.Fatalf("sigpad.input: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker's ink never arrived")
		}
		time.Sleep(100 * time.Millisecond)
	}
	flowAct(t, c, flow.ActNext, nil)
	waitForFlow(t, c, "submit", func(s flow.State) bool { return s.Step == flow.StepSubmit })
	flowAct(t, c, flow.ActNext, nil)
	st = waitForFlow(t, c, "the receipt", func(s flow.State) bool { return s.Step == flow.StepReceipt })
	if st.View.Receipt.Printing != "none" || st.View.Receipt.CaseNumber == "" {
		t.Fatalf("field receipt %+v", st.View.Receipt)
	}
	waitOutboxDrained(t, c)
	var app *protocolApp
	for _, s := range platformStored(t, platform) {
		if s.Application != nil && s.Application.Channel == "field" {
			app = &protocolApp{notes: s.Application.Notes, missing: len(s.MissingEvidence)}
			for _, sg := range s.Application.Signatures {
				if sg.Document == flow.DocVisit && sg.Name == "李建国" {
					app.visitSigned = true
				}
			}
		}
	}
	if app == nil || !app.visitSigned || !strings.Contains(app.notes, notes) || app.missing != 0 {
		b, _ := json.Marshal(app)
		t.Fatalf("at the platform: %s %+v", b, app)
	}
	// The visit over, the worker locks the device.
	flowAct(t, c, flow.ActLock, nil)
	if st := getFlowState(t, c); !st.View.Locked || st.Step != flow.StepIdle {
		t.Fatalf("after lock: %s %+v", st.Step, st.View)
	}
}

type protocolApp struct {
	notes       string
	visitSigned bool
	missing     int
}
