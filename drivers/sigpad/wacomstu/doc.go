// Package wacomstu drives Wacom STU signature pads (STU-300, 430, 430V,
// 500, 520A, 530, 530V, 540, 541; USB VID 0x056A) over HID reports, as
// described in shared/specs/sigpad-protocol.md §1: feature reports for
// every command, input reports for pen data.
//
// # Layers
//
// Every report has a pure encoder or decoder here (DecodeStatus,
// DecodeInformation, DecodeCapability, DecodePenData, EncodeRect, …, and
// the image packers PackMono, PackRGB565, PackBGR24, EncodeImageDataBlock),
// each tested against bytes from the spec. Pad puts them together over an
// injected hid.Device: it waits for the state in which the pad accepts a
// report (polling Status, §1.3), checks lastResultCode after every set, and
// returns typed errors (*StateError) that match sigpad.ErrNotReady,
// sigpad.ErrRejected or sigpad.ErrUnsupported.
//
// # Byte order and bit layout
//
// Pen data, capability and information fields are big-endian; rectangles,
// thresholds, colours and the image-block length are little-endian (§1.4).
// Pen data follows the SDK's bit layout (rdy in bit 7 of byte 0, sw in bits
// 6..4, pressure bits 11..8 in bits 3..0), not the one the three WebHID
// projects use (§1.5 explains the disagreement).
//
// # What is verified and what is not
//
// The encoders and decoders agree with Wacom's own sources (the SDK header
// and Wacom's WebHID build of the SDK) and with the byte dumps quoted in
// the spec. Not verified on a pad, because none is attached here:
//   - zlib-compressed 1-bit images (mode 01): Wacom's WebHID SDK never
//     compresses, so the framing (a zlib stream of the packed bitmap) is
//     our reading of the SDK header. Pad falls back to uncompressed 1-bit
//     for good when the pad answers lastResultCode 0x12 (zlib error);
//   - the colour order of HandwritingThicknessColor24 (B, G, R as the SDK
//     encodes it; two WebHID projects send R, G, B);
//   - the STU-530V (PID 0x00A7) and STU-541 entries of the model table,
//     which are inferred from their siblings;
//   - the time count's 1 ms tick (the sample stream in the spec steps by
//     6–7 counts at 150 reports/s, which fits).
package wacomstu
