package wlt

import (
	"context"
	"fmt"
	"io"
)

// ChildSubcommand is the hidden subcommand NewIsolated runs the agent's own
// executable with: `agent wlt-decode --library … --abi …`. The agent's main
// package must dispatch it to ServeChild before doing anything else.
const ChildSubcommand = "wlt-decode"

// ServeChild is the body of the decoder child process. It loads the
// library of cfg, tells the parent it is ready, then answers decode
// requests read from stdin with PNG or error frames on stdout until stdin
// ends (the parent closed it or died), ctx ends or writing fails. It
// returns nil on a clean end of stdin.
//
// The main package calls it for ChildSubcommand, typically as
//
//	cfg, err := wlt.ParseArgs(os.Args[2:])
//	if err == nil {
//		err = wlt.ServeChild(ctx, os.Stdin, os.Stdout, cfg)
//	}
//	if err != nil { fmt.Fprintln(os.Stderr, err); os.Exit(1) }
//
// and must write nothing else to stdout. When stdout is os.Stdout,
// ServeChild points the process's standard output (file descriptor 1, or
// the Windows standard output handle) at standard error before loading the
// library, so the vendor's printf output goes to the parent's log instead
// of into the protocol, and writes frames to a private duplicate.
//
// The library's return is not bounded here: the parent kills this process
// when a decode takes too long.
func ServeChild(ctx context.Context, stdin io.Reader, stdout io.Writer, cfg Config) error {
	out := stdout
	if w, restore, ok := protectStdout(stdout); ok {
		defer restore()
		out = w
	}
	cfg.Timeout = -1
	lib, err := Open(cfg)
	if err != nil {
		if werr := writeFrame(out, frame{typ: typeError, payload: encodeError(err)}); werr != nil {
			return fmt.Errorf("%w (and reporting it failed: %v)", err, werr)
		}
		return err
	}
	defer lib.Close()
	if err := writeFrame(out, frame{typ: typeReady, payload: []byte{}}); err != nil {
		return fmt.Errorf("wlt: child: writing ready frame: %w", err)
	}

	type request struct {
		f   frame
		err error
	}
	reqs := make(chan request)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		fr := newFrameReader(stdin)
		for {
			f, err := fr.next()
			select {
			case reqs <- request{f, err}:
			case <-quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		var req request
		select {
		case <-ctx.Done():
			return ctx.Err()
		case req = <-reqs:
		}
		if req.err == io.EOF || req.err == io.ErrUnexpectedEOF {
			return nil
		}
		if req.err != nil {
			return fmt.Errorf("wlt: child: reading requests: %w", req.err)
		}
		reply := frame{typ: typeError, id: req.f.id}
		if req.f.typ != typeRequest {
			reply.payload = encodeError(fmt.Errorf("unexpected frame type %q", req.f.typ))
		} else if png, err := lib.Decode(ctx, req.f.payload); err != nil {
			reply.payload = encodeError(err)
		} else if len(png) > maxPayload {
			reply.payload = encodeError(fmt.Errorf("%w: PNG of %d bytes is too large", ErrBadImage, len(png)))
		} else {
			reply.typ, reply.payload = typePNG, png
		}
		if err := writeFrame(out, reply); err != nil {
			return fmt.Errorf("wlt: child: writing reply: %w", err)
		}
	}
}
