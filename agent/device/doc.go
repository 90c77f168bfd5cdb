// Package device runs every device the agent drives in the same way.
//
// # Concepts
//
// A Supervisor owns one device: it opens it (Config.Open), hands the open
// device (a Session) its own goroutine until it fails, and opens it again
// with back-off. It keeps the device's State and health (package health)
// and tells its Registry when either changes — once per change, however
// many times a reopen fails in the same way. While the device is not open,
// Unavailable says why in the shared error vocabulary below.
//
// A device kind (the ID card reader, later the signature pad and the
// receipt printer) supplies only the Open function and the Session: adding
// a kind is adding a driver and a session, nothing else.
//
// Acquire grants one client an exclusive hold (a signature capture, a print
// job); another client gets ErrBusy until the hold is released or the
// holder's context ends.
//
// # Errors
//
// Services return *Error values whose Kind is one of ErrNotFound,
// ErrDisconnected, ErrBusy or ErrTimeout and which wrap the cause (a
// transport error, a driver error), so errors.Is sees both the kind and
// the cause. The API maps kinds to protocol reasons in one table.
package device
