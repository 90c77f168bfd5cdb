package webview

import (
	"errors"
	"strings"
	"testing"
)

func TestAgentURL(t *testing.T) {
	for listen, want := range map[string]string{
		"127.0.0.1:17321":   "http://127.0.0.1:17321/",
		"localhost:8080":    "http://localhost:8080/",
		"[::1]:17321":       "http://[::1]:17321/",
		"0.0.0.0:17321":     "http://127.0.0.1:17321/",
		":17321":            "http://127.0.0.1:17321/",
		"[::]:17321":        "http://127.0.0.1:17321/",
		"127.0.0.2:17321":   "http://127.0.0.2:17321/",
		"127.0.0.1:0":       "",
		"192.168.1.20:1732": "", // not this machine's loopback: the window does not show it
		"nonsense":          "",
	} {
		got, err := AgentURL(listen)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("AgentURL(%q) = %q, %v; want %q", listen, got, err, want)
		}
	}
	if _, err := AgentURL("127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "--url") {
		t.Errorf("port 0: %v, want a hint to --url", err)
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:17321/", "http://localhost:1/x?y", "http://[::1]:17321/"} {
		if err := CheckURL(ok); err != nil {
			t.Errorf("CheckURL(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{
		"https://127.0.0.1:17321/", "http://127.0.0.1/", "http://example.com:80/", "http://10.0.0.1:17321/",
		"http://user@127.0.0.1:17321/", "file:///etc/passwd", "127.0.0.1:17321", "http://127.0.0.1.nip.io:17321/",
	} {
		if err := CheckURL(bad); err == nil {
			t.Errorf("CheckURL(%q) accepted", bad)
		}
	}
}

func TestAllowed(t *testing.T) {
	const origin = "http://127.0.0.1:17321/"
	for _, ok := range []string{
		"http://127.0.0.1:17321/", "http://127.0.0.1:17321/sim.html?x#y", "HTTP://127.0.0.1:17321/a", "about:blank",
	} {
		if !Allowed(ok, origin) {
			t.Errorf("Allowed(%q) = false", ok)
		}
	}
	for _, bad := range []string{
		"http://127.0.0.1:17322/", "http://localhost:17321/", "https://127.0.0.1:17321/", "http://127.0.0.1/",
		"http://evil.example:17321/", "file:///etc/passwd", "data:text/html,<h1>x", "javascript:alert(1)",
		"blob:http://127.0.0.1:17321/0f0e", "about:srcdoc", "", "http://127.0.0.1:17321@evil.example/",
	} {
		if Allowed(bad, origin) {
			t.Errorf("Allowed(%q) = true", bad)
		}
	}
	if Allowed("about:blank", "") != true || Allowed("http://127.0.0.1:1/", "") {
		t.Error("without an origin only about:blank may load")
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:17321/x": "http://127.0.0.1:17321",
		"http://Example.COM/":      "http://example.com:80",
		"https://a.b":              "https://a.b:443",
		"http://[::1]:9/":          "http://[::1]:9",
		"about:blank":              "",
		"data:text/plain,x":        "",
		"%%":                       "",
	} {
		if got := Origin(in); got != want {
			t.Errorf("Origin(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckDisplay(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if err := CheckDisplay(env(map[string]string{"DISPLAY": ":0"})); err != nil {
		t.Error(err)
	}
	if err := CheckDisplay(env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"})); err != nil {
		t.Error(err)
	}
	err := CheckDisplay(env(nil))
	if (err == nil) != !needsDisplay() || err != nil && !errors.Is(err, ErrNoDisplay) {
		t.Errorf("no display: %v", err)
	}
}
