package sigpad

import "errors"

// ErrNotReady means the pad stayed in a state in which it does not accept
// the command (busy drawing an image, computing keys, rebooting), or did
// not answer a command it should have answered, until the driver gave up.
// Drivers return it wrapped in a typed error that says which state and, on
// Wacom pads, which lastResultCode.
var ErrNotReady = errors.New("sigpad: the pad is not ready for this command")

// ErrRejected means the pad took a command and refused it: a Wacom pad's
// lastResultCode was not zero afterwards. The typed error carries the code
// and its meaning.
var ErrRejected = errors.New("sigpad: the pad rejected the command")

// ErrUnsupported means this pad (or this driver for it) cannot do what was
// asked: an image on a pad without one, an ink colour on a mono pad, a
// report the model does not have.
var ErrUnsupported = errors.New("sigpad: not supported by this pad")

// ErrBadReport means a report from the pad was too short or otherwise did
// not decode.
var ErrBadReport = errors.New("sigpad: malformed report from the pad")

// ErrOffScreen means an image or a handwriting area does not fit the pad's
// screen: it is empty or reaches outside it.
var ErrOffScreen = errors.New("sigpad: outside the pad's screen")
