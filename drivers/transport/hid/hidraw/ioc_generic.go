//go:build !(mips || mipsle || mips64 || mips64le || ppc || ppc64 || ppc64le || sparc64)

package hidraw

// nativeLayout is this architecture's ioctl layout.
var nativeLayout = layoutGeneric
