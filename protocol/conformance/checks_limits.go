package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// paddedHello is an agent.hello request of exactly n bytes, its string id
// padded; it returns the frame and the id.
func paddedHello(n int, tag string) ([]byte, string) {
	prefix := `{"jsonrpc":"2.0","method":"agent.hello","id":"` + tag
	pad := n - len(prefix) - len(`"}`)
	if pad < 0 {
		pad = 0
	}
	id := tag + strings.Repeat("x", pad)
	return []byte(prefix + strings.Repeat("x", pad) + `"}`), id
}

// checkOversized: a message of the limit is served; one byte more closes
// the connection with 1009, and other clients are not affected.
func checkOversized(ctx context.Context, env *Env) error {
	limit := env.cfg.Limits.MaxMessageBytes
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	msg, id := paddedHello(limit, "at-limit-")
	c.Track(id, protocol.MethodHello)
	if err := c.Send(msg); err != nil {
		return err
	}
	reply, err := c.NextReply(ctx, replyWait)
	if err != nil {
		return fmt.Errorf("%s: sent a message of %d bytes (the limit): %w", c.Name, len(msg), err)
	}
	if r, err := parseResponse(reply); err != nil || string(r.ID) != `"`+id+`"` {
		return fmt.Errorf("%s: sent agent.hello of %d bytes (the limit) with a long string id; got %s, want its response", c.Name, len(msg), clip(reply))
	}
	msg, _ = paddedHello(limit+1, "over-limit-")
	if err := c.Send(msg); err != nil {
		return err
	}
	code, text, err := c.WaitClosed(ctx, closeWait)
	if err != nil {
		return fmt.Errorf("sent a message of %d bytes (limit %d): %w, want it closed with %d", len(msg), limit, err, protocol.CloseTooBig)
	}
	if code != protocol.CloseTooBig {
		return fmt.Errorf("%s: sent a message of %d bytes (limit %d): closed with %d %q, want %d", c.Name, len(msg), limit, code, text, protocol.CloseTooBig)
	}
	c2, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	return c2.Alive(ctx)
}

// callsAtOnce sends n devices.list requests without waiting and sorts the
// n answers: results, RATE_LIMITED, others. It returns how long it took
// until the last answer (the agent admitted them all within that).
func callsAtOnce(ctx context.Context, c *Conn, n int) (ok, limited int, elapsed time.Duration, err error) {
	start := time.Now()
	ids := make([]string, n)
	for i := range n {
		id := c.newID(protocol.MethodDevicesList)
		ids[i] = fmt.Sprint(id)
		if err := c.Send(fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%d,"method":"devices.list"}`, id)); err != nil {
			return 0, 0, 0, err
		}
	}
	for _, id := range ids {
		r, err := c.awaitID(ctx, []byte("devices.list #"+id), id)
		if err != nil {
			return 0, 0, 0, err
		}
		switch {
		case r.Error == nil:
			ok++
		case r.Error.Data != nil && r.Error.Data.Reason == protocol.ReasonRateLimited:
			limited++
		default:
			return 0, 0, 0, fmt.Errorf("%s: %d devices.list at once: got %s, want a result or RATE_LIMITED", c.Name, n, clip(r.Raw))
		}
	}
	return ok, limited, time.Since(start), nil
}

// checkRate: calls over the rate are RATE_LIMITED (each element of a batch
// counting), the connection stays, and other clients are served.
func checkRate(ctx context.Context, env *Env) error {
	l := env.cfg.Limits
	a, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	n := l.Burst + 10 + int(l.CallsPerSecond/4)
	ok, limited, elapsed, err := callsAtOnce(ctx, a, n)
	if err != nil {
		return err
	}
	refill := int(math.Ceil(elapsed.Seconds()*l.CallsPerSecond)) + 1
	// At most the burst and what refilled while sending; fewer is allowed
	// (RATE_LIMITED also means too many calls waiting).
	if limited == 0 || ok > l.Burst+refill || ok == 0 {
		return fmt.Errorf("%s: %d devices.list at once (burst %d, %g/s, answered within %v): %d results and %d RATE_LIMITED, want 1 to %d results and the rest RATE_LIMITED",
			a.Name, n, l.Burst, l.CallsPerSecond, elapsed.Round(time.Millisecond), ok, limited, l.Burst+refill)
	}
	env.Logf("%d calls at once: %d results, %d RATE_LIMITED", n, ok, limited)
	b, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	b.Name = "a second own-origin client"
	if err := b.Result(ctx, protocol.MethodDevicesList, nil, nil); err != nil {
		return fmt.Errorf("while another client is rate-limited: %w", err)
	}
	// After a pause the limited client is served again.
	pause := time.Duration(float64(time.Second) * 3 / l.CallsPerSecond)
	pause = max(pause, 150*time.Millisecond)
	var last *Response
	for range 3 {
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return ctx.Err()
		}
		last, err = a.Call(ctx, protocol.MethodDevicesList, nil)
		if err != nil {
			return fmt.Errorf("after being rate-limited, the connection should stay: %w", err)
		}
		if last.Error == nil {
			break
		}
	}
	if last.Error != nil {
		return fmt.Errorf("%s: devices.list %v after being rate-limited answered %s, want a result", a.Name, 3*pause, clip(last.Raw))
	}
	// Each element of a batch counts.
	k := l.Burst + 10
	if k > MaxBatch {
		env.Logf("burst %d: a batch cannot exceed it (at most %d elements); batch counting not tried", l.Burst, MaxBatch)
		return nil
	}
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString("[")
	for i := range k {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"jsonrpc":"2.0","id":"r%d","method":"devices.list"}`, i)
		c.Track(fmt.Sprintf("r%d", i), protocol.MethodDevicesList)
	}
	sb.WriteString("]")
	rs, reply, err := batchReply(ctx, c, sb.String())
	if err != nil {
		return err
	}
	limited = 0
	for _, r := range rs {
		if r.Error != nil && r.Error.Data != nil && r.Error.Data.Reason == protocol.ReasonRateLimited {
			limited++
		}
	}
	if len(rs) != k || limited == 0 {
		return fmt.Errorf("%s: a batch of %d devices.list (burst %d): got %d responses, %d RATE_LIMITED, want %d responses, some RATE_LIMITED: %s",
			c.Name, k, l.Burst, len(rs), limited, k, clip(reply))
	}
	return nil
}

// maxClientsLimit is the most clients the check opens.
const maxClientsLimit = 1000

// checkMaxClients: MaxClients clients are served at once; one more is
// upgraded and closed at once with 1013 and a reason; when one leaves, a
// new one is served.
func checkMaxClients(ctx context.Context, env *Env) error {
	m := env.cfg.Limits.MaxClients
	if m > maxClientsLimit {
		return skip("MaxClients %d: the check opens at most %d connections", m, maxClientsLimit)
	}
	var conns []*Conn
	var refused error
	for attempt := range 2 {
		conns, refused = nil, nil
		for i := range m {
			c, err := env.DialOwn(ctx)
			if err != nil {
				return fmt.Errorf("client %d of %d: %w", i+1, m, err)
			}
			c.Name = fmt.Sprintf("client %d of %d", i+1, m)
			if err := c.Alive(ctx); err != nil {
				refused = fmt.Errorf("%w (is another client connected to the agent?)", err)
				break
			}
			conns = append(conns, c)
		}
		if refused == nil {
			break
		}
		// Clients of earlier checks may not be gone yet: try once more.
		for _, c := range conns {
			c.Close()
		}
		if attempt == 0 {
			time.Sleep(500 * time.Millisecond)
		}
	}
	if refused != nil {
		return refused
	}
	extra, err := env.DialOwn(ctx)
	if err != nil {
		return fmt.Errorf("client %d with %d connected: %w; want it upgraded, then closed with %d", m+1, m, err, protocol.CloseTryAgainLate)
	}
	extra.Name = fmt.Sprintf("client %d with %d connected", m+1, m)
	code, text, err := extra.WaitClosed(ctx, closeWait)
	if err != nil {
		return fmt.Errorf("%w, want it closed with %d", err, protocol.CloseTryAgainLate)
	}
	if code != protocol.CloseTryAgainLate || text == "" {
		return fmt.Errorf("%s: closed with %d %q, want %d with a reason text", extra.Name, code, text, protocol.CloseTryAgainLate)
	}
	conns[0].Close()
	deadline := time.Now().Add(2 * time.Second)
	for {
		c, err := env.DialOwn(ctx)
		if err == nil {
			if err = c.Alive(ctx); err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("a client %v after one of %d left: %w", 2*time.Second, m, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Slow-reader budget: a client that has not read this much must have been
// dropped; the pump paces within the rate first, then sends as fast as the
// agent reads.
const (
	slowPaced    = 1500 * time.Millisecond
	slowUnpaced  = 4 * time.Second
	slowMaxBytes = 40 << 20
	slowDrain    = 4 * time.Second
	othersBound  = 3 * time.Second
	othersPace   = 300 * time.Millisecond // between two rounds of checkOthers
)

// checkSlowReader: a client that stops reading while the agent has
// replies and events for it is dropped, and meanwhile the others are
// served and receive events without delay.
func checkSlowReader(ctx context.Context, env *Env) error {
	l := env.cfg.Limits
	r, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	r.Name = "reading client"
	var d *Conn
	if env.cfg.Simulated {
		if d, err = env.DialOwn(ctx); err != nil {
			return err
		}
		d.Name = "card-placing client"
		if err := ensureEmpty(ctx, d); err != nil {
			return err
		}
	} else {
		env.Logf("not simulated: the other client is checked with calls, not events")
	}
	s, err := env.Dial(ctx, DialOptions{Name: "client that does not read", Origin: env.OwnOrigin(), Raw: true})
	if err != nil {
		return err
	}
	// It is served, then stops reading.
	s.ws.SetWriteDeadline(time.Now().Add(replyWait))
	if err := s.ws.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","id":0,"method":"agent.hello"}`)); err != nil {
		return err
	}
	s.ws.SetReadDeadline(time.Now().Add(replyWait))
	if _, _, err := s.ws.ReadMessage(); err != nil {
		return fmt.Errorf("%s: agent.hello: %w", s.Name, err)
	}

	type pumpResult struct {
		sent, msgs int
		took       time.Duration
		err        error // the write error that ended the pump, if any
	}
	done := make(chan pumpResult, 1)
	pumpCtx, stopPump := context.WithCancel(ctx)
	defer stopPump()
	go func() {
		var res pumpResult
		size := min(l.MaxMessageBytes, 60000)
		interval := time.Duration(float64(time.Second) / (0.9 * l.CallsPerSecond))
		start := time.Now()
		for i := 0; res.sent < slowMaxBytes && time.Since(start) < slowPaced+slowUnpaced && pumpCtx.Err() == nil; i++ {
			if i >= l.Burst/2 && time.Since(start) < slowPaced {
				select {
				case <-time.After(min(interval, slowPaced)):
				case <-pumpCtx.Done():
				}
			}
			msg, _ := paddedHello(size, fmt.Sprintf("slow-%d-", i))
			s.ws.SetWriteDeadline(time.Now().Add(2 * time.Second))
			if err := s.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
				res.err = err
				break
			}
			res.sent += len(msg)
			res.msgs++
		}
		res.took = time.Since(start)
		done <- res
	}()

	// Meanwhile the others are served promptly.
	var others []error
	var res pumpResult
	for finished := false; !finished; {
		select {
		case res = <-done:
			finished = true
			continue
		default:
		}
		start := time.Now()
		if err := checkOthers(ctx, r, d); err != nil {
			others = append(others, fmt.Errorf("while a client was not reading: %w", err))
			stopPump()
			res = <-done
			break
		}
		// Keep the others well within the rate.
		select {
		case <-time.After(othersPace - time.Since(start)):
		case <-ctx.Done():
		}
	}
	if len(others) > 0 {
		return errors.Join(others...)
	}
	// Was it dropped? A write the agent reset says so; else read what is
	// queued for it: the stream must end.
	var ne net.Error
	if res.err != nil && !(errors.As(res.err, &ne) && ne.Timeout()) {
		env.Logf("%s dropped after %d messages (%d bytes) sent in %v: %v", s.Name, res.msgs, res.sent, res.took.Round(time.Millisecond), res.err)
		return checkOthers(ctx, r, d)
	}
	read, end := drain(s.ws, slowDrain)
	var ce *websocket.CloseError
	switch {
	case errors.As(end, &ne) && ne.Timeout():
		return fmt.Errorf("%s: sent %d requests (%d bytes) in %v without reading, then read %d bytes of replies for %v and the connection was still open (%s); want a client that does not read dropped",
			s.Name, res.msgs, res.sent, res.took.Round(time.Millisecond), read, slowDrain, describeWriteEnd(res.err))
	case errors.As(end, &ce):
		env.Logf("%s: closed with %d %q after %d messages (%d bytes) sent in %v; %d bytes read after", s.Name, ce.Code, ce.Text, res.msgs, res.sent, res.took.Round(time.Millisecond), read)
	default:
		env.Logf("%s: connection ended (%v) after %d messages (%d bytes) sent in %v; %d bytes read after", s.Name, end, res.msgs, res.sent, res.took.Round(time.Millisecond), read)
	}
	return checkOthers(ctx, r, d)
}

func describeWriteEnd(err error) string {
	if err == nil {
		return "the agent read every request"
	}
	return "the agent stopped reading its requests: " + err.Error()
}

// drain reads and discards messages until the connection ends or d has
// passed; it returns the bytes read and the error that ended it (a
// timeout when the connection is still open).
func drain(ws *websocket.Conn, d time.Duration) (int64, error) {
	ws.SetReadDeadline(time.Now().Add(d))
	var n int64
	for {
		_, rd, err := ws.NextReader()
		if err != nil {
			return n, err
		}
		m, err := io.Copy(io.Discard, rd)
		n += m
		if err != nil {
			return n, err
		}
	}
}

// checkOthers checks that r is served promptly: with d (simulated), that a
// card placed and lifted by d reaches r as events within othersBound;
// without, that r answers a call within othersBound.
func checkOthers(ctx context.Context, r, d *Conn) error {
	start := time.Now()
	if d == nil {
		if err := r.Alive(ctx); err != nil {
			return err
		}
		if t := time.Since(start); t > othersBound {
			return fmt.Errorf("%s: agent.hello took %v, want under %v", r.Name, t, othersBound)
		}
		return nil
	}
	for _, step := range []struct{ method, event string }{
		{protocol.MethodSimPlaceCard, protocol.EventIDCardInserted},
		{protocol.MethodSimRemoveCard, protocol.EventIDCardRemoved},
	} {
		start := time.Now()
		if err := d.Result(ctx, step.method, map[string]any{}, nil); err != nil {
			return err
		}
		if _, err := r.WaitEvent(ctx, step.event, othersBound); err != nil {
			return fmt.Errorf("after %s: %w", step.method, err)
		}
		if t := time.Since(start); t > othersBound {
			return fmt.Errorf("%s: %s came %v after %s, want under %v", r.Name, step.event, t, step.method, othersBound)
		}
		d.DropEvents()
	}
	return nil
}
