package platform

import (
	_ "embed"
	"encoding/json"
)

// OpenAPI is the wire contract (openapi.yaml, OpenAPI 3.1): the operations
// below, their bodies and their errors. Package contract compiles it for
// validation.
//
//go:embed openapi.yaml
var OpenAPI []byte

// The operations of the contract, as method and path. The applicant's ID
// number travels in request bodies only: URLs end up in logs.
const (
	// PathLookup: POST an IDNumberRequest, answered with a Household.
	PathLookup = "/v1/households/lookup"
	// PathPrecheck: POST a PrecheckRequest, answered with []PrecheckResult.
	PathPrecheck = "/v1/precheck"
	// PathApplications: POST an Application, answered with Submitted (201
	// when stored now, 200 with Duplicate when the key was seen before).
	PathApplications = "/v1/applications"
	// PathEvidence is the prefix of PUT /v1/evidence/{idempotencyKey}/{sha256}:
	// a signature bundle (application/json) or a document (application/pdf)
	// of the application with that key, answered with EvidenceReceipt.
	PathEvidence = "/v1/evidence/"
	// PathProgress: POST an IDNumberRequest, answered with []Progress.
	PathProgress = "/v1/progress"
)

// The media types of the contract.
const (
	MediaJSON    = "application/json"
	MediaPDF     = "application/pdf"
	MediaProblem = "application/problem+json"
)

// IDNumberRequest is the body of a household look-up and of a progress
// query.
type IDNumberRequest struct {
	IDNumber string `json:"idNumber"`
}

// PrecheckRequest is the body of a pre-check.
type PrecheckRequest struct {
	HouseholdID string `json:"householdId"`
}

// EvidenceReceipt is the platform's answer to an evidence upload.
type EvidenceReceipt struct {
	IdempotencyKey string `json:"idempotencyKey"`
	SHA256         string `json:"sha256"` // lower-case hex
	ContentType    string `json:"contentType"`
	Size           int64  `json:"size"`
	ReceivedAt     string `json:"receivedAt"` // RFC 3339
	// Duplicate says these bytes were stored before: nothing new was.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Problem is every error answer (RFC 9457, application/problem+json).
// Code is stable and is what clients act on; Title and Detail are for
// people and never hold an ID number or a name.
type Problem struct {
	Type   string `json:"type,omitempty"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// The problem codes. Whether a caller may retry follows from the code: the
// ones marked permanent say the same request will fail again.
const (
	CodeInvalidRequest      = "invalid_request"        // 400, permanent: malformed or invalid body
	CodeDigestMismatch      = "digest_mismatch"        // 400, permanent: evidence bytes do not hash to the URL's sha256
	CodeHouseholdNotFound   = "household_not_found"    // 404, permanent: no household record for that ID number or household ID
	CodeIdempotencyConflict = "idempotency_conflict"   // 409, permanent: the key was used for a different application
	CodeTooLarge            = "too_large"              // 413, permanent
	CodeUnsupportedMedia    = "unsupported_media_type" // 415, permanent
	CodePrecheckUnavailable = "precheck_unavailable"   // 501, permanent: this platform does not pre-check
	CodeNoRoute             = "no_route"               // 404, transient: no such operation here (a wrong base URL)
	CodeRateLimited         = "rate_limited"           // 429, transient
	CodeInternal            = "internal"               // 500, transient
	CodeUnavailable         = "unavailable"            // 503, transient
)

// The JSON of a nil slice is null; the contract has arrays. These
// MarshalJSON methods write [] for the nil slices of fields that are not
// omitempty, so what goes on the wire always matches openapi.yaml.

// MarshalJSON writes Members as [] when nil.
func (h Household) MarshalJSON() ([]byte, error) {
	type plain Household
	p := plain(h)
	p.Members = nonNil(p.Members)
	return json.Marshal(p)
}

// MarshalJSON writes Items and Signatures as [] when nil.
func (a Application) MarshalJSON() ([]byte, error) {
	type plain Application
	p := plain(a)
	p.Items = nonNil(p.Items)
	p.Signatures = nonNil(p.Signatures)
	return json.Marshal(p)
}

// MarshalJSON writes Items and Stages as [] when nil.
func (pr Progress) MarshalJSON() ([]byte, error) {
	type plain Progress
	p := plain(pr)
	p.Items = nonNil(p.Items)
	p.Stages = nonNil(p.Stages)
	return json.Marshal(p)
}

// MarshalJSON writes Tests as [] when nil.
func (r PrecheckResult) MarshalJSON() ([]byte, error) {
	type plain PrecheckResult
	p := plain(r)
	p.Tests = nonNil(p.Tests)
	return json.Marshal(p)
}

// MarshalJSON writes Conditions, Steps, Materials and Contacts as [] when
// nil.
func (n Notice) MarshalJSON() ([]byte, error) {
	type plain Notice
	p := plain(n)
	p.Conditions = nonNil(p.Conditions)
	p.Steps = nonNil(p.Steps)
	p.Materials = nonNil(p.Materials)
	p.Contacts = nonNil(p.Contacts)
	return json.Marshal(p)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
