package wlt

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestIsolated returns an IsolatedDecoder whose child is this test
// binary in "serve" mode with cfg.
func newTestIsolated(t testing.TB, cfg Config) *IsolatedDecoder {
	t.Helper()
	d := &IsolatedDecoder{
		Command: append([]string{os.Args[0]}, cfg.Args()...),
		Env:     []string{childModeEnv + "=serve"},
		Timeout: 10 * time.Second, // generous: children run under -race too
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// mustDecode decodes a photo with seed through d and checks every pixel.
func mustDecode(t *testing.T, d Decoder, seed byte) {
	t.Helper()
	in := photo(seed, "")
	out, err := d.Decode(context.Background(), in)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	checkPicture(t, out, in)
}

// checkStarts checks how many children d has started.
func checkStarts(t *testing.T, d *IsolatedDecoder, want int) {
	t.Helper()
	if n := d.Starts(); n != want {
		t.Errorf("started %d children, want %d", n, want)
	}
}

func fakeUnpack(lib string) Config { return Config{Library: lib, ABI: ABIUnpack, Flag: 602} }

func TestIsolatedReusesOneChild(t *testing.T) {
	needNative(t)
	d := newTestIsolated(t, fakeUnpack(buildFakeLib(t)))
	for i := range 5 {
		mustDecode(t, d, byte(i*37))
	}
	checkStarts(t, d, 1)
}

func TestIsolatedSurvivesCrash(t *testing.T) {
	needNative(t)
	lib := buildFakeLib(t)
	// The child is a Go program: its runtime reports a fault in C code
	// on stderr (e.g. "SIGSEGV: segmentation violation") and exits 2.
	for magic, signal := range map[string]string{"CRSH": "SIGSEGV", "ABRT": "SIGABRT"} {
		t.Run(magic, func(t *testing.T) {
			d := newTestIsolated(t, fakeUnpack(lib))
			_, err := d.Decode(context.Background(), photo(0, magic))
			if !errors.Is(err, ErrCrashed) {
				t.Fatalf("got %v, want ErrCrashed", err)
			}
			if !strings.Contains(err.Error(), signal) {
				t.Errorf("crash error %q does not name %s", err, signal)
			}
			mustDecode(t, d, 9)
			checkStarts(t, d, 2)
		})
	}
}

func TestIsolatedHangIsKilled(t *testing.T) {
	needNative(t)
	d := newTestIsolated(t, fakeUnpack(buildFakeLib(t)))
	d.Timeout = 2 * time.Second
	if err := d.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	hung := d.child

	start := time.Now()
	_, err := d.Decode(context.Background(), photo(0, "HANG"))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if el := time.Since(start); el < 2*time.Second || el > 5*time.Second {
		t.Errorf("hung decode returned after %v, want about 2s", el)
	}
	select {
	case <-hung.exited:
	default:
		t.Fatal("the hung child has not been reaped")
	}
	if st := hung.cmd.ProcessState.String(); !strings.Contains(st, "killed") {
		t.Errorf("hung child ended with %q, want it killed", st)
	}

	mustDecode(t, d, 3)
	checkStarts(t, d, 2)
}

func TestIsolatedCallerDeadline(t *testing.T) {
	needNative(t)
	d := newTestIsolated(t, fakeUnpack(buildFakeLib(t)))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := d.Decode(ctx, photo(0, "HANG"))
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ErrTimeout and context.DeadlineExceeded", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := d.Decode(ctx, photo(0, "")); !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled context: got %v, want context.Canceled only", err)
	}
}

func TestIsolatedBackoff(t *testing.T) {
	needNative(t)
	d := newTestIsolated(t, fakeUnpack(buildFakeLib(t)))
	d.MinBackoff, d.MaxBackoff = 400*time.Millisecond, time.Second
	ctx := context.Background()

	for i := 1; i <= 2; i++ {
		if _, err := d.Decode(ctx, photo(0, "CRSH")); !errors.Is(err, ErrCrashed) {
			t.Fatalf("crash %d: got %v, want ErrCrashed", i, err)
		}
	}
	// Two failures in a row: the next start waits MinBackoff, and Decode
	// fails fast instead of starting a process.
	start := time.Now()
	_, err := d.Decode(ctx, photo(1, ""))
	if !errors.Is(err, ErrCrashed) || !strings.Contains(err.Error(), "next start in") {
		t.Fatalf("decode in back-off: got %v, want ErrCrashed with back-off", err)
	}
	if el := time.Since(start); el > 100*time.Millisecond {
		t.Errorf("decode in back-off took %v, want it to fail fast", el)
	}
	checkStarts(t, d, 2) // none during back-off
	time.Sleep(450 * time.Millisecond)
	mustDecode(t, d, 2)
	checkStarts(t, d, 3)
	// Success resets the count: one more crash restarts at once.
	if _, err := d.Decode(ctx, photo(0, "CRSH")); !errors.Is(err, ErrCrashed) {
		t.Fatalf("crash after reset: got %v", err)
	}
	mustDecode(t, d, 2)
	checkStarts(t, d, 4)
}

func TestIsolatedBackoffSchedule(t *testing.T) {
	d := &IsolatedDecoder{MinBackoff: time.Second, MaxBackoff: 5 * time.Second}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for n, w := range want {
		if got := d.backoff(n); got != w {
			t.Errorf("backoff(%d) = %v, want %v", n, got, w)
		}
	}
	if got := (&IsolatedDecoder{}).backoff(100); got != DefaultMaxBackoff {
		t.Errorf("default backoff(100) = %v, want %v", got, DefaultMaxBackoff)
	}
}

func TestIsolatedErrorsCrossThePipe(t *testing.T) {
	needNative(t)
	lib := buildFakeLib(t)
	d := newTestIsolated(t, fakeUnpack(lib))
	stderr := &tailBuffer{} // a concurrency-safe writer
	d.Stderr = stderr
	_, err := d.Decode(context.Background(), photo(0, "FAIL"))
	var de *DecodeError
	if !errors.As(err, &de) || de.Code != -7 || de.ABI != ABIUnpack || de.Symbol != "unpack" {
		t.Fatalf("got %v (%+v), want DecodeError code -7 from unpack", err, de)
	}
	// Output with a vendor printf in the middle still decodes.
	in := photo(4, "NOIS")
	out, err := d.Decode(context.Background(), in)
	if err != nil {
		t.Fatalf("noisy decode: %v", err)
	}
	checkPicture(t, out, in)
	checkStarts(t, d, 1) // a decode error does not restart the child
	d.Close()            // wait for the child, so that its stderr is complete
	if !strings.Contains(stderr.String(), "fakewlt: decoding photo") {
		t.Errorf("the library's stdout output did not reach Stderr; got %q", stderr.String())
	}

	bad := newTestIsolated(t, Config{Library: lib, ABI: ABIUnpack, Symbol: "nope"})
	if _, err := bad.Decode(context.Background(), photo(0, "")); !errors.Is(err, ErrNoDecoder) {
		t.Errorf("missing symbol: got %v, want ErrNoDecoder", err)
	}
}

func TestIsolatedChildWithoutReady(t *testing.T) {
	d := &IsolatedDecoder{Command: []string{os.Args[0]}, Env: []string{childModeEnv + "=garbage-exit"}}
	defer d.Close()
	_, err := d.Decode(context.Background(), photo(0, ""))
	if !errors.Is(err, ErrCrashed) || !strings.Contains(err.Error(), "exit status 3") ||
		!strings.Contains(err.Error(), "giving up") {
		t.Errorf("got %v, want ErrCrashed with exit status 3 and the stderr tail", err)
	}

	missing := &IsolatedDecoder{Command: []string{os.Args[0] + "-does-not-exist"}}
	if _, err := missing.Decode(context.Background(), photo(0, "")); !errors.Is(err, ErrNoDecoder) {
		t.Errorf("missing program: got %v, want ErrNoDecoder", err)
	}
}

func TestNoDecoderIsFast(t *testing.T) {
	cfgless, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Decoder{NoDecoder{}, cfgless, &IsolatedDecoder{}} {
		start := time.Now()
		if _, err := d.Decode(context.Background(), photo(0, "")); !errors.Is(err, ErrNoDecoder) {
			t.Errorf("%T: got %v, want ErrNoDecoder", d, err)
		}
		if el := time.Since(start); el > 50*time.Millisecond {
			t.Errorf("%T took %v", d, el)
		}
	}
	if _, err := New(Config{Library: "/x.so"}); !errors.Is(err, ErrConfig) {
		t.Errorf("New without ABI: got %v, want ErrConfig", err)
	}
}

func TestNewIsolatedCommand(t *testing.T) {
	needNative(t)
	cfg := Config{Library: "/opt/vendor/libwlt2019.so", ABI: ABIUnpack, Flag: 602, Timeout: 3 * time.Second, Rows: RowsTopDown}
	dec, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := dec.(*IsolatedDecoder)
	if !ok {
		t.Fatalf("New returned %T, want *IsolatedDecoder", dec)
	}
	if len(d.Command) < 2 || d.Command[1] != ChildSubcommand {
		t.Fatalf("Command %q does not run %s", d.Command, ChildSubcommand)
	}
	got, err := ParseArgs(d.Command[2:])
	if err != nil || got != cfg {
		t.Errorf("ParseArgs(Command) = %+v, %v; want %+v", got, err, cfg)
	}
	if d.Timeout != cfg.Timeout {
		t.Errorf("Timeout %v, want %v", d.Timeout, cfg.Timeout)
	}
}

func TestIsolatedConcurrentAndClose(t *testing.T) {
	needNative(t)
	d := newTestIsolated(t, fakeUnpack(buildFakeLib(t)))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			in := photo(byte(i), "")
			out, err := d.Decode(context.Background(), in)
			if err == nil {
				err = comparePicture(out, in)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	checkStarts(t, d, 1)
	c := d.child
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
		if !c.cmd.ProcessState.Success() {
			t.Errorf("child ended with %v after Close, want a clean exit", c.cmd.ProcessState)
		}
	default:
		t.Error("Close returned before the child exited")
	}
	if _, err := os.Stat(c.tmpDir); !os.IsNotExist(err) {
		t.Errorf("child directory %s still exists: %v", c.tmpDir, err)
	}
	if _, err := d.Decode(context.Background(), photo(0, "")); !errors.Is(err, ErrClosed) {
		t.Errorf("Decode after Close: got %v, want ErrClosed", err)
	}
}

func TestIsolatedCloseAbortsDecode(t *testing.T) {
	needNative(t)
	d := newTestIsolated(t, fakeUnpack(buildFakeLib(t)))
	errc := make(chan error, 1)
	go func() {
		_, err := d.Decode(context.Background(), photo(0, "HANG"))
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond) // let the child start and hang
	start := time.Now()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("Close took %v with a hung decode, want it prompt", el)
	}
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("hung decode: got %v, want ErrClosed", err)
	}
	if err := d.Start(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close: got %v, want ErrClosed", err)
	}
}

// BenchmarkIsolatedDecode measures one photo through a warm child: pipe
// round trip, vendor call and PNG encoding.
func BenchmarkIsolatedDecode(b *testing.B) {
	if !nativeSupported {
		b.Skip("this build cannot load libraries")
	}
	d := newTestIsolated(b, fakeUnpack(buildFakeLib(b)))
	in := photo(1, "")
	if err := d.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := d.Decode(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIsolatedColdStart measures starting a child and decoding one
// photo, the cost of the first photo and of a restart after a crash.
func BenchmarkIsolatedColdStart(b *testing.B) {
	if !nativeSupported {
		b.Skip("this build cannot load libraries")
	}
	cfg := fakeUnpack(buildFakeLib(b))
	in := photo(1, "")
	for b.Loop() {
		d := newTestIsolated(b, cfg)
		if _, err := d.Decode(context.Background(), in); err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}

// BenchmarkLibraryDecode is the same decode in-process, for comparison.
func BenchmarkLibraryDecode(b *testing.B) {
	if !nativeSupported {
		b.Skip("this build cannot load libraries")
	}
	l, err := Open(fakeUnpack(buildFakeLib(b)))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	in := photo(1, "")
	for b.Loop() {
		if _, err := l.Decode(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
