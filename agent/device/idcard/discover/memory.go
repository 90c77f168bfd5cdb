package discover

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Memory keeps the port and rate that last worked, in a small JSON file, so
// that a restart or a replug finds the reader at once.
type Memory struct {
	path string
	mu   sync.Mutex
}

// NewMemory returns a memory stored at path (created on first Remember).
func NewMemory(path string) *Memory { return &Memory{path: path} }

type remembered struct {
	IDCard struct {
		Port string `json:"port"`
		Baud int    `json:"baud"`
	} `json:"idcard"`
}

// Recall returns the remembered port, if any. A missing or unreadable file
// means nothing is remembered.
func (m *Memory) Recall() (path string, baud int, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := os.ReadFile(m.path)
	if err != nil {
		return "", 0, false
	}
	var r remembered
	if json.Unmarshal(b, &r) != nil || r.IDCard.Port == "" || r.IDCard.Baud <= 0 {
		return "", 0, false
	}
	return r.IDCard.Port, r.IDCard.Baud, true
}

// Remember stores the port that worked, atomically (a crash leaves the old
// file or the new one, never half of one).
func (m *Memory) Remember(path string, baud int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var r remembered
	r.IDCard.Port, r.IDCard.Baud = path, baud
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(m.path), 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("state directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(m.path), ".discover-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), m.path)
}
