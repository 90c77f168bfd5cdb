package escpossim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// ServeTCP serves raw connections from l, as a network receipt printer
// does on port 9100: one connection at a time (the next waits until the
// current one closes), replies on the same socket. Printing goes on
// between connections. It returns nil when ctx ends, closing l.
func (p *Printer) ServeTCP(ctx context.Context, l net.Listener) error {
	p.mu.Lock()
	if p.serving {
		p.mu.Unlock()
		return ErrBusy
	}
	p.serving = true
	p.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		p.run(ctx)
	}()
	go func() {
		defer wg.Done()
		<-ctx.Done()
		l.Close()
	}()
	defer func() {
		cancel()
		wg.Wait()
		p.detach()
	}()
	for {
		conn, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("escpossim: accept: %w", err)
		}
		port := &connPort{c: conn}
		p.mu.Lock()
		p.out = port
		p.mu.Unlock()
		_ = p.receive(ctx, port) // a connection's end is the host's business
		p.mu.Lock()
		p.out = nil
		p.mu.Unlock()
		conn.Close()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// connPoll is how long a read on a connection waits before it reports
// nothing, so that the printer notices its context ending.
const connPoll = 100 * time.Millisecond

// connPort adapts a network connection to transport.Port.
type connPort struct{ c net.Conn }

func (c *connPort) Read(b []byte) (int, error) {
	if err := c.c.SetReadDeadline(time.Now().Add(connPoll)); err != nil {
		return 0, fmt.Errorf("%w: %w", transport.ErrDisconnected, err)
	}
	n, err := c.c.Read(b)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return n, nil
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return n, fmt.Errorf("%w: %w", transport.ErrDisconnected, err)
	}
	return n, err
}

func (c *connPort) Write(b []byte) (int, error) { return c.c.Write(b) }

func (c *connPort) Close() error { return c.c.Close() }
