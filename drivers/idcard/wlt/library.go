package wlt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Buffer sizes handed to vendor code. Vendor notes report libraries that
// overrun a buffer of exactly the documented size and read past their
// input, so both buffers get generous zeroed slack.
const (
	inBufSize  = 4 * WLTSize
	outBufSize = 2 * BMPSize
	// maxBMPFile bounds the BMP file ABIGetBmp reads back.
	maxBMPFile = 1 << 20
)

// Library is a vendor decoder loaded into the current process. A crash in
// the vendor code kills the process, so the agent uses it only inside the
// child process of an IsolatedDecoder (see the package documentation);
// tests and tools may use it directly.
//
// All vendor calls run one at a time on a single goroutine locked to its
// OS thread: vendor decoders are not assumed to be reentrant, and some keep
// per-thread state. A Library is safe for concurrent use.
type Library struct {
	cfg  Config // resolved
	spec abiSpec
	fn   *native

	reqs      chan libRequest // served by the worker
	quit      chan struct{}   // closed by Close
	closeOnce sync.Once
}

type libRequest struct {
	in   []byte
	done chan libResult // buffered: the worker never blocks on it
}

type libResult struct {
	png []byte
	err error
}

// Open loads cfg.Library into this process and looks up its entry point.
// Load failures, and platforms where vendor libraries cannot be loaded,
// give an error matching ErrNoDecoder; an invalid cfg gives ErrConfig.
func Open(cfg Config) (*Library, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.resolved()
	fn, err := openNative(cfg.Library, cfg.Symbol, cfg.ABI)
	if err != nil {
		return nil, err
	}
	l := &Library{cfg: cfg, spec: abis[cfg.ABI], fn: fn, reqs: make(chan libRequest), quit: make(chan struct{})}
	go l.worker()
	return l, nil
}

// worker makes every vendor call, on one OS thread, and unloads the
// library after Close once no call is running.
func (l *Library) worker() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for {
		select {
		case r := <-l.reqs:
			png, err := l.call(r.in)
			r.done <- libResult{png, err}
		case <-l.quit:
			l.fn.close()
			return
		}
	}
}

// Decode implements Decoder. It waits at most cfg.Timeout (or until ctx
// ends) and then returns ErrTimeout, leaving a hung vendor call running on
// its thread: a call into C cannot be interrupted. Later calls queue
// behind it and time out too until it returns.
func (l *Library) Decode(ctx context.Context, wlt []byte) ([]byte, error) {
	if len(wlt) != WLTSize {
		return nil, fmt.Errorf("%w (got %d)", ErrInvalidWLT, len(wlt))
	}
	select {
	case <-l.quit:
		return nil, ErrClosed
	default:
	}
	if l.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, l.cfg.Timeout, errOwnTimeout)
		defer cancel()
	}
	in := make([]byte, inBufSize)
	copy(in, wlt)
	req := libRequest{in: in, done: make(chan libResult, 1)}
	select {
	case l.reqs <- req:
	case <-l.quit:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctxError(ctx, l.cfg.Timeout, "waiting for a previous vendor call")
	}
	select {
	case r := <-req.done:
		return r.png, r.err
	case <-ctx.Done():
		return nil, ctxError(ctx, l.cfg.Timeout, "the vendor call is still running")
	}
}

// call runs the vendor entry point once, on the worker.
func (l *Library) call(in []byte) ([]byte, error) {
	c := l.cfg
	switch l.spec.output {
	case outputBMPFile:
		return l.callFile(in[:WLTSize])
	case outputBMPBuffer:
		out := make([]byte, outBufSize)
		if err := l.check(l.fn.callPP(&in[0], &out[0])); err != nil {
			return nil, err
		}
		return BMPToPNG(out)
	}
	out := make([]byte, outBufSize)
	var rc int32
	if c.ABI == ABIBuffer {
		rc = l.fn.callPPII(&in[0], &out[0], Width, Height)
	} else {
		rc = l.fn.callPPI(&in[0], &out[0], int32(c.Flag))
	}
	if err := l.check(rc); err != nil {
		return nil, err
	}
	return RawToPNG(out[:RawSize], c.Channels, c.Rows)
}

// callFile runs a file-based entry point in a private directory.
func (l *Library) callFile(wlt []byte) ([]byte, error) {
	dir, err := os.MkdirTemp(l.cfg.TempDir, "wlt-")
	if err != nil {
		return nil, fmt.Errorf("wlt: creating a directory for the decoder: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "zp.wlt"), wlt, 0o600); err != nil {
		return nil, fmt.Errorf("wlt: writing the photo file: %w", err)
	}
	cdir, err := nativeDir(dir)
	if err != nil {
		return nil, err
	}
	path := append([]byte(cdir+string(filepath.Separator)+"zp.wlt"), 0)
	if err := l.check(l.fn.callPI(&path[0], int32(l.cfg.Flag))); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, "zp.bmp"))
	if errors.Is(err, fs.ErrNotExist) {
		// Not the assumed name: accept a single BMP of any name.
		if m, _ := filepath.Glob(filepath.Join(dir, "*.[bB][mM][pP]")); len(m) == 1 {
			f, err = os.Open(m[0])
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: the decoder reported success but wrote no BMP: %w", ErrBadImage, err)
	}
	bmp, err := io.ReadAll(io.LimitReader(f, maxBMPFile+1))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("wlt: reading the decoder's BMP: %w", err)
	}
	if len(bmp) > maxBMPFile {
		return nil, fmt.Errorf("%w: BMP larger than %d bytes", ErrBadImage, maxBMPFile)
	}
	return BMPToPNG(bmp)
}

// check turns a vendor return code into an error.
func (l *Library) check(rc int32) error {
	if rc == successCode {
		return nil
	}
	return &DecodeError{ABI: l.cfg.ABI, Symbol: l.cfg.Symbol, Code: int(rc), Detail: l.spec.codes[int(rc)]}
}

// Close stops the Library. The library is unloaded as soon as no vendor
// call is running; if one hung, it stays loaded, since unloading code that
// is executing would crash the process. Decode after Close returns
// ErrClosed. Close always returns nil.
func (l *Library) Close() error {
	l.closeOnce.Do(func() { close(l.quit) })
	return nil
}

// errOwnTimeout is the context cause of a decoder's own timeout.
var errOwnTimeout = errors.New("wlt: own timeout")

// ctxError builds the error for a context that ended during a decode.
func ctxError(ctx context.Context, timeout any, what string) error {
	if context.Cause(ctx) == errOwnTimeout {
		return fmt.Errorf("%w after %v (%s)", ErrTimeout, timeout, what)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w (%s)", ErrTimeout, ctx.Err(), what)
	}
	return fmt.Errorf("wlt: decode abandoned: %w (%s)", ctx.Err(), what)
}
