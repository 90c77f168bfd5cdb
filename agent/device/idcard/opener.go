package idcard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard/discover"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// Opener opens the reader's port. It returns the port and a name for it to
// show (a device path). It is called again after the port fails.
type Opener func(ctx context.Context) (transport.Port, string, error)

// Serial opens the serial device at path (115200 8N1).
func Serial(path string) Opener {
	return func(context.Context) (transport.Port, string, error) {
		p, err := serialport.Open(path, serialport.Config{})
		if err != nil {
			return nil, path, err
		}
		return p, path, nil
	}
}

// USB opens the first 部标 USB bulk reader (0400:C35A). In a build without
// libusb it fails with an error matching discover.ErrUnsupported.
func USB(context.Context) (transport.Port, string, error) {
	p, info, err := usbframe.OpenReader(usbframe.Match{})
	if errors.Is(err, usb.ErrNoLibusb) {
		return nil, "usb", fmt.Errorf("%w: %w", discover.ErrUnsupported, err)
	}
	if err != nil {
		return nil, "usb", err
	}
	return p, "usb:" + info.String(), nil
}

// NewFinder returns the reader search: USB bulk readers first, then the
// serial ports, never those in exclude; with stateDir, the port that
// worked is remembered there (discover.json).
func NewFinder(exclude []string, stateDir string, log *slog.Logger) *discover.Finder {
	f := &discover.Finder{List: discover.SerialPorts, Open: discover.OpenSerial,
		USB:     func() (transport.Port, string, error) { return USB(context.Background()) },
		Exclude: exclude, Log: log}
	if stateDir != "" {
		f.Memory = discover.NewMemory(filepath.Join(stateDir, "discover.json"))
	}
	return f
}

// Search finds the reader each time it must be opened, remembered port
// first. While nothing answers it waits longer between searches (up to
// 30 s), so that idle ports are not probed continuously: probing writes to
// them.
func Search(f *discover.Finder) Opener {
	misses := 0
	return func(ctx context.Context) (transport.Port, string, error) {
		if misses > 0 {
			wait := min(time.Second<<min(misses, 6), 30*time.Second)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, "auto", ctx.Err()
			case <-t.C:
			}
		}
		found, _, err := f.Find(ctx)
		if err != nil {
			misses++
			return nil, "auto", err
		}
		misses = 0
		return found.Port, found.Path, nil
	}
}

// openSession opens the port and makes it a session for the supervisor.
func (s *Service) openSession(ctx context.Context) (device.Session, string, error) {
	port, name, err := s.cfg.Open(ctx)
	if err != nil {
		return nil, name, err
	}
	return newSession(s, port, name), name, nil
}
