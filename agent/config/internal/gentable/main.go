// Command gentable writes the configuration table (config.Markdown) into
// README.md, between its config-table markers. Run it from anywhere in the
// module:
//
//	go run ./agent/config/internal/gentable
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/config/internal/readme"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gentable:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	path := filepath.Join(root, "README.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := readme.Splice(doc, config.Markdown())
	if err != nil {
		return err
	}
	if bytes.Equal(out, doc) {
		fmt.Println(path + ": up to date")
		return nil
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return err
	}
	fmt.Println(path + ": table rewritten")
	return nil
}

// moduleRoot is the nearest directory up from here with a go.mod.
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
			return "", errors.New("no go.mod in this directory or above it")
		}
		dir = parent
	}
}
