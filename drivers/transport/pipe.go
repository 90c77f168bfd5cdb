package transport

import (
	"sync"
	"time"
)

// DefaultPollPeriod is how long Read on a pipe end waits for data before it
// returns 0, nil.
const DefaultPollPeriod = 20 * time.Millisecond

// Pipe returns the two ends of an in-memory, full-duplex byte pipe whose
// ends behave like a Port: Read returns 0, nil after the poll period when no
// data has arrived. It stands in for a pseudo-terminal where the operating
// system has none (Windows), and lets a test "unplug" a device with
// Disconnect.
func Pipe() (a, b *PipeEnd) {
	ab := newQueue()
	ba := newQueue()
	a = &PipeEnd{in: ba, out: ab, Poll: DefaultPollPeriod}
	b = &PipeEnd{in: ab, out: ba, Poll: DefaultPollPeriod}
	a.peer, b.peer = b, a
	return a, b
}

// PipeEnd is one end of a Pipe.
type PipeEnd struct {
	in, out *queue
	peer    *PipeEnd
	// Poll is how long Read waits for data before returning 0, nil.
	// A negative Poll blocks until data arrives or the pipe closes.
	Poll time.Duration

	mu     sync.Mutex
	closed bool
}

// Read reads what the other end wrote.
func (p *PipeEnd) Read(b []byte) (int, error) {
	if p.isClosed() {
		return 0, ErrClosed
	}
	return p.in.read(b, p.Poll)
}

// Write sends b to the other end.
func (p *PipeEnd) Write(b []byte) (int, error) {
	if p.isClosed() {
		return 0, ErrClosed
	}
	return p.out.write(b)
}

// ResetInputBuffer drops bytes received but not read.
func (p *PipeEnd) ResetInputBuffer() error {
	p.in.reset()
	return nil
}

// Close closes this end. The other end then sees ErrDisconnected.
func (p *PipeEnd) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.in.shut()
	p.out.shut()
	return nil
}

func (p *PipeEnd) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

type queue struct {
	mu     sync.Mutex
	data   []byte
	shutd  bool
	notify chan struct{} // closed and replaced whenever data arrives or the queue shuts
}

func newQueue() *queue { return &queue{notify: make(chan struct{})} }

func (q *queue) signal() {
	close(q.notify)
	q.notify = make(chan struct{})
}

func (q *queue) write(b []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shutd {
		return 0, ErrDisconnected
	}
	q.data = append(q.data, b...)
	q.signal()
	return len(b), nil
}

func (q *queue) read(b []byte, poll time.Duration) (int, error) {
	var timeout <-chan time.Time
	if poll >= 0 {
		t := time.NewTimer(poll)
		defer t.Stop()
		timeout = t.C
	}
	for {
		q.mu.Lock()
		if len(q.data) > 0 {
			n := copy(b, q.data)
			q.data = q.data[:copy(q.data, q.data[n:])]
			q.mu.Unlock()
			return n, nil
		}
		if q.shutd {
			q.mu.Unlock()
			return 0, ErrDisconnected
		}
		wait := q.notify
		q.mu.Unlock()
		select {
		case <-wait:
		case <-timeout:
			return 0, nil
		}
	}
}

func (q *queue) reset() {
	q.mu.Lock()
	q.data = q.data[:0]
	q.mu.Unlock()
}

func (q *queue) shut() {
	q.mu.Lock()
	if !q.shutd {
		q.shutd = true
		q.signal()
	}
	q.mu.Unlock()
}
