package webview

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestScriptIsAFunctionOfItsConfig(t *testing.T) {
	s := Script(true)
	if !strings.HasPrefix(s, "(function (CFG) {\n") ||
		!strings.HasSuffix(s, `})({"beat":"`+BeatFunction+`","interval":2000,"probe":true});`+"\n") {
		t.Fatalf("script's frame:\n%s...%s", s[:40], s[len(s)-80:])
	}
	if !strings.Contains(Script(false), `"probe":false`) {
		t.Fatal("probe off not passed")
	}
	// Where node is at hand, the script must at least parse.
	node, err := exec.LookPath("node")
	if err != nil {
		t.Log("no node: the script's syntax is checked by the webview tests only")
		return
	}
	f := filepath.Join(t.TempDir(), "lock.js")
	os.WriteFile(f, []byte(s), 0o600)
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Fatalf("node --check: %v\n%s", err, out)
	}
}

func TestStyleSheet(t *testing.T) {
	if strings.Contains(StyleSheet(false), "cursor") || !strings.Contains(StyleSheet(true), "cursor: none !important") {
		t.Fatal("hide-cursor rule")
	}
	if !strings.Contains(StyleSheet(false), "user-select: none") {
		t.Fatal("no selection rule")
	}
}

func TestWriteReadReport(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.json")
	r := Report{Seq: 3, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Start: 2, URL: testURL, Page: PageShown,
		Href: testURL, Probe: &Probe{Width: 1920, Height: 1080, DPR: 1, Scale: 1, Text: &TextBox{S: "请稍等", X: 1, Y: 2, W: 3, H: 4}},
		Zoom: 1, Blocked: map[string]int{"zoom": 1}}
	if err := WriteReport(p, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReport(p)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("%v\n got %+v\nwant %+v", err, got, r)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".report-*")); len(m) != 0 {
		t.Fatalf("temporary files left: %v", m)
	}
}
