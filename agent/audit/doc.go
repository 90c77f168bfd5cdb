// Package audit keeps the agent's audit log: an append-only, hash-chained
// record of every card read, disclosure, print, signature and pairing
// change — when, which event, which device, which client origin, the
// masked ID number and the purpose the caller gave.
//
// # Format
//
// The log lives in one directory, owner-only (0700, files 0600):
//
//	audit.jsonl                          the current file
//	audit-<yyyymmddThhmmssZ>-<seq>.jsonl  rotated files: UTC time of the rotation, seq of their first record
//	audit.head                           {"seq","hash","file"} of the last record, rewritten after each append
//	audit.lock                           the cross-process lock (the data file is renamed by rotation, this one never)
//	audit.torn-<yyyymmddThhmmssZ>        the bytes of a torn last line, moved aside by Open
//
// Each record is one JSON line (see Record). seq counts 1, 2, 3… over the
// whole chain, across rotations; prev is the hex SHA-256 of the previous
// record's line without its newline (64 zeros for seq 1). A rotated-to file
// starts with an "audit.rotated" record whose detail.prevFile names the file
// before it and whose prev is the hash of that file's last line, so the
// chain runs unbroken through every file. When retention (KeepFiles)
// deletes old files, that record also lists them in detail.removed, so
// Verify can tell files removed by retention from files deleted by hand.
//
// # Writers
//
// The agent and the technician's CLI append from different processes.
// Append takes the lock, re-reads the tail of the file when another process
// wrote since (size, time and identity of the file tell), writes one line,
// fsyncs it, rewrites audit.head and unlocks. A process killed mid-append
// can leave a last line without its newline; the next Open (or the next
// Append that finds the file changed) moves that line aside into
// audit.torn-<time> and records an "audit.repaired" record saying so.
// Likewise, a head that is ahead of the file (records lost from the end),
// missing or unreadable is recorded by an "audit.repaired" record before
// the chain goes on, so the loss stays visible after the log is repaired.
// A last line that is complete but not a record (the file was edited) is
// not repaired: Open and Append fail, saying so, until a person has looked
// (Verify names the line) and moved the damaged file away; the writer then
// records the loss and starts again from what is left.
//
// Personal data: the id field holds a masked ID number. Append masks a
// full 15- or 18-digit number found in id and refuses a record that holds
// one anywhere else (ErrFullIDNumber); Verify flags a record that holds one.
// There is no field for a photo, fingerprint or signature, and a record is
// at most MaxRecordBytes long.
//
// # What Verify reports
//
// Verify walks the rotated files in order of their first seq, then
// audit.jsonl, then compares the end of the chain with audit.head. It stops
// at the first problem and returns a *BrokenError naming one record by file,
// line (1-based) and seq. A record's bytes are its line and the newline that
// ends it. For a single damaged spot it names:
//
//   - a changed byte anywhere in a record (also one that leaves valid JSON,
//     and also its newline): that record. A record that no longer parses,
//     or whose seq, event or prev is wrong, is named directly; a record that
//     still parses but whose bytes changed is found because the next
//     record's prev (or audit.head, for the last record) no longer matches
//     its hash, and is named as "changed after it was written";
//   - a newline that was removed, or one that was added inside a record:
//     the line that now holds the damaged bytes, i.e. that record;
//   - a deleted record: the record after the gap ("seq 18 does not follow
//     seq 16");
//   - two swapped records: the first of the two lines;
//   - records cut from the end: the last record left, "audit.head says the
//     log ends at seq N"; a line cut in the middle: that line, "incomplete";
//   - a deleted rotated file in the middle: line 1 of the file after it;
//     the oldest rotated file deleted other than by retention: line 1 of
//     the oldest file left;
//   - a missing or unreadable audit.head while records exist: audit.head.
//
// A line that cannot be parsed has no seq, and its error shows none.
// When the head lags behind the file (the writer stopped between the
// record and the head), or files were removed by retention, or the log was
// repaired, Verify succeeds and says so in Report.Notes.
package audit
