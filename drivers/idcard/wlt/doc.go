// Package wlt turns the photo of a Chinese second-generation ID card into
// a PNG by calling a vendor's closed WLT decoder, loaded at run time
// without cgo.
//
// # Concepts
//
// The card stores its photo as 1024 bytes of WLT, a patented wavelet
// format (CN1779717A) for which no open decoder exists; vendors ship
// binary libraries that decode it to 102×126 pixels, 24-bit, either raw
// (RawSize bytes) or as a BMP (BMPSize bytes). The agent never ships such
// a library: if the site has a licensed one, its path, entry point and
// calling convention go into a Config, and a Decoder calls it. Without one,
// NoDecoder answers ErrNoDecoder at once and the caller forwards the raw
// WLT.
//
//   - Decoder is the interface the rest of the agent uses.
//   - Library loads the vendor library into the current process (purego's
//     Dlopen on Linux, LoadLibraryEx on Windows; no cgo on either).
//   - IsolatedDecoder runs a Library in a child process (ServeChild) and
//     talks to it over its standard input and output. New and NewIsolated
//     build one that re-executes the agent with ChildSubcommand.
//   - The supported calling conventions are ABIUnpack, ABIBuffer,
//     ABIWltToBmp and ABIGetBmp; their comments say what is known and what
//     is assumed about each.
//
// # Why a child process
//
// A decoder library runs in the address space of whatever loads it. If it
// writes through a bad pointer, the kernel delivers SIGSEGV (or an access
// violation) on a thread running C code, and the Go runtime can only
// abort the whole process: recover() sees Go panics, not faults in foreign
// code, and debug.SetPanicOnFault covers Go code only. The same goes for
// abort(), exit() and stack smashing inside the library, for heap
// corruption that surfaces later in Go's garbage collector, and for a
// library that installs its own signal handlers. A hang cannot be
// interrupted either: a goroutine blocked in C keeps its OS thread until
// the call returns. Vendor decoders are old, closed code fed with bytes
// read from a card over a radio link, and their own documentation warns
// of buffer overruns, so the kiosk agent, which also drives the printer,
// the signature pad and the browser bridge, must not share their fate.
//
// The decode therefore runs in a child process. A crash ends the child,
// the parent sees its stdout close and returns ErrCrashed; a hang is ended
// by killing the child after Config.Timeout, returning ErrTimeout. The
// child also gives the vendor code its own working directory (for the
// files such libraries drop there), its own standard output (its printf
// goes to the parent's log, not into the protocol), an LD_LIBRARY_PATH
// with the library's directory on Linux, and the possibility of running a
// 32-bit DLL such as WltRS.dll from a 386 build while the agent is 64-bit.
// Vendors do the same: one Linux SDK ships saveWlt2BmpUseFork next to
// saveWlt2Bmp.
//
// Starting a process and loading the library costs tens of milliseconds
// on a weak kiosk PC, so one child is kept and reused for successive
// photos; Start can start it ahead of the first card. After a failure the
// next Decode starts a new child; after two or more failures in a row,
// restarts are spaced by a doubling back-off (MinBackoff to MaxBackoff)
// so that a library that crashes on every photo cannot turn the agent into
// a fork loop, and Decode fails fast with ErrCrashed meanwhile. On Linux
// the child gets SIGKILL if the agent dies; on every platform it exits
// when its stdin closes.
//
// # Protocol
//
// Parent and child exchange checksummed, length-prefixed frames (see
// frame.go): the parent sends a request holding the 1024 WLT bytes, the
// child answers with a PNG or an encoded error that the parent turns back
// into the same error kinds (*DecodeError with the library's return code,
// ErrNoDecoder, ErrBadImage, ...). The reader skips bytes that are not a
// valid frame, so stray output cannot desynchronise it.
//
// # Platforms
//
// Library loading is compiled in on Windows and on Linux for amd64,
// arm64, loong64, riscv64, ppc64le, 386 and arm (purego's Linux targets
// that build with CGO_ENABLED=0; only amd64 and arm64 are its tier 1).
// Elsewhere, and with the build tag wlt_nodlopen, Open and NewIsolated
// return ErrNoDecoder. Note that on Linux purego makes the executable
// dynamically linked against libc/libdl even with CGO_ENABLED=0; build
// with -tags wlt_nodlopen for a static binary without photo decoding.
//
// On Windows, vendor DLLs take char* paths in the ANSI code page; a
// temporary directory with non-ASCII characters is passed in its 8.3
// short form, or Config.TempDir must name an ASCII directory.
package wlt
