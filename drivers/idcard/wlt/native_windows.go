//go:build windows

package wlt

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"unsafe"
)

// nativeSupported tells whether this build can load vendor libraries.
const nativeSupported = true

// native is an entry point of a DLL loaded with the standard library.
// Proc.Call works for both __stdcall (WltRS.dll's PASCAL GetBmp) and
// __cdecl functions: on 386 the Go runtime restores the stack pointer after
// the call, and amd64/arm64 have a single calling convention.
type native struct {
	dll  *syscall.DLL
	proc *syscall.Proc
}

// Windows constants not exported by package syscall.
const (
	loadWithAlteredSearchPath = 0x00000008 // LoadLibraryEx flag
	errorBadExeFormat         = syscall.Errno(193)
)

var procLoadLibraryExW = syscall.NewLazyDLL("kernel32.dll").NewProc("LoadLibraryExW")

// openNative loads path and finds symbol. An absolute path is loaded with
// LOAD_WITH_ALTERED_SEARCH_PATH so that the DLLs it depends on (WltRS.dll
// needs the reader's sdtapi.dll) are found next to it.
func openNative(path, symbol, abi string) (*native, error) {
	if _, ok := abis[abi]; !ok {
		return nil, fmt.Errorf("%w: unknown ABI %q", ErrConfig, abi)
	}
	h, err := loadLibrary(path)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, errorBadExeFormat) {
			msg += "; the DLL is probably 32-bit: run the decoder in a 386 build of the agent (IsolatedDecoder.Command)"
		}
		return nil, fmt.Errorf("%w: loading %s: %s", ErrNoDecoder, path, msg)
	}
	dll := &syscall.DLL{Name: path, Handle: h}
	proc, err := dll.FindProc(symbol)
	if err != nil {
		// __stdcall exports are sometimes left decorated, e.g. _GetBmp@8.
		if p, err2 := dll.FindProc(fmt.Sprintf("_%s@%d", symbol, stackBytes(abi))); err2 == nil {
			return &native{dll: dll, proc: p}, nil
		}
		dll.Release()
		return nil, fmt.Errorf("%w: symbol %q in %s: %v", ErrNoDecoder, symbol, path, err)
	}
	return &native{dll: dll, proc: proc}, nil
}

// stackBytes is the argument size in a 32-bit __stdcall decorated name.
func stackBytes(abi string) int {
	switch abi {
	case ABIBuffer:
		return 16
	case ABIUnpack:
		return 12
	}
	return 8
}

func loadLibrary(path string) (syscall.Handle, error) {
	if !filepath.IsAbs(path) {
		return syscall.LoadLibrary(path)
	}
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return 0, err
	}
	h, _, callErr := procLoadLibraryExW.Call(uintptr(unsafe.Pointer(p)), 0, loadWithAlteredSearchPath)
	if h == 0 {
		return 0, callErr
	}
	return syscall.Handle(h), nil
}

func (n *native) callPPI(a, b *byte, c int32) int32 {
	r, _, _ := n.proc.Call(uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b)), uintptr(c))
	return int32(r)
}

func (n *native) callPPII(a, b *byte, c, d int32) int32 {
	r, _, _ := n.proc.Call(uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b)), uintptr(c), uintptr(d))
	return int32(r)
}

func (n *native) callPP(a, b *byte) int32 {
	r, _, _ := n.proc.Call(uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b)))
	return int32(r)
}

func (n *native) callPI(a *byte, b int32) int32 {
	r, _, _ := n.proc.Call(uintptr(unsafe.Pointer(a)), uintptr(b))
	return int32(r)
}

// close unloads the DLL.
func (n *native) close() error {
	if err := n.dll.Release(); err != nil {
		return fmt.Errorf("wlt: FreeLibrary: %w", err)
	}
	return nil
}

// nativeDir returns dir in a form a char* API can take: vendor DLLs use
// the ANSI code page, so a path with non-ASCII characters (a user profile
// named in Chinese, say) is replaced by its 8.3 short form.
func nativeDir(dir string) (string, error) {
	if isASCII(dir) {
		return dir, nil
	}
	long, err := syscall.UTF16PtrFromString(dir)
	if err != nil {
		return "", err
	}
	buf := make([]uint16, syscall.MAX_LONG_PATH)
	n, err := syscall.GetShortPathName(long, &buf[0], uint32(len(buf)))
	if err != nil || n == 0 || int(n) > len(buf) {
		return "", fmt.Errorf("wlt: temporary directory %q is not ASCII and has no short name (%v); set Config.TempDir to an ASCII path", dir, err)
	}
	short := syscall.UTF16ToString(buf[:n])
	if !isASCII(short) {
		return "", fmt.Errorf("wlt: temporary directory %q is not ASCII even in short form; set Config.TempDir to an ASCII path", dir)
	}
	return short, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
