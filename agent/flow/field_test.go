package flow

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
)

const workerID = "370481198501011235"

// fakeWorkers knows one worker and their PIN.
type fakeWorkers struct {
	mu    sync.Mutex
	calls int
}

func (w *fakeWorkers) Verify(_ context.Context, id, pin string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls++
	switch {
	case id != workerID:
		return ErrNotWorker
	case pin != "246810":
		return ErrWrongPIN
	}
	return nil
}

func newFieldRig(t *testing.T) (*rig, *fakeWorkers) {
	r := newRig(t, ModeField)
	w := &fakeWorkers{}
	r.e.deps.Workers = w
	return r, w
}

// unlock walks the unlock step with the worker's card and PIN.
func (r *rig) unlock() {
	r.t.Helper()
	r.waitStep(StepUnlock)
	r.reader.cards <- card("张网格", workerID, "2035-01-01")
	r.wait("the PIN asked for", func(s State) bool { return s.View.Unlock != nil && s.View.Unlock.Card })
	r.act(ActPIN, map[string]string{"pin": "246810"})
	r.waitStep(StepReadCard)
}

// TestFieldVisit: unlock, a home visit through to the queued
// application with the signed visit record, the next visit without
// unlocking again, and the lock.
func TestFieldVisit(t *testing.T) {
	r, _ := newFieldRig(t)
	if st := r.e.State(); !st.View.Locked {
		t.Fatalf("a field device starts locked: %+v", st.View)
	}
	if _, err := r.e.Start(KindApply); err != nil {
		t.Fatal(err)
	}
	r.unlock()
	if st := r.e.State(); st.View.Worker != "张*格" || st.View.Locked {
		t.Fatalf("unlocked view %+v", st.View)
	}
	// The worker's card is still on the reader: it is not the applicant.
	r.reader.cards <- card("张网格", workerID, "2035-01-01")
	r.wait("the worker's card told apart", func(s State) bool { return s.View.Read != nil && s.View.Read.Problem == "worker_card" })
	r.clock.Advance(readRetry)
	c := card("王秀英", applicantID, "2020-05-12") // expired: field mode goes on
	r.reader.cards <- c
	r.waitStep(StepConfirmIdentity)
	if _, err := r.e.Act(ActNext, nil); !errors.Is(err, ErrNotReady) {
		t.Fatalf("next before 已核对本人: %v", err)
	}
	r.act(ActConfirmID)
	r.act(ActNext)
	r.toCommitment()
	r.signAllButHusband()
	st := r.waitStep(StepHomeVisit)
	if hv := st.View.HomeVisit; hv == nil || hv.Worker != "张*格" || hv.Capturing {
		t.Fatalf("home_visit view %+v", st.View.HomeVisit)
	}
	if _, err := r.e.Act(ActNext, nil); !errors.Is(err, ErrNotReady) {
		t.Fatalf("next without notes: %v", err)
	}
	if _, err := r.e.Act(ActNotes, json.RawMessage(`{"notes":"`+strings.Repeat("很", MaxNotes+1)+`"}`)); !errors.Is(err, ErrBadAction) {
		t.Fatalf("notes too long: %v", err)
	}
	notes := "老两口住平房一间，丈夫卧床，未见车辆和贵重物品。"
	r.act(ActNotes, map[string]string{"notes": notes})
	r.wait("the worker's capture", func(s State) bool { return s.View.HomeVisit != nil && s.View.HomeVisit.Capturing })
	r.signVisit()
	st = r.waitStep(StepSubmit)
	r.act(ActNext)
	st = r.waitStep(StepReceipt)
	if rv := st.View.Receipt; rv.Printing != "none" || rv.CaseNumber == "" || !rv.Queued {
		t.Fatalf("field receipt %+v: no printer, the number is read out", rv)
	}
	if n := len(r.printer.receipts); n != 0 {
		t.Errorf("%d receipts printed on a home visit", n)
	}
	sub := r.outbox.subs[0]
	app := sub.Application
	if app.Channel != "field" || !strings.Contains(app.Notes, notes) || len(app.Absent) != 1 {
		t.Fatalf("application %+v", app)
	}
	var visit *json.RawMessage
	for _, sg := range app.Signatures {
		if sg.Document == DocVisit && sg.Name == "张网格" {
			for _, ev := range sub.Evidence {
				if visitSHA(ev.Body) == sg.BundleSHA256 {
					raw := json.RawMessage(ev.Body)
					visit = &raw
				}
			}
		}
	}
	if visit == nil {
		t.Fatalf("no visit signature with its bundle among %d evidence: %+v", len(sub.Evidence), app.Signatures)
	}
	pub := r.key.Public()
	b, err := evidence.Verify(*visit, &pub)
	if err != nil {
		t.Fatalf("the worker's bundle: %v", err)
	}
	var record []byte
	for _, ev := range sub.Evidence {
		if strings.Contains(string(ev.Body), `"document":"入户调查记录"`) {
			record = ev.Body
		}
	}
	if record == nil || visitSHA(record) != b.Manifest.Document.SHA256 {
		t.Fatalf("the visit record is not what the worker signed: %s", record)
	}
	if strings.Contains(string(record), applicantID) || strings.Contains(string(record), workerID) {
		t.Errorf("the record holds a full ID number: %s", record)
	}
	r.act(ActNext)
	r.waitStep(StepTakeCard)
	r.e.CardRemoved()
	st = r.waitStep(StepIdle)
	if st.View.Locked || st.View.Worker == "" {
		t.Fatalf("the visit ended; the worker stays unlocked: %+v", st.View)
	}
	if c.IDNumber != "" {
		t.Error("the applicant's card was not wiped")
	}
	// The next visit starts at the applicant's card.
	r.e.Start(KindApply)
	r.waitStep(StepReadCard)
	r.act(ActLock)
	st = r.waitStep(StepIdle)
	if !st.View.Locked || st.View.Worker != "" {
		t.Fatalf("locked view %+v", st.View)
	}
	r.e.Start(KindApply)
	r.waitStep(StepUnlock)
}

// signVisit writes the worker's signature on the screen and confirms.
func (r *rig) signVisit() {
	r.t.Helper()
	var stroke [][5]int64
	for i := range 30 {
		stroke = append(stroke, [5]int64{int64(i * 16), int64(20 + i*10), int64(50 + i), 0, 1})
	}
	stroke = append(stroke, [5]int64{500, 320, 80, 0, 0})
	// The capture of the sign step before may still be ending on the
	// pad service: write until this one has the ink.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := r.sig.Input(Owner, stroke, 600, 200)
		if err != nil && !errors.Is(err, sigpad.ErrNoCapture) {
			r.t.Fatal(err)
		}
		if st := r.e.State(); st.View.HomeVisit != nil && st.View.HomeVisit.Inked {
			break
		}
		if time.Now().After(deadline) {
			r.t.Fatal("the worker's ink never arrived")
		}
		r.clock.Advance(captureRetry) // a capture refused as busy starts again after its pause
		time.Sleep(20 * time.Millisecond)
	}
	r.act(ActNext)
}

// TestFieldUnlockRefusals: a card that is not a worker's, wrong PINs up to
// the lockout, and the idle lock.
func TestFieldUnlockRefusals(t *testing.T) {
	r, w := newFieldRig(t)
	r.e.Start(KindApply)
	r.waitStep(StepUnlock)
	if _, err := r.e.Act(ActPIN, json.RawMessage(`{"pin":"246810"}`)); !errors.Is(err, ErrNotReady) {
		t.Fatalf("a PIN before the card: %v", err)
	}
	r.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	r.wait("the PIN asked for", func(s State) bool { return s.View.Unlock != nil && s.View.Unlock.Card })
	r.act(ActPIN, map[string]string{"pin": "246810"})
	r.wait("not a worker", func(s State) bool {
		return s.View.Unlock != nil && s.View.Unlock.Problem == "not_worker" && !s.View.Unlock.Card
	})
	r.clock.Advance(readRetry)
	r.reader.cards <- card("张网格", workerID, "2035-01-01")
	r.wait("the PIN asked for", func(s State) bool { return s.View.Unlock != nil && s.View.Unlock.Card })
	for i := 1; i < PINAttempts; i++ {
		r.act(ActPIN, map[string]string{"pin": "111111"})
		r.wait("wrong PIN", func(s State) bool {
			return s.View.Unlock != nil && s.View.Unlock.Problem == "wrong_pin" && s.View.Unlock.AttemptsLeft == PINAttempts-i && !s.View.Unlock.Checking
		})
	}
	r.act(ActPIN, map[string]string{"pin": "111111"})
	r.wait("locked out", func(s State) bool { return s.View.Unlock != nil && s.View.Unlock.Problem == "locked_out" })
	calls := w.calls
	if _, err := r.e.Act(ActPIN, json.RawMessage(`{"pin":"246810"}`)); !errors.Is(err, ErrNotReady) || w.calls != calls {
		t.Fatalf("the right PIN during the lockout: %v (checked: %v)", err, w.calls != calls)
	}
	// The lockout outlasts the step: the session times out and is wiped;
	// the lockout stays.
	r.clock.Advance(PINLockout - time.Second)
	r.waitStep(StepIdle)
	r.e.Start(KindApply)
	r.reader.cards <- card("张网格", workerID, "2035-01-01")
	r.wait("the PIN asked for", func(s State) bool { return s.View.Unlock != nil && s.View.Unlock.Card })
	if _, err := r.e.Act(ActPIN, json.RawMessage(`{"pin":"246810"}`)); !errors.Is(err, ErrNotReady) {
		t.Fatalf("the right PIN during the lockout, in a new session: %v", err)
	}
	r.clock.Advance(time.Second)
	r.act(ActPIN, map[string]string{"pin": "246810"})
	r.waitStep(StepReadCard)
	r.act(ActCancel)
	r.waitStep(StepIdle)
	if st := r.e.State(); st.View.Locked {
		t.Fatal("cancelling a visit locked the device")
	}
	r.clock.Advance(FieldIdleLock)
	if st := r.e.State(); !st.View.Locked {
		t.Fatalf("no visit for %v and still unlocked", FieldIdleLock)
	}
}
