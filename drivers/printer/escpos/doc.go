// Package escpos prints Chinese receipts (回执) on ESC/POS thermal printers
// — Epson TM and the Xprinter, 佳博 (Gprinter), 芯烨 (Xinye) clones — and
// reads their status. It speaks bytes only: it imports no transport, and the
// caller writes a Job's parts to whatever port the printer is on.
//
// Three layers, each usable on its own:
//
//   - Encoder appends single ESC/POS commands (ESC @, FS &, GS !, GS v 0,
//     GS ( k, GS k, GS V, DLE EOT, GS a, GS r …), one small method each.
//   - Layout turns a Receipt — a list of blocks (title, text, kv, qr,
//     barcode, divider, image, feed) — into a Job for one printer Profile:
//     text wrapped by display width (a Chinese character is two columns),
//     GB18030 for what the printer's font can print, and a raster image drawn
//     with drivers/textimage for a line holding anything it cannot (¥, •,
//     rare name characters such as 𠮷, emoji). Nothing is ever printed as
//     '?' and nothing is dropped: a character no font has is an error.
//   - ParseRealTime, ParseASB, ParseInOrder and StatusReader turn what the
//     printer sends back (DLE EOT replies, Automatic Status Back blocks, GS r
//     replies) into a Status, whose Problem says whether printing can go on.
//
// The command bytes and their sources are in shared/specs/escpos.md.
package escpos
