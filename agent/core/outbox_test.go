package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// application is a valid application.submit application.
func application() map[string]any {
	return map[string]any{"applicant": map[string]any{"name": "王秀英", "idNumber": "370481195603144828"},
		"items": []string{"dibao", "yiliao"}, "relatedToStaff": false, "householdId": "TZH-0001"}
}

func submit(c *client, key string, app map[string]any) json.RawMessage {
	return c.call(protocol.MethodApplicationSubmit, map[string]any{"idempotencyKey": key, "application": app})
}

func outboxStatus(t *testing.T, c *client, validate func(string, []byte)) protocol.OutboxStatus {
	t.Helper()
	var st protocol.OutboxStatus
	json.Unmarshal(result(t, validate, c.call(protocol.MethodOutboxStatus, nil), "outboxStatus"), &st)
	return st
}

// waitOutbox polls outbox.status until ok.
func waitOutbox(t *testing.T, c *client, validate func(string, []byte), what string, ok func(protocol.OutboxStatus) bool) protocol.OutboxStatus {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := outboxStatus(t, c, validate)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: outbox %+v", what, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// application.submit answers once the application is queued; the same key
// answers the same applicationId and queues nothing; another application
// under it is IDEMPOTENCY_CONFLICT while it is undelivered; bad
// applications get named errors that show no value; outbox.changed and
// outbox.status follow the backlog.
func TestApplicationSubmit(t *testing.T) {
	cfg := testConfig(t)
	// A platform that is not there: everything stays queued.
	cfg.Platform.URL = "http://" + deadAddr(t)
	cfg.Platform.Timeout.Duration = time.Second
	addr, logs := startAgent(t, cfg)
	validate := schemas(t)
	c := dial(t, addr, nil)

	var first protocol.ApplicationSubmitResult
	json.Unmarshal(result(t, validate, submit(c, "core-test-0001", application()), "applicationSubmitResult"), &first)
	if first.ApplicationID != core.ApplicationID("core-test-0001") || !first.Queued || len(first.ApplicationID) != 16 {
		t.Fatalf("first answer %+v", first)
	}
	ev := c.event(protocol.EventOutboxChanged)
	validate("", ev)
	for range 3 {
		var again protocol.ApplicationSubmitResult
		json.Unmarshal(result(t, validate, submit(c, "core-test-0001", application()), "applicationSubmitResult"), &again)
		if again != first {
			t.Fatalf("the same submission again answered %+v, want %+v", again, first)
		}
	}
	st := waitOutbox(t, c, validate, "the failing delivery", func(s protocol.OutboxStatus) bool { return s.Failing == 1 })
	if st.Pending != 1 {
		t.Errorf("one application queued four times: outbox %+v", st)
	}
	other := application()
	other["items"] = []string{"linshi"}
	if _, r := rpcError(t, validate, submit(c, "core-test-0001", other)); r != protocol.ReasonIdempotencyConflict {
		t.Errorf("another application under the same key: %s", r)
	}

	for _, tc := range []struct {
		name   string
		key    string
		edit   func(map[string]any)
		reason protocol.Reason
		field  string // in the message
	}{
		{"check character", "core-test-0002", func(a map[string]any) {
			a["applicant"] = map[string]any{"name": "王秀英", "idNumber": "370481195603144820"}
		}, protocol.ReasonBadApplication, "applicant.idNumber"},
		{"no item", "core-test-0003", func(a map[string]any) { a["items"] = []string{} }, protocol.ReasonBadApplication, "items"},
		{"unknown item", "core-test-0004", func(a map[string]any) { a["items"] = []string{"lottery"} }, protocol.ReasonBadApplication, "items"},
		{"no answer", "core-test-0005", func(a map[string]any) { delete(a, "relatedToStaff") }, protocol.ReasonBadApplication, "relatedToStaff"},
		{"created at", "core-test-0006", func(a map[string]any) { a["createdAt"] = "yesterday" }, protocol.ReasonBadApplication, "createdAt"},
		{"key with an ID number", "k-370481195603144828", nil, protocol.ReasonBadParams, "idempotencyKey"},
		{"short key", "k", nil, protocol.ReasonBadParams, "idempotencyKey"},
		{"unknown field", "core-test-0007", func(a map[string]any) { a["idempotencyKey"] = "x" }, protocol.ReasonBadParams, "idempotencyKey"},
	} {
		app := application()
		if tc.edit != nil {
			tc.edit(app)
		}
		msg := submit(c, tc.key, app)
		if _, r := rpcError(t, validate, msg); r != tc.reason || !strings.Contains(string(msg), tc.field) {
			t.Errorf("%s: %s, want %s naming %s", tc.name, msg, tc.reason, tc.field)
		}
		if strings.Contains(string(msg), "370481195603144820") {
			t.Errorf("%s: the answer repeats the ID number: %s", tc.name, msg)
		}
	}
	if _, r := rpcError(t, validate, c.call(protocol.MethodApplicationSubmit, map[string]any{"idempotencyKey": "core-test-0008"})); r != protocol.ReasonBadParams {
		t.Errorf("no application: %s", r)
	}
	if st := outboxStatus(t, c, validate); st.Pending != 1 {
		t.Errorf("refused applications were queued: %+v", st)
	}
	// Health and metrics say so.
	hc := healthCheck(t, addr, "outbox")
	if hc.Code != core.CodeOutboxFailing {
		t.Errorf("outbox health %+v", hc)
	}
	if hc := healthCheck(t, addr, "platform"); hc.Code != core.CodePlatformUnreachable {
		t.Errorf("platform health %+v", hc)
	}
	metrics := get(t, "http://"+addr+"/metrics")
	for _, want := range []string{"kiosk_outbox_pending 1", "kiosk_outbox_failing 1", "kiosk_outbox_delivered_total 0", "kiosk_outbox_oldest_age_seconds", "kiosk_health_ok{"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, s := range []string{"370481195603144828", "王秀英"} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the log holds %q", s)
		}
	}
}

// An application queued while the platform is down is delivered once it
// is back; the backlog drains and health turns ok.
func TestOutboxDeliversWhenThePlatformReturns(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	platformAddr := ln.Addr().String()
	ln.Close()
	cfg := testConfig(t)
	cfg.Platform.URL = "http://" + platformAddr
	cfg.Platform.Timeout.Duration = time.Second
	addr, _ := startAgent(t, cfg)
	validate := schemas(t)
	c := dial(t, addr, nil)
	result(t, validate, submit(c, "core-test-back-1", application()), "applicationSubmitResult")
	waitOutbox(t, c, validate, "the failing delivery", func(s protocol.OutboxStatus) bool { return s.Failing == 1 })

	d, err := demo.Open(context.Background(), demo.Options{Path: filepath.Join(dir, "demo.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ln, err = net.Listen("tcp", platformAddr)
	if err != nil {
		t.Skipf("the platform's port was taken meanwhile: %v", err)
	}
	srv := &http.Server{Handler: d.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	// A new submission kicks the sender out of its back-off.
	result(t, validate, submit(c, "core-test-back-2", application()), "applicationSubmitResult")
	waitOutbox(t, c, validate, "the backlog delivered", func(s protocol.OutboxStatus) bool { return s.Pending == 0 })
	stored, err := d.Stored(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, s := range stored {
		keys[s.IdempotencyKey] = true
	}
	if len(stored) != 2 || !keys["core-test-back-1"] || !keys["core-test-back-2"] {
		t.Errorf("the platform holds %+v", stored)
	}
	if hc := healthCheck(t, addr, "outbox"); hc.Code != "ok" {
		t.Errorf("outbox health %+v", hc)
	}
	if hc := healthCheck(t, addr, "platform"); hc.Code != "ok" {
		t.Errorf("platform health %+v", hc)
	}
	if m := get(t, "http://"+addr+"/metrics"); !strings.Contains(m, "kiosk_outbox_delivered_total 2") {
		t.Errorf("/metrics does not count the deliveries")
	}
}

// A paired page of another origin may not submit applications.
func TestApplicationSubmitNotForPairedPages(t *testing.T) {
	cfg := testConfig(t)
	cfg.Security.AllowNative = false
	addr, _ := startAgent(t, cfg)
	validate := schemas(t)
	c := dial(t, addr, nil)
	if _, r := rpcError(t, validate, submit(c, "core-test-paired", application())); r != protocol.ReasonUnauthorized {
		t.Errorf("an unpaired native client submitted: %s", r)
	}
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	ln.Close()
	return a
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func healthCheck(t *testing.T, addr, component string) protocol.HealthCheck {
	t.Helper()
	var r protocol.HealthReport
	json.Unmarshal([]byte(get(t, "http://"+addr+"/healthz")), &r)
	for _, c := range r.Checks {
		if c.Component == component {
			return c
		}
	}
	t.Fatalf("no health check of %s in %+v", component, r)
	return protocol.HealthCheck{}
}

// The keys the agent makes for the flow's items are ones the outbox takes,
// whatever the flow's key and the evidence's bytes.
func TestFlowOutboxKeys(t *testing.T) {
	for i := range 2000 {
		body := []byte(strings.Repeat("x", i))
		if i == 0 {
			if err := outbox.ValidateKey("abcd370481195603144828abcdef"); err == nil {
				t.Fatal("the outbox takes a key holding an ID number: this test tests nothing")
			}
		}
		for _, k := range []string{
			fmt.Sprintf("%032x", i),        // a hex key
			"abcd370481195603144828abcdef", // one whose digits read as an ID number
			"", "short",
		} {
			if err := core.CheckKeys(k, body); err != nil {
				t.Fatalf("flow key %q: %v", k, err)
			}
		}
	}
}

// outbox.list shows an operator the undelivered items (never their
// content), a refused one as refused with its error masked; outbox.retry
// puts it back in line and tries it at once (audited), an unknown key is
// BAD_PARAMS, and a paired page of another origin may do neither.
func TestOutboxListAndRetry(t *testing.T) {
	cfg := testConfig(t) // the embedded demo platform
	addr, _ := startAgent(t, cfg)
	validate := schemas(t)
	c := dial(t, addr, nil)
	// No such household: the demo platform refuses it for good.
	refused := application()
	refused["householdId"] = "TZH-9999"
	result(t, validate, submit(c, "core-test-refused", refused), "applicationSubmitResult")
	waitOutbox(t, c, validate, "the refusal", func(s protocol.OutboxStatus) bool { return s.Failing == 1 && s.Pending == 1 })
	list := func() []protocol.OutboxItem {
		var l protocol.OutboxList
		json.Unmarshal(result(t, validate, c.call(protocol.MethodOutboxList, nil), "outboxList"), &l)
		return l.Items
	}
	items := list()
	if len(items) != 1 || items[0].Key != "core-test-refused" || items[0].Kind != "application" || items[0].State != "refused" ||
		items[0].Attempts != 1 || items[0].Error == "" || items[0].LastAttempt == "" {
		t.Fatalf("outbox.list %+v", items)
	}
	raw := string(c.call(protocol.MethodOutboxList, nil))
	for _, personal := range []string{"370481195603144828", "王秀英"} {
		if strings.Contains(raw, personal) {
			t.Errorf("outbox.list shows %s", personal)
		}
	}
	result(t, validate, c.call(protocol.MethodOutboxRetry, map[string]any{"key": "core-test-refused"}), "empty")
	deadline := time.Now().Add(20 * time.Second)
	for items = list(); len(items) != 1 || items[0].Attempts < 2 || items[0].State != "refused"; items = list() {
		if time.Now().After(deadline) {
			t.Fatalf("the retried item was not tried again: %+v", items)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, r := rpcError(t, validate, c.call(protocol.MethodOutboxRetry, map[string]any{"key": "no-such-key-0001"})); r != protocol.ReasonBadParams {
		t.Errorf("outbox.retry of an unknown key: %s", r)
	}
	result(t, validate, c.call(protocol.MethodOutboxRetry, nil), "empty") // every pending item, now
	audited := ""
	files, _ := filepath.Glob(filepath.Join(cfg.AuditDir(), "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		audited += string(b)
	}
	if strings.Count(audited, `"outbox.retry"`) != 3 || !strings.Contains(audited, "core-test-refused") {
		t.Errorf("the audit log does not hold the three retries:\n%s", audited)
	}
	if !strings.Contains(get(t, "http://"+addr+"/healthz"), "refused") {
		t.Error("the health page does not tell of the refused item")
	}

	cfg2 := testConfig(t)
	cfg2.Security.AllowNative = false
	addr2, _ := startAgent(t, cfg2)
	c2 := dial(t, addr2, nil)
	for _, m := range []string{protocol.MethodOutboxList, protocol.MethodOutboxRetry} {
		if _, r := rpcError(t, validate, c2.call(m, nil)); r != protocol.ReasonUnauthorized {
			t.Errorf("%s by an unpaired native client: %s", m, r)
		}
	}
}
