package wlt

import (
	"context"
	"fmt"
)

// Sizes of the card photo and of what vendor decoders produce from it.
const (
	// WLTSize is the length of the WLT photo file read from the card.
	WLTSize = 1024
	// Width and Height are the dimensions of a decoded photo in pixels.
	Width  = 102
	Height = 126
	// RawSize is the length of a decoder's raw 24-bit pixel output:
	// Width × Height × 3 bytes, rows not padded.
	RawSize = Width * Height * 3 // 38556
	// BMPSize is the length of a 24-bit BMP file of a decoded photo: a
	// 54-byte header and 126 rows of 306 bytes padded to 308.
	BMPSize = 54 + Height*((Width*3+3)&^3) // 38862
)

// Decoder turns the 1024-byte WLT photo of a card into a PNG image.
//
// Implementations return ErrInvalidWLT for input that is not WLTSize bytes,
// ErrNoDecoder when no vendor decoder is available, a *DecodeError when the
// vendor library reports failure, ErrCrashed when an isolated decoder
// process died and ErrTimeout when the decoder did not answer in time. All
// of them are matched with errors.Is (or errors.As for *DecodeError).
type Decoder interface {
	Decode(ctx context.Context, wlt []byte) (png []byte, err error)
}

// NoDecoder is the Decoder used when no vendor library is configured. Its
// Decode returns an error matching ErrNoDecoder at once, so callers fall
// back to forwarding the raw WLT bytes. The zero value is ready to use.
type NoDecoder struct {
	// Reason, if set, is added to the error message, for example
	// "wlt.library is not set in the configuration".
	Reason string
}

// Decode returns an error matching ErrNoDecoder.
func (n NoDecoder) Decode(ctx context.Context, wlt []byte) ([]byte, error) {
	if n.Reason == "" {
		return nil, ErrNoDecoder
	}
	return nil, fmt.Errorf("%w: %s", ErrNoDecoder, n.Reason)
}

// New returns the Decoder the agent should use for cfg: NoDecoder when
// cfg.Library is empty, otherwise an IsolatedDecoder built by NewIsolated,
// which runs the library in a child process. The caller should Close the
// result when it implements io.Closer.
func New(cfg Config) (Decoder, error) {
	if cfg.Library == "" {
		return NoDecoder{Reason: "no vendor WLT library configured"}, nil
	}
	return NewIsolated(cfg)
}
