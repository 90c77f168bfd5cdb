// Package outbox is the agent's durable queue of submissions to the
// platform: applications, their evidence (signature bundles, PDFs) and
// home-visit records. An item enters with Enqueue, which returns only once
// the item is on disk, so the screen may say "已提交" as soon as it
// returns; a Sender then delivers it at least once, and the platform
// stores it exactly once by its idempotency key.
//
// # Concepts
//
// Item: a kind (application, evidence, visit), the caller's idempotency
// key (random, NewKey; no personal data: it is stored in clear and sent
// to the platform), a payload (bytes), its creation time, attempts, next
// attempt time, last error and state: pending, failed (parked after a
// permanent refusal) or delivered. Enqueue of a key already queued is a
// no-op that returns the queued item, so a UI that retries after a
// timeout or a crash cannot queue twice.
//
// Durability: one SQLite database (modernc.org/sqlite, pure Go) in WAL
// mode with synchronous=FULL: a commit returns after the write-ahead log
// is fsynced. Concurrent Enqueues share a transaction (group commit), and
// none returns before the commit that holds it is synced. Being delivered
// is recorded the same way; a crash between the platform's answer and
// that record means one more delivery, which the platform's key check
// absorbs. One process has the outbox open at a time (a lock file beside
// the database).
//
// Encryption at rest: the payload and the last error text — the fields
// that may hold personal data — are sealed with AES-256-GCM under the
// outbox key, a fresh random nonce per seal, with the item's kind and key
// (and the field's name) as associated data, so a sealed field moved to
// another item fails to open. Kind, key, state, counts and times are in
// clear. A delivered item's payload is wiped at once; its record stays
// for the retention (Options.Retention) so that a late retry of its key
// is still a no-op, then Purge removes it. Undelivered items are never
// purged. SQLite's secure_delete is on, so freed pages are zeroed.
//
// The outbox key: 32 random bytes in <Dir>/outbox-key, made on first use
// (written to a temporary file, synced, linked into place, directory
// synced). On Unix the file must be 0600; on Windows its content is
// protected with DPAPI in the service account's scope (compile-checked
// here, not run). A key file that is exposed, unreadable, corrupt, gone
// while the database holds items, or not the database's key (checked
// against a sealed check value) is a named error — never replaced, since
// a new key would make the queued items unreadable.
//
// Delivery: Sender delivers due items oldest first, backs off per item
// and, while the platform is down, as a whole; it parks permanent
// failures (ErrPermanent, Permanent, or an error with Permanent() bool)
// and reports them, and stops promptly when its context ends. Items of
// one application are not ordered among themselves beyond oldest first:
// the platform keys evidence by its application's idempotency key.
//
// Status and its change notification (Subscribe) feed the agent's
// outbox.changed events, health and metrics.
package outbox
