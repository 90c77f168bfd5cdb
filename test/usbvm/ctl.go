package usbvm

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// The control channel is a Unix socket per gadget (SocketPath) carrying
// one command line and one reply line per exchange. A reply starts with
// "ok" or "err".

// SocketPath is where the gadget name listens inside the VM.
func SocketPath(name string) string { return "/run/usbvm-" + name + ".sock" }

// Handler answers one command line (without its newline). Its reply must
// be one line.
type Handler func(cmd string) (reply string, err error)

// Serve answers commands on SocketPath(name) until the process ends.
func Serve(name string, h Handler) error {
	path := SocketPath(name)
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveConn(c, h)
		}
	}()
	return nil
}

func serveConn(c net.Conn, h Handler) {
	defer c.Close()
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		reply, err := h(strings.TrimSpace(sc.Text()))
		line := "ok " + reply
		if err != nil {
			line = "err " + err.Error()
		}
		line = strings.ReplaceAll(line, "\n", " ")
		if _, err := fmt.Fprintln(c, strings.TrimSpace(line)); err != nil {
			return
		}
	}
}

// Call sends one command to the gadget name and returns its reply (after
// "ok "), waiting up to 5 s for the gadget's socket to appear.
func Call(name, format string, args ...any) (string, error) {
	var c net.Conn
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err = net.Dial("unix", SocketPath(name))
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return "", fmt.Errorf("gadget %s: %w", name, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	cmd := fmt.Sprintf(format, args...)
	if _, err := fmt.Fprintln(c, cmd); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("gadget %s: %s: %w", name, cmd, err)
	}
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutPrefix(line, "ok"); ok {
		return strings.TrimSpace(rest), nil
	}
	return "", fmt.Errorf("gadget %s: %s: %s", name, cmd, strings.TrimPrefix(line, "err "))
}

// ErrUnknown is a handler's answer to a command it does not know.
var ErrUnknown = errors.New("unknown command")
