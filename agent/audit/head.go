package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// head is the content of audit.head: where the chain ended after the last
// append. A head behind the file means the writer stopped between the two
// writes; a head ahead of it means records were lost from the end.
type head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	File string `json:"file"`
}

// errNoHead is returned by readHead when audit.head does not exist.
var errNoHead = errors.New("audit.head does not exist")

// readHead reads dir's audit.head: errNoHead when there is none, another
// error when it cannot be read or is not a head.
func readHead(dir string) (head, error) {
	b, err := os.ReadFile(filepath.Join(dir, headName))
	if errors.Is(err, os.ErrNotExist) {
		return head{}, errNoHead
	}
	if err != nil {
		return head{}, fmt.Errorf("read %s: %w", headName, err)
	}
	var h head
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return head{}, fmt.Errorf("%s is not a head: %w", headName, err)
	}
	if h.Seq < 0 || !isHash(h.Hash) || h.Seq == 0 && h.Hash != zeroHash {
		return head{}, fmt.Errorf("%s is not a head: bad seq or hash", headName)
	}
	return h, nil
}

// writeHead replaces dir's audit.head.
func writeHead(dir string, h head) error {
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("audit: encode head: %w", err)
	}
	return writeAtomic(dir, headName, append(b, '\n'))
}
