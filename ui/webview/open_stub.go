//go:build !(webview && cgo)

package webview

import "context"

// Built reports whether this binary has the kiosk window (built with cgo
// and -tags webview).
const Built = false

// Open is the kiosk window; in this build it returns ErrNotBuilt.
func Open(context.Context, Options) error { return ErrNotBuilt }
