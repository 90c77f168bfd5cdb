package ui

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// directives splits a Content-Security-Policy into its directives' sources.
func directives(csp string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

// The page plays its spoken prompts from /audio/ of its own host: the
// policy allows media from there and from nowhere else (default-src
// 'none' would block them all). index.json is fetched, which connect-src
// 'self' allows.
func TestCSPAllowsSameOriginMedia(t *testing.T) {
	for _, host := range []string{"127.0.0.1:17321", "localhost", "evil; media-src *", ""} {
		d := directives(CSP(host))
		if got := strings.Join(d["media-src"], " "); got != "'self'" {
			t.Errorf("host %q: media-src %q, want 'self' alone", host, got)
		}
		if got := strings.Join(d["default-src"], " "); got != "'none'" {
			t.Errorf("host %q: default-src %q", host, got)
		}
		if len(d["connect-src"]) == 0 || d["connect-src"][0] != "'self'" {
			t.Errorf("host %q: connect-src %q does not allow the page's own host", host, d["connect-src"])
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Host = "127.0.0.1:17321"
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	if got := strings.Join(directives(rec.Header().Get("Content-Security-Policy"))["media-src"], " "); got != "'self'" {
		t.Errorf("GET /: media-src %q", got)
	}
}

// What that policy allows is there: the index and each file it names are
// served at /audio/, as Ogg.
func TestAudioIsServed(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	res, body := get("/audio/index.json")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /audio/index.json: %s, %q", res.Status, res.Header.Get("Content-Type"))
	}
	var index map[string]struct {
		File string `json:"file"`
		MS   int    `json:"ms"`
	}
	if err := json.Unmarshal(body, &index); err != nil || len(index) == 0 {
		t.Fatalf("index.json: %d entries, %v", len(index), err)
	}
	for id, e := range index {
		res, b := get("/audio/" + e.File)
		ct := res.Header.Get("Content-Type")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(string(b), "OggS") {
			t.Errorf("%s: GET /audio/%s: %s, %d bytes", id, e.File, res.Status, len(b))
		}
		// ui.go names it, whatever /etc/mime.types says.
		if ct != "audio/ogg" {
			t.Errorf("%s: Content-Type %q", id, ct)
		}
	}
}
