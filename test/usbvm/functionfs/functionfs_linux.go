//go:build linux

// Package functionfs is a minimal user-space USB function on Linux's
// FunctionFS (usb_f_fs): the program writes the function's descriptors
// and strings to ep0, answers the control requests addressed to its
// interface, and moves data on its endpoint files (ep1, ep2, …).
//
// Go's os.File makes no system call for a zero-length Read or Write, so
// the zero-length status stage of a request without data (SET_IDLE, say)
// would never be sent and enumeration would fail with EPROTO: ep0 is
// driven with raw system calls.
package functionfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Event types (linux/usb/functionfs.h).
const (
	EventBind = iota
	EventUnbind
	EventEnable
	EventDisable
	EventSetup
	EventSuspend
	EventResume
)

// Setup is a control request addressed to the function.
type Setup struct {
	RequestType, Request uint8
	Value, Index, Length uint16
}

// IsIn reports whether the request has a device-to-host data stage.
func (s Setup) IsIn() bool { return s.RequestType&0x80 != 0 }

// Function is an open FunctionFS instance.
type Function struct {
	dir string
	ep0 int
}

// Open writes the descriptors (full- and high-speed sets, each a list of
// descriptors) and the strings (US English) to dir/ep0.
func Open(dir string, fs, hs [][]byte, strs []string) (*Function, error) {
	fd, err := unix.Open(filepath.Join(dir, "ep0"), unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("functionfs: %w", err)
	}
	le := binary.LittleEndian
	var body []byte
	body = le.AppendUint32(body, uint32(len(fs)))
	body = le.AppendUint32(body, uint32(len(hs)))
	for _, d := range append(append([][]byte{}, fs...), hs...) {
		body = append(body, d...)
	}
	head := le.AppendUint32(nil, 3) // FUNCTIONFS_DESCRIPTORS_MAGIC_V2
	head = le.AppendUint32(head, uint32(12+len(body)))
	head = le.AppendUint32(head, 1|2) // FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC
	if _, err := unix.Write(fd, append(head, body...)); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("functionfs: write descriptors: %w", err)
	}
	var sb []byte
	sb = le.AppendUint16(sb, 0x0409)
	for _, s := range strs {
		sb = append(append(sb, s...), 0)
	}
	sh := le.AppendUint32(nil, 2) // FUNCTIONFS_STRINGS_MAGIC
	sh = le.AppendUint32(sh, uint32(16+len(sb)))
	sh = le.AppendUint32(sh, uint32(len(strs)))
	sh = le.AppendUint32(sh, 1)
	if _, err := unix.Write(fd, append(sh, sb...)); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("functionfs: write strings: %w", err)
	}
	return &Function{dir: dir, ep0: fd}, nil
}

// Event waits for the next event; for EventSetup, s is the request, which
// must then be answered with Reply, Receive, Ack or Stall.
func (f *Function) Event() (typ int, s Setup, err error) {
	var b [12]byte
	for {
		n, err := unix.Read(f.ep0, b[:])
		if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EIDRM) {
			// EIDRM: a request read before was cancelled by a newer one
			// (the host gave up waiting for its answer); the kernel has
			// forgotten it, and the events go on.
			continue
		}
		if err != nil {
			return 0, Setup{}, fmt.Errorf("functionfs: read event: %w", err)
		}
		if n != len(b) {
			return 0, Setup{}, fmt.Errorf("functionfs: short event (%d bytes)", n)
		}
		break
	}
	le := binary.LittleEndian
	s = Setup{RequestType: b[0], Request: b[1], Value: le.Uint16(b[2:]), Index: le.Uint16(b[4:]), Length: le.Uint16(b[6:])}
	return int(b[8]), s, nil
}

// Reply answers an IN request with data (cut to the request's length).
func (f *Function) Reply(s Setup, data []byte) error {
	if len(data) > int(s.Length) {
		data = data[:s.Length]
	}
	_, err := again(func() (int, error) { return unix.Write(f.ep0, data) })
	return err
}

// Receive takes an OUT request's data stage.
func (f *Function) Receive(s Setup) ([]byte, error) {
	b := make([]byte, s.Length)
	n, err := again(func() (int, error) { return unix.Read(f.ep0, b) })
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// Ack finishes an OUT request without data: a zero-length status stage.
func (f *Function) Ack() error {
	_, err := again(func() (int, error) { return unix.Read(f.ep0, nil) })
	return err
}

// Stall refuses a request: I/O against the request's direction.
func (f *Function) Stall(s Setup) {
	if s.IsIn() {
		again(func() (int, error) { return unix.Read(f.ep0, nil) })
	} else {
		again(func() (int, error) { return unix.Write(f.ep0, nil) })
	}
}

// again makes an ep0 transfer again while a signal interrupts it. A signal
// (Go's runtime sends them to preempt goroutines) during a data or status
// stage makes FunctionFS give up the transfer with EINTR, not restart it,
// and leave the request pending: unless the same transfer is made again,
// the host's control transfer times out and the next event read is taken
// as this request's data stage — the pad gadget's ep0 then stays dead. Seen
// in the USB VM as "request 21.09 value 0326: interrupted system call".
// This is a fallback: f_fs may say EINTR for a transfer that did complete
// (the signal and the completion racing on two CPUs), and then the data
// is lost. So the gadgets run with GODEBUG=asyncpreemptoff=1 (init.sh),
// which ends the signals.
func again(op func() (int, error)) (n int, err error) {
	for range 1000 {
		if n, err = op(); !errors.Is(err, unix.EINTR) {
			return n, err
		}
	}
	return n, err
}

// Endpoint opens the function's endpoint file n (ep1 is the first
// endpoint in the descriptors).
func (f *Function) Endpoint(n int) (int, error) {
	return unix.Open(filepath.Join(f.dir, fmt.Sprintf("ep%d", n)), unix.O_RDWR|unix.O_CLOEXEC, 0)
}

// Close closes ep0 (the function goes away).
func (f *Function) Close() error { return unix.Close(f.ep0) }
