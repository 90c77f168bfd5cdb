package usbframe

import (
	"errors"
	"fmt"
)

// ErrNotFrame means Port.Write was given something other than exactly one
// whole SAM_V frame.
var ErrNotFrame = errors.New("usbframe: write needs exactly one whole SAM_V frame")

// TransferError is a bulk transfer that failed on a Port. It unwraps to the
// Endpoints error, so errors.Is(err, transport.ErrDisconnected) and friends
// see through it.
type TransferError struct {
	Op       string // "read", "write" or "flush"
	Endpoint uint8  // endpoint address, e.g. 0x85
	Err      error
}

// Error names the operation and the endpoint, then the cause.
func (e *TransferError) Error() string {
	return fmt.Sprintf("usbframe: %s endpoint 0x%02X: %v", e.Op, e.Endpoint, e.Err)
}

// Unwrap returns the cause.
func (e *TransferError) Unwrap() error { return e.Err }
