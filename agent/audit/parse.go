package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// parseLine parses one line of the log (without its newline) strictly: one
// JSON object of the known fields and nothing after it, valid UTF-8, seq
// at least 1, a UTC time with milliseconds as the writer formats it, an
// event name, prev as 64 lower-case hex digits, and no full ID number in
// the fields a caller fills. It is what Verify trusts, and a fuzz target.
func parseLine(b []byte) (wire, error) {
	var w wire
	if len(b) == 0 {
		return w, errors.New("empty line")
	}
	if !utf8.Valid(b) {
		return w, errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return wire{}, fmt.Errorf("not a JSON record: %w", err)
	}
	if dec.InputOffset() != int64(len(b)) {
		return wire{}, errors.New("data after the record")
	}
	if w.Seq < 1 {
		return wire{}, fmt.Errorf("seq %d: want 1 or more", w.Seq)
	}
	if t, err := time.Parse(timeLayout, w.Time); err != nil || formatTime(t) != w.Time {
		return wire{}, fmt.Errorf("time %q: want UTC RFC 3339 with milliseconds", w.Time)
	}
	if err := checkEventName(w.Event); err != nil {
		return wire{}, errors.New(trimPrefix(err))
	}
	if !isHash(w.Prev) {
		return wire{}, errors.New("prev: want 64 lower-case hex digits")
	}
	if len(w.Detail) == 0 {
		w.Detail = nil
	}
	for k := range w.Detail {
		if err := checkDetailKey(k); err != nil {
			return wire{}, errors.New(trimPrefix(err))
		}
	}
	if err := checkNoFullID(&w); err != nil {
		return wire{}, errors.New(trimPrefix(err))
	}
	return w, nil
}

// isHash reports whether s is 64 lower-case hex digits.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// trimPrefix drops the "audit: " of an error made for Append, for a
// problem text of Verify.
func trimPrefix(err error) string {
	s := err.Error()
	if len(s) > 7 && s[:7] == "audit: " {
		return s[7:]
	}
	return s
}
