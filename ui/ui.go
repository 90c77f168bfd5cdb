// Package ui is the kiosk web page: static files embedded in the binary and
// served by the agent at "/". The page talks to the agent only over the
// WebSocket at /ws, through the JavaScript client that the agent serves at
// /protocol/kiosk-client.js. Nothing is fetched from elsewhere at run time:
// no web fonts, no CDN scripts.
package ui

import (
	"bytes"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Files returns the pages' files (the flow at index.html, card.html,
// sign.html, sim.html, their scripts and styles, the spoken prompts), rooted at
// the static folder.
func Files() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

// Handler serves the page's files at "/" (index.html at "/") with an exact
// Content-Type, "Cache-Control: no-store" (a kiosk must show the page of the
// agent it runs with, never a cached older one) and, on the HTML page, a
// Content-Security-Policy that allows only the page's own host. Mount it at
// "/" of the agent's mux. It answers GET and HEAD only.
func Handler() http.Handler {
	return handler{files: Files()}
}

type handler struct {
	files fs.FS
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
	// The spoken prompts (Ogg Opus): never left to /etc/mime.types, which
	// a kiosk may lack.
	".opus": "audio/ogg",
}

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	data, err := fs.ReadFile(h.files, name) // a directory is an error too
	if err != nil {
		hdr.Set("Cache-Control", "no-store")
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", contentType(name, data))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if path.Ext(name) == ".html" {
		hdr.Set("Content-Security-Policy", CSP(r.Host))
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

func contentType(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(data)
}

// hostRE matches a Host header that is safe to repeat in a header value.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// CSP is the pages' policy: its own scripts, styles, images (plus the
// data: and blob: URLs of the card photo) and sound (the spoken prompts in
// /audio/) and a WebSocket to its own host.
// The ws:// source is spelt out because older WebKit does not count it as
// 'self'.
func CSP(host string) string {
	connect := "'self'"
	if hostRE.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; " +
		"connect-src " + connect + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}
