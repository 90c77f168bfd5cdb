// Package escpossim is a virtual Chinese thermal receipt printer: the
// device side of an ESC/POS byte stream, and a picture of what it printed.
//
// It is written from the project's ESC/POS notes (shared/specs/escpos.md),
// independently of the encoder in drivers/printer/escpos, so that it can
// catch that encoder's mistakes: a test feeds the encoder's bytes to
// Interpret and looks at the pages, the command log and the rendering.
//
// Three parts:
//
//   - The Interpreter turns bytes into a Document: pages between cuts,
//     each an ordered list of elements placed in printer dots — text
//     lines (runs of characters with their style, and the decoded
//     Unicode), raster images, QR codes (payload and module matrix) and
//     barcodes (data and symbol) — and a log of every command with its
//     stream offset, including why one was not carried out.
//   - The Renderer draws a page as the paper would look: black dots on
//     white, 384 or 576 dots wide, characters in 12×24 and 24×24 dot
//     cells (multiplied for double size), QR modules and Code 128 bars
//     as a scanner would read them, a dashed line where the knife went.
//   - The Printer serves the stream over a transport.Port (a
//     pseudo-terminal from simlink, an in-memory pipe) or raw TCP (port
//     9100), with a receive buffer, a print speed, a roll of paper that
//     runs out, a cover, a cutter that jams, real-time status (DLE EOT,
//     DLE ENQ), Automatic Status Back (GS a), in-order status (GS r) and
//     printer ID (GS I). ESC @ leaves Automatic Status Back as it was;
//     DLE ENQ 2 drops everything received before it, whatever the state.
//
// # What the interpreter does
//
// Text: Chinese mode (FS & / FS .) is on at power-up and after ESC @; in
// it a byte 81–FE and a valid second byte make one GB18030 character in a
// 24×24 cell; four-byte sequences only with Config.FourByteGB18030 — a
// two-byte-only printer prints a lead byte without a valid second byte as
// a blank and takes the next byte on its own, so ¥ (81 30 84 36) prints
// " 0 6". Outside Chinese mode bytes go through the code page: ESC t 0
// is CP437, ESC t 1 the Katakana page (whose line graphics receiptline
// draws rules with); other pages print '?' above 7F. FS ( C fn 48
// switches to UTF-8. Sizes: GS ! (both), ESC ! (single-byte), FS ! and
// FS W (two-byte); ESC E/G bold, ESC - and FS - underline, GS B reverse,
// ESC M fonts A (12×24) and B (9×17), ESC SP and FS S spacing.
//
// Layout: ESC a alignment, GS L and GS W print area (these three only at
// the start of a line, as on Epson printers), ESC $ and ESC \ positions,
// HT with ESC D stops, automatic wrap, ESC 3/ESC 2 line spacing (a line
// feeds at least its tallest character), LF, ESC d, ESC J. A page starts
// CutterGap rows above the head (paper between head and knife).
//
// Graphics: GS v 0 rasters (bit 7 leftmost, 1 printed, m scaling) and
// GS ( L / GS 8 L fn 112 + fn 50 graphics, clipped to the print area and
// to 8,192 rows; QR codes by GS ( k fn 165/167/169/180/181 (model 2, the
// stored module size, error level L by default; data up to pL+256·pH =
// 7,092), encoded with github.com/skip2/go-qrcode — only with
// Config.NativeQR; Code 128 by GS k 73 with GS h, GS w, GS H, GS f: code
// set selectors and shifts decoded, set C pairs turned back into digits,
// the symbol built from the Code 128 table (data without a leading
// selector prints as text, as the printer does).
//
// Cuts: GS V 0/48 and 1/49 cut where the knife is, CutterGap rows above
// the head, so a bare cut right after the last line goes through it
// (the lines below land on the next page, as on paper); GS V 65/66 n feed
// to the knife plus n rows first; ESC i and ESC m cut partially.
//
// Skipped, with their bytes consumed and the log saying so: page mode,
// ESC * column images, user-defined characters, NV and downloaded
// images, macros, counters, other barcode symbologies and 2-D symbols,
// GS ( k fn 182, ESC R international characters (recorded), upside-down
// and 90° rotation (recorded, not drawn), reverse feed, drawer pulses.
// An unknown command skips its two bytes; a command the stream ends
// inside is logged as truncated; one too large to keep (over 1 MiB, or
// half the receive buffer) has its data dropped as it arrives. Nothing
// panics and every byte is accounted for once in the log.
package escpossim
