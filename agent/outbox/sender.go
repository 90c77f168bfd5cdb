package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Defaults of a Sender.
const (
	DefaultMinBackoff     = time.Second
	DefaultMaxBackoff     = 5 * time.Minute
	DefaultAttemptTimeout = 2 * time.Minute
	DefaultPurgeEvery     = time.Hour
)

// Sender delivers a queue's items to the platform, oldest first, one at a
// time, through Deliver. Set its fields, then call Run. One Sender runs
// per queue.
//
// A delivery that fails transiently (any error that is not permanent, see
// IsPermanent) is tried again after a per-item back-off that doubles from
// MinBackoff to MaxBackoff (±20%); meanwhile the other items go on. And
// while deliveries keep failing transiently — the platform or the network
// is down — the whole sender pauses between attempts, again doubling from
// MinBackoff to MaxBackoff, so that a down platform sees one attempt per
// pause, not one per item. The first success ends the pause; items that
// were tried during it keep their own back-off (at most MaxBackoff), so an
// item that fails by itself is not retried after every other success.
// Queue.Kick ends both early (the network is back, an operator asks).
//
// A permanent failure parks the item as failed (StateFailed): it is kept,
// counted in Status, reported to OnParked, and tried again only after
// Queue.Retry. An item that cannot be decrypted is parked the same way,
// with its *CorruptError.
type Sender struct {
	// Queue is the queue to deliver. Required.
	Queue *Queue
	// Deliver hands one item to the platform; nil means it was stored
	// (also when the platform had it already: it stores once per
	// Item.Key, which Deliver must send). Its context ends at
	// AttemptTimeout or when Run's context ends. Required.
	Deliver func(ctx context.Context, it Item) error
	// MinBackoff and MaxBackoff bound the back-offs; zero means
	// DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// AttemptTimeout bounds one delivery; zero means
	// DefaultAttemptTimeout.
	AttemptTimeout time.Duration
	// PurgeEvery is how often delivered records older than the queue's
	// retention are purged; zero means DefaultPurgeEvery.
	PurgeEvery time.Duration
	// OnParked, if set, is told of each item the sender parks, with the
	// error that made it park it. It runs on the sender's goroutine.
	OnParked func(it Item, err error)
}

// ErrSenderRunning is returned by Run when another Sender runs on the
// same queue.
var ErrSenderRunning = errors.New("outbox: a sender is already running on this queue")

// Run delivers until ctx ends, then returns nil; it returns promptly,
// abandoning a delivery under way (the item stays pending and is sent
// again later; the platform stores it once). It returns an error if the
// queue fails (ErrClosed, a database error).
func (s *Sender) Run(ctx context.Context) error {
	if s.Queue == nil || s.Deliver == nil {
		return errors.New("outbox: Sender needs a Queue and a Deliver function")
	}
	q := s.Queue
	minB, maxB := s.MinBackoff, s.MaxBackoff
	if minB <= 0 {
		minB = DefaultMinBackoff
	}
	if maxB <= 0 {
		maxB = DefaultMaxBackoff
	}
	if maxB < minB {
		maxB = minB
	}
	attemptTimeout := s.AttemptTimeout
	if attemptTimeout <= 0 {
		attemptTimeout = DefaultAttemptTimeout
	}
	purgeEvery := s.PurgeEvery
	if purgeEvery <= 0 {
		purgeEvery = DefaultPurgeEvery
	}
	if !q.sending.CompareAndSwap(false, true) {
		return ErrSenderRunning
	}
	defer q.sending.Store(false)

	var (
		pause      time.Duration // the overall back-off, 0 while deliveries succeed
		pauseUntil time.Time
		nextPurge  time.Time
	)
	for {
		if ctx.Err() != nil {
			return nil
		}
		now := q.now()
		if !now.Before(nextPurge) {
			if _, err := q.Purge(ctx); err != nil {
				return quiet(ctx, err)
			}
			nextPurge = now.Add(purgeEvery)
		}
		if now.Before(pauseUntil) {
			if !s.wait(ctx, pauseUntil.Sub(now), nil, q.kick) {
				return nil
			}
			pauseUntil = time.Time{} // a kick ends it too
			continue
		}
		it, found, next, err := q.nextDue(ctx, now)
		if err != nil {
			return quiet(ctx, err)
		}
		if !found {
			d := nextPurge.Sub(now)
			if !next.IsZero() && next.Sub(now) < d {
				d = next.Sub(now)
			}
			if !s.wait(ctx, d, q.wake, q.kick) {
				return nil
			}
			continue
		}
		if it.err != nil {
			if err := q.park(ctx, it.Item, it.err); err != nil {
				return quiet(ctx, err)
			}
			if s.OnParked != nil {
				s.OnParked(it.Item, it.err)
			}
			continue
		}
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		derr := s.Deliver(actx, it.Item)
		cancel()
		if derr == nil {
			// Recorded even if ctx ended meanwhile: the platform has it.
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			err := q.markDelivered(wctx, it.Item)
			cancel()
			if err != nil {
				return quiet(ctx, err)
			}
			pause, pauseUntil = 0, time.Time{}
			continue
		}
		if ctx.Err() != nil {
			return nil // shutting down: not an attempt
		}
		if IsPermanent(derr) {
			if err := q.park(ctx, it.Item, derr); err != nil {
				return quiet(ctx, err)
			}
			if s.OnParked != nil {
				s.OnParked(it.Item, derr)
			}
			pause, pauseUntil = 0, time.Time{} // the platform answered
			continue
		}
		backoff := jitter(doubling(minB, maxB, it.Attempts+1))
		if err := q.markFailed(ctx, it.Item, derr, now.Add(backoff)); err != nil {
			return quiet(ctx, err)
		}
		if pause == 0 {
			pause = minB
		} else if pause *= 2; pause > maxB {
			pause = maxB
		}
		pauseUntil = q.now().Add(jitter(pause))
	}
}

// quiet turns an error caused by ctx ending into nil.
func quiet(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// wait sleeps for d or until one of the channels fires; false if ctx
// ended.
func (s *Sender) wait(ctx context.Context, d time.Duration, a, b <-chan struct{}) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	case <-a:
	case <-b:
	}
	return true
}

// doubling is min·2^(n-1), at most max.
func doubling(min, max time.Duration, n int) time.Duration {
	d := min
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}

// jitter spreads d by ±20%.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// dueItem is an item to deliver, or one that could not be decoded (err).
type dueItem struct {
	Item
	err error
}

// nextDue returns the oldest pending item that is due at now; if there is
// none, when the next one will be (zero if none is pending).
func (q *Queue) nextDue(ctx context.Context, now time.Time) (dueItem, bool, time.Time, error) {
	if err := q.enter(); err != nil {
		return dueItem{}, false, time.Time{}, err
	}
	defer q.leave()
	raw, err := scanRow(q.db.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items WHERE state = ? AND next_at <= ? ORDER BY id LIMIT 1",
		dbPending, now.UnixMilli()))
	if errors.Is(err, sql.ErrNoRows) {
		var next sql.NullInt64
		if err := q.db.QueryRowContext(ctx, "SELECT MIN(next_at) FROM items WHERE state = ?", dbPending).Scan(&next); err != nil {
			return dueItem{}, false, time.Time{}, fmt.Errorf("outbox: %w", err)
		}
		if !next.Valid {
			return dueItem{}, false, time.Time{}, nil
		}
		return dueItem{}, false, time.UnixMilli(next.Int64), nil
	}
	if err != nil {
		return dueItem{}, false, time.Time{}, fmt.Errorf("outbox: %w", err)
	}
	it, err := q.seal.decode(raw)
	if err != nil {
		// What can be told without decoding, for park and OnParked.
		it = Item{ID: raw.ID, Key: raw.Key, Kind: Kind(raw.Kind), State: StatePending,
			Created: time.UnixMilli(raw.Created), Attempts: int(raw.Attempts), Failing: raw.Failing == 1}
	}
	return dueItem{Item: it, err: err}, true, time.Time{}, nil
}

// markDelivered records a delivery, durably, and wipes the payload.
func (q *Queue) markDelivered(ctx context.Context, it Item) error {
	if err := q.enter(); err != nil {
		return err
	}
	defer q.leave()
	now := q.now().UnixMilli()
	_, err := q.write(ctx, func(tx *sql.Tx) (sql.Result, error) {
		return tx.ExecContext(ctx, "UPDATE items SET state = ?, delivered_at = ?, last_at = ?, attempts = attempts + 1, failing = 0, "+
			"last_error = NULL, payload = x'' WHERE id = ? AND state = ?", dbDelivered, now, now, it.ID, dbPending)
	})
	return err
}

// markFailed records a transient failure and when to try again.
func (q *Queue) markFailed(ctx context.Context, it Item, derr error, next time.Time) error {
	return q.recordFailure(ctx, it, derr, dbPending, next)
}

// park records a permanent failure: the item leaves the line until Retry.
func (q *Queue) park(ctx context.Context, it Item, derr error) error {
	return q.recordFailure(ctx, it, derr, dbFailed, q.now())
}

func (q *Queue) recordFailure(ctx context.Context, it Item, derr error, state int, next time.Time) error {
	if err := q.enter(); err != nil {
		return err
	}
	defer q.leave()
	var sealed []byte
	if it.Kind.Valid() && ValidateKey(it.Key) == nil {
		var err error
		if sealed, err = q.seal.seal([]byte(errorText(derr)), ad("error", it.Kind, it.Key)); err != nil {
			return err
		}
	}
	now := q.now().UnixMilli()
	_, err := q.write(ctx, func(tx *sql.Tx) (sql.Result, error) {
		return tx.ExecContext(ctx, "UPDATE items SET state = ?, attempts = attempts + 1, last_at = ?, next_at = ?, failing = 1, last_error = ? "+
			"WHERE id = ? AND state = ?", state, now, next.UnixMilli(), sealed, it.ID, dbPending)
	})
	return err
}
