//go:build !windows && !(linux && !android && !wlt_nodlopen && (amd64 || arm64 || loong64 || riscv64 || ppc64le || 386 || arm))

package wlt

import (
	"fmt"
	"runtime"
)

// nativeSupported tells whether this build can load vendor libraries.
const nativeSupported = false

// native is never instantiated in builds without library loading.
type native struct{}

// openNative reports that this build cannot load vendor libraries.
func openNative(path, symbol, abi string) (*native, error) {
	return nil, fmt.Errorf("%w: this build (%s/%s) cannot load vendor libraries; "+
		"that needs windows, or linux on amd64, arm64, loong64, riscv64, ppc64le, 386 or arm "+
		"built without the wlt_nodlopen tag", ErrNoDecoder, runtime.GOOS, runtime.GOARCH)
}

func (n *native) callPPI(a, b *byte, c int32) int32     { return -1 }
func (n *native) callPPII(a, b *byte, c, d int32) int32 { return -1 }
func (n *native) callPP(a, b *byte) int32               { return -1 }
func (n *native) callPI(a *byte, b int32) int32         { return -1 }
func (n *native) close() error                          { return nil }

// nativeDir returns dir as the library should see it.
func nativeDir(dir string) (string, error) { return dir, nil }
