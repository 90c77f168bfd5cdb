package hidraw

import "fmt"

// iocLayout is how an architecture packs an ioctl request number (Linux's
// _IOC): nr in bits 0–7, type in 8–15, size in the next sizeBits, the
// direction above it.
type iocLayout struct {
	sizeBits             uint
	dirNone, read, write uint
}

// The two layouts Linux uses: most architectures (x86, arm, arm64,
// loong64, riscv64, s390x) have a 14-bit size and 2-bit direction; mips,
// powerpc and sparc a 13-bit size and 3-bit direction with other values.
var (
	layoutGeneric = iocLayout{sizeBits: 14, dirNone: 0, read: 2, write: 1}
	layoutAlt     = iocLayout{sizeBits: 13, dirNone: 1, read: 2, write: 4}
)

// maxSize is the largest size the layout can encode.
func (l iocLayout) maxSize() int { return 1<<l.sizeBits - 1 }

// ioc computes _IOC(dir, typ, nr, size).
func (l iocLayout) ioc(dir uint, typ, nr byte, size int) uint {
	return dir<<(16+l.sizeBits) | uint(size)<<16 | uint(typ)<<8 | uint(nr)
}

// hidiocFeature is HIDIOCSFEATURE(size) (set) or HIDIOCGFEATURE(size)
// (get): _IOC(_IOC_WRITE|_IOC_READ, 'H', 0x06 or 0x07, size), as
// include/uapi/linux/hidraw.h defines them. The size is the report's
// length including the report ID byte.
func (l iocLayout) hidiocFeature(set bool, size int) (uint, error) {
	if size < 1 || size > l.maxSize() {
		return 0, fmt.Errorf("hidraw: a feature report of %d bytes (1…%d)", size, l.maxSize())
	}
	nr := byte(0x07)
	if set {
		nr = 0x06
	}
	return l.ioc(l.write|l.read, 'H', nr, size), nil
}

// hidiocGRawInfo is HIDIOCGRAWINFO: _IOR('H', 0x03, struct
// hidraw_devinfo), an 8-byte struct.
func (l iocLayout) hidiocGRawInfo() uint { return l.ioc(l.read, 'H', 0x03, 8) }
