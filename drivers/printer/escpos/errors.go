package escpos

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of receipt validation; a *ValidationError wraps one of
// them, so errors.Is tells the kind.
var (
	// ErrUnknownType is a block type this package does not know.
	ErrUnknownType = errors.New("unknown block type")
	// ErrBadValue is a field whose value is not one of those allowed.
	ErrBadValue = errors.New("value not allowed")
	// ErrUnusedField is a field set on a block type that does not use it.
	ErrUnusedField = errors.New("field not used by this block type")
	// ErrEmpty is a required field left empty.
	ErrEmpty = errors.New("empty")
	// ErrTooLong is a field, or the whole receipt, over its size limit.
	ErrTooLong = errors.New("too long")
	// ErrBadText is text that is not valid UTF-8 or holds a control
	// character (a control byte would be taken as a printer command).
	ErrBadText = errors.New("invalid text")
	// ErrNotEncodable is a barcode payload that Code 128 cannot carry.
	ErrNotEncodable = errors.New("not encodable as Code 128")
	// ErrTooWide is a barcode or QR code that does not fit the paper.
	ErrTooWide = errors.New("does not fit the paper width")
	// ErrBadPNG is an image that does not decode as a PNG of acceptable size.
	ErrBadPNG = errors.New("bad PNG image")
	// ErrNoGlyph is a character that the printer cannot print and that no
	// font of the chain has either, so it cannot be drawn.
	ErrNoGlyph = errors.New("no font has the character")
)

// ValidationError is what is wrong with one field of one block of a
// Receipt. Block is the block's index, or -1 for the receipt itself.
type ValidationError struct {
	Block  int    // index into Receipt.Blocks; -1: the receipt
	Type   string // the block's type, when known
	Field  string // the Go field name: "Text", "Data", "PNG", "Width" …
	Err    error  // one of the sentinel errors above
	Detail string // what exactly, for a person
}

// Error names the block, its field and the problem.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("escpos: ")
	if e.Block >= 0 {
		fmt.Fprintf(&b, "block %d", e.Block)
		if e.Type != "" {
			fmt.Fprintf(&b, " (%s)", e.Type)
		}
		b.WriteString(" ")
	} else {
		b.WriteString("receipt ")
	}
	b.WriteString(e.Field)
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *ValidationError) Unwrap() error { return e.Err }

// ValidationErrors is every problem found in a receipt, in block order.
// errors.As finds the first *ValidationError; errors.Is matches any.
type ValidationErrors []*ValidationError

// Error lists the problems, one per line.
func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns each problem.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ErrBadParameter is a command parameter out of its range; the Encoder
// records it (see Encoder.Err) and appends nothing for that command.
var ErrBadParameter = errors.New("escpos: parameter out of range")

// CommandError is an Encoder method called with a parameter out of range.
type CommandError struct {
	Command string // e.g. "GS !"
	Detail  string
}

// Error names the command.
func (e *CommandError) Error() string {
	return "escpos: " + e.Command + ": " + e.Detail
}

// Unwrap returns ErrBadParameter.
func (e *CommandError) Unwrap() error { return ErrBadParameter }

// ErrBadProfile is a Profile whose fields are out of range.
var ErrBadProfile = errors.New("escpos: bad printer profile")

// ProfileError names the Profile field that is out of range.
type ProfileError struct {
	Profile string
	Field   string
	Detail  string
}

// Error names the profile and field.
func (e *ProfileError) Error() string {
	return fmt.Sprintf("escpos: profile %q: %s: %s", e.Profile, e.Field, e.Detail)
}

// Unwrap returns ErrBadProfile.
func (e *ProfileError) Unwrap() error { return ErrBadProfile }
