// Package printer runs one receipt printer for the agent, under the device
// supervisor: it opens the printer (and opens it again after an unplug),
// keeps its paper and cover condition in the device's health, and prints
// jobs one at a time from a queue.
//
// A job is a receipt laid out by drivers/printer/escpos into parts. Before
// a job the printer is asked for its condition (DLE EOT 1, 2, 4); each part
// is followed by GS r, which the printer answers only once everything
// before it has printed, so a part is confirmed before the next is sent;
// while a part prints, DLE EOT 2 and 4 are asked every half second. Paper
// out, an open cover, an offline printer or a cutter error end the job as
// failed with that reason. When a job stops before its last part, the
// printer's receive buffer is cleared (DLE ENQ 2) so that a new roll does
// not print the rest of it on its own; the job is kept, and Resume prints
// the interrupted copy again from its start — one complete receipt, never
// the second half of one, never one printed twice unasked.
//
// A blind printer (one that answers nothing) gets its jobs sent and
// counted done once the bytes are on the wire: paper out is then not seen.
package printer
