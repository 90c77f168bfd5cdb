package protocol_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// node returns the Node.js binary; the tests fail without one (every
// machine of the project has it).
func node(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("node"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/node"); err == nil {
		return "/usr/bin/node"
	}
	t.Fatal("node (Node.js) is not on PATH nor at /usr/bin/node: the JavaScript client cannot be checked")
	return ""
}

func runIn(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestClientTypesNameEverything: kiosk-client.d.ts names every method,
// event, reason and card field of package protocol.
func TestClientTypesNameEverything(t *testing.T) {
	b, err := os.ReadFile("client/kiosk-client.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	dts := string(b)
	want := map[string][]string{"method": protocol.Methods(), "event": protocol.Events(), "card field": protocol.CardFields()}
	for _, r := range protocol.Reasons() {
		want["reason"] = append(want["reason"], string(r))
	}
	for kind, names := range want {
		for _, n := range names {
			if !strings.Contains(dts, "'"+n+"'") {
				t.Errorf("client/kiosk-client.d.ts does not name the %s '%s'", kind, n)
			}
		}
	}
	if !strings.Contains(dts, "PROTOCOL_VERSION: '"+protocol.Version+"'") {
		t.Errorf("client/kiosk-client.d.ts: PROTOCOL_VERSION is not '%s'", protocol.Version)
	}
}

// TestClientSyntax: the module and the example page's script parse, and
// keep to ES2017 (old WebKitGTK webviews run them).
func TestClientSyntax(t *testing.T) {
	nodeBin := node(t)
	runIn(t, "client", nodeBin, "--check", "kiosk-client.js")
	page, err := os.ReadFile("client/example.html")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)<script type="module">(.*?)</script>`).FindSubmatch(page)
	if m == nil {
		t.Fatal("client/example.html has no <script type=\"module\">")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "example.mjs"), m[1], 0o644); err != nil {
		t.Fatal(err)
	}
	runIn(t, dir, nodeBin, "--check", "example.mjs")
	for name, src := range map[string]string{"kiosk-client.js": string(protocol.ClientJS), "example.html": string(m[1])} {
		for _, bad := range es2017Violations(src) {
			t.Errorf("client/%s: %s (keep to ES2017)", name, bad)
		}
	}
}

// es2017Violations finds syntax newer than ES2017 that old webviews reject,
// in code with comments and string literals removed.
func es2017Violations(src string) []string {
	code := regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`+"`(?:\\\\.|[^`\\\\])*`").
		ReplaceAllString(src, `""`)
	var out []string
	for _, r := range []struct{ re, what string }{
		{`\?\.[^0-9]`, "optional chaining ?."},
		{`\?\?`, "nullish coalescing ??"},
		{`catch\s*\{`, "catch without a binding"},
		{`(^|[^\w$])#[A-Za-z_]`, "a private #name"},
		{`\*\*=`, "**= (fine in ES2016, but kept out)"},
		{`for\s+await`, "for await"},
	} {
		if regexp.MustCompile(r.re).MatchString(code) {
			out = append(out, r.what)
		}
	}
	return out
}

func TestES2017Violations(t *testing.T) {
	for src, want := range map[string]int{
		"a?.b":                      1,
		"a ? .5 : 1":                0,
		"x ?? y":                    1,
		"try {} catch { }":          1,
		"try {} catch (e) { }":      0,
		"class A { #p = 1 }":        1,
		"'#not code' // a?.b ?? c":  0,
		"/* x?.y */ const s = `??`": 0,
	} {
		if got := len(es2017Violations(src)); got != want {
			t.Errorf("es2017Violations(%q) found %d, want %d", src, got, want)
		}
	}
}

// TestClientBehaviour runs client/kiosk-client.test.mjs: the client against
// a scripted fake WebSocket (hello first, a refused token, reconnects,
// 1008).
func TestClientBehaviour(t *testing.T) {
	runIn(t, "client", node(t), "kiosk-client.test.mjs")
}

// TestClientTypesCompile type-checks kiosk-client.d.ts with tsc --strict
// through client/types-check.ts. TypeScript is a devDependency of
// client/package.json, installed by `npm ci --prefix protocol/client`; it
// cannot be downloaded at test time, so without it this test is skipped.
func TestClientTypesCompile(t *testing.T) {
	tsc := filepath.Join("client", "node_modules", "typescript", "bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		t.Fatal("TypeScript is not installed: run .ci/setup (npm ci --prefix protocol/client) so that kiosk-client.d.ts is type-checked")
	}
	runIn(t, "client", node(t), filepath.Join("node_modules", "typescript", "bin", "tsc"), "--noEmit", "--strict",
		"--target", "es2017", "--lib", "es2017,dom", "--module", "es2020", "--moduleResolution", "bundler", "types-check.ts")
}
