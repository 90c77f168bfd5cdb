package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlatformDemoUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"platform-demo", "--cert", "c.pem", "--db", db}, "--cert and --key go together"},
		{[]string{"platform-demo", "--log-level", "loud", "--db", db}, "--log-level"},
		{[]string{"platform-demo", "--rules", filepath.Join(t.TempDir(), "none.toml"), "--db", db}, "--rules"},
		{[]string{"platform-demo", "extra"}, "unexpected argument"},
		{[]string{"platform-demo", "--no-such-flag"}, "no-such-flag"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errb.String(), tc.want)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"platform-demo", "--speed", "-1", "--db", db, "--listen", "127.0.0.1:0"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "speed") {
		t.Errorf("--speed -1: exit %d, %q", code, errb.String())
	}
	if code := run([]string{"help"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "kiosk-agent platform-demo") {
		t.Errorf("help does not name platform-demo:\n%s", out.String())
	}
}
