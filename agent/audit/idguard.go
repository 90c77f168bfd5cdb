package audit

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
)

// ErrFullIDNumber is returned (wrapped, naming the field) by Append for a
// record that holds a full ID number outside the id field. Nothing of such
// a record is written.
var ErrFullIDNumber = errors.New("a full ID number may not be written to the audit log")

// fullIDSpans returns the byte ranges [start, end) of s that are full ID
// numbers: a run of exactly 18 characters (17 digits and a digit or X) or
// exactly 15 digits, not part of a longer run of digits, whose birth date
// is a valid date. The check character is not checked: a number with a
// mistyped check character is still a person's number.
func fullIDSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		end := j
		if j-i == idnumber.Len18-1 && j < len(s) && (s[j] == 'X' || s[j] == 'x') {
			end = j + 1
		}
		if n := end - i; n == idnumber.Len18 || n == idnumber.Len15 {
			if _, err := idnumber.BirthDate(s[i:end]); err == nil {
				spans = append(spans, [2]int{i, end})
			}
		}
		i = end
	}
	return spans
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maskFullIDs returns s with every full ID number in it masked by
// idnumber.Mask.
func maskFullIDs(s string) string {
	spans := fullIDSpans(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp[0]])
		b.WriteString(idnumber.Mask(s[sp[0]:sp[1]]))
		last = sp[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// checkNoFullID returns an error wrapping ErrFullIDNumber that names the
// first field of w holding a full ID number. The chain fields (seq, time,
// prev) are not looked at: they are written by the log, and a hash may
// well hold 15 digits in a row.
func checkNoFullID(w *wire) error {
	fields := []struct{ name, value string }{
		{"event", w.Event}, {"device", w.Device}, {"origin", w.Origin}, {"client", w.Client},
		{"id", w.ID}, {"purpose", w.Purpose}, {"result", w.Result}, {"reason", w.Reason},
	}
	for _, f := range fields {
		if len(fullIDSpans(f.value)) > 0 {
			return fmt.Errorf("audit: field %s: %w", f.name, ErrFullIDNumber)
		}
	}
	keys := make([]string, 0, len(w.Detail))
	for k := range w.Detail {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(fullIDSpans(k)) > 0 {
			return fmt.Errorf("audit: a detail key: %w", ErrFullIDNumber)
		}
		if len(fullIDSpans(w.Detail[k])) > 0 {
			return fmt.Errorf("audit: field detail.%s: %w", k, ErrFullIDNumber)
		}
	}
	return nil
}
