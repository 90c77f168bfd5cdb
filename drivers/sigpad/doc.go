// Package sigpad is the vocabulary the signature-pad drivers share: what a
// pad is (Info, Capabilities), what it reports (Sample), what the agent asks
// of it (the Pad interface and its Options) and how it fails (the Err*
// values below, matched with errors.Is).
//
// A driver (wacomstu for Wacom STU pads, hanvon for the Hanvon ESP370U)
// takes an open hid.Device (drivers/transport/hid) and speaks its pad's
// reports over it; it never opens a device by name. A device that is gone
// shows up as an error matching transport.ErrDisconnected, because the
// drivers wrap the transport's errors and never copy them.
//
// What a button on the pad's screen means is the agent's business, not the
// driver's: the driver reports pen positions in pad units
// (Capabilities.ScreenPoint converts them to screen pixels) and, for pads
// with hardware keys, the key pressed (Sample.Key).
package sigpad
