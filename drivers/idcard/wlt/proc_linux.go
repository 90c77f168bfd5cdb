//go:build linux

package wlt

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// childSysProcAttr makes the kernel kill the decoder process when the
// agent dies, even if the vendor code is hung and never sees its stdin
// close. (Pdeathsig fires when the thread that started the child exits;
// the Go runtime does not end threads except locked ones, which this
// package never uses for starting children.)
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// childEnv returns environment additions for a child loading library:
// its directory is put first on LD_LIBRARY_PATH, so vendor libraries that
// depend on siblings without an RPATH load. This only works for a new
// process, which is one more reason to decode in one.
func childEnv(library string) []string {
	if !strings.ContainsRune(library, '/') {
		return nil
	}
	dir, err := filepath.Abs(filepath.Dir(library))
	if err != nil {
		return nil
	}
	if old := os.Getenv("LD_LIBRARY_PATH"); old != "" {
		dir += ":" + old
	}
	return []string{"LD_LIBRARY_PATH=" + dir}
}

// protectStdout, when w is os.Stdout, moves it out of the vendor code's
// way: file descriptor 1 is made a copy of standard error, and the
// returned writer is a private duplicate of the original stdout. restore
// undoes this.
func protectStdout(w io.Writer) (out io.Writer, restore func(), ok bool) {
	if f, isFile := w.(*os.File); !isFile || f != os.Stdout {
		return w, nil, false
	}
	saved, err := syscall.Dup(1)
	if err != nil {
		return w, nil, false
	}
	syscall.CloseOnExec(saved)
	if err := syscall.Dup3(2, 1, 0); err != nil {
		syscall.Close(saved)
		return w, nil, false
	}
	f := os.NewFile(uintptr(saved), "wlt-frames")
	return f, func() {
		syscall.Dup3(saved, 1, 0)
		f.Close()
	}, true
}
