package device

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// fakeSession serves until told to fail or ctx ends.
type fakeSession struct {
	fail   chan error
	closed chan struct{}
	ready  bool
}

func (f *fakeSession) Serve(ctx context.Context, r Reporter) error {
	if f.ready {
		r.Ready()
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-f.fail:
		return err
	}
}

func (f *fakeSession) Close() error { close(f.closed); return nil }

// plan scripts what successive opens return.
type plan struct {
	mu    sync.Mutex
	steps []func() (Session, string, error)
	opens int
}

func (p *plan) open(ctx context.Context) (Session, string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opens++
	if len(p.steps) == 0 {
		return nil, "/dev/ttyX", fmt.Errorf("open /dev/ttyX: attempt %d: %w", p.opens, transport.ErrDisconnected)
	}
	s := p.steps[0]
	p.steps = p.steps[1:]
	return s()
}

func collect(r *Registry) (func() []Status, func(State, time.Duration) Status) {
	var mu sync.Mutex
	var got []Status
	cond := make(chan struct{}, 100)
	r.Subscribe(func(st Status) {
		mu.Lock()
		got = append(got, st)
		mu.Unlock()
		cond <- struct{}{}
	})
	all := func() []Status {
		mu.Lock()
		defer mu.Unlock()
		return append([]Status(nil), got...)
	}
	wait := func(want State, within time.Duration) Status {
		deadline := time.After(within)
		for {
			for _, st := range all() {
				if st.State == want {
					return st
				}
			}
			select {
			case <-cond:
			case <-deadline:
				panic(fmt.Sprintf("no %s status within %v; got %+v", want, within, all()))
			}
		}
	}
	return all, wait
}

// A device that keeps failing to open, each time with another error text,
// is reported once — not once per attempt (soaks saw two device.changed
// events per unplug with different texts).
func TestOneChangePerStateNotPerAttempt(t *testing.T) {
	sess := &fakeSession{fail: make(chan error, 1), closed: make(chan struct{}), ready: true}
	p := &plan{steps: []func() (Session, string, error){
		func() (Session, string, error) { return sess, "/dev/ttyX", nil },
	}}
	hr := health.NewRegistry(nil)
	sup := NewSupervisor(Config{Info: Info{ID: "idcard0", Kind: "idcard"}, Port: "auto", Open: p.open,
		Backoff: Backoff{Initial: time.Millisecond, Max: 2 * time.Millisecond}, Health: hr})
	var reg Registry
	reg.Add(sup)
	all, wait := collect(&reg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sup.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	wait(Connected, 2*time.Second)
	sess.fail <- fmt.Errorf("read /dev/ttyX: %w", transport.ErrDisconnected)
	<-sess.closed
	wait(Disconnected, 2*time.Second)
	// Many failed reopens follow, each with its own text.
	for {
		p.mu.Lock()
		n := p.opens
		p.mu.Unlock()
		if n > 20 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	var states []State
	for _, st := range all() {
		states = append(states, st.State)
	}
	if len(states) != 2 || states[0] != Connected || states[1] != Disconnected {
		t.Fatalf("changes %v, want [connected disconnected] after 20 failed reopens", states)
	}
	err := sup.Unavailable("read")
	if !errors.Is(err, ErrDisconnected) || !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("Unavailable after an unplug: %v; want ErrDisconnected wrapping the transport's error", err)
	}
	if c, _ := hr.Get("idcard0"); c.Code != "disconnected" || c.Severity != health.Error {
		t.Fatalf("health %+v", c)
	}
}

func TestUnavailableKinds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		kind  error
		state State
		code  string
	}{
		{"never found", fmt.Errorf("open: %w", transport.ErrDisconnected), ErrNotFound, Disconnected, "not_found"},
		{"held by another program", fmt.Errorf("open: %w", transport.ErrBusy), ErrBusy, Busy, "busy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sup := NewSupervisor(Config{Info: Info{ID: "d"}, Open: func(context.Context) (Session, string, error) { return nil, "p", tc.err },
				Backoff: Backoff{Initial: time.Hour}})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { sup.Run(ctx); close(done) }()
			for sup.Status().Health.Code == "not_open" {
				time.Sleep(time.Millisecond)
			}
			st := sup.Status()
			err := sup.Unavailable("read")
			cancel()
			<-done
			if st.State != tc.state || st.Health.Code != tc.code || !errors.Is(err, tc.kind) || !errors.Is(err, tc.err) {
				t.Fatalf("state %s code %s err %v", st.State, st.Health.Code, err)
			}
		})
	}
}

// Run ends promptly when its context ends, in back-off and while serving.
func TestRunStopsPromptly(t *testing.T) {
	for _, serving := range []bool{false, true} {
		sess := &fakeSession{fail: make(chan error), closed: make(chan struct{}), ready: true}
		open := func(context.Context) (Session, string, error) { return nil, "p", transport.ErrDisconnected }
		if serving {
			open = func(context.Context) (Session, string, error) { return sess, "p", nil }
		}
		sup := NewSupervisor(Config{Info: Info{ID: "d"}, Open: open, Backoff: Backoff{Initial: time.Hour}})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { sup.Run(ctx); close(done) }()
		time.Sleep(20 * time.Millisecond)
		start := time.Now()
		cancel()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Fatalf("serving=%v: Run did not stop within 1 s", serving)
		}
		if serving {
			<-sess.closed
		}
		t.Logf("serving=%v: stopped in %v", serving, time.Since(start))
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if d := b.delay(i + 1); d != w*time.Millisecond {
			t.Errorf("delay after %d failures = %v, want %v", i+1, d, w*time.Millisecond)
		}
	}
}

func TestAcquireIsExclusive(t *testing.T) {
	sup := NewSupervisor(Config{Info: Info{ID: "sigpad0"}})
	ctxA, cancelA := context.WithCancel(context.Background())
	release, err := sup.Acquire(ctxA, "client 1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Acquire(context.Background(), "client 2"); !errors.Is(err, ErrBusy) {
		t.Fatalf("second hold: %v, want ErrBusy", err)
	}
	release()
	release() // twice is harmless
	rel2, err := sup.Acquire(context.Background(), "client 2")
	if err != nil {
		t.Fatalf("hold after release: %v", err)
	}
	rel2()
	// A holder whose context ends (the client went away) lets go.
	if _, err := sup.Acquire(ctxA, "client 1"); err != nil {
		t.Fatal(err)
	}
	cancelA()
	deadline := time.Now().Add(time.Second)
	for sup.Holder() != "" {
		if time.Now().After(deadline) {
			t.Fatal("hold not released when its context ended")
		}
		time.Sleep(time.Millisecond)
	}
}
