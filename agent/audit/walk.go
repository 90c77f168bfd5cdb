package audit

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// item is one line of the log as Verify sees it.
type item struct {
	file  string   // base name
	line  int      // 1-based; 0 for an empty file
	first bool     // the first line of its file
	empty bool     // the file has no lines at all
	torn  bool     // the line has no newline: it ends the file
	raw   []byte   // the line without its newline
	hash  [32]byte // of raw
	rec   wire     // when err is nil
	err   error    // why the line is not a record
}

// seq is the item's seq, 0 when it has none.
func (it *item) seq() int64 {
	if it.err != nil {
		return 0
	}
	return it.rec.Seq
}

// walker reads the lines of the log's files in order.
type walker struct {
	dir   string
	files []string
	f     *os.File
	r     *bufio.Reader
	line  int
	done  bool // a line too long ends the walk
}

// next returns the next line, or nil after the last. An error is an I/O
// error; a line's own problems are in item.err.
func (w *walker) next() (*item, error) {
	for !w.done {
		if w.f == nil {
			if len(w.files) == 0 {
				return nil, nil
			}
			f, err := os.Open(filepath.Join(w.dir, w.files[0]))
			if err != nil {
				return nil, fmt.Errorf("audit: %w", err)
			}
			w.f, w.r, w.line = f, bufio.NewReaderSize(f, 64<<10), 0
		}
		name := w.files[0]
		raw, torn, err := readLine(w.r)
		if errors.Is(err, io.EOF) {
			w.closeFile()
			if w.line == 0 {
				return &item{file: name, first: true, empty: true}, nil
			}
			continue
		}
		w.line++
		it := &item{file: name, line: w.line, first: w.line == 1, torn: torn, raw: raw}
		if errors.Is(err, errLineTooLong) {
			it.err, w.done = err, true
			return it, nil
		}
		if err != nil {
			return nil, fmt.Errorf("audit: read %s: %w", name, err)
		}
		it.hash = sha256.Sum256(raw)
		it.rec, it.err = parseLine(raw)
		return it, nil
	}
	return nil, nil
}

func (w *walker) closeFile() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
		w.files = w.files[1:]
	}
}

// close releases the open file, if any.
func (w *walker) close() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}

var errLineTooLong = fmt.Errorf("line is longer than %d bytes", maxLineBytes)

// readLine returns the next line without its newline; torn when the file
// ends before a newline; io.EOF at the end.
func readLine(r *bufio.Reader) (line []byte, torn bool, err error) {
	for {
		b, err := r.ReadSlice('\n')
		line = append(line, b...)
		switch {
		case len(line) > maxLineBytes+1:
			return nil, false, errLineTooLong
		case err == nil:
			return line[:len(line)-1], false, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, true, nil
		}
		return nil, false, err
	}
}
