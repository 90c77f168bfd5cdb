//go:build windows

package serialport

import (
	"errors"
	"syscall"
)

// errnoKind classifies the system error code in err, if any, by the
// Windows table.
func errnoKind(err error, opening bool) Kind {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return KindOther
	}
	return classifyWindowsCode(uint32(errno), opening)
}
