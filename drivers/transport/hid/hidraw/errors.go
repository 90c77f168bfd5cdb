package hidraw

import "errors"

// ErrUnsupported is returned by Open and List where there is no hidraw
// (every system but Linux).
var ErrUnsupported = errors.New("hidraw: hidraw nodes exist on Linux only")
