package outbox

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/filelock"
	"github.com/kiosk-agent/kiosk-agent/agent/internal/secretfile"
)

// DBFile is the name of the outbox database in the state directory.
const DBFile = "outbox.db"

// lockFile is held (exclusively) by the process that has the outbox open.
const lockFile = "outbox.lock"

// DefaultRetention is how long a delivered item's record (key, kind,
// times; never its payload) is kept when Options.Retention is zero.
const DefaultRetention = 7 * 24 * time.Hour

// schemaVersion is the database's PRAGMA user_version.
const schemaVersion = 1

// Group commit: how much one transaction takes at most.
const (
	maxBatch      = 256
	maxBatchBytes = 16 << 20
)

const schema = `
CREATE TABLE IF NOT EXISTS meta (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	key          TEXT    NOT NULL UNIQUE,
	kind         TEXT    NOT NULL,
	state        INTEGER NOT NULL DEFAULT 0,
	created      INTEGER NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_at      INTEGER NOT NULL,
	last_at      INTEGER NOT NULL DEFAULT 0,
	failing      INTEGER NOT NULL DEFAULT 0,
	last_error   BLOB,
	delivered_at INTEGER NOT NULL DEFAULT 0,
	payload      BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS items_state ON items (state);
`

// keyCheck is sealed into the meta table with the database's key, so that
// opening it with another key fails at once rather than item by item.
const keyCheck = "kiosk-agent outbox key check"

// Options configure Open.
type Options struct {
	// Dir is the state directory (created 0700 if missing). The database
	// (DBFile, with its -wal and -shm files) and the key (KeyFile) live
	// there. Required.
	Dir string
	// Retention is how long a delivered item's record is kept before
	// Purge removes it; an Enqueue of its key within that time is still a
	// no-op. Zero means DefaultRetention. Undelivered items are never
	// purged.
	Retention time.Duration

	// synchronous replaces "FULL" in PRAGMA synchronous. Tests only: the
	// power-cut test shows that it fails with "OFF".
	synchronous string
}

// Queue is the durable outbox: items enter with Enqueue and leave through
// a Sender. One process has it open at a time. Its methods are safe for
// concurrent use.
type Queue struct {
	dir       string
	retention time.Duration
	db        *sql.DB
	seal      *sealer
	lock      *os.File
	now       func() time.Time

	// mu is held for reading by every operation that uses db, and for
	// writing by Close, which so waits for them.
	mu     sync.RWMutex
	closed bool

	reqs          chan *enqReq
	committerDone chan struct{}

	wake    chan struct{} // a new or retried item: the sender looks again
	kick    chan struct{} // Kick: the sender ends its overall back-off
	sending atomic.Bool

	stmu sync.Mutex
	st   counts

	submu        sync.Mutex
	subs         map[int]func(Status)
	nextSub      int
	changed      chan struct{}
	stop         chan struct{}
	notifierDone chan struct{}
}

// counts are what Status reports, as of the last committed write.
type counts struct {
	pending, failing, parked int
	applications             int   // pending items that are applications
	oldestID                 int64 // the first undelivered item, 0: none
	oldest                   int64 // its creation time, Unix ms
}

// Status is the outbox's state for health, metrics and the agent's
// outbox.changed events.
type Status struct {
	// Pending counts the items not delivered yet, parked ones included.
	Pending int `json:"pending"`
	// Failing counts the pending items whose last attempt failed, parked
	// ones included.
	Failing int `json:"failing"`
	// Parked counts the items the platform refused permanently; they wait
	// for an operator (Retry) and are never dropped.
	Parked int `json:"parked"`
	// OldestAgeS is the age in seconds of the oldest undelivered item, 0
	// if there is none.
	OldestAgeS int64 `json:"oldestAgeS"`
	// Applications counts the pending items that are applications (the
	// rest is their evidence and visit records): what a worker means by
	// "how many are still to go".
	Applications int `json:"applications"`
}

// Open opens (creating if need be) the outbox in opts.Dir and its key.
// It fails with an error wrapping ErrLocked if another process has it
// open; ErrKeyExposed, ErrKeyInvalid, ErrKeyMissing or ErrWrongKey if the
// key file is unusable (it is never replaced: the queued items could not
// be read without it); ErrDatabase if the file is no outbox database.
func Open(ctx context.Context, opts Options) (*Queue, error) {
	if opts.Dir == "" {
		return nil, errors.New("outbox: Options.Dir is empty")
	}
	if strings.ContainsAny(opts.Dir, "?#") {
		return nil, fmt.Errorf("outbox: the state directory %q may not contain '?' or '#'", opts.Dir)
	}
	if opts.Retention < 0 {
		return nil, fmt.Errorf("outbox: negative retention %v", opts.Retention)
	}
	if opts.Retention == 0 {
		opts.Retention = DefaultRetention
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	q := &Queue{
		dir:           opts.Dir,
		retention:     opts.Retention,
		now:           time.Now,
		reqs:          make(chan *enqReq, maxBatch),
		committerDone: make(chan struct{}),
		wake:          make(chan struct{}, 1),
		kick:          make(chan struct{}, 1),
		subs:          make(map[int]func(Status)),
		changed:       make(chan struct{}, 1),
		stop:          make(chan struct{}),
		notifierDone:  make(chan struct{}),
	}
	ok := false
	defer func() {
		if !ok {
			q.release()
		}
	}()
	if err := q.takeLock(); err != nil {
		return nil, err
	}
	keyPath := filepath.Join(opts.Dir, KeyFile)
	key, err := loadKey(keyPath)
	keyMissing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !keyMissing {
		return nil, err
	}
	dbPath := filepath.Join(opts.Dir, DBFile)
	if err := prepareDBFile(opts.Dir, dbPath); err != nil {
		return nil, err
	}
	sync := "FULL"
	if opts.synchronous != "" {
		sync = opts.synchronous
	}
	dsn := dbPath + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")" +
		"&_pragma=secure_delete(ON)&_txlock=immediate"
	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
	}
	q.db = sql.OpenDB(connector)
	// One connection: every statement runs in order on it, so there is
	// never a busy wait, and the group commit is the only batching.
	q.db.SetMaxOpenConns(1)
	q.db.SetMaxIdleConns(1)
	q.db.SetConnMaxLifetime(0)
	q.db.SetConnMaxIdleTime(0)
	if err := q.checkSettings(ctx, dbPath, sync); err != nil {
		return nil, err
	}
	if err := q.initSchema(ctx, dbPath, keyPath, key, keyMissing); err != nil {
		return nil, err
	}
	c, err := q.recount(ctx, q.db)
	if err != nil {
		return nil, err
	}
	q.st = c
	go q.commitLoop()
	go q.notifyLoop(c)
	ok = true
	return q, nil
}

// takeLock takes the outbox's lock file, or fails with ErrLocked.
func (q *Queue) takeLock() error {
	path := filepath.Join(q.dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return fmt.Errorf("%w: %s", ErrLocked, path)
		}
		return fmt.Errorf("outbox: %w", err)
	}
	q.lock = f
	return nil
}

// release frees what Open took, for a failed Open.
func (q *Queue) release() {
	if q.db != nil {
		q.db.Close()
	}
	if q.lock != nil {
		filelock.Unlock(q.lock)
		q.lock.Close()
	}
}

// prepareDBFile creates the database file, empty and the owner's only,
// durably (SQLite does not sync the directory for the main file), or
// narrows the mode of existing files to the owner's. The -wal and -shm
// files take their mode from the main file.
func prepareDBFile(dir, path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = secretfile.SyncDir(dir)
		}
		if err != nil {
			return fmt.Errorf("outbox: creating %s: %w", path, err)
		}
		return nil
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("outbox: creating %s: %w", path, err)
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("outbox: %w", err)
			}
		}
	}
	return nil
}

// checkSettings reads back what the DSN asked for: a file SQLite cannot
// use in WAL mode with full syncs is refused rather than used with less.
func (q *Queue) checkSettings(ctx context.Context, path, sync string) error {
	var mode string
	if err := q.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("%w: %s: journal mode is %q, not WAL (a file system without shared memory?)", ErrDatabase, path, mode)
	}
	var level int
	if err := q.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&level); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, path, err)
	}
	if want := map[string]int{"OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3}[sync]; level != want {
		return fmt.Errorf("%w: %s: synchronous is %d, want %d (%s)", ErrDatabase, path, level, want, sync)
	}
	return nil
}

// initSchema creates the tables and checks the key against the database
// (or seals the check into a new one), making the key if there is none
// and the database has never had one.
func (q *Queue) initSchema(ctx context.Context, dbPath, keyPath string, key []byte, keyMissing bool) error {
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
	}
	if version > schemaVersion {
		return fmt.Errorf("%w: %s has schema version %d, newer than this agent's %d", ErrDatabase, dbPath, version, schemaVersion)
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
	}
	var check []byte
	err = tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE name = 'keycheck'").Scan(&check)
	hasCheck := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
	}
	switch {
	case hasCheck && keyMissing:
		return fmt.Errorf("%w: %s holds items encrypted with the key in %s, which is gone; restore it (a new key would not open them)",
			ErrKeyMissing, dbPath, keyPath)
	case keyMissing:
		if key, err = createKey(q.dir, keyPath); err != nil {
			return err
		}
	}
	if q.seal, err = newSealer(key); err != nil {
		return err
	}
	kad := ad("keycheck", "", "")
	if hasCheck {
		plain, err := q.seal.open(0, "keycheck", check, kad)
		if err != nil || string(plain) != keyCheck {
			return fmt.Errorf("%w: %s was not sealed with the key in %s (a key file from elsewhere?); restore the right key file",
				ErrWrongKey, dbPath, keyPath)
		}
	} else {
		sealed, err := q.seal.seal([]byte(keyCheck), kad)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta (name, value) VALUES ('keycheck', ?)", sealed); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDatabase, dbPath, err)
	}
	return nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// recount counts the undelivered items.
func (q *Queue) recount(ctx context.Context, db queryer) (counts, error) {
	var c counts
	rows, err := db.QueryContext(ctx, "SELECT state, COUNT(*), SUM(failing), MIN(id), SUM(kind = ?) FROM items WHERE state IN (?, ?) GROUP BY state",
		string(KindApplication), dbPending, dbFailed)
	if err != nil {
		return c, fmt.Errorf("outbox: counting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state, n, failing, minID, apps int64
		if err := rows.Scan(&state, &n, &failing, &minID, &apps); err != nil {
			return c, fmt.Errorf("outbox: counting: %w", err)
		}
		c.pending += int(n)
		c.applications += int(apps)
		c.failing += int(failing)
		if state == dbFailed {
			c.parked = int(n)
		}
		if c.oldestID == 0 || minID < c.oldestID {
			c.oldestID = minID
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("outbox: counting: %w", err)
	}
	if c.oldestID != 0 {
		if err := db.QueryRowContext(ctx, "SELECT created FROM items WHERE id = ?", c.oldestID).Scan(&c.oldest); err != nil {
			return c, fmt.Errorf("outbox: counting: %w", err)
		}
	}
	return c, nil
}

// setCounts publishes new counts, and tells the notifier if they changed.
func (q *Queue) setCounts(c counts) {
	q.stmu.Lock()
	changed := c != q.st
	q.st = c
	q.stmu.Unlock()
	if changed {
		signal(q.changed)
	}
}

// signal wakes whoever waits on c, without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// enter starts an operation on the database; leave ends it.
func (q *Queue) enter() error {
	q.mu.RLock()
	if q.closed {
		q.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

func (q *Queue) leave() { q.mu.RUnlock() }

// Close waits for the operations under way, commits the enqueues already
// accepted, and closes the database. Stop the Sender (cancel its context)
// first: its operations after Close fail with ErrClosed.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	q.mu.Unlock()
	close(q.reqs)
	<-q.committerDone
	close(q.stop)
	<-q.notifierDone
	err := q.db.Close()
	if uerr := filelock.Unlock(q.lock); err == nil {
		err = uerr
	}
	if cerr := q.lock.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("outbox: closing: %w", err)
	}
	return nil
}

// enqReq is one Enqueue waiting for the group commit.
type enqReq struct {
	kind    Kind
	key     string
	payload []byte
	sealed  []byte
	created int64
	done    chan enqResult
}

type enqResult struct {
	item Item
	err  error
}

// Enqueue queues a payload of the given kind under the caller's
// idempotency key, and returns once it is on disk (the database's write-
// ahead log synced), so it survives kill -9 and power loss. Enqueues from
// concurrent callers share a transaction (group commit); none returns
// before its own is synced.
//
// If the key is already queued (pending, failed, or delivered within the
// retention), nothing is written and the existing item is returned: a UI
// that retries cannot queue twice. It fails with ErrKeyConflict if the
// existing item is of another kind, or its payload is still kept and
// differs. An error from ctx means the item may or may not have been
// queued: enqueue it again with the same key to know.
//
// The payload is encrypted before it is written; the key must be random
// (NewKey) and carry no personal data, as it is stored in clear.
func (q *Queue) Enqueue(ctx context.Context, kind Kind, key string, payload []byte) (Item, error) {
	if !kind.Valid() {
		return Item{}, fmt.Errorf("%w %q", ErrBadKind, kind)
	}
	if err := ValidateKey(key); err != nil {
		return Item{}, err
	}
	if len(payload) > MaxPayload {
		return Item{}, fmt.Errorf("%w: %d bytes, at most %d", ErrPayloadTooLarge, len(payload), MaxPayload)
	}
	sealed, err := q.seal.seal(payload, ad("payload", kind, key))
	if err != nil {
		return Item{}, err
	}
	r := &enqReq{kind: kind, key: key, payload: payload, sealed: sealed, created: q.now().UnixMilli(), done: make(chan enqResult, 1)}
	if err := q.enter(); err != nil {
		return Item{}, err
	}
	defer q.leave()
	if err := ctx.Err(); err != nil {
		return Item{}, fmt.Errorf("outbox: not queued: %w", err)
	}
	select {
	case q.reqs <- r:
	case <-ctx.Done():
		return Item{}, fmt.Errorf("outbox: not queued: %w", ctx.Err())
	}
	select {
	case res := <-r.done:
		return res.item, res.err
	case <-ctx.Done():
		return Item{}, fmt.Errorf("outbox: the item may or may not be queued; enqueue it again with the same key: %w", ctx.Err())
	}
}

// commitLoop takes the waiting enqueues, as many as there are (up to a
// bound), into one transaction at a time; those that arrive while it
// commits wait for the next.
func (q *Queue) commitLoop() {
	defer close(q.committerDone)
	for r := range q.reqs {
		batch, size := []*enqReq{r}, len(r.sealed)
	more:
		for len(batch) < maxBatch && size < maxBatchBytes {
			select {
			case r, ok := <-q.reqs:
				if !ok {
					break more
				}
				batch = append(batch, r)
				size += len(r.sealed)
			default:
				break more
			}
		}
		q.commit(batch)
	}
}

// commit writes a batch of enqueues in one transaction and answers each.
func (q *Queue) commit(batch []*enqReq) {
	res := make([]enqResult, len(batch))
	inserted, apps, minID, minCreated, err := q.commitTx(batch, res)
	if err != nil {
		for i := range res {
			res[i] = enqResult{err: err}
		}
		// The transaction is rolled back, or its fate unknown after an
		// I/O error: count again.
		if c, cerr := q.recount(context.Background(), q.db); cerr == nil {
			q.setCounts(c)
		}
	} else if inserted > 0 {
		q.stmu.Lock()
		c := q.st
		q.stmu.Unlock()
		c.pending += inserted
		c.applications += apps
		if c.oldestID == 0 {
			c.oldestID, c.oldest = minID, minCreated
		}
		q.setCounts(c)
		signal(q.wake)
	}
	for i, r := range batch {
		r.done <- res[i]
	}
}

func (q *Queue) commitTx(batch []*enqReq, res []enqResult) (inserted, apps int, minID, minCreated int64, err error) {
	ctx := context.Background() // one caller's context may not abort the others' commit
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("outbox: not queued: %w", err)
	}
	defer tx.Rollback()
	sel, err := tx.PrepareContext(ctx, "SELECT "+itemColumns+" FROM items WHERE key = ?")
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("outbox: not queued: %w", err)
	}
	defer sel.Close()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO items (key, kind, state, created, next_at, payload) VALUES (?, ?, ?, ?, ?, ?)")
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("outbox: not queued: %w", err)
	}
	defer ins.Close()
	for i, r := range batch {
		raw, err := scanRow(sel.QueryRowContext(ctx, r.key))
		switch {
		case err == nil:
			res[i] = q.existing(raw, r)
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return 0, 0, 0, 0, fmt.Errorf("outbox: not queued: %w", err)
		}
		result, err := ins.ExecContext(ctx, r.key, string(r.kind), dbPending, r.created, r.created, r.sealed)
		if err != nil {
			return 0, 0, 0, 0, fmt.Errorf("outbox: not queued: %w", err)
		}
		id, err := result.LastInsertId()
		if err != nil {
			return 0, 0, 0, 0, fmt.Errorf("outbox: not queued: %w", err)
		}
		res[i] = enqResult{item: Item{
			ID: id, Key: r.key, Kind: r.kind, Payload: r.payload, State: StatePending,
			Created: time.UnixMilli(r.created), NextAttempt: time.UnixMilli(r.created),
		}}
		if inserted == 0 {
			minID, minCreated = id, r.created
		}
		inserted++
		if r.kind == KindApplication {
			apps++
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("outbox: not queued: %w", err)
	}
	return inserted, apps, minID, minCreated, nil
}

// existing answers an Enqueue whose key is already queued.
func (q *Queue) existing(raw rawRow, r *enqReq) enqResult {
	it, err := q.seal.decode(raw)
	if err != nil {
		return enqResult{err: err}
	}
	if it.Kind != r.kind {
		return enqResult{err: fmt.Errorf("%w: the key is queued as %s, not %s", ErrKeyConflict, it.Kind, r.kind)}
	}
	if it.Payload != nil && !bytes.Equal(it.Payload, r.payload) {
		return enqResult{err: fmt.Errorf("%w: the key is queued with a different payload", ErrKeyConflict)}
	}
	return enqResult{item: it}
}

// Get returns the item with this idempotency key, or an error wrapping
// ErrNotFound.
func (q *Queue) Get(ctx context.Context, key string) (Item, error) {
	if err := q.enter(); err != nil {
		return Item{}, err
	}
	defer q.leave()
	raw, err := scanRow(q.db.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items WHERE key = ?", key))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("outbox: %w", err)
	}
	return q.seal.decode(raw)
}

// List returns the items in a state, oldest first. An item that cannot
// be decoded ends the list with a *CorruptError.
func (q *Queue) List(ctx context.Context, state State) ([]Item, error) {
	code := map[State]int{StatePending: dbPending, StateFailed: dbFailed, StateDelivered: dbDelivered}
	c, ok := code[state]
	if !ok {
		return nil, fmt.Errorf("outbox: unknown state %q", state)
	}
	if err := q.enter(); err != nil {
		return nil, err
	}
	defer q.leave()
	rows, err := q.db.QueryContext(ctx, "SELECT "+itemColumns+" FROM items WHERE state = ? ORDER BY id", c)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	var items []Item
	for rows.Next() {
		raw, err := scanRow(rows)
		if err != nil {
			return items, fmt.Errorf("outbox: %w", err)
		}
		it, err := q.seal.decode(raw)
		if err != nil {
			return items, err
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return items, fmt.Errorf("outbox: %w", err)
	}
	return items, nil
}

// Retry puts a parked (failed) item back in line, due now; for a pending
// item it makes it due now. A delivered item stays delivered. It fails
// with ErrNotFound if no item has the key.
func (q *Queue) Retry(ctx context.Context, key string) error {
	if err := q.enter(); err != nil {
		return err
	}
	defer q.leave()
	res, err := q.write(ctx, func(tx *sql.Tx) (sql.Result, error) {
		return tx.ExecContext(ctx, "UPDATE items SET state = ?, next_at = ? WHERE key = ? AND state IN (?, ?)",
			dbPending, q.now().UnixMilli(), key, dbPending, dbFailed)
	})
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		if err := q.db.QueryRowContext(ctx, "SELECT 1 FROM items WHERE key = ?", key).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return nil
	}
	signal(q.wake)
	return nil
}

// Kick makes every pending item due now and ends the sender's overall
// back-off: for when the network is known to be back, or an operator
// asks to send now.
func (q *Queue) Kick(ctx context.Context) error {
	if err := q.enter(); err != nil {
		return err
	}
	defer q.leave()
	_, err := q.write(ctx, func(tx *sql.Tx) (sql.Result, error) {
		return tx.ExecContext(ctx, "UPDATE items SET next_at = ? WHERE state = ? AND next_at > ?",
			q.now().UnixMilli(), dbPending, q.now().UnixMilli())
	})
	if err != nil {
		return err
	}
	signal(q.kick)
	signal(q.wake)
	return nil
}

// Purge removes the records of items delivered longer than the retention
// ago, and returns how many. It never removes an undelivered item. The
// Sender calls it periodically.
func (q *Queue) Purge(ctx context.Context) (int, error) {
	if err := q.enter(); err != nil {
		return 0, err
	}
	defer q.leave()
	cutoff := q.now().Add(-q.retention).UnixMilli()
	res, err := q.write(ctx, func(tx *sql.Tx) (sql.Result, error) {
		return tx.ExecContext(ctx, "DELETE FROM items WHERE state = ? AND delivered_at < ?", dbDelivered, cutoff)
	})
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// write runs one change in a transaction, recounts in it, commits, and
// publishes the counts.
func (q *Queue) write(ctx context.Context, change func(*sql.Tx) (sql.Result, error)) (sql.Result, error) {
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer tx.Rollback()
	res, err := change(tx)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	c, err := q.recount(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		if c, cerr := q.recount(context.WithoutCancel(ctx), q.db); cerr == nil {
			q.setCounts(c)
		}
		return nil, fmt.Errorf("outbox: %w", err)
	}
	q.setCounts(c)
	return res, nil
}

// Status returns the counts as of the last committed change; the age is
// computed now. It does not touch the database.
func (q *Queue) Status() Status {
	q.stmu.Lock()
	c := q.st
	q.stmu.Unlock()
	return q.status(c)
}

func (q *Queue) status(c counts) Status {
	s := Status{Pending: c.pending, Failing: c.failing, Parked: c.parked, Applications: c.applications}
	if c.oldestID != 0 {
		if age := q.now().UnixMilli() - c.oldest; age > 0 {
			s.OldestAgeS = age / 1000
		}
	}
	return s
}

// Subscribe calls fn with the new Status whenever the counts or the
// oldest item change (not as the oldest item merely ages: poll Status for
// that). Calls come from one goroutine, in order, and coalesce: a slow fn
// sees the latest status, not every step. cancel stops the calls.
func (q *Queue) Subscribe(fn func(Status)) (cancel func()) {
	q.submu.Lock()
	id := q.nextSub
	q.nextSub++
	q.subs[id] = fn
	q.submu.Unlock()
	return func() {
		q.submu.Lock()
		delete(q.subs, id)
		q.submu.Unlock()
	}
}

// notifyLoop calls the subscribers when the counts change.
func (q *Queue) notifyLoop(last counts) {
	defer close(q.notifierDone)
	for {
		select {
		case <-q.stop:
			return
		case <-q.changed:
		}
		q.stmu.Lock()
		c := q.st
		q.stmu.Unlock()
		if c == last {
			continue
		}
		last = c
		s := q.status(c)
		q.submu.Lock()
		fns := make([]func(Status), 0, len(q.subs))
		for i := 0; i < q.nextSub; i++ {
			if fn, ok := q.subs[i]; ok {
				fns = append(fns, fn)
			}
		}
		q.submu.Unlock()
		for _, fn := range fns {
			fn(s)
		}
	}
}
