//go:build !linux && !windows

package wlt

import (
	"io"
	"syscall"
)

func childSysProcAttr() *syscall.SysProcAttr { return nil }

func childEnv(library string) []string { return nil }

// protectStdout does nothing here; the frame reader skips stray output.
func protectStdout(w io.Writer) (out io.Writer, restore func(), ok bool) {
	return w, nil, false
}
