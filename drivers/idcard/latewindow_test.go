package idcard_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// scripted is a device that answers each command with what reply returns
// for it (nil: no reply at all), and records when each command came.
type scripted struct {
	mu    sync.Mutex
	times []time.Time
	cmds  []idcard.Command
}

func serveScript(t *testing.T, dev *transport.PipeEnd, reply func(n int, c idcard.Command) []byte) *scripted {
	s := &scripted{}
	go func() {
		var dec idcard.Decoder
		buf := make([]byte, 256)
		for {
			n, err := dev.Read(buf)
			if err != nil {
				return
			}
			dec.Feed(buf[:n])
			for {
				body, err := dec.Next()
				if errors.Is(err, idcard.ErrNeedMore) {
					break
				}
				if err != nil || len(body) < 2 {
					continue
				}
				c := idcard.Command{CMD: body[0], PARA: body[1]}
				s.mu.Lock()
				i := len(s.cmds)
				s.cmds = append(s.cmds, c)
				s.times = append(s.times, time.Now())
				s.mu.Unlock()
				if r := reply(i, c); r != nil {
					dev.Write(r)
				}
			}
		}
	}()
	return s
}

func (s *scripted) sentAt(i int) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.times[i]
}

var lateOpts = idcard.Options{ShortTimeout: 60 * time.Millisecond, ReadTimeout: 120 * time.Millisecond, FrameGap: 20 * time.Millisecond, Retries: -1, LateWindow: 1500 * time.Millisecond}

func noCard() []byte { return idcard.EncodeResponse(0, 0, idcard.StatusNoCard, nil) }

// A lost find reply (the commonest fault while polling an empty reader)
// keeps the line quiet for one short timeout, not for the read window: a
// card placed just after it is still found at the next poll.
func TestLostShortReplyQuietsTheLineBriefly(t *testing.T) {
	host, dev := transport.Pipe()
	defer host.Close()
	s := serveScript(t, dev, func(n int, c idcard.Command) []byte {
		if n == 0 {
			return nil
		}
		return noCard()
	})
	r := idcard.NewReader(host, lateOpts)
	if err := r.Find(ctxT(t, 5*time.Second)); !errors.Is(err, idcard.ErrTimeout) {
		t.Fatalf("first find: %v, want ErrTimeout", err)
	}
	if err := r.Find(ctxT(t, 5*time.Second)); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("second find: %v, want ErrNoCard", err)
	}
	// Well inside the read window, whatever the load on this machine.
	gap := s.sentAt(1).Sub(s.sentAt(0))
	if gap > lateOpts.LateWindow/2 {
		t.Fatalf("second find sent %v after the first: the line stayed quiet for the read window (%v)", gap, lateOpts.LateWindow)
	}
}

// A damaged reply is not late: nothing more will come, so the command is
// sent again at once.
func TestDamagedShortReplyIsRetriedAtOnce(t *testing.T) {
	host, dev := transport.Pipe()
	defer host.Close()
	s := serveScript(t, dev, func(n int, c idcard.Command) []byte {
		r := noCard()
		if n == 0 {
			r[len(r)-1] ^= 0xFF // bad checksum
		}
		return r
	})
	o := lateOpts
	o.Retries = 1
	o.ShortTimeout = 800 * time.Millisecond // a wait for a late reply would add as much again
	r := idcard.NewReader(host, o)
	if err := r.Find(ctxT(t, 5*time.Second)); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("find: %v, want ErrNoCard after one retry", err)
	}
	if gap := s.sentAt(1).Sub(s.sentAt(0)); gap > o.ShortTimeout+o.FrameGap+500*time.Millisecond {
		t.Fatalf("retry sent %v after the damaged reply's command; it waited for a late reply that cannot come", gap)
	}
}

// A lost read reply holds every later read for the whole read window (its
// data could otherwise be taken for the next card's), but not a find.
func TestLostReadReplyHoldsReadsOnly(t *testing.T) {
	host, dev := transport.Pipe()
	defer host.Close()
	s := serveScript(t, dev, func(n int, c idcard.Command) []byte {
		switch {
		case isReadBase(c) && n == 0:
			return nil // lost
		case isReadBase(c):
			return idcard.EncodeResponse(0, 0, idcard.StatusReadFailed, nil)
		}
		return noCard()
	})
	r := idcard.NewReader(host, lateOpts)
	if _, err := r.Reread(ctxT(t, 5*time.Second)); !errors.Is(err, idcard.ErrTimeout) {
		t.Fatalf("read: %v, want ErrTimeout", err)
	}
	gaveUp := time.Now() // after the read's own wait for a late reply
	if err := r.Find(ctxT(t, 5*time.Second)); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("find: %v", err)
	}
	if gap := s.sentAt(1).Sub(gaveUp); gap > lateOpts.LateWindow/2 {
		t.Fatalf("find sent %v after the lost read was given up: finds must not wait for the read window", gap)
	}
	if _, err := r.Reread(ctxT(t, 5*time.Second)); err == nil || errors.Is(err, idcard.ErrTimeout) {
		t.Fatalf("second read: %v, want the reader's failure status", err)
	}
	if gap := s.sentAt(2).Sub(s.sentAt(0)); gap < lateOpts.LateWindow {
		t.Fatalf("second read sent %v after the lost one, inside the %v read window", gap, lateOpts.LateWindow)
	}
}

// When the lost read reply does come (late), the read window closes early.
func TestLateReadReplyClosesTheWindow(t *testing.T) {
	host, dev := transport.Pipe()
	defer host.Close()
	data := append([]byte{0x01, 0x00, 0x04, 0x00}, make([]byte, 256+1024)...)
	o := lateOpts
	o.LateWindow = 3 * time.Second
	lateBy := o.ReadTimeout + 1200*time.Millisecond // after the read's own 1 s wait for it
	s := serveScript(t, dev, func(n int, c idcard.Command) []byte {
		switch {
		case isReadBase(c) && n == 0:
			go func() {
				time.Sleep(lateBy)
				dev.Write(idcard.EncodeResponse(0, 0, idcard.StatusOK, data))
			}()
			return nil
		case isReadBase(c):
			return idcard.EncodeResponse(0, 0, idcard.StatusReadFailed, nil)
		}
		return noCard()
	})
	r := idcard.NewReader(host, o)
	if _, err := r.Reread(ctxT(t, 5*time.Second)); !errors.Is(err, idcard.ErrTimeout) {
		t.Fatalf("read: %v, want ErrTimeout", err)
	}
	if _, err := r.Reread(ctxT(t, 5*time.Second)); err == nil || errors.Is(err, idcard.ErrTimeout) {
		t.Fatalf("second read: %v, want the reader's failure status", err)
	}
	gap := s.sentAt(1).Sub(s.sentAt(0))
	if gap < lateBy || gap >= o.LateWindow-200*time.Millisecond {
		t.Fatalf("second read sent %v after the first; the late reply came at %v, the window ends at %v", gap, lateBy, o.LateWindow)
	}
	if st := r.Stats(); st.StaleFrames != 1 {
		t.Fatalf("stale frames %d, want the late reply drained as 1", st.StaleFrames)
	}
}

func isReadBase(c idcard.Command) bool {
	return c.CMD == idcard.CmdReadBase.CMD && c.PARA == idcard.CmdReadBase.PARA
}
