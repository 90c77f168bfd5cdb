package config

import (
	"bytes"
	"os"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/config/internal/readme"
)

// TestREADMETable fails when README.md's configuration table is not the one
// Markdown makes.
func TestREADMETable(t *testing.T) {
	doc, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := readme.Splice(doc, Markdown())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, want) {
		t.Error("README.md's configuration table is out of date; from the module's root, run\n" +
			"\tgo run ./agent/config/internal/gentable")
	}
}
