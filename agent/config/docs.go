package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Example returns a complete configuration file: every key at its default,
// with its meaning and flag as a comment. The state directory, whose
// default depends on the machine, is commented out. Parse(Example())
// returns Default().
func Example() []byte {
	c := Default()
	var b bytes.Buffer
	b.WriteString(`# kiosk-agent configuration (TOML), every key at its default.
#
# The agent reads --config FILE, by default ` + DefaultPath() + `.
# An unknown key or a value of the wrong type is an error; every key has a
# flag of "kiosk-agent run", and flags override this file. Check a file
# with "kiosk-agent config check FILE".
`)
	table := ""
	for _, s := range settings() {
		t, name := splitLast(s.key)
		if t != table {
			fmt.Fprintf(&b, "\n[%s]\n", t)
			table = t
		}
		b.WriteString("\n")
		text := capitalize(s.docText()) + "."
		if s.defDoc != "" && s.key != keyStateDir {
			text += " Empty: " + s.defDoc + "."
		}
		text += " Flag: " + strings.ReplaceAll(s.flagDoc(), " ", "\x00") + "." // kept on one line
		if s.key == keyStateDir {
			text += " Default: " + s.defDoc + "; on this machine:"
		}
		comment(&b, text)
		line := name + " = " + s.tomlValue(&c) + "\n"
		if s.key == keyStateDir {
			line = "# " + line
		}
		b.WriteString(line)
	}
	return b.Bytes()
}

// Markdown returns the README's table of the settings: key, flag, default
// and meaning of each. go run ./agent/config/internal/gentable writes it
// into README.md.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| key | flag | default | meaning |\n|---|---|---|---|\n")
	for _, s := range settings() {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", s.key, s.flagDoc(), s.defaultDoc(), s.docText())
	}
	return b.String()
}

// Check loads the configuration file at path and writes "PATH: ok" to w, or
// each problem on a line of its own. A valid file that will still not do
// what a technician surely wants gets "PATH: warning: ..." lines after the
// ok (they do not fail the check). It returns Load's error.
func Check(path string, w io.Writer) error {
	cfg, err := Load(path)
	var errs Errors
	switch {
	case err == nil:
		fmt.Fprintf(w, "%s: ok\n", path)
		for _, warn := range cfg.Warnings() {
			fmt.Fprintf(w, "%s: warning: %s\n", path, warn)
		}
	case errors.As(err, &errs):
		for _, e := range errs {
			fmt.Fprintln(w, e)
		}
	default:
		fmt.Fprintln(w, err)
	}
	return err
}

// docText is the setting's meaning with its rule, for the docs.
func (s *setting) docText() string {
	if s.rule.doc == "" || s.ruleInMeaning() {
		return s.meaning
	}
	return s.meaning + "; " + s.rule.doc
}

// ruleInMeaning reports whether the meaning names every allowed value
// already, so that the docs need not list them again.
func (s *setting) ruleInMeaning() bool {
	if len(s.rule.values) == 0 {
		return false
	}
	for _, v := range s.rule.values {
		if !strings.Contains(s.meaning, "`"+v+"`") {
			return false
		}
	}
	return true
}

// flagDoc is the setting's flag with its argument: "--listen ADDR".
func (s *setting) flagDoc() string {
	if s.arg == "" {
		return "--" + s.flag
	}
	return "--" + s.flag + " " + s.arg
}

// defaultDoc is the setting's default for the README table.
func (s *setting) defaultDoc() string {
	switch {
	case s.defDoc != "":
		return s.defDoc
	case s.def == "":
		return "—"
	}
	return "`" + s.def + "`"
}

// comment writes text as TOML comment lines of at most about 80 columns.
func comment(b *bytes.Buffer, text string) {
	line := "#"
	for _, w := range strings.Fields(text) {
		if len(line) > 1 && len(line)+1+len(w) > 80 {
			b.WriteString(line + "\n")
			line = "#"
		}
		line += " " + strings.ReplaceAll(w, "\x00", " ")
	}
	b.WriteString(line + "\n")
}

// capitalize returns s with its first letter upper case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
