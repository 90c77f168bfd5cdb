package config

import "github.com/kiosk-agent/kiosk-agent/agent/internal/fileerr"

// Error is one problem with the configuration: File is the configuration
// file's name or the flag that set the value ("--poll-interval"), empty
// for a default and for Validate's errors; Line is 0 when unknown or not
// in a file; Key is the dotted key ("idcard.pollInterval").
type Error = fileerr.Error

// Errors is every problem found at once, sorted by line (problems that are
// not on a line of the file come last). Load, Parse and Flags.Load return
// it as their error; take it apart with errors.As.
type Errors = fileerr.Errors
