// Command gendoc writes docs/protocol.md, the reference of the agent's
// WebSocket API, from protocol.Schema and the names, codes and comments of
// package protocol, so that the document cannot drift from them:
//
//	go run ./protocol/internal/gendoc
//
// It refuses to write when the schema and package protocol disagree (a
// method, event or reason in one and not the other) or when a method or
// event has no summary here. With -stdout it prints the text instead
// (protocol/doc_test.go compares that with the file).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	stdout := flag.Bool("stdout", false, "print the document instead of writing it")
	out := flag.String("o", "", "write to `FILE` (default docs/protocol.md at the module root)")
	flag.Parse()
	root, err := moduleRoot()
	if err != nil {
		fail(err)
	}
	text, err := generate(filepath.Join(root, "protocol", "protocol.go"))
	if err != nil {
		fail(err)
	}
	if *stdout {
		os.Stdout.Write(text)
		return
	}
	path := *out
	if path == "" {
		path = filepath.Join(root, "docs", "protocol.md")
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, text) {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fail(err)
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		fail(err)
	}
	fmt.Fprintln(os.Stderr, "gendoc: wrote", path)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gendoc:", err)
	os.Exit(1)
}

// moduleRoot finds the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
