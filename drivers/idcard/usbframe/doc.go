// Package usbframe carries SAM_V frames (drivers/idcard) over the bulk
// endpoints of a USB ID card reader and presents them as a
// transport.Port, so idcard.Reader drives a USB reader exactly as it
// drives a serial one. The USB device itself is opened by
// drivers/transport/usb, which knows nothing of ID cards.
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
// Port (NewPort) holds all the framing on top of a usb.Endpoints (bulk
// Read and Write on an endpoint address with a timeout, and Close) and is
// pure Go: Write takes exactly one frame (as idcard.Reader writes them) and
// splits it per the layout; Read reads a header from the header IN
// endpoint, then the LEN bytes it announces from the body IN endpoint,
// possibly over several transfers, and hands everything out as a byte
// stream. Bytes that are not a header are passed on too, so idcard.Decoder
// can resynchronise as it does on a serial line; a body that stalls for
// Timeouts.Frame is given up. A read timeout is not an error: Read returns
// 0, nil after Timeouts.Poll, as transport.Port requires. A device that is
// gone gives errors matching transport.ErrDisconnected; after Close,
// transport.ErrClosed.
//
// NewMemoryDevice is an in-memory device whose reader side is a byte-stream
// transport.Port, so the unchanged simulator (drivers/sim/idcardsim) can
// serve a real idcard.Reader through a real Port; it splits and joins frames
// the way reader firmware does.
//
// Candidates are the VID:PIDs ID card readers are known to use; List
// reports the devices on the bus that have one. OpenReader opens a reader
// (StandardID by default) through drivers/transport/usb and returns a Port
// on it. Both need a build with the libusb tag (see drivers/transport/usb);
// without it they return usb.ErrNoLibusb.
//
// # What only real hardware can test
//
// The tests run the framing against scripted transfers and against the
// in-memory device, and opening only against a machine without USB (List
// finds nothing, OpenReader reports usb.ErrNoDevice). Not tested, because
// it needs a reader on the bus:
//   - that real 0400:C35A firmware sends the header and body as separate
//     transfers, with the timing assumed here (body within 200 ms);
//   - which endpoints SinglePipe devices use, and whether any of them need
//     a different configuration or interface;
//   - how a reader's unplug shows up mid-frame (see drivers/transport/usb
//     for libusb's side of it), and how ResetInputBuffer's short draining
//     reads behave on real firmware;
//   - permissions: udev rules on Linux, the WinUSB binding on Windows.
//
// HID readers (e.g. 0425:8159) use an unpublished framing and are not
// supported; List names them so that a diagnostic can say so.
package usbframe
