package documents

import (
	"errors"
	"fmt"
)

var (
	// ErrNoFont: no font was found that gopdf can embed and that has
	// Chinese characters. The error names what was tried.
	ErrNoFont = errors.New("documents: no embeddable Chinese font found")
	// ErrCFF: the face has CFF (PostScript) outlines — Noto Sans CJK,
	// Source Han — which gopdf cannot embed; it embeds TrueType (glyf)
	// outlines only.
	ErrCFF = errors.New("documents: CFF outlines (gopdf embeds TrueType glyf outlines only)")
	// ErrFontFormat: a font file is not one gopdf can read (what is
	// wrong follows in the message).
	ErrFontFormat = errors.New("documents: font not usable")
	// ErrFontChanged: a font file changed on disk after New read it, so
	// the measurements made from it no longer hold. Make a new Renderer.
	ErrFontChanged = errors.New("documents: font file changed since it was read")
)

func errFont(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFontFormat}, args...)...)
}

// FontError is a font file that could not be used, and why.
type FontError struct {
	Path string
	Face int // the face of a collection; 0 for a single font
	Err  error
}

func (e *FontError) Error() string {
	return fmt.Sprintf("documents: font %s (face %d): %v", e.Path, e.Face, e.Err)
}

func (e *FontError) Unwrap() error { return e.Err }

// InputError is document data that cannot be rendered as given: Field
// names it (e.g. "signers[1].signature.png").
type InputError struct {
	Field  string
	Reason string
}

func (e *InputError) Error() string { return "documents: " + e.Field + ": " + e.Reason }

// MismatchError: a signature's evidence bundle signs another text than
// the one being rendered (its document SHA-256 is not that of the
// document's text rendering), so the signature would be shown under a
// text the person did not sign.
type MismatchError struct {
	Signer string // the signer's place, e.g. "signers[0]"
	Signed string // the SHA-256 the bundle signs
	Text   string // the SHA-256 of the text rendered now
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("documents: %s: the evidence bundle signs text %s, but this document's text is %s", e.Signer, e.Signed, e.Text)
}
