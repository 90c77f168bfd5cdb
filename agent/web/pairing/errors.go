package pairing

import (
	"fmt"
	"strings"
)

// CorruptError says the pairing file cannot be used. Nothing is written
// over a corrupt file: a person must fix or remove it.
type CorruptError struct {
	Path string // the pairing file
	Err  error  // what is wrong with it
}

// Error implements error.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("pairing: %s is corrupt (%v); fix or remove it, nothing was changed", e.Path, e.Err)
}

// Unwrap returns what is wrong with the file.
func (e *CorruptError) Unwrap() error { return e.Err }

// UnknownFieldError says a requested field is not one of the protocol's.
type UnknownFieldError struct {
	Field string   // the unknown name
	Valid []string // the names accepted, "all" last
}

// Error implements error.
func (e *UnknownFieldError) Error() string {
	return fmt.Sprintf("pairing: unknown field %q; valid fields: %s", e.Field, strings.Join(e.Valid, ", "))
}
