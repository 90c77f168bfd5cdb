//go:build unix

package serialport

import (
	"errors"
	"syscall"
)

// errnoKind classifies the errno in err, if any, by the unix table.
func errnoKind(err error, _ bool) Kind {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return KindOther
	}
	return classifyUnixErrno(uintptr(errno))
}
