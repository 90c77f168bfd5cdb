//go:build !(webview && cgo)

package main

import (
	"bytes"
	"strings"
	"testing"
)

// Without the window, "kiosk" says so plainly and points to the browser.
func TestKioskCommandWithoutWebview(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"kiosk"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "built without the kiosk window") ||
		!strings.Contains(errb.String(), "-tags webview") || !strings.Contains(errb.String(), "http://127.0.0.1:17321/") {
		t.Fatalf("exit %d:\n%s", code, errb.String())
	}
}
