// Package platform is the agent's side of the social-assistance data
// platform: the Platform interface the flow and the outbox use, the errors
// they tell apart, and HTTP, the client of the platform's HTTPS API
// (protocol/platform/openapi.yaml). Package demo beside it is the embedded
// demo platform, the agent's default, usable in-process or over HTTP.
//
// Nothing here logs or puts in an error an ID number or a name: a request
// is named by its operation only.
package platform

import (
	"context"

	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Platform is what the agent needs from the platform. Every method is
// idempotent: a call repeated after a transient error (ErrUnavailable)
// does no harm. Errors are *Error values; tell them apart with errors.Is
// and the Err… kinds, or ask Transient.
type Platform interface {
	// Household looks up the household whose counted members include the
	// person with this ID number; that member is its ApplicantID.
	// ErrNotFound: the platform has no household record for them.
	Household(ctx context.Context, idNumber string) (*wire.Household, error)
	// Precheck pre-judges which items the household may fit.
	// ErrNotImplemented: this platform does not pre-check; ErrNotFound:
	// no such household.
	Precheck(ctx context.Context, householdID string) ([]wire.PrecheckResult, error)
	// Submit submits an application. The same IdempotencyKey with the
	// same content answers the first submission's Submitted with
	// Duplicate set; with other content it is ErrConflict.
	Submit(ctx context.Context, app wire.Application) (wire.Submitted, error)
	// UploadEvidence stores a signature bundle (wire.MediaJSON) or a
	// document (wire.MediaPDF) of the application with this idempotency
	// key, before or after the application itself; the same bytes again
	// are not stored twice.
	UploadEvidence(ctx context.Context, idempotencyKey, contentType string, body []byte) error
	// Progress lists the applications of the person with this ID number
	// (as applicant or household member), newest first; none is not an
	// error.
	Progress(ctx context.Context, idNumber string) ([]wire.Progress, error)
}

// The operations, as *Error.Op names them.
const (
	OpHousehold = "household"
	OpPrecheck  = "precheck"
	OpSubmit    = "submit"
	OpEvidence  = "evidence"
	OpProgress  = "progress"
)
