//go:build windows

package wlt

import (
	"io"
	"os"
	"syscall"
)

// createNoWindow keeps a console-less agent from flashing a console window
// for each decoder process.
const createNoWindow = 0x08000000

func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}

// childEnv returns environment additions for a child loading library;
// none are needed on Windows (the DLL's directory is searched through
// LOAD_WITH_ALTERED_SEARCH_PATH).
func childEnv(library string) []string { return nil }

var procSetStdHandle = syscall.NewLazyDLL("kernel32.dll").NewProc("SetStdHandle")

// protectStdout, when w is os.Stdout, makes the process's standard output
// handle the standard error handle, so a vendor DLL loaded afterwards
// (whose C runtime picks its stdout up at load time) writes there. Frames
// keep going to the original handle held by os.Stdout.
func protectStdout(w io.Writer) (out io.Writer, restore func(), ok bool) {
	if f, isFile := w.(*os.File); !isFile || f != os.Stdout {
		return w, nil, false
	}
	which := int32(syscall.STD_OUTPUT_HANDLE) // a negative DWORD constant
	stdOutput := uintptr(uint32(which))
	if err := procSetStdHandle.Find(); err != nil {
		return w, nil, false
	}
	if r, _, _ := procSetStdHandle.Call(stdOutput, uintptr(syscall.Stderr)); r == 0 {
		return w, nil, false
	}
	return w, func() { procSetStdHandle.Call(stdOutput, uintptr(syscall.Stdout)) }, true
}
