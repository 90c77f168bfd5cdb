package service

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestProgramStartStop(t *testing.T) {
	started := make(chan struct{})
	p := &Program{Run: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(nil); err == nil {
		t.Fatal("a second Start succeeded")
	}
	<-started
	select {
	case <-p.Done():
		t.Fatal("Done before Stop")
	case <-p.Stopping():
		t.Fatal("Stopping before Stop")
	default:
	}
	begin := time.Now()
	if err := p.Stop(nil); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if d := time.Since(begin); d > time.Second {
		t.Errorf("Stop took %v", d)
	}
	<-p.Done()
	<-p.Stopping()
	if err := p.Err(); err != nil {
		t.Fatalf("Err after a clean stop: %v", err)
	}
}

// Stop waits StopTimeout for a Run that ignores its context, then says so.
func TestProgramStopTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	p := &Program{StopTimeout: 100 * time.Millisecond, Run: func(ctx context.Context) error {
		<-release
		return nil
	}}
	p.Start(nil)
	begin := time.Now()
	err := p.Stop(nil)
	if err == nil || time.Since(begin) < 100*time.Millisecond {
		t.Fatalf("Stop: %v after %v; want a timeout after 100ms", err, time.Since(begin))
	}
}

func TestProgramRunEndsByItself(t *testing.T) {
	boom := errors.New("listen: address in use")
	for _, c := range []struct {
		ret, want error
	}{{boom, boom}, {nil, ErrEndedEarly}} {
		p := &Program{Run: func(context.Context) error { return c.ret }}
		p.Start(nil)
		<-p.Done()
		if err := p.Err(); !errors.Is(err, c.want) {
			t.Errorf("Run returned %v: Err %v, want %v", c.ret, err, c.want)
		}
		if err := p.Stop(nil); !errors.Is(err, c.want) {
			t.Errorf("Run returned %v: Stop %v, want %v", c.ret, err, c.want)
		}
	}
}

func TestProgramWithoutRun(t *testing.T) {
	if err := (&Program{}).Start(nil); err == nil {
		t.Fatal("Start without Run succeeded")
	}
	if err := (&Program{}).Stop(nil); err != nil {
		t.Fatalf("Stop before Start: %v", err)
	}
}
