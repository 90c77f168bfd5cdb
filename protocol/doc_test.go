package protocol_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestProtocolDocUpToDate: docs/protocol.md is what
// protocol/internal/gendoc makes of the schema and protocol.go.
func TestProtocolDocUpToDate(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	cmd := exec.Command(goBin, "run", "./internal/gendoc", "-stdout")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run ./protocol/internal/gendoc: %v\n%s", err, stderr.Bytes())
	}
	got, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatalf("%v; run: go run ./protocol/internal/gendoc", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	i := 0
	for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
		i++
	}
	line := func(l []string) string {
		if i < len(l) {
			return l[i]
		}
		return "(end of file)"
	}
	t.Errorf("docs/protocol.md is out of date with protocol/schema/protocol.schema.json and protocol/protocol.go; run:\n\tgo run ./protocol/internal/gendoc\nfirst difference, line %d:\n\thave: %s\n\twant: %s", i+1, line(gl), line(wl))
}
