package platform_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// outcome is what a call returned, in a form two platforms can be
// compared by: the value as JSON (a nil slice and an empty one are the
// same on the wire), and the error's kind and code.
type outcome struct {
	Value string
	Kind  string
	Code  string
}

func result(v any, err error) outcome {
	b, _ := json.Marshal(v)
	o := outcome{Value: string(b)}
	if err != nil {
		o.Value = ""
		var e *platform.Error
		if !errors.As(err, &e) {
			return outcome{Kind: "not a *platform.Error: " + err.Error()}
		}
		o.Kind, o.Code = e.Kind.Error(), e.Code
	}
	return o
}

func precheckOne(_ context.Context, h *wire.Household) ([]wire.PrecheckResult, error) {
	return []wire.PrecheckResult{{Item: wire.ItemDibao, Name: "最低生活保障（低保）", Verdict: wire.VerdictLikely,
		Summary: "您可能可以申请低保。", Tests: []wire.Test{{Name: "家庭人数", Passed: true, Detail: fmt.Sprint(len(h.Members), " 人")}},
		Notice: wire.Notice{Item: wire.ItemDibao, Name: "低保", TimeLimit: "30 个工作日", TimeLimitDays: 30}}}, nil
}

// TestHTTPMatchesInProcess runs one script of calls against the demo
// in-process and against another demo (same seed, same clock) through the
// HTTP client and the demo's handler, and wants the same answers and the
// same errors. Every request and answer on the wire is checked against the
// contract on the way.
func TestHTTPMatchesInProcess(t *testing.T) {
	logs := &syncBuffer{}
	ft := &fakeTime{t: monday0930}
	local := openDemo(t, demo.Options{Now: ft.Now, Speed: 1, Precheck: precheckOne})
	remote := openDemo(t, demo.Options{Now: ft.Now, Speed: 1, Precheck: precheckOne, Logger: logger(logs)})
	chk := newChecker(t, remote.Handler())
	srv := httptest.NewServer(chk)
	defer srv.Close()
	client := newClient(t, platform.HTTPOptions{BaseURL: srv.URL, Logger: logger(logs), MinBackoff: time.Millisecond})
	noPrecheck := openDemo(t, demo.Options{Now: ft.Now})
	srvNo := httptest.NewServer(newChecker(t, noPrecheck.Handler()))
	defer srvNo.Close()
	clientNo := newClient(t, platform.HTTPOptions{BaseURL: srvNo.URL})

	ctx := context.Background()
	bundle := []byte(`{"alg":"Ed25519","document":"commitment"}`)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	app := application("key-script-000001", wire.ItemDibao, wire.ItemYiliao)
	conflicting := app
	conflicting.Items = []string{wire.ItemLinshi}
	stranger := app
	stranger.IdempotencyKey, stranger.HouseholdID = "key-script-000002", "TZH-0002"
	noRecord := application("key-script-000003", wire.ItemLinshi)
	noRecord.HouseholdID, noRecord.Applicant = "", wire.Person{Name: "钱进", IDNumber: demo.NoRecordIDNumber}
	noRecord.Signatures[0].MemberID = ""
	badItems := app
	badItems.IdempotencyKey, badItems.Items = "key-script-000004", []string{"lottery"}
	unknownHousehold := app
	unknownHousehold.IdempotencyKey, unknownHousehold.HouseholdID = "key-script-000005", "TZH-9999"

	type step struct {
		name    string
		invalid bool // the request breaks the contract on purpose
		call    func(p platform.Platform) outcome
	}
	steps := []step{
		{"look-up", false, func(p platform.Platform) outcome { return result(p.Household(ctx, "370481195603144828")) }},
		{"look-up by a member", false, func(p platform.Platform) outcome { return result(p.Household(ctx, "370481201203304018")) }},
		{"look-up, no record", false, func(p platform.Platform) outcome { return result(p.Household(ctx, demo.NoRecordIDNumber)) }},
		{"look-up, bad check digit", false, func(p platform.Platform) outcome { return result(p.Household(ctx, "370481195603144827")) }},
		{"look-up, not an ID number", true, func(p platform.Platform) outcome { return result(p.Household(ctx, "USA310085041211")) }},
		{"pre-check", false, func(p platform.Platform) outcome { return result(p.Precheck(ctx, "TZH-0003")) }},
		{"pre-check, unknown household", false, func(p platform.Platform) outcome { return result(p.Precheck(ctx, "TZH-9999")) }},
		{"evidence before its application", false, func(p platform.Platform) outcome {
			return result(nil, p.UploadEvidence(ctx, app.IdempotencyKey, wire.MediaJSON, bundle))
		}},
		{"submit", false, func(p platform.Platform) outcome { return result(p.Submit(ctx, app)) }},
		{"submit again", false, func(p platform.Platform) outcome { return result(p.Submit(ctx, app)) }},
		{"submit, same key, other content", false, func(p platform.Platform) outcome { return result(p.Submit(ctx, conflicting)) }},
		{"submit, applicant not in the household", false, func(p platform.Platform) outcome { return result(p.Submit(ctx, stranger)) }},
		{"submit, unknown household", false, func(p platform.Platform) outcome { return result(p.Submit(ctx, unknownHousehold)) }},
		{"submit, unknown item", true, func(p platform.Platform) outcome { return result(p.Submit(ctx, badItems)) }},
		{"submit without a household record", false, func(p platform.Platform) outcome { return result(p.Submit(ctx, noRecord)) }},
		{"evidence after", false, func(p platform.Platform) outcome {
			return result(nil, p.UploadEvidence(ctx, app.IdempotencyKey, wire.MediaPDF, pdf))
		}},
		{"evidence again", false, func(p platform.Platform) outcome {
			return result(nil, p.UploadEvidence(ctx, app.IdempotencyKey, wire.MediaPDF, pdf))
		}},
		{"evidence, not a PDF", false, func(p platform.Platform) outcome {
			return result(nil, p.UploadEvidence(ctx, app.IdempotencyKey, wire.MediaPDF, []byte("plain")))
		}},
		{"evidence, text", true, func(p platform.Platform) outcome {
			return result(nil, p.UploadEvidence(ctx, app.IdempotencyKey, "text/plain", []byte("plain")))
		}},
		{"progress, day 0", false, func(p platform.Platform) outcome { return result(p.Progress(ctx, "370481195603144828")) }},
		{"progress, no record", false, func(p platform.Platform) outcome { return result(p.Progress(ctx, demo.NoRecordIDNumber)) }},
		{"progress, nobody", false, func(p platform.Platform) outcome { return result(p.Progress(ctx, "370481199612018012")) }},
	}
	run := func(s step) {
		want := s.call(local)
		var got outcome
		if s.invalid {
			chk.allowInvalid(func() { got = s.call(client) })
		} else {
			got = s.call(client)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n in-process %+v\n over HTTP  %+v", s.name, want, got)
		}
	}
	for _, s := range steps {
		run(s)
	}
	// Weeks later, both show the same movement.
	for _, days := range []int{4, 20, 40} {
		ft.Add(time.Duration(days) * 24 * time.Hour)
		run(step{fmt.Sprintf("progress after %d more days", days), false, func(p platform.Platform) outcome {
			return result(p.Progress(ctx, "370481195603144828"))
		}})
	}
	ps, err := client.Progress(ctx, "370481195603144828")
	if err != nil || len(ps) != 1 || ps[0].Stage != wire.StageDone || ps[0].Result != "approved" {
		t.Errorf("after 64 days: %+v, %v", ps, err)
	}
	// The spot checks that make the comparison mean something.
	if o := steps[2].call(client); o.Kind != platform.ErrNotFound.Error() || o.Code != wire.CodeHouseholdNotFound {
		t.Errorf("no record over HTTP: %+v", o)
	}
	if s, err := client.Submit(ctx, app); err != nil || !s.Duplicate {
		t.Errorf("duplicate over HTTP: %+v, %v", s, err)
	}
	if _, err := client.Submit(ctx, conflicting); !errors.Is(err, platform.ErrConflict) || platform.Transient(err) {
		t.Errorf("conflict over HTTP: %v", err)
	}
	if _, err := clientNo.Precheck(ctx, "TZH-0001"); !errors.Is(err, platform.ErrNotImplemented) {
		t.Errorf("pre-check without one: %v", err)
	}
	// What each stored is the same.
	a, errA := local.Stored(ctx)
	b, errB := remote.Stored(ctx)
	if errA != nil || errB != nil || !reflect.DeepEqual(a, b) || len(a) != 2 {
		t.Errorf("stored:\n in-process %+v %v\n over HTTP  %+v %v", a, errA, b, errB)
	}
	if chk.checked.Load() < int64(len(steps)) {
		t.Errorf("only %d exchanges were checked against the contract", chk.checked.Load())
	}
	assertNoPersonalData(t, logs.String())
}

func assertNoPersonalData(t *testing.T, logs string) {
	t.Helper()
	if logs == "" {
		t.Error("nothing was logged: the check below means nothing")
	}
	for _, s := range personal(t) {
		if strings.Contains(logs, s) {
			t.Errorf("the logs hold %q", s)
		}
	}
}

// TestStoredOverHTTP: GET /demo/applications lists what was stored, each
// with its idempotency key.
func TestStoredOverHTTP(t *testing.T) {
	p := openDemo(t, demo.Options{})
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	c := newClient(t, platform.HTTPOptions{BaseURL: srv.URL})
	if _, err := c.Submit(context.Background(), application("key-stored-00001", wire.ItemDibao)); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(srv.URL + demo.PathStored)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got []demo.Stored
	if err := decodeJSON(res.Body, &got); err != nil || len(got) != 1 || got[0].IdempotencyKey != "key-stored-00001" || got[0].Submitted == nil {
		t.Errorf("%+v, %v", got, err)
	}
	res, err = http.Get(srv.URL + "/v1/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != wire.MediaProblem {
		t.Errorf("unknown path: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestConcurrentDuplicatesOverHTTP: the same submission from many
// connections at once is stored once.
func TestConcurrentDuplicatesOverHTTP(t *testing.T) {
	p := openDemo(t, demo.Options{})
	srv := httptest.NewServer(newChecker(t, p.Handler()))
	defer srv.Close()
	c := newClient(t, platform.HTTPOptions{BaseURL: srv.URL})
	app := application("key-concurrent-http-1", wire.ItemDibao)
	const n = 16
	var wg sync.WaitGroup
	subs := make([]wire.Submitted, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			subs[i], errs[i] = c.Submit(context.Background(), app)
		}()
	}
	wg.Wait()
	fresh := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !subs[i].Duplicate {
			fresh++
		}
		if subs[i].ApplicationID != subs[0].ApplicationID {
			t.Errorf("%s and %s", subs[i].ApplicationID, subs[0].ApplicationID)
		}
	}
	st, err := p.Stored(context.Background())
	if fresh != 1 || err != nil || len(st) != 1 {
		t.Errorf("%d stored fresh, %d stored, %v", fresh, len(st), err)
	}
}

func TestNewHTTPRefuses(t *testing.T) {
	for _, o := range []platform.HTTPOptions{
		{BaseURL: "http://platform.example/"},
		{BaseURL: "ftp://127.0.0.1/"},
		{BaseURL: "https://platform.example/?id=1"},
		{BaseURL: "platform.example"},
		{BaseURL: "https://platform.example/", CertFile: "c.pem"},
		{BaseURL: "https://platform.example/", CAFile: "/nonexistent/ca.pem"},
	} {
		if _, err := platform.NewHTTP(o); err == nil {
			t.Errorf("%+v was taken", o)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8089", "http://localhost:8089/prefix/", "http://[::1]:1", "https://platform.example/api"} {
		if _, err := platform.NewHTTP(platform.HTTPOptions{BaseURL: u}); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}
