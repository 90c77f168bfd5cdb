package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// fakeTime is a real clock the test moves.
type fakeTime struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeTime) Add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// monday0930 is a Monday morning in China.
var monday0930 = time.Date(2026, 11, 30, 9, 30, 0, 0, chinaTime)

func open(t *testing.T, opts Options) *Platform {
	t.Helper()
	if opts.Path == "" {
		opts.Path = filepath.Join(t.TempDir(), "demo.db")
	}
	p, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func application(key string, items ...string) wire.Application {
	return wire.Application{
		IdempotencyKey: key, HouseholdID: "TZH-0001",
		Applicant: wire.Person{Name: "王秀英", IDNumber: "370481195603144828"},
		Items:     items,
		Signatures: []wire.SignatureRef{{Document: "commitment", MemberID: "P0001-1", Name: "王秀英",
			BundleSHA256: digestOf([]byte(`{"bundle":1}`))}},
		Channel: "kiosk", Terminal: "kiosk-test", CreatedAt: "2026-11-30T09:29:00+08:00",
	}
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestSeeds: every seeded household is valid against the contract, its
// members' ID numbers are valid and agree with their birth date and sex,
// and every item and hard case the brief asks for is there.
func TestSeeds(t *testing.T) {
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range seeds() {
		h := s.household
		h.ApplicantID, h.DataAsOf = h.Members[0].ID, "2026-11-30T09:30:00+08:00"
		if err := c.CheckValue("Household", h); err != nil {
			t.Errorf("%s: %v", h.ID, err)
		}
		if h.Members[0].Relation != "本人" {
			t.Errorf("%s: the first member is not 本人", h.ID)
		}
		for _, m := range h.Members {
			if seen[m.IDNumber] {
				t.Errorf("%s: ID number of %s twice", h.ID, m.ID)
			}
			seen[m.IDNumber] = true
			if err := idnumber.Validate(m.IDNumber); err != nil {
				t.Errorf("%s %s: %v", h.ID, m.ID, err)
				continue
			}
			if b, _ := idnumber.BirthDate(m.IDNumber); b != m.BirthDate {
				t.Errorf("%s %s: birth date %s, the ID number says %s", h.ID, m.ID, m.BirthDate, b)
			}
			if g, _ := idnumber.Sex(m.IDNumber); g.String() != m.Sex {
				t.Errorf("%s %s: sex %s, the ID number says %s", h.ID, m.ID, m.Sex, g)
			}
		}
	}
	if seen[NoRecordIDNumber] || !idnumber.Valid(NoRecordIDNumber) {
		t.Errorf("NoRecordIDNumber must be valid and have no household")
	}
	// The simulated reader's resident sample cards are applicants.
	cards := idcardsim.SampleCards()
	for i, want := range map[int]string{0: "TZH-0001", 1: "TZH-0002"} {
		got := ""
		for _, s := range seeds() {
			if s.household.Members[0].IDNumber == cards[i].IDNumber && s.household.Members[0].Name == cards[i].Name {
				got = s.household.ID
			}
		}
		if got != want {
			t.Errorf("sample card %d (%s) is the applicant of %q, want %s", i, idnumber.Mask(cards[i].IDNumber), got, want)
		}
	}
}

func TestLookup(t *testing.T) {
	p := open(t, Options{})
	ctx := context.Background()
	h, err := p.Household(ctx, "370481195603144828")
	if err != nil {
		t.Fatal(err)
	}
	if h.ID != "TZH-0001" || h.ApplicantID != "P0001-1" || len(h.Members) != 2 {
		t.Errorf("household %s applicant %s, %d members", h.ID, h.ApplicantID, len(h.Members))
	}
	// Her husband finds the same household, as its applicant.
	h, err = p.Household(ctx, "370481195308214010")
	if err != nil {
		t.Fatal(err)
	}
	if h.ApplicantID != "P0001-2" || h.Members[0].Relation != "配偶" || h.Members[1].Relation != "本人" || h.Supporters[0].Relation != "子女" {
		t.Errorf("seen from the husband: applicant %s, relations %s %s, supporter %s", h.ApplicantID, h.Members[0].Relation, h.Members[1].Relation, h.Supporters[0].Relation)
	}
	// A child sees the parents as 父母 and the siblings as 兄弟姐妹.
	h, err = p.Household(ctx, "370481201203304018")
	if err != nil {
		t.Fatal(err)
	}
	rel := map[string]string{}
	for _, m := range h.Members {
		rel[m.Name] = m.Relation
	}
	if rel["周强"] != "父母" || rel["吴芳"] != "父母" || rel["周子涵"] != "本人" || rel["钱玉珍"] != "祖父母" {
		t.Errorf("seen from the son: %v", rel)
	}
	for _, id := range []string{NoRecordIDNumber, "370481196811119015" /* excluded */, "810000199005200039"} {
		if _, err := p.Household(ctx, id); !errors.Is(err, platform.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", idnumber.Mask(id), err)
		}
	}
	for _, id := range []string{"", "370481195603144827", "37048119421003202x", "USA310085041211"} {
		_, err := p.Household(ctx, id)
		var e *platform.Error
		if !errors.As(err, &e) || e.Code != wire.CodeInvalidRequest || !errors.Is(err, platform.ErrRejected) {
			t.Errorf("%q: %v, want invalid_request", id, err)
		}
	}
}

// TestProgressMoves: an application moves through the five stages on the
// demo clock, reaches them on working days, and is done before its
// deadline; a household the demo turns down is rejected with a reason.
func TestProgressMoves(t *testing.T) {
	ft := &fakeTime{t: monday0930}
	p := open(t, Options{Now: ft.Now, Speed: 1})
	ctx := context.Background()
	s, err := p.Submit(ctx, application("key-progress-0001", wire.ItemDibao, wire.ItemYiliao))
	if err != nil {
		t.Fatal(err)
	}
	if want := "2027-01-11"; s.Deadline != want { // 30 working days after Mon 2026-11-30
		t.Errorf("deadline %s, want %s", s.Deadline, want)
	}
	var stages []string
	for day := 0; day <= 45; day++ {
		ps, err := p.Progress(ctx, "370481195603144828")
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 {
			t.Fatalf("%d applications", len(ps))
		}
		pr := ps[0]
		if len(stages) == 0 || stages[len(stages)-1] != pr.Stage {
			stages = append(stages, pr.Stage)
		}
		for _, sd := range pr.Stages {
			at, _ := time.Parse(time.RFC3339, sd.At)
			if !isWorkingDay(at.In(chinaTime)) || at.Format(time.DateOnly) > pr.Deadline {
				t.Errorf("stage %s at %s (deadline %s)", sd.Stage, sd.At, pr.Deadline)
			}
		}
		if pr.Stage == wire.StageDone && pr.Result != "approved" {
			t.Errorf("done: result %q", pr.Result)
		}
		ft.Add(24 * time.Hour)
	}
	want := []string{wire.StageAccepted, wire.StageInvestigating, wire.StagePublicizing, wire.StageApproving, wire.StageDone}
	if fmt.Sprint(stages) != fmt.Sprint(want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	// The spouse sees the household's application too.
	if ps, err := p.Progress(ctx, "370481195308214010"); err != nil || len(ps) != 1 {
		t.Errorf("spouse: %d, %v", len(ps), err)
	}
	// 周强's household is just over the line: 低保 is turned down.
	app := application("key-progress-0002", wire.ItemDibao)
	app.HouseholdID, app.Applicant = "TZH-0004", wire.Person{Name: "周强", IDNumber: "370481197904253015"}
	app.Signatures[0].MemberID = "P0004-1"
	if _, err := p.Submit(ctx, app); err != nil {
		t.Fatal(err)
	}
	ft.Add(60 * 24 * time.Hour)
	ps, err := p.Progress(ctx, "370481197904253015")
	if err != nil || len(ps) != 1 || ps[0].Result != "rejected" || ps[0].Reason == "" {
		t.Errorf("TZH-0004 after 60 days: %+v, %v", ps, err)
	}
}

// TestClockSurvivesReopen: demo time goes on from where it was when the
// platform is opened again, also at another speed.
func TestClockSurvivesReopen(t *testing.T) {
	ft := &fakeTime{t: monday0930}
	path := filepath.Join(t.TempDir(), "demo.db")
	p, err := Open(context.Background(), Options{Path: path, Now: ft.Now, Speed: 86400})
	if err != nil {
		t.Fatal(err)
	}
	ft.Add(10 * time.Second) // ten demo days
	before := p.Now()
	p.Close()
	if want := monday0930.AddDate(0, 0, 10); !before.Equal(want) {
		t.Fatalf("demo time %v, want %v", before, want)
	}
	p = open(t, Options{Path: path, Now: ft.Now, Speed: 1})
	if got := p.Now(); !got.Equal(before) {
		t.Errorf("after reopening: %v, want %v", got, before)
	}
	ft.Add(time.Hour)
	if got := p.Now(); !got.Equal(before.Add(time.Hour)) {
		t.Errorf("at speed 1 an hour later: %v", got)
	}
}

// TestConcurrentDuplicatesStoreOnce: many goroutines submit the same
// application at once; one stores it, the others get its answer as a
// duplicate, and the database holds one row.
func TestConcurrentDuplicatesStoreOnce(t *testing.T) {
	p := open(t, Options{})
	ctx := context.Background()
	const n = 24
	app := application("key-concurrent-0001", wire.ItemDibao)
	results := make([]wire.Submitted, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = p.Submit(ctx, app)
		}()
	}
	close(start)
	wg.Wait()
	fresh := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("submit %d: %v", i, errs[i])
		}
		if !results[i].Duplicate {
			fresh++
		}
		if results[i].ApplicationID != results[0].ApplicationID || results[i].AcceptedAt != results[0].AcceptedAt {
			t.Errorf("submit %d answered %+v, submit 0 %+v", i, results[i], results[0])
		}
	}
	if fresh != 1 {
		t.Errorf("%d submissions stored, want 1", fresh)
	}
	var rows int
	if err := p.db.QueryRow("SELECT COUNT(*) FROM applications").Scan(&rows); err != nil || rows != 1 {
		t.Errorf("%d rows, %v", rows, err)
	}
	// Other content under the same key is a conflict.
	other := app
	other.Items = []string{wire.ItemLinshi}
	if _, err := p.Submit(ctx, other); !errors.Is(err, platform.ErrConflict) {
		t.Errorf("other content: %v, want ErrConflict", err)
	}
}

// TestEvidence: evidence may come before its application, is stored
// once, and Stored shows what is still missing.
func TestEvidence(t *testing.T) {
	p := open(t, Options{})
	ctx := context.Background()
	bundle := []byte(`{"bundle":1}`)
	pdf := []byte("%PDF-1.7\n%demo\n")
	const key = "key-evidence-0001"
	if err := p.UploadEvidence(ctx, key, "application/json; charset=utf-8", bundle); err != nil {
		t.Fatal(err)
	}
	if err := p.UploadEvidence(ctx, key, wire.MediaJSON, bundle); err != nil {
		t.Fatalf("again: %v", err)
	}
	st, err := p.Stored(ctx)
	if err != nil || len(st) != 1 || st[0].Application != nil || len(st[0].Evidence) != 1 {
		t.Fatalf("evidence only: %+v, %v", st, err)
	}
	app := application(key, wire.ItemDibao)
	app.Signatures = append(app.Signatures, wire.SignatureRef{Document: "authorization", Name: "张德厚", MemberID: "P0001-2", BundleSHA256: digestOf([]byte("later"))})
	if _, err := p.Submit(ctx, app); err != nil {
		t.Fatal(err)
	}
	if err := p.UploadEvidence(ctx, key, wire.MediaPDF, pdf); err != nil {
		t.Fatal(err)
	}
	st, err = p.Stored(ctx)
	if err != nil || len(st) != 1 || st[0].Application == nil || len(st[0].Evidence) != 2 {
		t.Fatalf("stored: %+v, %v", st, err)
	}
	if len(st[0].MissingEvidence) != 1 || st[0].MissingEvidence[0] != digestOf([]byte("later")) {
		t.Errorf("missing %v", st[0].MissingEvidence)
	}
	if b, ct, ok, err := p.EvidenceBytes(ctx, key, digestOf(pdf)); err != nil || !ok || ct != wire.MediaPDF || string(b) != string(pdf) {
		t.Errorf("EvidenceBytes: %q %s %v %v", b, ct, ok, err)
	}
	for name, c := range map[string]struct {
		key, ct string
		body    []byte
		code    string
	}{
		"bundle sent as a PDF": {key, wire.MediaPDF, bundle, wire.CodeInvalidRequest},
		"not a PDF":            {key, wire.MediaPDF, []byte("hello"), wire.CodeInvalidRequest},
		"not an object":        {key, wire.MediaJSON, []byte(`[1]`), wire.CodeInvalidRequest},
		"text":                 {key, "text/plain", []byte("x"), wire.CodeUnsupportedMedia},
		"short key":            {"k", wire.MediaJSON, bundle, wire.CodeInvalidRequest},
		"key with a slash":     {"key/evidence/0001", wire.MediaJSON, bundle, wire.CodeInvalidRequest},
	} {
		err := p.UploadEvidence(ctx, c.key, c.ct, c.body)
		var e *platform.Error
		if !errors.As(err, &e) || e.Code != c.code || platform.Transient(err) {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	if _, err := p.storeEvidence(ctx, key, digestOf([]byte("x")), wire.MediaJSON, bundle); !errors.Is(err, platform.ErrRejected) {
		t.Errorf("digest mismatch: %v", err)
	}
}

func TestSubmitChecks(t *testing.T) {
	p := open(t, Options{})
	ctx := context.Background()
	for name, c := range map[string]struct {
		mutate func(*wire.Application)
		kind   error
	}{
		"unknown household":     {func(a *wire.Application) { a.HouseholdID = "TZH-9999" }, platform.ErrNotFound},
		"not a member":          {func(a *wire.Application) { a.HouseholdID = "TZH-0002" }, platform.ErrRejected},
		"bad check digit":       {func(a *wire.Application) { a.Applicant.IDNumber = "370481195603144827" }, platform.ErrRejected},
		"no items":              {func(a *wire.Application) { a.Items = nil }, platform.ErrRejected},
		"unknown item":          {func(a *wire.Application) { a.Items = []string{"lottery"} }, platform.ErrRejected},
		"absent stranger":       {func(a *wire.Application) { a.Absent = []string{"P0002-1"} }, platform.ErrRejected},
		"excluded signs":        {func(a *wire.Application) { a.Signatures[0].MemberID = "P0010-2" }, platform.ErrRejected},
		"bad channel":           {func(a *wire.Application) { a.Channel = "web" }, platform.ErrRejected},
		"no record is fine too": {func(a *wire.Application) { a.HouseholdID = ""; a.Signatures[0].MemberID = "" }, nil},
	} {
		app := application("key-checks-"+fmt.Sprintf("%08x", len(name)*7919), wire.ItemDibao)
		app.IdempotencyKey = "key-checks-" + digestOf([]byte(name))[:16]
		c.mutate(&app)
		_, err := p.Submit(ctx, app)
		if c.kind == nil && err != nil || c.kind != nil && !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", name, err, c.kind)
		}
	}
}

func TestPrecheck(t *testing.T) {
	ctx := context.Background()
	p := open(t, Options{})
	if _, err := p.Precheck(ctx, "TZH-0001"); !errors.Is(err, platform.ErrNotImplemented) {
		t.Errorf("without a pre-check: %v", err)
	}
	var got *wire.Household
	p = open(t, Options{Precheck: func(_ context.Context, h *wire.Household) ([]wire.PrecheckResult, error) {
		got = h
		return []wire.PrecheckResult{{Item: wire.ItemDibao, Name: "低保", Verdict: wire.VerdictLikely, Summary: "您可能可以申请低保。",
			Notice: wire.Notice{Item: wire.ItemDibao, Name: "低保"}}}, nil
	}})
	rs, err := p.Precheck(ctx, "TZH-0003")
	if err != nil || len(rs) != 1 || got == nil || got.ID != "TZH-0003" {
		t.Fatalf("%+v, %v", rs, err)
	}
	if _, err := p.Precheck(ctx, "TZH-9999"); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("unknown household: %v", err)
	}
	// A pre-check that breaks the contract is the demo's fault, not the
	// client's: internal, transient.
	p = open(t, Options{Precheck: func(context.Context, *wire.Household) ([]wire.PrecheckResult, error) {
		return []wire.PrecheckResult{{Item: "nonsense"}}, nil
	}})
	if _, err := p.Precheck(ctx, "TZH-0003"); !platform.Transient(err) {
		t.Errorf("bad results: %v", err)
	}
}

func TestWorkingDays(t *testing.T) {
	fri := time.Date(2026, 12, 4, 16, 0, 0, 0, chinaTime)
	sat := fri.AddDate(0, 0, 1)
	for _, c := range []struct {
		from time.Time
		n    int
		want string
	}{
		{fri, 0, "2026-12-04"}, {fri, 1, "2026-12-07"}, {fri, 5, "2026-12-11"}, {sat, 1, "2026-12-07"}, {monday0930, 30, "2027-01-11"},
	} {
		if got := addWorkingDays(c.from, c.n).Format(time.DateOnly); got != c.want {
			t.Errorf("%s + %d working days = %s, want %s", c.from.Format(time.DateOnly), c.n, got, c.want)
		}
	}
	if _, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), "x.db"), Speed: MaxSpeed * 2}); err == nil {
		t.Error("a speed over MaxSpeed was taken")
	}
}
