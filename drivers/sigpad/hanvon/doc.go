// Package hanvon drives the Hanvon ESP370U signature pad (USB VID 0x0B57,
// PID 0x8420; 240×120 mono LCD) over HID reports, as far as
// shared/specs/sigpad-protocol.md §2.1 describes it: two-byte commands in
// feature report 5 (init, open, close, resign) and seven-byte events in
// input report 2 (pen moves, pen down and up, the handshake reply,
// acknowledgements, and the pad's own "resign" and "confirm" keys).
//
// # Single source, unverified
//
// Everything here rests on one developer's reverse-engineered WebHID
// driver (sherluok/ESP370U); nothing comes from Hanvon, and no pad has been
// attached to this code. In particular these are unverified and marked so
// where they are used:
//   - the command bytes and the acknowledgement patterns (Command, Decode);
//   - that X, Y and pressure are little-endian 16-bit values at bytes 1–6;
//   - the coordinate ranges X 0x1800, Y 0x2000 and pressure 0x400, which
//     the source uses to normalise (a Y range larger than X on a 2:1 screen
//     looks wrong, and the product page says 512 pressure levels, not
//     1024): Capabilities reports them as they are, to be confirmed;
//   - what A0 and A1 (both "move") differ in, and whether the pad reports a
//     hovering pen at all: this driver takes B0 as the tip going down, E0
//     as it lifting (and the pen leaving), and a move as touching while the
//     pressure is above zero (inferred);
//   - whether open must follow init again after close (Start falls back to
//     init when open is not acknowledged).
//
// The pad draws its own title and buttons (the top and bottom eighth of
// the area, per the source); their keys arrive as Sample.Key, which the
// agent maps to its buttons. ShowImage is sigpad.ErrUnsupported: the spec
// describes no image upload for this pad.
package hanvon
