package audit

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"
)

// Events the agent records. Callers may use other names of the same shape
// (lower-case words joined by dots); names starting with "audit." are
// written by the log itself and refused from callers.
const (
	EventIDCardRead      = "idcard.read"         // a card was read from the reader
	EventIDCardDisclosed = "idcard.disclosed"    // card data was sent to a client
	EventSignatureTaken  = "signature.captured"  // a signature was captured and its evidence bundle signed
	EventPairingAdded    = "pairing.added"       // an origin or native program was paired
	EventPairingRemoved  = "pairing.removed"     // a pairing was removed
	EventAgentStarted    = "agent.started"       // the agent started
	EventAgentStopped    = "agent.stopped"       // the agent stopped
	EventRotated         = "audit.rotated"       // first record of a file after a rotation
	EventRepaired        = "audit.repaired"      // the log was found damaged and repaired
	EventRotateFailed    = "audit.rotate-failed" // audit.jsonl could not be rotated; writing goes on in it
)

// Limits of a caller's record.
const (
	// MaxRecordBytes is the longest line Append writes for a caller.
	MaxRecordBytes = 4096
	// MaxDetail is the most entries a record's Detail may have.
	MaxDetail = 16
)

// timeLayout is RFC 3339 with milliseconds; times are written in UTC.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// zeroHash is the prev of the first record of a log.
const zeroHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Record is one audited event. Empty fields are left out of the line.
type Record struct {
	// Seq is the record's place in the chain, set by Append.
	Seq int64
	// Time is when the event happened; zero means now (the Log's clock).
	Time time.Time
	// Event names what happened, e.g. EventIDCardRead.
	Event string
	// Device is the device involved, e.g. the reader's id.
	Device string
	// Origin is the client's normalised web origin, "" for a native client.
	Origin string
	// Client names the client, e.g. a paired native program.
	Client string
	// ID is the masked ID number (idnumber.Mask); a full number is masked.
	ID string
	// Purpose is the purpose the caller gave for the access.
	Purpose string
	// Result is the outcome, e.g. "ok" or "refused".
	Result string
	// Reason is the stable reason of a failure, e.g. "NO_CARD".
	Reason string
	// Detail holds a few more short strings (at most MaxDetail).
	Detail map[string]string
	// Prev is the hex SHA-256 of the previous record's line, set by Append.
	Prev string
}

// wire is a record as it is written: the field order of the line.
type wire struct {
	Seq     int64             `json:"seq"`
	Time    string            `json:"time"`
	Event   string            `json:"event"`
	Device  string            `json:"device,omitempty"`
	Origin  string            `json:"origin,omitempty"`
	Client  string            `json:"client,omitempty"`
	ID      string            `json:"id,omitempty"`
	Purpose string            `json:"purpose,omitempty"`
	Result  string            `json:"result,omitempty"`
	Reason  string            `json:"reason,omitempty"`
	Detail  map[string]string `json:"detail,omitempty"`
	Prev    string            `json:"prev"`
}

// encode returns the line of w, without a newline.
func (w *wire) encode() ([]byte, error) {
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("audit: encode record: %w", err)
	}
	return b, nil
}

// formatTime formats t for a line.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// callerWire checks a caller's record and returns it ready to be chained:
// the id field has any full ID number masked, and a full ID number
// anywhere else is refused with ErrFullIDNumber. Seq, Prev and, when r.Time
// is zero, Time are filled in by the writer.
func callerWire(r Record) (wire, error) {
	w := wire{
		Event: r.Event, Device: r.Device, Origin: r.Origin, Client: r.Client,
		ID: maskFullIDs(r.ID), Purpose: r.Purpose, Result: r.Result, Reason: r.Reason,
	}
	if !r.Time.IsZero() {
		w.Time = formatTime(r.Time)
	}
	if err := checkEventName(r.Event); err != nil {
		return wire{}, err
	}
	if strings.HasPrefix(r.Event, "audit.") {
		return wire{}, fmt.Errorf("audit: event %q is reserved for the log itself", r.Event)
	}
	if len(r.Detail) > MaxDetail {
		return wire{}, fmt.Errorf("audit: detail has %d entries, at most %d", len(r.Detail), MaxDetail)
	}
	for k := range r.Detail {
		if err := checkDetailKey(k); err != nil {
			return wire{}, err
		}
	}
	if len(r.Detail) > 0 {
		w.Detail = maps.Clone(r.Detail)
	}
	if err := checkNoFullID(&w); err != nil {
		return wire{}, err
	}
	return w, nil
}

// checkEventName accepts lower-case ASCII words of letters, digits, '-'
// and '_' joined by dots, at most 64 bytes.
func checkEventName(s string) error {
	ok := s != "" && len(s) <= 64 && s[0] != '.' && s[len(s)-1] != '.' && !strings.Contains(s, "..")
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
	}
	if !ok {
		return fmt.Errorf("audit: bad event name %q: want lower-case words joined by dots", s)
	}
	return nil
}

// checkDetailKey accepts ASCII letters, digits, '.', '-' and '_', at most 32
// bytes.
func checkDetailKey(s string) error {
	ok := s != "" && len(s) <= 32
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
	}
	if !ok {
		return fmt.Errorf("audit: bad detail key %q: want ASCII letters, digits, '.', '-', '_'", s)
	}
	return nil
}
