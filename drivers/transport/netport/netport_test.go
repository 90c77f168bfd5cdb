package netport

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

func TestRoundTripTimeoutAndHangUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 3)
		c.Read(buf)
		c.Write([]byte{0x12})
		served <- c
	}()
	p, err := Dial(context.Background(), ln.Addr().String(), Config{PollPeriod: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Write([]byte{0x10, 0x04, 0x01}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	var n int
	for n == 0 {
		if n, err = p.Read(b); err != nil {
			t.Fatal(err)
		}
	}
	if n != 1 || b[0] != 0x12 {
		t.Fatalf("read %x", b[:n])
	}
	start := time.Now()
	if n, err := p.Read(b); n != 0 || err != nil {
		t.Fatalf("idle read: %d %v, want 0, nil", n, err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Fatalf("idle read took %v", d)
	}
	(<-served).Close() // the printer hangs up
	for {
		_, err := p.Read(b)
		if err == nil {
			continue
		}
		if !errors.Is(err, transport.ErrDisconnected) {
			t.Fatalf("after hang-up: %v, want ErrDisconnected", err)
		}
		break
	}
	p.Close()
	if _, err := p.Read(b); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
}

func TestNobodyListening(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if _, err := Dial(context.Background(), addr, Config{}); !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("dial a closed port: %v, want ErrDisconnected", err)
	}
}
