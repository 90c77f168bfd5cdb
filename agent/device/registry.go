package device

import "sync"

// Registry holds every device the agent runs, of every kind, and tells its
// subscribers when one changes: what devices.list and device.changed show.
type Registry struct {
	mu   sync.Mutex
	devs []*Supervisor
	subs []func(Status)
}

// Add registers s. It must be called before s runs.
func (r *Registry) Add(s *Supervisor) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.devs = append(r.devs, s)
	s.mu.Lock()
	s.onChange = r.changed
	s.mu.Unlock()
}

// Subscribe calls f with every device change from now on. f is called on
// the device's goroutine and must not block.
func (r *Registry) Subscribe(f func(Status)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = append(r.subs, f)
}

func (r *Registry) changed(st Status) {
	r.mu.Lock()
	subs := r.subs
	r.mu.Unlock()
	for _, f := range subs {
		f(st)
	}
}

// Statuses returns every device's status, in the order they were added.
func (r *Registry) Statuses() []Status {
	r.mu.Lock()
	devs := append([]*Supervisor(nil), r.devs...)
	r.mu.Unlock()
	out := make([]Status, len(devs))
	for i, d := range devs {
		out[i] = d.Status()
	}
	return out
}

// Get returns the device with id, or nil.
func (r *Registry) Get(id string) *Supervisor {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.devs {
		if d.cfg.ID == id {
			return d
		}
	}
	return nil
}
