package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// schemaVersion is PRAGMA user_version of a database this code made.
const schemaVersion = 1

const schema = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE households (
	id      TEXT PRIMARY KEY,
	record  TEXT NOT NULL, -- wire.Household JSON, relations to its first member
	reject  TEXT NOT NULL  -- JSON {item: reason}: the demo's decisions
) STRICT;
CREATE TABLE members (
	id_number    TEXT PRIMARY KEY,
	household_id TEXT NOT NULL REFERENCES households(id),
	member_id    TEXT NOT NULL
) STRICT;
CREATE TABLE applications (
	seq                 INTEGER PRIMARY KEY,
	idempotency_key     TEXT NOT NULL UNIQUE,
	content_sha256      TEXT NOT NULL,
	application_id      TEXT NOT NULL UNIQUE,
	applicant_id_number TEXT NOT NULL,
	household_id        TEXT,
	body                TEXT NOT NULL, -- wire.Application JSON as received
	accepted_at         TEXT NOT NULL, -- RFC 3339, demo time
	deadline            TEXT NOT NULL, -- YYYY-MM-DD
	limit_days          INTEGER NOT NULL
) STRICT;
CREATE INDEX applications_applicant ON applications(applicant_id_number);
CREATE INDEX applications_household ON applications(household_id);
CREATE TABLE evidence (
	idempotency_key TEXT NOT NULL,
	sha256          TEXT NOT NULL,
	content_type    TEXT NOT NULL,
	size            INTEGER NOT NULL,
	body            BLOB NOT NULL,
	received_at     TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	PRIMARY KEY (idempotency_key, sha256)
) STRICT;
`

// openDB opens (making it if need be) the database file: WAL, full sync
// (a stored application survives a power cut), foreign keys, and
// write transactions that take the write lock at BEGIN (BEGIN IMMEDIATE),
// so a read-then-insert is never raced by another writer.
func openDB(ctx context.Context, path string) (*sql.DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("demo: database path %q: want a file name without '?'", path)
	}
	dsn := path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("demo: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("demo: open %s: %w", path, err)
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("demo: open %s: journal mode is %q, not WAL", path, mode)
	}
	return db, nil
}

// migrate makes the schema and seeds the households on a new database,
// in one transaction; a database of another version is an error.
func migrate(ctx context.Context, db *sql.DB, dataAsOf time.Time) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	switch v {
	case schemaVersion:
		return nil
	case 0:
	default:
		return fmt.Errorf("demo: the database has schema version %d, this program knows %d", v, schemaVersion)
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("demo: making the schema: %w", err)
	}
	for _, s := range seeds() {
		h := s.household
		h.ApplicantID = h.Members[0].ID
		h.DataAsOf = dataAsOf.Format(time.RFC3339)
		rec, err := json.Marshal(h)
		if err != nil {
			return fmt.Errorf("demo: seed %s: %w", h.ID, err)
		}
		rej, err := json.Marshal(s.reject)
		if err != nil {
			return fmt.Errorf("demo: seed %s: %w", h.ID, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO households (id, record, reject) VALUES (?, ?, ?)", h.ID, string(rec), string(rej)); err != nil {
			return fmt.Errorf("demo: seed %s: %w", h.ID, err)
		}
		for _, m := range h.Members {
			if m.Excluded != "" {
				continue // not counted: not found by their number
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO members (id_number, household_id, member_id) VALUES (?, ?, ?)", m.IDNumber, h.ID, m.ID); err != nil {
				return fmt.Errorf("demo: seed %s: %w", h.ID, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(schemaVersion)); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("demo: seeding: %w", err)
	}
	return nil
}

// loadClock reads the clock's anchor, moves it to now at the new speed,
// and stores it: demo time goes on from where it was, whatever the speed
// was before.
func loadClock(ctx context.Context, db *sql.DB, real func() time.Time, speed float64) (*clock, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("demo: clock: %w", err)
	}
	defer tx.Rollback()
	get := func(k string) (string, error) {
		var v string
		err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", k).Scan(&v)
		return v, err
	}
	c := &clock{real: real, speed: speed}
	now := real()
	r, errR := get("clock_real")
	v, errV := get("clock_virtual")
	s, errS := get("clock_speed")
	switch {
	case errors.Is(errR, sql.ErrNoRows):
		c.anchorR, c.anchorV = now, now
	case errR != nil || errV != nil || errS != nil:
		return nil, fmt.Errorf("demo: clock: %w", errors.Join(errR, errV, errS))
	default:
		old := &clock{real: real}
		var err1, err2, err3 error
		old.anchorR, err1 = time.Parse(time.RFC3339Nano, r)
		old.anchorV, err2 = time.Parse(time.RFC3339Nano, v)
		old.speed, err3 = strconv.ParseFloat(s, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("demo: clock: stored anchor: %w", err)
		}
		c.anchorR, c.anchorV = now, old.now()
	}
	for k, val := range map[string]string{
		"clock_real": c.anchorR.Format(time.RFC3339Nano), "clock_virtual": c.anchorV.Format(time.RFC3339Nano),
		"clock_speed": strconv.FormatFloat(speed, 'g', -1, 64),
	} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", k, val); err != nil {
			return nil, fmt.Errorf("demo: clock: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("demo: clock: %w", err)
	}
	return c, nil
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}
