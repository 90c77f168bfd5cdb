package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"strconv"
	"time"

	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// Response size limits, in bytes: what an answer may hold before the
// client stops reading and calls it ErrBadResponse.
const (
	MaxHouseholdResponse = 1 << 20
	MaxPrecheckResponse  = 4 << 20
	MaxProgressResponse  = 1 << 20
	MaxSmallResponse     = 64 << 10 // Submitted, EvidenceReceipt, Problem
)

// decodeAnswer decodes a 2xx answer of method and path strictly: the
// content type is JSON, the bytes are valid against the contract's schema
// for that status, and they decode into out with no unknown field and
// nothing after the value. The error is an ErrBadResponse *Error.
func decodeAnswer(c *contract.Contract, op, method, path string, status int, contentType string, body []byte, out any) error {
	bad := func(format string, args ...any) error {
		return &Error{Op: op, Kind: ErrBadResponse, Status: status, Err: fmt.Errorf(format, args...)}
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != wire.MediaJSON {
		return bad("content type %q, want %s", Redact(contentType), wire.MediaJSON)
	}
	if err := c.CheckResponse(method, path, status, contentType, body); err != nil {
		return bad("%w", err)
	}
	if err := decodeStrict(body, out); err != nil {
		return bad("%w", err)
	}
	return nil
}

// decodeStrict decodes one JSON value into out, refusing unknown fields
// and anything after the value.
func decodeStrict(body []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("decoding: %s", errorWithoutInput(err))
	}
	if dec.More() {
		return fmt.Errorf("decoding: data after the value")
	}
	return nil
}

// errorWithoutInput describes a decoding error without the input it may
// quote (a field's value can be an ID number).
func errorWithoutInput(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return "syntax error at byte " + strconv.FormatInt(e.Offset, 10)
	case *json.UnmarshalTypeError:
		return "wrong type for " + e.Field + " at byte " + strconv.FormatInt(e.Offset, 10)
	}
	// The others quote the input (DisallowUnknownFields names the key,
	// which may be anything).
	return "not the expected shape"
}

// decodeProblem reads a non-2xx answer: a problem object when there is a
// valid one, else an error that says only the status. The Kind follows
// from the code; without one, ErrUnavailable (a proxy's page, an
// overloaded server).
func decodeProblem(c *contract.Contract, op string, status int, contentType string, body []byte) *Error {
	e := &Error{Op: op, Kind: ErrUnavailable, Status: status}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != wire.MediaProblem && mt != wire.MediaJSON {
		return e
	}
	var p wire.Problem
	if c.CheckJSON("Problem", body) != nil || decodeStrict(body, &p) != nil {
		return e
	}
	e.Kind, e.Code, e.Detail = KindOf(p.Code), p.Code, Redact(p.Detail)
	return e
}

// checkHousehold checks what the schema cannot: the applicant is one of
// the members, and member IDs are unique.
func checkHousehold(h *wire.Household) error {
	seen := map[string]bool{}
	for _, m := range h.Members {
		if seen[m.ID] {
			return fmt.Errorf("member ID %q twice", Redact(m.ID))
		}
		seen[m.ID] = true
	}
	if !seen[h.ApplicantID] {
		return fmt.Errorf("applicantId names no member")
	}
	return nil
}

// checkSubmitted checks that acceptedAt is a time and deadline a date.
func checkSubmitted(s *wire.Submitted) error {
	if _, err := time.Parse(time.RFC3339, s.AcceptedAt); err != nil {
		return fmt.Errorf("acceptedAt is not RFC 3339")
	}
	if _, err := time.Parse(time.DateOnly, s.Deadline); err != nil {
		return fmt.Errorf("deadline is not a date")
	}
	return nil
}
