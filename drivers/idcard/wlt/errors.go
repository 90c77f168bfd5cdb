package wlt

import (
	"errors"
	"fmt"
)

// Errors returned by the decoders of this package. Returned errors wrap
// these sentinels, so test for them with errors.Is.
var (
	// ErrNoDecoder means no WLT decoder is available: none is configured,
	// this platform cannot load vendor libraries, or the configured
	// library or symbol could not be loaded. The caller should forward the
	// raw WLT bytes instead of a picture.
	ErrNoDecoder = errors.New("wlt: no photo decoder available")

	// ErrCrashed means the decoder process died before answering, for
	// example because the vendor library dereferenced a bad pointer or
	// called abort(), or that it keeps dying and is in restart back-off.
	ErrCrashed = errors.New("wlt: decoder process crashed")

	// ErrTimeout means the decoder did not answer within the configured
	// timeout or the caller's deadline. An isolated decoder process is
	// killed when this happens.
	ErrTimeout = errors.New("wlt: decoder timed out")

	// ErrInvalidWLT means the input is not WLTSize bytes long. The vendor
	// library is not called.
	ErrInvalidWLT = errors.New("wlt: photo data must be 1024 bytes")

	// ErrDecodeFailed is matched (with errors.Is) by every *DecodeError.
	ErrDecodeFailed = errors.New("wlt: vendor decoder reported failure")

	// ErrBadImage means the vendor library reported success but its output
	// is not an image this package understands (wrong BMP header, missing
	// output file and the like).
	ErrBadImage = errors.New("wlt: decoder output is not a valid image")

	// ErrClosed means the decoder was used after Close.
	ErrClosed = errors.New("wlt: decoder closed")

	// ErrConfig means the Config is invalid (unknown ABI, missing library
	// path and the like).
	ErrConfig = errors.New("wlt: invalid decoder configuration")
)

// DecodeError reports that the vendor entry point returned a code other
// than its ABI's success code. errors.Is(err, ErrDecodeFailed) is true for
// it.
type DecodeError struct {
	ABI    string // the Config.ABI of the call
	Symbol string // the entry point that was called
	Code   int    // the value the entry point returned
	Detail string // the vendor's meaning of Code, if known; may be empty
}

// Error implements error.
func (e *DecodeError) Error() string {
	s := fmt.Sprintf("wlt: %s (%s ABI) returned %d", e.Symbol, e.ABI, e.Code)
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Is reports whether target is ErrDecodeFailed.
func (e *DecodeError) Is(target error) bool { return target == ErrDecodeFailed }
