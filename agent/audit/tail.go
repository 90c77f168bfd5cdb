package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxLineBytes is the longest line Verify and the tail reader accept. The
// writer's own records are far shorter (MaxRecordBytes for a caller's).
const maxLineBytes = 1 << 20

// chunk is how much is read at a time when searching for a newline.
const chunk = 8 << 10

// lastNewline returns the offset just after the last '\n' in the first
// size bytes of f: size when they end with one, 0 when there is none.
func lastNewline(f *os.File, size int64) (int64, error) {
	buf := make([]byte, chunk)
	for end := size; end > 0; {
		start := max(end-chunk, 0)
		b := buf[:end-start]
		if _, err := f.ReadAt(b, start); err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("audit: read %s: %w", f.Name(), err)
		}
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// lastLine returns the last line of the first size bytes of f, which end
// with '\n', without that newline.
func lastLine(f *os.File, size int64) ([]byte, error) {
	if size == 0 {
		return nil, errors.New("audit: lastLine of an empty file")
	}
	start, err := lastNewline(f, size-1)
	if err != nil {
		return nil, err
	}
	if size-1-start > maxLineBytes {
		return nil, fmt.Errorf("audit: %s: last line is longer than %d bytes", f.Name(), maxLineBytes)
	}
	b := make([]byte, size-1-start)
	if _, err := f.ReadAt(b, start); err != nil {
		return nil, fmt.Errorf("audit: read %s: %w", f.Name(), err)
	}
	return b, nil
}

// firstLine returns the first line of f, without its newline. The file
// must hold a newline within maxLineBytes.
func firstLine(f *os.File) ([]byte, error) {
	var line []byte
	buf := make([]byte, chunk)
	for off := int64(0); off <= maxLineBytes; {
		n, err := f.ReadAt(buf, off)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return append(line, buf[:i]...), nil
		}
		line = append(line, buf[:n]...)
		off += int64(n)
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("audit: %s: first line has no newline", f.Name())
		}
		if err != nil {
			return nil, fmt.Errorf("audit: read %s: %w", f.Name(), err)
		}
	}
	return nil, fmt.Errorf("audit: %s: first line is longer than %d bytes", f.Name(), maxLineBytes)
}
