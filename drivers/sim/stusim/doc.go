// Package stusim is a virtual Wacom STU signature pad (an STU-540, or an
// STU-430 for the monochrome path) seen from the device's side of the USB
// HID link. It answers feature reports and sends pen input reports with the
// bytes the pad itself uses (docs: shared/specs/sigpad-protocol.md §1), so a
// driver written against drivers/transport/hid can be tested without a pad
// and without trusting the driver's own idea of the protocol.
//
// What it models:
//
//   - the state machine (Ready, Image, Capture) with per-report allowed
//     states; a set in the wrong state is refused silently and leaves
//     lastResultCode 02 in Status, as on the real pad;
//   - every settings report a capture session uses, with its exact report
//     size (a GET or SET of the wrong size fails as a stalled transfer);
//   - image upload (25/24 → 26 … → 27) for 1-bit raw, 1-bit zlib, RGB565
//     and 24-bit BGR, decoded onto an LCD you can read with Screen();
//   - the pad's own inking inside the handwriting area;
//   - pen data as 01 or 34 reports with time count and sequence, written by
//     a virtual hand (Sign, Press) or synthesised in bulk (Stream);
//   - transmission faults (drops, a duplicate, a late burst), an input buffer
//     that overflows like hidraw's, unplugging and replugging, and a hard
//     reset that re-enumerates the pad;
//   - a count of writes to NVRAM-backed reports.
//
// Not modelled: link encryption (reports 10, 13–16 beyond EndCapture, 1A,
// 1B, 33, 40, 50), the bulk endpoint, serial mode, ROM images and PIN pad
// modes of the STU-540. Everything is deterministic for a given Config.Seed
// apart from wall-clock timing.
package stusim
