package stusim

import (
	"errors"
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// ErrStall is how a transfer the pad refuses at the USB level fails: a
// feature report it does not have, one that cannot be got or set, or one of
// the wrong size. (hidraw reports this as EPIPE.)
var ErrStall = errors.New("stusim: transfer stalled")

var (
	errDisconnected = fmt.Errorf("stusim: %w", transport.ErrDisconnected)
	errClosed       = fmt.Errorf("stusim: %w", transport.ErrClosed)
)

// handle is one open hid.Device on the pad.
type handle struct {
	p      *Pad
	queue  [][]byte      // input reports not read yet; guarded by p.mu
	notify chan struct{} // a report was queued (capacity 1)
	done   chan struct{} // closed when the handle is closed or dies
	closed bool          // Close was called
	dead   bool          // unplugged or re-enumerated
}

var _ hid.Device = (*handle)(nil)

// errLocked is the error every call on a handle that is no longer usable
// returns, or nil.
func (h *handle) errLocked() error {
	switch {
	case h.closed:
		return errClosed
	case h.dead:
		return errDisconnected
	}
	return nil
}

// kill marks the handle dead (p.mu held).
func (h *handle) kill() {
	if h.dead || h.closed {
		h.dead = true
		return
	}
	h.dead = true
	h.queue = nil
	close(h.done)
}

// GetFeature implements hid.Device.
func (h *handle) GetFeature(id byte, size int) ([]byte, error) {
	p := h.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := h.errLocked(); err != nil {
		return nil, err
	}
	return p.getFeatureLocked(id, size)
}

// SetFeature implements hid.Device.
func (h *handle) SetFeature(report []byte) error {
	p := h.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := h.errLocked(); err != nil {
		return err
	}
	return p.setFeatureLocked(report)
}

// ReadInput implements hid.Device.
func (h *handle) ReadInput(timeout time.Duration) ([]byte, error) {
	p := h.p
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		p.mu.Lock()
		if err := h.errLocked(); err != nil {
			p.mu.Unlock()
			return nil, err
		}
		if len(h.queue) > 0 {
			r := h.queue[0]
			h.queue[0] = nil
			h.queue = h.queue[1:]
			p.mu.Unlock()
			return r, nil
		}
		p.mu.Unlock()
		if timer == nil {
			if timeout <= 0 {
				return nil, hid.ErrTimeout
			}
			timer = time.NewTimer(timeout)
		}
		select {
		case <-h.notify:
		case <-h.done:
		case <-timer.C:
			p.mu.Lock()
			defer p.mu.Unlock()
			if err := h.errLocked(); err != nil {
				return nil, err
			}
			if len(h.queue) > 0 {
				r := h.queue[0]
				h.queue[0] = nil
				h.queue = h.queue[1:]
				return r, nil
			}
			return nil, hid.ErrTimeout
		}
	}
}

// Close implements hid.Device. A ReadInput in progress returns.
func (h *handle) Close() error {
	p := h.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if h.closed {
		return nil
	}
	if !h.dead {
		close(h.done)
	}
	h.closed = true
	h.queue = nil
	delete(p.handles, h)
	return nil
}

// pushLocked queues an input report for this handle's reader, or discards
// it when the buffer is full, as hidraw does.
func (h *handle) pushLocked(r []byte, limit int) bool {
	if len(h.queue) >= limit {
		return false
	}
	h.queue = append(h.queue, r)
	select {
	case h.notify <- struct{}{}:
	default:
	}
	return true
}
