package usbvm

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// A recording is the USB traffic a gadget exchanged, one transfer a line,
// in the order the gadget saw them:
//
//	# comment
//	OUT 02 aaaaaa96690003200122
//	IN 81 aaaaaa9669000f
//
// OUT is a transfer the host sent (the gadget read it), IN one the gadget
// sent, with the endpoint address as the host sees it in hex, then the
// bytes in hex. HID gadgets also record control transfers: GET_FEATURE
// (answered by the gadget), SET_FEATURE, SET_REPORT. Marks ("MARK text")
// separate the checks. The replay tests next to the USB framing code read
// the same format.

// Recorder writes a recording. A nil *Recorder records nothing.
type Recorder struct {
	mu sync.Mutex
	w  *bufio.Writer
	f  *os.File
}

// NewRecorder creates the recording file path.
func NewRecorder(path, comment string) (*Recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	r := &Recorder{w: bufio.NewWriter(f), f: f}
	for _, l := range strings.Split(comment, "\n") {
		fmt.Fprintf(r.w, "# %s\n", l)
	}
	return r, nil
}

// Transfer records one transfer.
func (r *Recorder) Transfer(kind string, ep uint8, b []byte) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, "%s %02x %s\n", kind, ep, hex.EncodeToString(b))
}

// Mark records a separator line.
func (r *Recorder) Mark(text string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, "MARK %s\n", text)
}

// Flush writes out what was recorded.
func (r *Recorder) Flush() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.w.Flush(); err != nil {
		return err
	}
	return r.f.Sync()
}

// Line is one parsed recording line.
type Line struct {
	Kind string // OUT, IN, GET_FEATURE, SET_FEATURE, SET_REPORT, MARK
	EP   uint8
	Data []byte
	Text string // MARK's text
}

// ParseRecording reads a recording.
func ParseRecording(r io.Reader) ([]Line, error) {
	var out []Line
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(t, "MARK "); ok {
			out = append(out, Line{Kind: "MARK", Text: rest})
			continue
		}
		f := strings.Fields(t)
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("line %d: %q", n, t)
		}
		ep, err := strconv.ParseUint(f[1], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("line %d: endpoint: %w", n, err)
		}
		var data []byte
		if len(f) == 3 {
			if data, err = hex.DecodeString(f[2]); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
		}
		out = append(out, Line{Kind: f[0], EP: uint8(ep), Data: data})
	}
	return out, sc.Err()
}
