//go:build !unix && !windows

package serialport

// errnoKind knows no system error codes on this operating system.
func errnoKind(error, bool) Kind { return KindOther }
