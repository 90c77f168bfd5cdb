package health

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestSinceKeptWhileTheCodeStays(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	r := NewRegistry(func() time.Time { return now })
	var heard []Check
	r.Subscribe(func(c Check) { heard = append(heard, c) })
	if !r.Set("idcard0", "disconnected", Error, "open /dev/ttyUSB0: no such file") {
		t.Fatal("first Set is a change")
	}
	now = now.Add(time.Minute)
	if r.Set("idcard0", "disconnected", Error, "open /dev/ttyUSB0: input/output error") {
		t.Fatal("the same code with another message is not a change")
	}
	c, _ := r.Get("idcard0")
	if !c.Since.Equal(now.Add(-time.Minute)) || c.Message != "open /dev/ttyUSB0: input/output error" {
		t.Fatalf("check %+v: Since must stay, the message must update", c)
	}
	now = now.Add(time.Minute)
	r.SetOK("idcard0")
	if len(heard) != 2 || heard[1].Code != CodeOK || !heard[1].Since.Equal(now) {
		t.Fatalf("heard %+v", heard)
	}
}

func TestHandlerStatusCodes(t *testing.T) {
	r := NewRegistry(nil)
	get := func() (int, Report) {
		rec := httptest.NewRecorder()
		r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		var rep Report
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
			t.Fatalf("healthz body %q: %v", rec.Body, err)
		}
		return rec.Code, rep
	}
	r.SetOK("server")
	if code, rep := get(); code != http.StatusOK || rep.Status != StatusOK || len(rep.Checks) != 1 {
		t.Fatalf("all ok: %d %+v", code, rep)
	}
	r.Set("audit", "slow_disk", Warning, "fsync took 2 s")
	if code, rep := get(); code != http.StatusOK || rep.Status != StatusDegraded {
		t.Fatalf("warning: %d %+v", code, rep)
	}
	r.Set("idcard0", "disconnected", Error, "")
	if code, rep := get(); code != http.StatusServiceUnavailable || rep.Status != StatusFailing || rep.Checks[0].Component != "audit" {
		t.Fatalf("error: %d %+v", code, rep)
	}
}
