package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// FuzzHandler sends arbitrary requests through the demo's HTTP handler,
// so its request decoding (content type, the contract's check, strict
// decoding) and the evidence checks meet arbitrary bytes. Whatever comes
// in: no panic, no 5xx, an answer valid against the contract, a 2xx only
// for a request the contract allows, and no long run of digits (an ID
// number) in a problem.
func FuzzHandler(f *testing.F) {
	app, _ := json.Marshal(application("key-fuzz-000001", wire.ItemDibao))
	bundle := []byte(`{"bundle":1}`)
	for _, s := range []struct {
		method, path, ct string
		body             []byte
	}{
		{"POST", wire.PathLookup, "application/json", []byte(`{"idNumber":"370481195603144828"}`)},
		{"POST", wire.PathLookup, "application/json", []byte(`{"idNumber":"370481199203150012"}`)},
		{"POST", wire.PathLookup, "application/json", []byte(`{"idNumber":"370481195603144828","x":1}`)},
		{"POST", wire.PathLookup, "text/plain", []byte(`{"idNumber":"370481195603144828"}`)},
		{"POST", wire.PathLookup, "application/json", []byte(`{"370481195603144828":1}`)},
		{"POST", wire.PathPrecheck, "application/json", []byte(`{"householdId":"TZH-0001"}`)},
		{"POST", wire.PathApplications, "application/json", app},
		{"POST", wire.PathApplications, "application/json", bytes.Replace(app, []byte(`"dibao"`), []byte(`"dibao","dibao"`), 1)},
		{"POST", wire.PathProgress, "application/json", []byte(`{"idNumber":"370481195603144828"}`)},
		{"PUT", wire.PathEvidence + "key-fuzz-000001/" + digestOf(bundle), "application/json", bundle},
		{"PUT", wire.PathEvidence + "key-fuzz-000001/" + digestOf([]byte("%PDF-1.4")), "application/pdf", []byte("%PDF-1.4")},
		{"PUT", wire.PathEvidence + "key-fuzz-000001/" + digestOf(bundle), "application/pdf", bundle},
		{"PUT", wire.PathEvidence + "key%2Ffuzz/" + digestOf(bundle), "application/json", bundle},
		{"GET", wire.PathProgress, "", nil},
		{"POST", "/v1/nowhere", "application/json", []byte(`{}`)},
	} {
		f.Add(s.method, s.path, s.ct, s.body)
	}
	p, err := Open(context.Background(), Options{Path: filepath.Join(f.TempDir(), "fuzz.db"),
		Precheck: func(_ context.Context, h *wire.Household) ([]wire.PrecheckResult, error) {
			return []wire.PrecheckResult{{Item: wire.ItemDibao, Name: "低保", Verdict: wire.VerdictPossible, Summary: h.ID,
				Notice: wire.Notice{Item: wire.ItemDibao, Name: "低保"}}}, nil
		}})
	if err != nil {
		f.Fatal(err)
	}
	defer p.Close()
	c, err := contract.Load()
	if err != nil {
		f.Fatal(err)
	}
	h := p.Handler()
	f.Fuzz(func(t *testing.T, method, path, contentType string, body []byte) {
		if method == "" || strings.Trim(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return
		}
		u, err := url.Parse(path)
		if err != nil || !strings.HasPrefix(u.Path, "/") {
			return
		}
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Method, req.URL, req.RequestURI = method, u, path
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, rec.Body.Bytes())
		}
		if !strings.HasPrefix(req.URL.Path, "/v1/") || req.URL.Path == PathOpenAPI {
			return
		}
		if _, err := c.Operation(req.Method, req.URL.EscapedPath()); err != nil {
			return // no operation: a 404 problem, checked above for 5xx only
		}
		if err := c.CheckResponse(req.Method, req.URL.EscapedPath(), res.StatusCode, res.Header.Get("Content-Type"), rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %s: the answer breaks the contract: %v", method, path, err)
		}
		if res.StatusCode < 300 {
			if err := c.CheckRequest(req.Method, req.URL.EscapedPath(), contentType, body); err != nil {
				t.Fatalf("%s %s: took a request the contract refuses: %v", method, path, err)
			}
		} else if digitRun(rec.Body.String()) {
			t.Fatalf("%s %s: the problem shows a long run of digits: %s", method, path, rec.Body.Bytes())
		}
	})
}

func digitRun(s string) bool {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if n++; n >= 15 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}
