package platform

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// The kinds of error. Every error of a Platform is an *Error whose Kind
// is one of these, so errors.Is tells them apart. Only ErrUnavailable
// (and ErrBadResponse, which is also ErrUnavailable) is transient: the
// same call may succeed later. The others are permanent: the platform
// answered, and the same request will get the same answer.
var (
	// ErrNotFound: no household record (for that ID number or household
	// ID).
	ErrNotFound = errors.New("platform: no household record")
	// ErrConflict: the idempotency key was used before for another
	// application. A bug of the sender, never retried.
	ErrConflict = errors.New("platform: the key was used before for other content")
	// ErrRejected: the platform refused the request as invalid (a bad ID
	// number, an unknown item, evidence bytes that do not hash to their
	// digest, too large, wrong media type).
	ErrRejected = errors.New("platform: request rejected")
	// ErrNotImplemented: this platform does not offer the operation (a
	// demo platform without a pre-check).
	ErrNotImplemented = errors.New("platform: not offered by this platform")
	// ErrUnavailable: no answer, or one that says "later": the network,
	// a timeout, 5xx, 429, a proxy's page. Transient.
	ErrUnavailable = errors.New("platform: unavailable")
	// ErrBadResponse: the answer is not as the contract says (not JSON,
	// unknown fields, missing ones, too large). Treated as transient (it
	// is also ErrUnavailable): a submission whose answer was garbled is
	// sent again under the same key.
	ErrBadResponse = errors.New("platform: answer not as the contract says")
)

// Error is an error of a Platform call.
type Error struct {
	Op     string // OpHousehold, OpSubmit, …
	Kind   error  // ErrNotFound, ErrConflict, …
	Status int    // the HTTP status, 0 when there was no answer or in-process
	Code   string // the problem code (wire.Code…), "" when there was none
	Detail string // the platform's detail, cut short and with ID-like digit runs masked
	Err    error  // the cause: a network error, a context's error; may be nil
}

// NewError returns the *Error a platform answers with a problem code: its
// Kind follows from the code exactly as a client would read it.
func NewError(op, code, detail string) *Error {
	return &Error{Op: op, Kind: KindOf(code), Code: code, Detail: Redact(detail)}
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("platform: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Kind.Error(), "platform: "))
	if e.Status != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteString(")")
	}
	if e.Code != "" {
		b.WriteString(" [")
		b.WriteString(e.Code)
		b.WriteString("]")
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the kind (and ErrUnavailable for ErrBadResponse) and the
// cause.
func (e *Error) Unwrap() []error {
	errs := []error{e.Kind}
	if e.Kind == ErrBadResponse {
		errs = append(errs, ErrUnavailable)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Permanent reports whether the same call would fail again: everything
// but ErrUnavailable. The outbox parks such an item instead of retrying.
func (e *Error) Permanent() bool { return !errors.Is(e, ErrUnavailable) }

// Transient reports whether err is worth retrying later (ErrUnavailable,
// which includes ErrBadResponse). A nil error is not.
func Transient(err error) bool { return errors.Is(err, ErrUnavailable) }

// KindOf is the kind of error a problem code means. Codes this package
// does not know are ErrUnavailable: only the platform's own permanent
// codes make an error permanent.
func KindOf(code string) error {
	switch code {
	case wire.CodeHouseholdNotFound:
		return ErrNotFound
	case wire.CodeIdempotencyConflict:
		return ErrConflict
	case wire.CodeInvalidRequest, wire.CodeDigestMismatch, wire.CodeTooLarge, wire.CodeUnsupportedMedia:
		return ErrRejected
	case wire.CodePrecheckUnavailable:
		return ErrNotImplemented
	}
	return ErrUnavailable
}

// StatusOf is the HTTP status a platform answers a problem code with.
func StatusOf(code string) int {
	switch code {
	case wire.CodeInvalidRequest, wire.CodeDigestMismatch:
		return http.StatusBadRequest
	case wire.CodeHouseholdNotFound, wire.CodeNoRoute:
		return http.StatusNotFound
	case wire.CodeIdempotencyConflict:
		return http.StatusConflict
	case wire.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case wire.CodeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case wire.CodePrecheckUnavailable:
		return http.StatusNotImplemented
	case wire.CodeRateLimited:
		return http.StatusTooManyRequests
	case wire.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// ProblemFor is the problem object a platform answers err with: an *Error
// with a code keeps it; anything else is "internal" with no detail (its
// text may say more than a client should see).
func ProblemFor(err error) wire.Problem {
	var e *Error
	code, detail := wire.CodeInternal, ""
	if errors.As(err, &e) && e.Code != "" {
		code, detail = e.Code, e.Detail
	}
	status := StatusOf(code)
	return wire.Problem{Title: http.StatusText(status), Status: status, Code: code, Detail: Redact(detail)}
}

// maxDetail bounds the detail an *Error keeps, in runes.
const maxDetail = 300

// Redact makes a platform's detail, or any error text that may quote it,
// safe for a log or an operator's screen: control characters become
// spaces, runs of 15 or more digits (or X) keep only their last 4, and it
// is cut to maxDetail runes.
func Redact(s string) string {
	var b strings.Builder
	rs := []rune(s)
	n := 0
	for i := 0; i < len(rs) && n < maxDetail; {
		j := i
		for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == 'X' || rs[j] == 'x') {
			j++
		}
		if j-i >= 15 {
			b.WriteString(strings.Repeat("*", j-i-4))
			b.WriteString(string(rs[j-4 : j]))
			n += j - i
			i = j
			continue
		}
		if j > i {
			b.WriteString(string(rs[i:j]))
			n += j - i
			i = j
			continue
		}
		r := rs[i]
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			r = ' '
		}
		b.WriteRune(r)
		n++
		i++
	}
	if len(rs) > maxDetail {
		b.WriteString("…")
	}
	return b.String()
}
