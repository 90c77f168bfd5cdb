package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
)

func TestFieldWorkerCommand(t *testing.T) {
	var out, errb bytes.Buffer
	code := fieldWorkerCommand(nil, strings.NewReader("370481198501011235\n246810\n246810\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	line := strings.TrimSpace(out.String())
	if strings.Contains(line, "370481198501011235") || strings.Contains(line, "246810") {
		t.Fatalf("the entry shows the number or the PIN: %q", line)
	}
	if !strings.HasPrefix(line, "370481********1235 pbkdf2-sha256$") {
		t.Fatalf("entry %q", line)
	}
	if _, err := config.WorkerEntry(line); err != nil {
		t.Fatalf("the printed entry is not a valid flow.workers entry: %v", err)
	}
	for in, want := range map[string]int{
		"370481198501011235\n246810\n246811\n": 1, // PINs differ
		"370481198501011234\n246810\n246810\n": 1, // bad check digit
		"370481198501011235\n2468\n2468\n":     1, // short PIN
		"370481198501011235\n":                 2,
	} {
		out.Reset()
		if code := fieldWorkerCommand(nil, strings.NewReader(in), &out, &errb); code != want || out.Len() != 0 {
			t.Errorf("%q: exit %d, printed %q", in, code, out.String())
		}
	}
}
