package ui

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, method, target, host string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if host != "" {
		req.Host = host
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerServesFiles(t *testing.T) {
	for _, tc := range []struct{ path, ctype, contains string }{
		{"/", "text/html; charset=utf-8", "社会救助自助申请"},
		{"/index.html", "text/html; charset=utf-8", "<!doctype html>"},
		{"/flow.js", "text/javascript; charset=utf-8", "flow.state"},
		{"/flow.css", "text/css; charset=utf-8", "Noto Sans CJK SC"},
		{"/card.html", "text/html; charset=utf-8", "请将身份证放在读卡区"},
		{"/card.js", "text/javascript; charset=utf-8", "maskIdNumber"},
		{"/style.css", "text/css; charset=utf-8", "Noto Sans CJK SC"},
	} {
		res := get(t, http.MethodGet, tc.path, "127.0.0.1:17321")
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", tc.path, res.Status)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", tc.path, got)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", tc.path, got)
		}
		if !strings.Contains(string(body), tc.contains) {
			t.Errorf("GET %s: body lacks %q", tc.path, tc.contains)
		}
	}
}

func TestHandlerCSP(t *testing.T) {
	res := get(t, http.MethodGet, "/", "127.0.0.1:17321")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self' ws://127.0.0.1:17321 wss://127.0.0.1:17321", "img-src 'self' data: blob:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	// A Host header that could inject into the policy is left out of it.
	res = get(t, http.MethodGet, "/", "evil; script-src *")
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "evil") || !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("CSP with a hostile Host: %q", csp)
	}
	if csp := get(t, http.MethodGet, "/", "[::1]:8080").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "ws://[::1]:8080") {
		t.Errorf("CSP for an IPv6 host: %q", csp)
	}
	if csp := get(t, http.MethodGet, "/flow.js", "").Header.Get("Content-Security-Policy"); csp != "" {
		t.Errorf("a script has a CSP %q", csp)
	}
}

func TestHandlerRefuses(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/nope.js", http.StatusNotFound},
		{http.MethodGet, "/../ui.go", http.StatusNotFound},
		{http.MethodGet, "/static/index.html", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/flow.js", http.StatusMethodNotAllowed},
	} {
		res := get(t, tc.method, tc.path, "")
		if res.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, res.StatusCode, tc.status)
		}
	}
	res := get(t, http.MethodHead, "/", "")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || len(body) != 0 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD /: %s, %d body bytes, %q", res.Status, len(body), res.Header.Get("Content-Type"))
	}
}

// TestNothingFromOutside keeps the page self-contained: a kiosk may have no
// internet, and a CDN must not see who uses it. Every local reference must
// resolve to an embedded file or to the agent's client module.
func TestNothingFromOutside(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	ref := regexp.MustCompile(`(?:href|src)="([^"]+)"|(?:from |fetch\()'([^']+)'|url\(([^)]+)\)|@import`)
	files := Files()
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		text := strings.ReplaceAll(string(b), "http://www.w3.org/2000/svg", "")
		if m := external.FindString(text); m != "" {
			t.Errorf("%s refers to %q outside the agent", name, m)
		}
		for _, m := range ref.FindAllStringSubmatch(text, -1) {
			target := m[1] + m[2] + m[3]
			switch {
			case m[0] == "@import":
				t.Errorf("%s uses @import", name)
			case target == "/protocol/kiosk-client.js", strings.HasPrefix(target, "data:"):
			default:
				if _, err := fs.Stat(files, strings.TrimPrefix(target, "/")); err != nil {
					t.Errorf("%s refers to %q, which is not embedded", name, target)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAudioIndex: the spoken prompts voice.js plays are the files that
// audio/index.json lists; each must be embedded. The index is committed
// (go run ./ui/internal/genaudio makes it): without it the kiosk is mute.
func TestAudioIndex(t *testing.T) {
	b, err := fs.ReadFile(Files(), "audio/index.json")
	if err != nil {
		t.Fatalf("audio/index.json is not embedded: %v", err)
	}
	var index map[string]struct {
		File string `json:"file"`
		MS   int    `json:"ms"`
	}
	if err := json.Unmarshal(b, &index); err != nil {
		t.Fatalf("audio/index.json: %v", err)
	}
	for id, e := range index {
		if _, err := fs.Stat(Files(), "audio/"+e.File); err != nil || e.MS <= 0 {
			t.Errorf("prompt %s: file %q (%d ms) is not embedded or has no length", id, e.File, e.MS)
		}
	}
	// Every prompt the flow page asks for is in the index.
	js, _ := fs.ReadFile(Files(), "flow.js")
	n := 0
	for _, list := range regexp.MustCompile(`(?:voice = |say\()\[([^\]]*)\]`).FindAllStringSubmatch(string(js), -1) {
		for _, m := range regexp.MustCompile(`'([a-z_]+\.[a-z_0-9]+)'`).FindAllStringSubmatch(list[1], -1) {
			n++
			if _, ok := index[m[1]]; !ok {
				t.Errorf("flow.js asks for the prompt %s, which audio/index.json does not list", m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d prompts found in flow.js: is the pattern still right?", n)
	}
}

// TestFlowPageIDs: every element flow.js looks up by id is on the page.
func TestFlowPageIDs(t *testing.T) {
	js, err := fs.ReadFile(Files(), "flow.js")
	if err != nil {
		t.Fatal(err)
	}
	html, err := fs.ReadFile(Files(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?:\$|setText|show|fill)\('([a-z][a-z0-9-]*)'`).FindAllStringSubmatch(string(js), -1) {
		id := m[1]
		if seen[id] {
			continue
		}
		seen[id] = true
		if !strings.Contains(string(html), `id="`+id+`"`) {
			t.Errorf("flow.js uses #%s, which index.html does not have", id)
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d ids found in flow.js: is the pattern still right?", len(seen))
	}
	// The actions the flow's screens need, under the names the tests and
	// assistive technology look for.
	for _, a := range []string{"next", "back", "extend", "call-staff", "mute", "replay", "apply", "progress", "cancel"} {
		if !strings.Contains(string(html), `data-action="`+a+`"`) {
			t.Errorf("index.html has no data-action=%q", a)
		}
	}
}
