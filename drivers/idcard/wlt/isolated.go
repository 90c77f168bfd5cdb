package wlt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// Restart back-off defaults of an IsolatedDecoder.
const (
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = 30 * time.Second
)

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// stderrTail is how much of a child's standard error is kept for crash
// reports: half from its start, half from its end.
const stderrTail = 2048

// IsolatedDecoder decodes photos in a child process that runs ServeChild,
// so that a crash or hang of the vendor library costs one decode instead
// of the agent. One child is started on first use (or by Start) and reused
// for later photos; it is restarted after it dies or is killed for taking
// too long. The second and later consecutive failures delay the next
// restart by a back-off doubling from MinBackoff to MaxBackoff, during
// which Decode fails fast with ErrCrashed; a successful decode resets it.
//
// Set the exported fields before first use and do not change them after.
// The zero value with an empty Command is a decoder that always returns
// ErrNoDecoder. Decodes are serialised over the one child. An
// IsolatedDecoder is safe for concurrent use and must not be copied after
// first use.
type IsolatedDecoder struct {
	// Command is the child's program and arguments, for example
	// {os.Executable(), ChildSubcommand, "--library", …} (see NewIsolated).
	Command []string
	// Env is added to the agent's environment for the child.
	Env []string
	// Dir is the child's working directory. Empty means a new private
	// temporary directory per child, removed when it exits, which catches
	// whatever files the vendor library drops in its working directory.
	Dir string
	// Timeout bounds one Decode, including starting a child when needed.
	// Zero means DefaultTimeout; negative means only ctx bounds it.
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the restart back-off. Zero means
	// DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Stderr, if set, receives the child's standard error (vendor
	// diagnostics). Its first and last KiB are also quoted in ErrCrashed
	// errors.
	Stderr io.Writer

	once      sync.Once
	sem       chan struct{} // one token; its holder owns the fields below
	done      chan struct{} // closed by Close
	closeOnce sync.Once
	starts    atomic.Int64

	child    *child
	failures int // consecutive
	retryAt  time.Time
	seq      uint32
}

// NewIsolated returns an IsolatedDecoder whose child is the running
// executable started as `exe wlt-decode <cfg.Args()>`; the agent's main
// package must hand that subcommand to ServeChild. On Linux the library's
// directory is put on the child's LD_LIBRARY_PATH. A build that cannot
// load libraries gives an error matching ErrNoDecoder.
func NewIsolated(cfg Config) (*IsolatedDecoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !nativeSupported {
		_, err := openNative(cfg.Library, cfg.Symbol, cfg.ABI)
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("%w: cannot find the agent's executable: %v", ErrNoDecoder, err)
	}
	return &IsolatedDecoder{
		Command: append([]string{exe, ChildSubcommand}, cfg.Args()...),
		Env:     childEnv(cfg.Library),
		Timeout: cfg.Timeout,
	}, nil
}

// Starts returns how many child processes this decoder has started.
func (d *IsolatedDecoder) Starts() int { return int(d.starts.Load()) }

// Start starts the child process now, if none is running, so that the
// first photo does not pay for it. It is optional.
func (d *IsolatedDecoder) Start(ctx context.Context) error {
	if len(d.Command) == 0 {
		return fmt.Errorf("%w: IsolatedDecoder has no Command", ErrNoDecoder)
	}
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	if err := d.acquire(ctx); err != nil {
		return err
	}
	defer d.release()
	_, err := d.ensure(ctx)
	return err
}

// Decode implements Decoder.
func (d *IsolatedDecoder) Decode(ctx context.Context, wlt []byte) ([]byte, error) {
	if len(wlt) != WLTSize {
		return nil, fmt.Errorf("%w (got %d)", ErrInvalidWLT, len(wlt))
	}
	if len(d.Command) == 0 {
		return nil, fmt.Errorf("%w: IsolatedDecoder has no Command", ErrNoDecoder)
	}
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	if err := d.acquire(ctx); err != nil {
		return nil, err
	}
	defer d.release()
	c, err := d.ensure(ctx)
	if err != nil {
		return nil, err
	}
	d.seq++
	return d.roundTrip(ctx, c, d.seq, wlt)
}

// Close stops the child. A decode in progress is abandoned with ErrClosed
// and its child killed; an idle child is asked to exit by closing its
// stdin. Decode after Close returns ErrClosed. Close always returns nil.
func (d *IsolatedDecoder) Close() error {
	d.once.Do(d.setup)
	d.closeOnce.Do(func() { close(d.done) })
	<-d.sem
	defer d.release()
	if d.child != nil {
		d.child.stop(false)
		d.child = nil
	}
	return nil
}

func (d *IsolatedDecoder) setup() {
	d.sem = make(chan struct{}, 1)
	d.sem <- struct{}{}
	d.done = make(chan struct{})
}

func (d *IsolatedDecoder) timeout() time.Duration {
	if d.Timeout == 0 {
		return DefaultTimeout
	}
	return d.Timeout
}

func (d *IsolatedDecoder) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if t := d.timeout(); t > 0 {
		return context.WithTimeoutCause(ctx, t, errOwnTimeout)
	}
	return context.WithCancel(ctx)
}

func (d *IsolatedDecoder) acquire(ctx context.Context) error {
	d.once.Do(d.setup)
	if err := ctx.Err(); err != nil {
		return ctxError(ctx, d.timeout(), "before starting")
	}
	select {
	case <-d.done:
		return ErrClosed
	default:
	}
	select {
	case <-d.sem:
	case <-d.done:
		return ErrClosed
	case <-ctx.Done():
		return ctxError(ctx, d.timeout(), "waiting for another decode")
	}
	select {
	case <-d.done:
		d.release()
		return ErrClosed
	default:
		return nil
	}
}

func (d *IsolatedDecoder) release() { d.sem <- struct{}{} }

// ensure returns the running child, starting one if allowed.
func (d *IsolatedDecoder) ensure(ctx context.Context) (*child, error) {
	if d.child != nil {
		return d.child, nil
	}
	if wait := time.Until(d.retryAt); wait > 0 {
		return nil, fmt.Errorf("%w: the decoder failed %d times in a row; next start in %v",
			ErrCrashed, d.failures, wait.Round(time.Millisecond))
	}
	c, err := d.start(ctx)
	if err != nil {
		if !errors.Is(err, context.Canceled) && !errors.Is(err, ErrClosed) {
			d.fail()
		}
		return nil, err
	}
	d.child = c
	return c, nil
}

// fail records a crash, kill or failed start.
func (d *IsolatedDecoder) fail() {
	d.failures++
	d.retryAt = time.Now().Add(d.backoff(d.failures))
}

// backoff is the delay before the next start after n consecutive failures:
// none after the first, then MinBackoff doubling up to MaxBackoff.
func (d *IsolatedDecoder) backoff(n int) time.Duration {
	lo, hi := d.MinBackoff, d.MaxBackoff
	if lo <= 0 {
		lo = DefaultMinBackoff
	}
	if hi <= 0 {
		hi = DefaultMaxBackoff
	}
	if n < 2 {
		return 0
	}
	b := lo
	for i := 2; i < n && b < hi; i++ {
		b *= 2
	}
	return min(b, hi)
}

// child is one running decoder process.
type child struct {
	cmd     *exec.Cmd
	stdin   *os.File         // write end of the child's stdin
	stdout  *os.File         // read end of the child's stdout
	stderrR *os.File         // read end of the child's stderr
	frames  chan frameResult // from the stdout reader
	quit    chan struct{}    // closed by stop; ends the reader
	exited  chan struct{}    // closed when Wait returned
	errDone chan struct{}    // closed when stderr reached EOF
	stderr  *tailBuffer
	tmpDir  string
	once    sync.Once
}

type frameResult struct {
	f   frame
	err error
}

// start runs Command and waits for its ready frame.
func (d *IsolatedDecoder) start(ctx context.Context) (*child, error) {
	dir, tmpDir := d.Dir, ""
	if dir == "" {
		var err error
		if tmpDir, err = os.MkdirTemp("", "wlt-child-"); err != nil {
			return nil, fmt.Errorf("wlt: creating the decoder's directory: %w", err)
		}
		dir = tmpDir
	}
	var files []*os.File // every pipe end, for cleanup on failure
	pipe := func() (r, w *os.File, err error) {
		if r, w, err = os.Pipe(); err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	inR, inW, err1 := pipe()
	outR, outW, err2 := pipe()
	errR, errW, err3 := pipe()
	if err := errors.Join(err1, err2, err3); err != nil {
		closeAll(files)
		os.RemoveAll(tmpDir)
		return nil, fmt.Errorf("wlt: creating pipes: %w", err)
	}
	cmd := exec.Command(d.Command[0], d.Command[1:]...)
	if len(d.Env) > 0 {
		cmd.Env = append(os.Environ(), d.Env...)
	}
	cmd.Dir = dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	cmd.SysProcAttr = childSysProcAttr()
	err := cmd.Start()
	closeAll([]*os.File{inR, outW, errW})
	if err != nil {
		closeAll([]*os.File{inW, outR, errR})
		os.RemoveAll(tmpDir)
		return nil, fmt.Errorf("%w: starting the decoder process: %v", ErrNoDecoder, err)
	}
	d.starts.Add(1)
	c := &child{
		cmd: cmd, stdin: inW, stdout: outR, stderrR: errR,
		frames:  make(chan frameResult, 4),
		quit:    make(chan struct{}),
		exited:  make(chan struct{}),
		errDone: make(chan struct{}),
		stderr:  &tailBuffer{w: d.Stderr},
		tmpDir:  tmpDir,
	}
	go func() {
		fr := newFrameReader(outR)
		for {
			f, err := fr.next()
			select {
			case c.frames <- frameResult{f, err}:
			case <-c.quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		io.Copy(c.stderr, errR)
		close(c.errDone)
	}()
	go func() {
		cmd.Wait()
		close(c.exited)
	}()

	select {
	case r := <-c.frames:
		switch {
		case r.err != nil:
			msg := c.describeExit()
			c.stop(true)
			return nil, fmt.Errorf("%w: the decoder process ended before it was ready (%s)", ErrCrashed, msg)
		case r.f.typ == typeReady:
			return c, nil
		case r.f.typ == typeError:
			c.stop(false)
			return nil, decodeError(r.f.payload)
		}
		c.stop(true)
		return nil, fmt.Errorf("%w: the decoder process sent frame type %q instead of ready", ErrCrashed, r.f.typ)
	case <-ctx.Done():
		c.stop(true)
		return nil, ctxError(ctx, d.timeout(), "starting the decoder process; killed")
	case <-d.done:
		c.stop(true)
		return nil, ErrClosed
	}
}

// roundTrip sends one request to c and waits for its reply. Whenever the
// child's state becomes unknown (it died, timed out or broke the
// protocol) it is stopped and dropped.
func (d *IsolatedDecoder) roundTrip(ctx context.Context, c *child, id uint32, wlt []byte) ([]byte, error) {
	req := appendFrame(nil, frame{typ: typeRequest, id: id, payload: wlt})
	written := make(chan error, 1)
	go func() {
		_, err := c.stdin.Write(req)
		written <- err
	}()
	drop := func(countFailure bool) {
		c.stop(true)
		d.child = nil
		if countFailure {
			d.fail()
		}
	}
	for {
		select {
		case <-written:
			// A failed write means the child is gone; its stdout
			// reaches EOF next, which is reported below.
			written = nil
		case r := <-c.frames:
			if r.err != nil {
				msg := c.describeExit()
				drop(true)
				return nil, fmt.Errorf("%w: %s", ErrCrashed, msg)
			}
			if r.f.id != id {
				continue // not an answer to this request
			}
			switch r.f.typ {
			case typePNG:
				d.failures = 0
				if !bytes.HasPrefix(r.f.payload, pngSignature) {
					return nil, fmt.Errorf("%w: the decoder process sent %d bytes that are not a PNG", ErrBadImage, len(r.f.payload))
				}
				return r.f.payload, nil
			case typeError:
				d.failures = 0
				return nil, decodeError(r.f.payload)
			}
			drop(true)
			return nil, fmt.Errorf("%w: the decoder process broke the protocol (frame type %q)", ErrCrashed, r.f.typ)
		case <-ctx.Done():
			ours := context.Cause(ctx) == errOwnTimeout || errors.Is(ctx.Err(), context.DeadlineExceeded)
			drop(ours)
			return nil, ctxError(ctx, d.timeout(), "decoder process killed")
		case <-d.done:
			drop(false)
			return nil, ErrClosed
		}
	}
}

// stop ends the child: gracefully (close stdin, wait up to 2 s) or by
// killing it; then waits for it to be reaped and releases its resources.
func (c *child) stop(kill bool) {
	c.once.Do(func() {
		if !kill {
			c.stdin.Close()
			select {
			case <-c.exited:
			case <-time.After(2 * time.Second):
				kill = true
			}
		}
		if kill {
			c.cmd.Process.Kill()
			c.stdin.Close()
		}
		select {
		case <-c.exited:
		case <-time.After(5 * time.Second):
			// Not reaped yet (stuck in the kernel?); Wait still runs.
		}
		c.drainStderr()
		close(c.quit)
		c.stdout.Close()
		c.stderrR.Close()
		if c.tmpDir != "" {
			os.RemoveAll(c.tmpDir)
		}
	})
}

// describeExit waits briefly for the child to be reaped and describes how
// it ended, with the tail of its standard error.
func (c *child) describeExit() string {
	select {
	case <-c.exited:
	case <-time.After(2 * time.Second):
		c.stop(true)
	}
	state := "still running; killed"
	select {
	case <-c.exited:
		state = c.cmd.ProcessState.String()
	default:
	}
	c.drainStderr()
	if tail := c.stderr.String(); tail != "" {
		return fmt.Sprintf("%s; stderr: %q", state, tail)
	}
	return state
}

// drainStderr waits a little for the rest of the child's standard error,
// which a process that inherited it could keep open.
func (c *child) drainStderr() {
	select {
	case <-c.errDone:
	case <-time.After(time.Second):
	}
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// tailBuffer keeps the first and the last stderrTail/2 bytes written to
// it (a Go crash report starts with the signal name and ends with the
// interesting stacks) and forwards everything to w, if set.
type tailBuffer struct {
	mu      sync.Mutex
	head    []byte
	tail    []byte
	dropped bool
	w       io.Writer
}

// Write implements io.Writer; it never fails.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w != nil {
		t.w.Write(p)
	}
	const half = stderrTail / 2
	rest := p
	if n := min(half-len(t.head), len(rest)); n > 0 {
		t.head = append(t.head, rest[:n]...)
		rest = rest[n:]
	}
	t.tail = append(t.tail, rest...)
	if len(t.tail) > half {
		t.tail = append(t.tail[:0:0], t.tail[len(t.tail)-half:]...)
		t.dropped = true
	}
	return len(p), nil
}

// String returns the kept bytes, with " … " where some were dropped.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	sep := ""
	if t.dropped {
		sep = " … "
	}
	return string(t.head) + sep + string(t.tail)
}
