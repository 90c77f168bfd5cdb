//go:build linux && !android && !wlt_nodlopen && (amd64 || arm64 || loong64 || riscv64 || ppc64le || 386 || arm)

package wlt

import (
	"fmt"

	"github.com/ebitengine/purego"
)

// nativeSupported tells whether this build can load vendor libraries.
const nativeSupported = true

// native is an entry point resolved with dlopen/dlsym through purego. Only
// the field for the ABI's signature is set.
type native struct {
	handle uintptr
	ppi    func(a, b *byte, c int32) int32
	ppii   func(a, b *byte, c, d int32) int32
	pp     func(a, b *byte) int32
	pi     func(a *byte, b int32) int32
}

// openNative dlopens path and binds symbol with the C signature of abi.
func openNative(path, symbol, abi string) (*native, error) {
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("%w: dlopen %s: %v", ErrNoDecoder, path, err)
	}
	sym, err := purego.Dlsym(h, symbol)
	if err != nil {
		purego.Dlclose(h)
		return nil, fmt.Errorf("%w: symbol %q in %s: %v", ErrNoDecoder, symbol, path, err)
	}
	n := &native{handle: h}
	// RegisterFunc panics only for unsupported Go signatures; these are fixed.
	switch abi {
	case ABIUnpack:
		purego.RegisterFunc(&n.ppi, sym)
	case ABIBuffer:
		purego.RegisterFunc(&n.ppii, sym)
	case ABIWltToBmp:
		purego.RegisterFunc(&n.pp, sym)
	case ABIGetBmp:
		purego.RegisterFunc(&n.pi, sym)
	default:
		purego.Dlclose(h)
		return nil, fmt.Errorf("%w: unknown ABI %q", ErrConfig, abi)
	}
	return n, nil
}

func (n *native) callPPI(a, b *byte, c int32) int32     { return n.ppi(a, b, c) }
func (n *native) callPPII(a, b *byte, c, d int32) int32 { return n.ppii(a, b, c, d) }
func (n *native) callPP(a, b *byte) int32               { return n.pp(a, b) }
func (n *native) callPI(a *byte, b int32) int32         { return n.pi(a, b) }

// close dlcloses the library.
func (n *native) close() error {
	if err := purego.Dlclose(n.handle); err != nil {
		return fmt.Errorf("wlt: dlclose: %w", err)
	}
	return nil
}

// nativeDir returns dir as the library should see it.
func nativeDir(dir string) (string, error) { return dir, nil }
