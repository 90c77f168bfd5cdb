package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestRotatesBySizeAndKeepsLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "kiosk-agent.log")
	l, err := Open(path, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(l, nil))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				log.Info("a line", "g", g, "i", i)
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// The current file and two old ones; the oldest beyond them is gone.
	var all []byte
	for _, name := range []string{path + ".2", path + ".1", path} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 1000 {
			t.Errorf("%s: %d bytes, over the limit of 1000", name, len(b))
		}
		if len(b) == 0 || !bytes.HasSuffix(b, []byte("\n")) || !bytes.HasPrefix(b, []byte("time=")) {
			t.Errorf("%s does not hold whole lines: %q", name, b)
		}
		all = append(all, b...)
	}
	if _, err := os.Stat(path + ".3"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a third old file is kept: %v", err)
	}
	// The lines kept are the last ones, each whole.
	lines := strings.Split(strings.TrimSuffix(string(all), "\n"), "\n")
	for _, line := range lines {
		if !strings.Contains(line, `msg="a line"`) || !strings.Contains(line, " i=") {
			t.Fatalf("a broken line: %q", line)
		}
	}
	if len(lines) < 20 {
		t.Errorf("only %d lines kept", len(lines))
	}
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(path)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("the log file is %v, want owner-only", st.Mode().Perm())
		}
	}
	if _, err := l.Write([]byte("late\n")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("a write after Close: %v", err)
	}
}

func TestAppendsAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.log")
	for i := range 3 {
		l, err := Open(path, 1<<20, 3)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(l, "start %d\n", i)
		l.Close()
	}
	b, _ := os.ReadFile(path)
	if string(b) != "start 0\nstart 1\nstart 2\n" {
		t.Errorf("after three starts: %q", b)
	}
	if _, err := Open(path, 0, 1); err == nil {
		t.Error("a zero size limit was taken")
	}
}
