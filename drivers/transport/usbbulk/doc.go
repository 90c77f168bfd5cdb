// Package usbbulk carries SAM_V frames (drivers/idcard) over the bulk
// endpoints of a USB ID card reader and presents them as a
// transport.Port, so idcard.Reader drives a USB reader exactly as it
// drives a serial one.
//
// # Layouts
//
// 部标 (ministry-standard) readers, VID:PID 0400:C35A, split every frame
// over two endpoint pairs (idcard-protocol.md §4.3). This is SplitPipes:
//
//	host → reader   OUT 0x02  AA AA AA 96 69 LEN(2)     the 7-byte header
//	                OUT 0x06  CMD PARA DATA… CHK        the rest
//	reader → host   IN  0x81  AA AA AA 96 69 LEN(2)
//	                IN  0x85  SW1 SW2 SW3 DATA… CHK
//
// Other devices take a whole frame on one OUT endpoint and answer on one IN
// endpoint (the Miaxis Android SDK does so): SinglePipe{Out, In}.
//
// # Concepts
//
// Endpoints is the seam to the device: bulk Read and Write on an endpoint
// address with a timeout, and Close. Port (NewPort) holds all the framing
// on top of it and is pure Go: Write takes exactly one frame (as
// idcard.Reader writes them) and splits it per the layout; Read reads a
// header from the header IN endpoint, then the LEN bytes it announces from
// the body IN endpoint, possibly over several transfers, and hands
// everything out as a byte stream. Bytes that are not a header are passed
// on too, so idcard.Decoder can resynchronise as it does on a serial line;
// a body that stalls for Timeouts.Frame is given up. A read timeout is not
// an error: Read returns 0, nil after Timeouts.Poll, as transport.Port
// requires. A device that is gone gives errors matching
// transport.ErrDisconnected; after Close, transport.ErrClosed.
//
// NewMemoryDevice is an in-memory device whose reader side is a byte-stream
// transport.Port, so the unchanged simulator (drivers/sim/idcardsim) can
// serve a real idcard.Reader through a real Port; it splits and joins frames
// the way reader firmware does.
//
// OpenDevice and List are the libusb binding (github.com/google/gousb). It
// needs cgo, pkg-config and libusb-1.0 headers, and is compiled only with
// the build tag libusb:
//
//	go build -tags libusb ./...
//
// Without the tag (the default, and CGO_ENABLED=0 cross builds) both
// return ErrNoLibusb. The binding is kept as thin as it can be: find the
// device, detach a kernel driver, set configuration 1, claim interface 0,
// open the endpoints, and map libusb's error codes (the mapping itself is
// pure Go and tested without libusb). On Windows, libusb needs the reader
// bound to WinUSB (Zadig or an INF); a vendor driver blocks it. On Linux
// the user needs a udev rule granting access to the device.
//
// # What only real hardware can test
//
// The tests run the framing against scripted transfers and against the
// in-memory device, and the binding only against a machine without USB
// (List finds nothing, OpenDevice reports ErrNoReader). Not tested, because
// it needs a reader on the bus:
//   - that real 0400:C35A firmware sends the header and body as separate
//     transfers, with the timing assumed here (body within 200 ms);
//   - which endpoints SinglePipe devices use, and whether any of them need
//     a different configuration or interface;
//   - libusb's behaviour on unplug (which of NO_DEVICE, IO or a transfer
//     error a given host controller reports), on cancelling a read that
//     polls, and with a kernel driver bound;
//   - permissions: udev rules on Linux, the WinUSB binding on Windows.
//
// HID readers (e.g. 0425:8159) use an unpublished framing and are not
// supported; List names them so that a diagnostic can say so.
package usbbulk
