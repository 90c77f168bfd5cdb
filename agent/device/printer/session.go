package printer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// session is one open printer; its goroutine (Serve) owns the port.
type session struct {
	s          *Service
	port       transport.Port
	name       string
	queue      chan *Job
	statusReqs chan statusReq
	done       chan struct{}
	rep        device.Reporter

	rd  escpos.StatusReader
	buf []byte
	// inOrder counts GS r replies seen by any read, so that one that
	// arrives while a status request is being answered is not lost.
	inOrder int
	gone    error
	health  string // the health code reported last
}

type statusReq struct{ reply chan statusReply }

type statusReply struct {
	st  escpos.Status
	err error
}

func newSession(s *Service, port transport.Port, name string) *session {
	return &session{s: s, port: port, name: name, queue: make(chan *Job, queueLen),
		statusReqs: make(chan statusReq), done: make(chan struct{}), buf: make([]byte, 256)}
}

// Close closes the port.
func (w *session) Close() error { return w.port.Close() }

func (w *session) blind() bool { return w.s.cfg.Profile.Blind }

// Serve prints jobs and answers status requests until the printer goes
// away (it returns why) or ctx ends (nil).
func (w *session) Serve(ctx context.Context, rep device.Reporter) error {
	w.rep = rep
	w.s.setOpen(w)
	defer func() {
		w.s.setOpen(nil)
		close(w.done)
		cause := w.gone
		if cause == nil {
			cause = ctx.Err()
		}
		// Jobs still waiting were not printed: keep them to resume.
		for {
			select {
			case j := <-w.queue:
				w.s.finish(j, &device.Error{Device: w.s.cfg.ID, Op: "print", Kind: device.ErrDisconnected, Err: cause}, true)
			default:
				return
			}
		}
	}()
	if w.blind() {
		rep.Ready()
	} else {
		w.refresh(ctx)
	}
	idle := time.NewTicker(w.s.cfg.IdleStatus)
	defer idle.Stop()
	for w.gone == nil {
		select {
		case <-ctx.Done():
			return nil
		case j := <-w.queue:
			w.run(ctx, j)
		case r := <-w.statusReqs:
			st, err := w.status(ctx)
			if err == nil {
				w.report(st)
			}
			r.reply <- statusReply{st, err}
		case <-idle.C:
			if !w.blind() {
				w.refresh(ctx)
			}
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return w.gone
}

// refresh asks for the printer's condition and reports it as health.
func (w *session) refresh(ctx context.Context) {
	st, err := w.status(ctx)
	if err != nil {
		if w.gone == nil {
			w.problem("not_answering", "the printer does not answer status requests: "+err.Error())
		}
		return
	}
	w.report(st)
}

// report turns a status into the device's health.
func (w *session) report(st escpos.Status) {
	p := st.Problem()
	switch {
	case p != nil:
		w.problem(healthCode(p), p.Error())
	case st.PaperNearEnd:
		if w.health != "paper_near_end" {
			w.health = "paper_near_end"
			w.rep.Warning("paper_near_end", "the paper roll is nearly empty")
		}
	case w.health != "ok":
		w.health = "ok"
		w.rep.Ready()
	}
}

func (w *session) problem(code, msg string) {
	if w.health != code {
		w.health = code
		w.rep.Problem(code, msg)
	}
}

// healthCode names a printer problem as a health code.
func healthCode(err error) string {
	switch {
	case errors.Is(err, escpos.ErrPaperOut):
		return "paper_out"
	case errors.Is(err, escpos.ErrCoverOpen):
		return "cover_open"
	case errors.Is(err, escpos.ErrCutterError):
		return "cutter_error"
	case errors.Is(err, escpos.ErrOffline):
		return "offline"
	}
	return "printer_error"
}

// realTimeAll asks for the printer, offline-cause, error-cause and paper
// sensor statuses.
var realTimeAll = []int{1, 2, 3, 4}

// status asks the printer for its condition (DLE EOT 1–4).
func (w *session) status(ctx context.Context) (escpos.Status, error) {
	return w.ask(ctx, realTimeAll)
}

// ask sends DLE EOT n for each n and merges the answers.
func (w *session) ask(ctx context.Context, ns []int) (escpos.Status, error) {
	var e escpos.Encoder
	for _, n := range ns {
		e.RealTimeStatus(n)
		w.rd.Expect(n)
	}
	if err := w.write(e.Bytes()); err != nil {
		return escpos.Status{}, err
	}
	var st escpos.Status
	got := 0
	err := w.read(ctx, time.Now().Add(w.s.cfg.StatusTimeout), func(r escpos.Reply) bool {
		if r.Kind == escpos.ReplyRealTime && r.Err == nil {
			st = st.Merge(r.Status)
			got++
		}
		return got == len(ns)
	})
	if err != nil {
		w.rd.Flush()
		w.rd.Reset()
		return st, err
	}
	return w.s.cfg.Profile.Adjust(st), nil
}

// errNoAnswer means the printer did not answer in time.
var errNoAnswer = errors.New("no answer from the printer")

// read feeds what the printer sends to the status reader until done
// accepts a reply, the deadline passes (errNoAnswer), the port fails or
// ctx ends.
func (w *session) read(ctx context.Context, deadline time.Time, done func(escpos.Reply) bool) error {
	for {
		for {
			r, ok := w.rd.Next()
			if !ok {
				break
			}
			if r.Kind == escpos.ReplyInOrder {
				w.inOrder++
			}
			if done(r) {
				return nil
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !time.Now().Before(deadline) {
			return errNoAnswer
		}
		n, err := w.port.Read(w.buf)
		if n > 0 {
			w.rd.Write(w.buf[:n])
		}
		if err != nil {
			return w.fail(err)
		}
	}
}

func (w *session) write(b []byte) error {
	if _, err := w.port.Write(b); err != nil {
		return w.fail(err)
	}
	return nil
}

// fail records a port error; a device that went away ends the session.
func (w *session) fail(err error) error {
	if errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed) {
		w.gone = err
	}
	return err
}

// pollEvery is how often a part that has not printed yet makes the
// session ask why.
const pollEvery = 500 * time.Millisecond

// run prints a job: its copies not printed yet, each from its start.
func (w *session) run(ctx context.Context, j *Job) {
	// Whoever queued j has emitted its queued event once this passes.
	w.s.handoff.Lock()
	w.s.handoff.Unlock()
	w.s.mu.Lock()
	j.state = Printing
	w.s.mu.Unlock()
	for j.done < j.Copies {
		w.s.emit(Event{JobID: j.ID, State: Printing, Copy: j.done + 1, Copies: j.Copies})
		if err := w.printCopy(ctx, j); err != nil {
			w.abort(ctx, j, err)
			return
		}
		w.s.mu.Lock()
		j.done++
		w.s.mu.Unlock()
	}
	w.s.finish(j, nil, false)
}

// printCopy prints one copy of j, part by part, each confirmed by the
// printer's in-order reply before the next is sent.
func (w *session) printCopy(ctx context.Context, j *Job) error {
	if !w.blind() {
		st, err := w.status(ctx)
		if errors.Is(err, errNoAnswer) {
			st, err = w.status(ctx) // once more: a reply lost on the line is not an offline printer
		}
		if err != nil {
			return w.offline(err)
		}
		w.report(st)
		if p := st.Problem(); p != nil {
			return p
		}
	}
	for _, part := range j.job.Parts {
		data := part.Data
		if !w.blind() && !(part.Kind == escpos.PartFinish && j.job.Marker) {
			var e escpos.Encoder
			e.InOrderMarker()
			data = append(append([]byte(nil), data...), e.Bytes()...)
		}
		if err := w.write(data); err != nil {
			return err
		}
		if w.blind() {
			sleep(ctx, wireTime(len(data), w.s.cfg.Baud))
			continue
		}
		if err := w.await(ctx, len(data)); err != nil {
			return err
		}
	}
	return nil
}

// await waits for the in-order reply to the part just sent, asking the
// printer why whenever it is slow: paper out, cover open and the like end
// the wait with that problem; silence ends it as offline.
func (w *session) await(ctx context.Context, n int) error {
	// Generous: the bytes' time on the wire, and printing a long part.
	deadline := time.Now().Add(wireTime(n, w.s.cfg.Baud) + 10*time.Second)
	want := w.inOrder + 1
	for {
		if w.inOrder >= want {
			return nil // it came while status was being asked for
		}
		var problem error
		until := time.Now().Add(pollEvery)
		if deadline.Before(until) {
			until = deadline
		}
		err := w.read(ctx, until, func(r escpos.Reply) bool {
			switch {
			case r.Kind == escpos.ReplyInOrder:
				return w.inOrder >= want
			case r.Kind == escpos.ReplyASB && r.Err == nil:
				problem = w.s.cfg.Profile.Adjust(r.Status).Problem()
				return problem != nil
			}
			return false
		})
		switch {
		case problem != nil:
			return problem
		case err == nil:
			return nil
		case !errors.Is(err, errNoAnswer):
			return err
		case !time.Now().Before(deadline):
			return w.offline(fmt.Errorf("the part sent was not printed within %v", wireTime(n, w.s.cfg.Baud)+10*time.Second))
		}
		// Slow: ask why (DLE EOT is answered even while printing is stopped).
		st, err := w.ask(ctx, []int{2, 4})
		if err != nil {
			if errors.Is(err, errNoAnswer) {
				continue // the request waits behind the part on a slow line
			}
			return err
		}
		w.report(st)
		if p := st.Problem(); p != nil {
			return p
		}
	}
}

// offline wraps err as the printer not answering.
func (w *session) offline(err error) error {
	if w.gone != nil {
		return err
	}
	return fmt.Errorf("%w: %w", escpos.ErrOffline, err)
}

// abort ends a job that stopped before its end. The printer's receive
// buffer is cleared first (DLE ENQ 2), so that a new roll or a closed
// cover does not print the rest of the receipt on its own; the job is kept
// to be resumed, unless only the cut failed (the receipt is out).
func (w *session) abort(ctx context.Context, j *Job, err error) {
	if w.gone == nil && !w.blind() {
		var e escpos.Encoder
		e.Recover(true)
		w.write(e.Bytes())
		w.rd.Flush()
		w.rd.Reset()
	}
	if w.gone != nil {
		err = &device.Error{Device: w.s.cfg.ID, Op: "print", Kind: device.ErrDisconnected, Err: err}
	}
	w.s.finish(j, err, !errors.Is(err, escpos.ErrCutterError))
}

// wireTime is how long n bytes take on a serial line at baud (8N1).
func wireTime(n, baud int) time.Duration {
	if baud <= 0 {
		return 0
	}
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
