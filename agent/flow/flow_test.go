package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c    *fakeClock
	at   time.Time
	f    func()
	done bool
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock by d, firing the timers that come due, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.done && !t.at.After(end) {
				next = t
				break
			}
		}
		if next == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		next.done = true
		c.now = next.at
		c.mu.Unlock()
		next.f()
	}
}

// fakeReader hands out the cards the test places.
type fakeReader struct {
	cards   chan *samv.Card
	present bool
	mu      sync.Mutex
	fail    chan error
}

func newReader() *fakeReader {
	return &fakeReader{cards: make(chan *samv.Card, 4), fail: make(chan error, 4)}
}

func (r *fakeReader) Read(ctx context.Context, timeout time.Duration) (*samv.Card, error) {
	if timeout == 0 {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.present {
			return &samv.Card{}, nil
		}
		return nil, ErrNoCard
	}
	select {
	case c := <-r.cards:
		r.mu.Lock()
		r.present = true
		r.mu.Unlock()
		return c, nil
	case err := <-r.fail:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func card(name, id, validUntil string) *samv.Card {
	c := &samv.Card{}
	c.Type, c.Name, c.IDNumber, c.Sex, c.BirthDate, c.ValidUntil = textblock.Resident, name, id, "女", "1956-03-14", validUntil
	c.Address = "山东省滕州市龙泉街道荆河社区"
	c.Photo = []byte("wlt photo bytes")
	return c
}

const applicantID = "370481195603144828"

// fakePlatform answers from a household table.
type fakePlatform struct {
	households map[string]*platform.Household
	offline    bool
	progress   []platform.Progress
}

func (p *fakePlatform) Household(_ context.Context, id string) (*platform.Household, error) {
	if p.offline {
		return nil, ErrOffline
	}
	h, ok := p.households[id]
	if !ok {
		return nil, ErrNoHousehold
	}
	cp := *h
	cp.Members = append([]platform.Member(nil), h.Members...)
	return &cp, nil
}

func (p *fakePlatform) Progress(context.Context, string) ([]platform.Progress, error) {
	if p.offline {
		return nil, ErrOffline
	}
	return p.progress, nil
}

func household() *platform.Household {
	return &platform.Household{ID: "H1", Region: platform.Region{Code: "370481", Urban: true}, ApplicantID: "P1", Members: []platform.Member{
		{ID: "P1", Name: "王秀英", IDNumber: applicantID, Relation: "本人", Sex: "女", BirthDate: "1956-03-14", Work: "unable",
			Incomes: []platform.Income{{Kind: "pension", MonthlyFen: 18000}}},
		{ID: "P2", Name: "李建国", IDNumber: "370481195401012211", Relation: "配偶", Sex: "男", BirthDate: "1954-01-01", Work: "unable",
			Disability: &platform.Disability{Kind: "肢体", Grade: 2}},
		{ID: "P3", Name: "李小明", IDNumber: "370481201501014413", Relation: "孙子女", Sex: "男", BirthDate: "2015-01-01", Work: "child", School: "primary"},
	}}
}

type fakeOutbox struct {
	mu    sync.Mutex
	subs  []Submission
	err   error
	tried []string // the idempotency key of every attempt
}

func (o *fakeOutbox) Submit(_ context.Context, s Submission) (Submitted, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tried = append(o.tried, s.Application.IdempotencyKey)
	if o.err != nil {
		return Submitted{}, o.err
	}
	o.subs = append(o.subs, s)
	return Submitted{CaseNumber: fmt.Sprintf("K2026112900%02d", len(o.subs)), Queued: true}, nil
}

type fakePrinter struct {
	mu       sync.Mutex
	receipts []escpos.Receipt
	err      error
}

func (p *fakePrinter) Print(_ context.Context, r escpos.Receipt) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.receipts = append(p.receipts, r)
	return nil
}

type fakeStaff struct {
	mu    sync.Mutex
	calls []string
}

func (s *fakeStaff) Call(reason string, step Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, reason+"@"+string(step))
}

// rig is an engine with fakes around it and the real signature service
// (no pad: on-screen signatures).
type rig struct {
	t       *testing.T
	e       *Engine
	clock   *fakeClock
	reader  *fakeReader
	plat    *fakePlatform
	outbox  *fakeOutbox
	printer *fakePrinter
	staff   *fakeStaff
	sig     *sigpad.Service
	key     *evidence.Key

	mu     sync.Mutex
	states []State
	change chan struct{}
}

func newRig(t *testing.T, mode string) *rig {
	t.Helper()
	key, err := evidence.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fonts, err := textimage.Find()
	if err != nil {
		t.Fatalf("no CJK font (the README set-up installs fonts-noto-cjk): %v", err)
	}
	t.Cleanup(func() { fonts.Close() })
	r := &rig{t: t, clock: &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.Local)}, reader: newReader(),
		plat:   &fakePlatform{households: map[string]*platform.Household{applicantID: household()}},
		outbox: &fakeOutbox{}, printer: &fakePrinter{}, staff: &fakeStaff{}, key: key, change: make(chan struct{}, 1)}
	r.sig = sigpad.New(sigpad.Config{Fonts: fonts, Signer: key, Agent: evidence.Agent{ID: "t", Version: "0"}})
	r.e = New(Config{Mode: mode, Window: "3", Office: "龙泉街道便民服务中心", Phone: "0632-5512345", Terminal: "kiosk-test", Clock: r.clock}, Deps{
		Reader: r.reader, Platform: r.plat, Precheck: precheckStub, Signer: r.sig, Outbox: r.outbox,
		Printer: r.printer, Staff: r.staff,
	})
	r.e.Subscribe(func(s State) {
		r.mu.Lock()
		r.states = append(r.states, s)
		r.mu.Unlock()
		select {
		case r.change <- struct{}{}:
		default:
		}
	})
	t.Cleanup(r.e.Close)
	return r
}

// precheckStub hints 低保 and 医疗救助 with a reason, and a material the
// platform does not have.
func precheckStub(h *platform.Household, _ time.Time) []platform.PrecheckResult {
	return []platform.PrecheckResult{
		{Item: platform.ItemDibao, Verdict: platform.VerdictLikely, Summary: "您可能可以申请低保。",
			Tests: []platform.Test{{Name: "家庭人均收入", Passed: true, Detail: "家庭人均收入 60 元，低于本地低保标准 780 元"}},
			Notice: platform.Notice{TimeLimit: "30 个工作日，特殊情况 45 个工作日", TimeLimitDays: 30,
				Materials: []platform.Material{{Name: "残疾人证原件", Note: "县残联办理"}, {Name: "户口簿", Have: true}}}},
		{Item: platform.ItemYiliao, Verdict: platform.VerdictPossible, Summary: "也许可以申请医疗救助。"},
		{Item: platform.ItemJiuye, Verdict: platform.VerdictUnlikely, Summary: "按现有信息暂未看出。"},
	}
}

// wait waits until cond holds for the current state.
func (r *rig) wait(what string, cond func(State) bool) State {
	r.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		st := r.e.State()
		if cond(st) {
			return st
		}
		select {
		case <-r.change:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			b, _ := json.Marshal(st)
			r.t.Fatalf("waiting for %s; state %s", what, b)
		}
	}
}

func (r *rig) waitStep(step Step) State {
	r.t.Helper()
	return r.wait(string(step), func(s State) bool { return s.Step == step })
}

func (r *rig) act(action string, params ...any) State {
	r.t.Helper()
	var raw json.RawMessage
	if len(params) > 0 {
		raw, _ = json.Marshal(params[0])
	}
	st, err := r.e.Act(action, raw)
	if err != nil {
		r.t.Fatalf("%s on %s: %v", action, st.Step, err)
	}
	return st
}

// signOnScreen writes a stroke for the capture going on and confirms it.
func (r *rig) signOnScreen() {
	r.t.Helper()
	r.wait("a capture", func(s State) bool { return s.View.Sign != nil && s.View.Sign.Capturing })
	var stroke [][5]int64
	for i := range 30 {
		stroke = append(stroke, [5]int64{int64(i * 16), int64(20 + i*10), int64(50 + i), 0, 1})
	}
	stroke = append(stroke, [5]int64{500, 320, 80, 0, 0})
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := r.sig.Input(Owner, stroke, 600, 200)
		if err == nil {
			break
		}
		if !errors.Is(err, sigpad.ErrNoCapture) || time.Now().After(deadline) {
			r.t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.wait("ink", func(s State) bool { return s.View.Sign != nil && s.View.Sign.Inked })
	r.act(ActNext)
}

// TestApplyEndToEnd walks an application from the card to the wipe.
func TestApplyEndToEnd(t *testing.T) {
	r := newRig(t, ModeKiosk)
	if _, err := r.e.Start(KindApply); err != nil {
		t.Fatal(err)
	}
	r.waitStep(StepReadCard)
	c := card("王秀英", applicantID, "2036-05-12")
	r.reader.cards <- c
	st := r.waitStep(StepConfirmIdentity)
	if cv := st.View.Card; cv == nil || cv.Name != "王秀英" || cv.IDMasked != "370481********4828" || cv.ValidUntil != "2036年5月12日" || cv.Expired {
		t.Fatalf("confirm_identity card %+v", st.View.Card)
	}
	r.act(ActNext)
	st = r.wait("the household", func(s State) bool { return s.View.Household != nil && s.View.Household.Status == "found" })
	hv := st.View.Household
	if len(hv.Members) != 3 || hv.Members[1].Relation != "丈夫" || hv.Members[1].Name != "李*国" || hv.Members[2].Tags[0] != "在上学" || hv.MonthlyIncome != 180 {
		t.Fatalf("household view %+v", hv)
	}
	r.act(ActNext)
	st = r.waitStep(StepPrecheck)
	if len(st.View.Hints) != 2 || st.View.Hints[0].Reasons[0] != "家庭人均收入 60 元，低于本地低保标准 780 元" {
		t.Fatalf("hints %+v (the unlikely one must not show)", st.View.Hints)
	}
	r.act(ActNext)
	st = r.waitStep(StepChooseItems)
	if st.View.Chosen != 1 || !st.View.Items[0].Selected {
		t.Fatalf("the likely item is not pre-selected: %+v", st.View.Items)
	}
	r.act(ActToggle, map[string]string{"item": "yiliao"})
	r.act(ActNext)
	st = r.waitStep(StepSignCommitment)
	if _, err := r.e.Act(ActNext, nil); !errors.Is(err, ErrNotReady) {
		t.Fatalf("next before the question is answered: %v", err)
	}
	r.act(ActAnswer, map[string]bool{"relatedToStaff": false})
	r.signOnScreen()
	st = r.waitStep(StepSignAuthorization)
	sv := st.View.Sign
	if len(sv.Signers) != 2 || sv.Signers[0].State != "current" || sv.Signers[1].Relation != "丈夫" {
		t.Fatalf("signers %+v (the grandson is a minor and does not sign)", sv.Signers)
	}
	r.signOnScreen()
	r.wait("the husband's turn", func(s State) bool { return s.View.Sign != nil && s.View.Sign.Current == 1 })
	r.signOnScreen()
	st = r.waitStep(StepSubmit)
	if len(st.View.Submit.Signed) != 3 {
		t.Fatalf("submit view %+v", st.View.Submit)
	}
	r.act(ActNext)
	st = r.wait("the receipt printed", func(s State) bool { return s.View.Receipt != nil && s.View.Receipt.Printing == "printed" })
	rv := st.View.Receipt
	if rv.CaseNumber != "K202 6112 9000 1" || !rv.Queued || len(rv.Missing) != 1 || rv.Missing[0].Materials[0] != "残疾人证原件" {
		t.Fatalf("receipt view %+v", rv)
	}
	// What went to the outbox: the application with its three signatures,
	// their bundles and the two signed documents.
	sub := r.outbox.subs[0]
	app := sub.Application
	if app.Applicant.IDNumber != applicantID || app.HouseholdID != "H1" || len(app.Signatures) != 3 || len(sub.Evidence) != 5 ||
		strings.Join(app.Items, ",") != "dibao,yiliao" || app.IdempotencyKey == "" {
		t.Fatalf("submission %+v with %d evidence", app, len(sub.Evidence))
	}
	pub := r.key.Public()
	for _, ev := range sub.Evidence[:3] {
		if _, err := evidence.Verify(ev.Body, &pub); err != nil {
			t.Fatalf("a signature bundle does not verify: %v", err)
		}
	}
	if len(r.printer.receipts) != 1 {
		t.Fatalf("%d receipts printed", len(r.printer.receipts))
	}
	// The configured office heads the receipt, and its window and number
	// are where to ask.
	var lines []string
	for _, b := range r.printer.receipts[0].Blocks {
		lines = append(lines, b.Text+b.Key+b.Value)
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"社会救助申请回执\n龙泉街道便民服务中心\n", "有疑问请到 龙泉街道便民服务中心 3 号窗口。", "咨询电话0632-5512345",
		"监督电话12345 / 12349", "受理终端kiosk-test", "一次性告知：还需要补的材料\n低保：残疾人证原件（县残联办理）\n请把以上材料交到 龙泉街道便民服务中心 3 号窗口，用同一个受理编号。",
		"办理时限\n低保：30 个工作日，特殊情况 45 个工作日"} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt has no %q:\n%s", want, text)
		}
	}
	r.act(ActNext)
	r.waitStep(StepTakeCard)
	r.e.CardRemoved()
	st = r.waitStep(StepIdle)
	if !st.View.Wiped {
		t.Error("the wipe is not shown")
	}
	if c.Name != "" || c.IDNumber != "" || len(c.Photo) != 0 {
		t.Errorf("the card was not wiped: %+v", c)
	}
	r.clock.Advance(WipedTime)
	if st := r.e.State(); st.View.Wiped {
		t.Error("the wiped notice stays")
	}
}

// TestTimeoutWarnsThenWipes: a step's time runs out, the warning shows for
// 30 s, and the session is wiped; extend starts the step's time again.
func TestTimeoutWarnsThenWipes(t *testing.T) {
	r := newRig(t, ModeKiosk)
	r.e.Start(KindApply)
	c := card("王秀英", applicantID, "2036-05-12")
	r.reader.cards <- c
	r.waitStep(StepConfirmIdentity)
	r.clock.Advance(59 * time.Second)
	if st := r.e.State(); st.Warning != nil {
		t.Fatal("warning before the step's 60 s")
	}
	r.clock.Advance(time.Second)
	st := r.e.State()
	if st.Warning == nil || st.Warning.Seconds != 30 || st.Step != StepConfirmIdentity {
		t.Fatalf("no warning after 60 s: %+v", st)
	}
	r.act(ActExtend)
	if st := r.e.State(); st.Warning != nil || st.Deadline == "" {
		t.Fatalf("extend did not restart the step: %+v", st)
	}
	r.clock.Advance(60 * time.Second)
	r.clock.Advance(29 * time.Second)
	if st := r.e.State(); st.Step != StepConfirmIdentity {
		t.Fatalf("wiped before the warning ran out: %s", st.Step)
	}
	r.clock.Advance(time.Second)
	if st := r.e.State(); st.Step != StepIdle || !st.View.Wiped {
		t.Fatalf("not wiped after the warning: %+v", st)
	}
	if c.Name != "" {
		t.Error("the card survived the wipe")
	}
}

// TestCounterModeDoublesTimeAndNeedsVerification.
func TestCounterModeDoublesTimeAndNeedsVerification(t *testing.T) {
	r := newRig(t, ModeCounter)
	r.e.Start(KindApply)
	r.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	r.waitStep(StepConfirmIdentity)
	if _, err := r.e.Act(ActNext, nil); !errors.Is(err, ErrNotReady) {
		t.Fatalf("next before 已核对本人 in counter mode: %v", err)
	}
	r.act(ActConfirmID)
	r.clock.Advance(119 * time.Second)
	if st := r.e.State(); st.Warning != nil {
		t.Fatal("counter mode warned before twice the kiosk time")
	}
	r.act(ActNext)
	r.waitStep(StepHousehold)
}

// TestStaffCallPausesTheClock.
func TestStaffCallPausesTheClock(t *testing.T) {
	r := newRig(t, ModeKiosk)
	r.e.Start(KindApply)
	r.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	r.waitStep(StepConfirmIdentity)
	r.clock.Advance(50 * time.Second)
	st := r.act(ActCallStaff)
	if st.View.Staff == nil || !st.View.Staff.Called || st.Deadline != "" {
		t.Fatalf("staff call %+v", st)
	}
	r.clock.Advance(StaffBusyTime)
	if st := r.e.State(); st.Step != StepConfirmIdentity || st.Warning != nil || !st.View.Staff.Busy {
		t.Fatalf("after 3 min of a staff call: %+v", st)
	}
	r.act(ActCancelCall)
	r.clock.Advance(9 * time.Second)
	if st := r.e.State(); st.Warning != nil {
		t.Fatal("the time left before the call was not kept")
	}
	r.clock.Advance(time.Second)
	if st := r.e.State(); st.Warning == nil {
		t.Fatal("no warning once the time left ran out")
	}
	if len(r.staff.calls) != 1 || r.staff.calls[0] != "call@confirm_identity" {
		t.Errorf("staff calls %v", r.staff.calls)
	}
}

// TestExpiredCardAndOfflinePlatform: an expired card gets its own screen;
// with the platform unreachable the application goes on without the
// household and the pre-check.
func TestExpiredCardAndOfflinePlatform(t *testing.T) {
	r := newRig(t, ModeKiosk)
	r.e.Start(KindApply)
	r.reader.cards <- card("王秀英", applicantID, "2020-01-01")
	st := r.wait("the expired screen", func(s State) bool { return s.View.Card != nil && s.View.Card.Problem == "expired" })
	if st.Step != StepReadCard || !st.View.Card.Expired || st.View.Card.ValidUntil != "2020年1月1日" {
		t.Fatalf("%+v", st.View.Card)
	}
	r.act(ActCancel)

	r.plat.offline = true
	r.e.Start(KindApply)
	r.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	r.waitStep(StepConfirmIdentity)
	r.act(ActNext)
	r.wait("offline", func(s State) bool { return s.View.Household != nil && s.View.Household.Status == "offline" })
	r.act(ActNext)
	r.waitStep(StepChooseItems) // pre-check skipped
}

// TestProgressQuery.
func TestProgressQuery(t *testing.T) {
	r := newRig(t, ModeKiosk)
	r.plat.progress = []platform.Progress{{ApplicationID: "A1", Items: []string{"dibao"}, Stage: platform.StageInvestigating,
		Stages:   []platform.StageDate{{Stage: platform.StageAccepted, At: "2026-11-02T09:00:00+08:00"}, {Stage: platform.StageInvestigating, At: "2026-11-05T09:00:00+08:00"}},
		Deadline: "2026-12-14"}}
	r.e.Start(KindProgress)
	r.reader.cards <- card("王秀英", applicantID, "2020-01-01") // expired: progress is still allowed
	st := r.wait("the progress", func(s State) bool { return s.View.Progress != nil && s.View.Progress.Status == "found" })
	a := st.View.Progress.Applications[0]
	if a.Items[0] != "低保" || !a.Stages[1].Current || a.Stages[1].At != "2026年11月5日" || a.Stages[2].Reached || a.Deadline != "2026年12月14日" {
		t.Fatalf("progress %+v", a)
	}
	r.act(ActPrint)
	r.wait("printed", func(s State) bool { return s.View.Progress.Printing == "printed" })
	r.act(ActNext)
	r.wait("the card still on the reader", func(s State) bool { return s.View.TakeCard != nil && s.View.TakeCard.CardPresent })
	r.clock.Advance(30 * time.Second)
	r.waitStep(StepIdle)
	if len(r.staff.calls) != 1 || !strings.HasPrefix(r.staff.calls[0], "card_left") {
		t.Errorf("card left on the reader: staff calls %v", r.staff.calls)
	}
}

// TestViewsHideWhatTheyMust: no full ID number in any state, the full
// name and the photo only on confirm_identity.
func TestViewsHideWhatTheyMust(t *testing.T) {
	r := newRig(t, ModeKiosk)
	r.e.Start(KindApply)
	r.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	r.waitStep(StepConfirmIdentity)
	r.act(ActNext)
	r.wait("household", func(s State) bool { return s.View.Household != nil && s.View.Household.Status == "found" })
	r.act(ActNext)
	r.waitStep(StepPrecheck)
	r.act(ActNext)
	r.act(ActNext)
	r.waitStep(StepSignCommitment)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range r.states {
		b, _ := json.Marshal(st)
		for _, id := range []string{applicantID, "370481195401012211", "370481201501014413"} {
			if strings.Contains(string(b), id) {
				t.Errorf("%s shows the full ID number %s", st.Step, id)
			}
		}
		if st.Step != StepConfirmIdentity && strings.Contains(string(b), "王秀英") {
			t.Errorf("%s shows the applicant's full name", st.Step)
		}
		for _, other := range []string{"李建国", "李小明"} {
			if strings.Contains(string(b), other) {
				t.Errorf("%s shows %s unmasked", st.Step, other)
			}
		}
	}
}

// recordingDocs records what documents are asked for.
type recordingDocs struct {
	mu   sync.Mutex
	asks []DocData
}

func (d *recordingDocs) PDF(ctx context.Context, dd DocData) ([]byte, error) {
	d.mu.Lock()
	d.asks = append(d.asks, dd)
	d.mu.Unlock()
	return textDocuments{}.PDF(ctx, dd)
}

// TestSubmitRetryAndDocumentDates: a failed submit is retried with the
// same idempotency key (a timeout may have saved it after all), and the
// signed documents carry the time of the text that was signed, however
// long the signing took.
func TestSubmitRetryAndDocumentDates(t *testing.T) {
	r := newRig(t, ModeKiosk)
	docs := &recordingDocs{}
	r.e.deps.Documents = docs
	r.applyToCommitment()
	r.clock.Advance(50 * time.Second)
	r.signOnScreen()
	r.waitStep(StepSignAuthorization)
	r.clock.Advance(70 * time.Second)
	r.signOnScreen()
	r.wait("the husband's turn", func(s State) bool { return s.View.Sign != nil && s.View.Sign.Current == 1 })
	r.signOnScreen()
	r.waitStep(StepSubmit)
	r.outbox.mu.Lock()
	r.outbox.err = errors.New("disk full")
	r.outbox.mu.Unlock()
	r.act(ActNext)
	r.wait("the error", func(s State) bool { return s.View.Submit != nil && s.View.Submit.Error == "not_saved" })
	r.outbox.mu.Lock()
	r.outbox.err = nil
	r.outbox.mu.Unlock()
	r.act(ActNext)
	r.waitStep(StepReceipt)
	if tr := r.outbox.tried; len(tr) != 2 || tr[0] != tr[1] || tr[0] == "" {
		t.Fatalf("keys of the two attempts %q: want one key", tr)
	}
	for _, c := range r.outbox.tried[0] {
		if c >= '0' && c <= '9' && (c < '2' || c > '7') {
			t.Fatalf("key %q is not base32", r.outbox.tried[0])
		}
	}
	docs.mu.Lock()
	defer docs.mu.Unlock()
	texts := map[string]time.Time{}
	for _, d := range docs.asks {
		if len(d.Signed) == 0 {
			texts[d.Kind] = d.Date
			continue
		}
		if want, ok := texts[d.Kind]; !ok || !d.Date.Equal(want) {
			t.Errorf("signed %s dated %v, its text %v", d.Kind, d.Date, want)
		}
	}
	if len(texts) != 2 || texts[DocCommitment].Equal(texts[DocAuthorization]) {
		t.Errorf("text times %v (the clock moved between them)", texts)
	}
}

// TestCounterClerkNotes: the clerk's notes (and corrections of the
// platform's data, which the kiosk never edits) go with the application;
// they are the counter's only, and end with the session.
func TestCounterClerkNotes(t *testing.T) {
	r := newRig(t, ModeCounter)
	r.e.Start(KindApply)
	r.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	r.waitStep(StepConfirmIdentity)
	r.act(ActConfirmID)
	r.act(ActNext)
	r.wait("the household", func(s State) bool { return s.View.Household != nil && s.View.Household.Status == "found" })
	note := "更正：配偶李建国已于2026年10月去世，户口未注销。"
	st := r.act(ActNotes, map[string]string{"notes": note})
	if st.View.ClerkNotes != note {
		t.Fatalf("clerk notes in the view: %q", st.View.ClerkNotes)
	}
	r.act(ActDispute)
	r.waitStep(StepPrecheck)
	r.act(ActNext)
	r.waitStep(StepChooseItems)
	r.act(ActNext)
	r.waitStep(StepSignCommitment)
	r.act(ActAnswer, map[string]bool{"relatedToStaff": false})
	r.signAllButHusband()
	r.waitStep(StepSubmit)
	r.act(ActNext)
	r.waitStep(StepReceipt)
	if _, err := r.e.Act(ActNotes, json.RawMessage(`{"notes":"晚了"}`)); !errors.Is(err, ErrBadAction) {
		t.Fatalf("notes after submitting: %v", err)
	}
	app := r.outbox.subs[0].Application
	if !strings.Contains(app.Notes, "窗口备注："+note) || !strings.Contains(app.Notes, "请核实") {
		t.Fatalf("application notes %q", app.Notes)
	}
	r.act(ActCancel)
	if st := r.e.State(); st.View.ClerkNotes != "" {
		t.Fatal("the clerk's notes outlive the session")
	}
	// A kiosk has no clerk.
	k := newRig(t, ModeKiosk)
	k.e.Start(KindApply)
	k.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	k.waitStep(StepConfirmIdentity)
	if _, err := k.e.Act(ActNotes, json.RawMessage(`{"notes":"x"}`)); !errors.Is(err, ErrBadAction) {
		t.Fatalf("notes on a kiosk: %v", err)
	}
}

// busySigner refuses its first captures as busy (a capture just replaced
// still holding the pad), then hands them to the real service.
type busySigner struct {
	Signer
	mu    sync.Mutex
	busy  int
	tries int
}

func (b *busySigner) Capture(ctx context.Context, req sigpad.Request, l sigpad.Listener) (evidence.Bundle, error) {
	b.mu.Lock()
	b.tries++
	refuse := b.tries <= b.busy
	b.mu.Unlock()
	if refuse {
		return evidence.Bundle{}, errors.New("device busy: this client is already taking a signature")
	}
	return b.Signer.Capture(ctx, req, l)
}

func (b *busySigner) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tries
}

// TestCaptureRetriesAfterAPause: a capture refused (busy) is started
// again after captureRetry, not at once in a loop.
func TestCaptureRetriesAfterAPause(t *testing.T) {
	r := newRig(t, ModeKiosk)
	bs := &busySigner{Signer: r.sig, busy: 2}
	r.e.deps.Signer = bs
	r.applyToCommitment()
	deadline := time.Now().Add(5 * time.Second)
	for bs.count() < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a loop would try many times now
	if n := bs.count(); n != 1 {
		t.Fatalf("%d captures before the pause ended", n)
	}
	// Each refusal arrives asynchronously and then arms its pause: move
	// the clock until the third try (the first the signer takes) began.
	for bs.count() < 3 && time.Now().Before(deadline) {
		r.clock.Advance(captureRetry)
		time.Sleep(10 * time.Millisecond)
	}
	r.signOnScreen()
	r.waitStep(StepSignAuthorization)
	for bs.count() < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := bs.count(); n != 4 {
		t.Fatalf("%d captures: want 2 refused, the commitment, and the authorization's", n)
	}
}

// toCommitment walks from the household (found, on screen) to
// sign_commitment with the question answered.
// applyToCommitment starts an application with the applicant's card and
// takes it to the commitment, its question answered (the clerk's tick
// given where the mode asks for it).
func (r *rig) applyToCommitment() {
	r.t.Helper()
	r.e.Start(KindApply)
	r.reader.cards <- card("王秀英", applicantID, "2036-05-12")
	r.waitStep(StepConfirmIdentity)
	if r.e.cfg.Mode != ModeKiosk {
		r.act(ActConfirmID)
	}
	r.act(ActNext)
	r.toCommitment()
}

func (r *rig) toCommitment() {
	r.t.Helper()
	r.wait("the household", func(s State) bool { return s.View.Household != nil && s.View.Household.Status == "found" })
	r.act(ActNext)
	r.waitStep(StepPrecheck)
	r.act(ActNext)
	r.waitStep(StepChooseItems)
	r.act(ActNext)
	r.waitStep(StepSignCommitment)
	r.act(ActAnswer, map[string]bool{"relatedToStaff": false})
}

// signAllButHusband signs the commitment and the applicant's part of the
// authorization on the screen and marks the husband absent.
func (r *rig) signAllButHusband() {
	r.t.Helper()
	r.signOnScreen()
	r.waitStep(StepSignAuthorization)
	r.signOnScreen()
	r.wait("the husband's turn", func(s State) bool { return s.View.Sign != nil && s.View.Sign.Current == 1 })
	r.act(ActAbsent)
}

// textDocs is documents that also give the text (DocumentText), and record
// what they were asked for it.
type textDocs struct {
	recordingDocs
	textAsks []DocData
}

func (d *textDocs) Text(_ context.Context, dd DocData) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.textAsks = append(d.textAsks, dd)
	names := []string{dd.Applicant.Name + " " + dd.Applicant.IDNumber}
	for _, m := range dd.Household.Members {
		names = append(names, m.Name+" "+m.IDNumber)
	}
	return append([]string{DocTitles[dd.Kind]}, names...), nil
}

// TestFullTextMasked: the sign screens carry the document's full text for
// 查看全文, made from the same data as the signed text but with every name
// and ID number masked; the text goes with the session.
func TestFullTextMasked(t *testing.T) {
	r := newRig(t, ModeKiosk)
	docs := &textDocs{}
	r.e.deps.Documents = docs
	r.applyToCommitment()
	st := r.wait("the commitment's full text", func(s State) bool { return s.View.Sign != nil && len(s.View.Sign.FullText) > 0 })
	want := []string{"诚信承诺书", "王*英 370481********" + applicantID[14:], "王*英 370481********" + applicantID[14:],
		"李*国 370481********2211", "李*明 370481********4413"}
	if !reflect.DeepEqual(st.View.Sign.FullText, want) {
		t.Errorf("full text %q, want %q", st.View.Sign.FullText, want)
	}
	b, _ := json.Marshal(st)
	for _, full := range []string{applicantID, "370481195401012211", "王秀英", "李建国"} {
		if strings.Contains(string(b), full) {
			t.Errorf("the state holds %s in full", full)
		}
	}
	// The signed text itself was made from the real data.
	docs.mu.Lock()
	if len(docs.asks) == 0 || docs.asks[0].Applicant.IDNumber != applicantID {
		t.Errorf("the PDF was not made from the real data: %+v", docs.asks)
	}
	docs.mu.Unlock()
	r.signOnScreen()
	st = r.wait("the authorization's full text", func(s State) bool {
		return s.Step == StepSignAuthorization && s.View.Sign != nil && len(s.View.Sign.FullText) > 0
	})
	if st.View.Sign.FullText[0] != "家庭经济状况核对授权书" {
		t.Errorf("authorization full text %q", st.View.Sign.FullText)
	}
	r.e.Cancel()
	r.waitStep(StepIdle)
	r.e.mu.Lock()
	s := r.e.s
	r.e.mu.Unlock()
	if s != nil && (s.commitText != nil || s.authText != nil) {
		t.Error("the full texts outlive the session")
	}
}

// TestPrinterFailureTellsTheCounter: at a self-service kiosk a receipt that
// does not print calls staff once ("printer"), however often 重新打印 fails
// too; at a counter the clerk sees it on their own screen and nobody is
// called.
func TestPrinterFailureTellsTheCounter(t *testing.T) {
	for _, mode := range []string{ModeKiosk, ModeCounter} {
		t.Run(mode, func(t *testing.T) {
			r := newRig(t, mode)
			r.printer.mu.Lock()
			r.printer.err = errors.New("paper out")
			r.printer.mu.Unlock()
			r.applyToCommitment()
			r.signOnScreen()
			r.waitStep(StepSignAuthorization)
			r.signOnScreen()
			r.wait("the husband's turn", func(s State) bool { return s.View.Sign != nil && s.View.Sign.Current == 1 })
			r.signOnScreen()
			r.waitStep(StepSubmit)
			r.act(ActNext)
			r.wait("the print failed", func(s State) bool { return s.View.Receipt != nil && s.View.Receipt.Printing == "failed" })
			r.act(ActReprint)
			r.wait("the reprint failed", func(s State) bool { return s.View.Receipt != nil && s.View.Receipt.Printing == "failed" })
			r.staff.mu.Lock()
			defer r.staff.mu.Unlock()
			var printer []string
			for _, c := range r.staff.calls {
				if strings.HasPrefix(c, "printer@") {
					printer = append(printer, c)
				}
			}
			want := []string{"printer@receipt"}
			if mode == ModeCounter {
				want = nil
			}
			if !reflect.DeepEqual(printer, want) {
				t.Errorf("staff calls for the printer %q, want %q", printer, want)
			}
		})
	}
}
