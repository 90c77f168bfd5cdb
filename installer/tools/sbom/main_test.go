package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

type fakeLicences struct{}

func (fakeLicences) Of(path, version string) ([]string, error) { return []string{"MIT"}, nil }
func (fakeLicences) Stdlib(string) ([]string, error)           { return []string{"BSD-3-Clause"}, nil }

// The document lists the binary with its hash, the standard library and
// its modules, and is the same bytes every time.
func TestBuild(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1764400000, 0).UTC()
	doc, err := build("1.2.3", at, []string{exe}, fakeLicences{})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := build("1.2.3", at, []string{exe}, fakeLicences{})
	a, _ := json.Marshal(doc)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Error("two runs differ")
	}
	if doc.Metadata.Timestamp != "2025-11-29T07:06:40Z" {
		t.Errorf("timestamp %s", doc.Metadata.Timestamp)
	}
	if !regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(doc.SerialNumber) {
		t.Errorf("serial %s", doc.SerialNumber)
	}
	var bin, std, lic bool
	for _, c := range doc.Components {
		switch {
		case c.Type == "application" && len(c.Hashes) == 1 && len(c.Hashes[0].Content) == 64:
			bin = true
		case c.Name == "stdlib" && c.Licenses[0].License.ID == "BSD-3-Clause":
			std = true
		case c.Name == "github.com/google/licensecheck" && c.Licenses[0].License.ID == "MIT":
			lic = true
		}
	}
	if !bin || !std || !lic {
		t.Errorf("binary %v, stdlib %v, licensecheck module %v:\n%s", bin, std, lic, a)
	}
}

func TestClassify(t *testing.T) {
	mit := `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`
	if got := classify([]byte("Copyright 2020 Someone\n\n" + mit)); strings.Join(got, ",") != "MIT" {
		t.Errorf("MIT text: %q", got)
	}
	if got := classify([]byte("All rights reserved. Do not copy.")); got != nil {
		t.Errorf("no licence: %q", got)
	}
	dir := t.TempDir()
	if got, _ := classifyDir(dir); strings.Join(got, ",") != "NOASSERTION" {
		t.Errorf("no files: %q", got)
	}
	os.WriteFile(dir+"/LICENSE.txt", []byte("All rights reserved."), 0o644)
	if got, _ := classifyDir(dir); strings.Join(got, ",") != "unrecognised: LICENSE.txt" {
		t.Errorf("unknown text: %q", got)
	}
}

func TestEscape(t *testing.T) {
	if got := escape("github.com/BurntSushi/toml"); got != "github.com/!burnt!sushi/toml" {
		t.Error(got)
	}
}
