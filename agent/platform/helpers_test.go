package platform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
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
var monday0930 = time.Date(2026, 11, 30, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func openDemo(t testing.TB, opts demo.Options) *demo.Platform {
	t.Helper()
	if opts.Path == "" {
		opts.Path = filepath.Join(t.TempDir(), "demo.db")
	}
	p, err := demo.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func newClient(t testing.TB, opts platform.HTTPOptions) *platform.HTTP {
	t.Helper()
	c, err := platform.NewHTTP(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// checker is middleware that checks every request under /v1/ and every
// answer to it against the contract, as they cross the wire.
type checker struct {
	t        testing.TB
	c        *contract.Contract
	next     http.Handler
	checked  atomic.Int64
	invalid  atomic.Bool // requests may break the contract now (tests of refusals)
	requests atomic.Int64
}

func newChecker(t testing.TB, next http.Handler) *checker {
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &checker{t: t, c: c, next: next}
}

// allowInvalid runs f while requests may break the contract; the answers
// must still keep it, and a 2xx to a broken request is an error.
func (k *checker) allowInvalid(f func()) {
	k.invalid.Store(true)
	defer k.invalid.Store(false)
	f()
}

func (k *checker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.requests.Add(1)
	if !strings.HasPrefix(r.URL.Path, "/v1/") || r.URL.Path == demo.PathOpenAPI {
		k.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		k.t.Errorf("reading the request: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	reqErr := k.c.CheckRequest(r.Method, r.URL.EscapedPath(), r.Header.Get("Content-Type"), body)
	if reqErr != nil && !k.invalid.Load() {
		k.t.Errorf("the client sent what the contract refuses: %v", reqErr)
	}
	rec := httptest.NewRecorder()
	k.next.ServeHTTP(rec, r)
	res := rec.Result()
	resBody := rec.Body.Bytes()
	if res.StatusCode < 300 && reqErr != nil {
		k.t.Errorf("the server took (%d) what the contract refuses: %v", res.StatusCode, reqErr)
	}
	if err := k.c.CheckResponse(r.Method, r.URL.EscapedPath(), res.StatusCode, res.Header.Get("Content-Type"), resBody); err != nil {
		if reqErr == nil || !strings.Contains(err.Error(), "no such operation") {
			k.t.Errorf("the server answered what the contract refuses: %v", err)
		}
	}
	k.checked.Add(1)
	for h, v := range res.Header {
		w.Header()[h] = v
	}
	w.WriteHeader(res.StatusCode)
	w.Write(resBody)
}

// personal are every seeded ID number and name (and the no-record one):
// none may appear in a log.
func personal(t testing.TB) []string {
	t.Helper()
	p := openDemo(t, demo.Options{})
	var out []string
	for _, id := range []string{
		"370481195603144828", "370481195308214010", "370402198811073014", "37048119421003202X", "370481197904253015",
		"370481197507193039", "370481198305145017", "370481197602116023", "370481197006307018", "370481196604098039",
		"370481197005189021", "370481198508081113", demo.NoRecordIDNumber,
	} {
		out = append(out, id, id[6:]) // the number, and all that a mask hides
		h, err := p.Household(context.Background(), id)
		if err != nil {
			continue
		}
		for _, m := range h.Members {
			out = append(out, m.IDNumber, m.Name)
		}
	}
	return append(out, "钱进")
}

func application(key string, items ...string) wire.Application {
	return wire.Application{
		IdempotencyKey: key, HouseholdID: "TZH-0001",
		Applicant: wire.Person{Name: "王秀英", IDNumber: "370481195603144828"},
		Items:     items,
		Signatures: []wire.SignatureRef{{Document: "commitment", MemberID: "P0001-1", Name: "王秀英",
			BundleSHA256: "4f0cb9e6c2b3f7e0a8e3b6d0e7c6b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5"}},
		Channel: "kiosk", Terminal: "kiosk-test", CreatedAt: "2026-11-30T09:29:00+08:00",
	}
}

func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
