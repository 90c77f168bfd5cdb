// Package health keeps the agent's health as data: one Check per device or
// subsystem with a stable code, a severity and the time it began, instead
// of free text in logs. The same checks are shown in devices.list, served
// at /healthz, exported as metrics and sent as health.changed events.
//
// Concepts: a component ("idcard0", "audit", "server") has exactly one
// current Check. Setting the same code again keeps its Since; only a change
// of code or severity is a change that subscribers hear about, so a message
// that varies (an OS error text) never floods clients with events.
package health

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Severity says how much a check matters.
type Severity string

// Severities, from fine to failing.
const (
	OK      Severity = "ok"      // working
	Warning Severity = "warning" // working, with a problem someone should look at
	Error   Severity = "error"   // not working
)

// Check is the health of one component.
type Check struct {
	Component string    `json:"component"`         // "idcard0", "audit", "server"
	Code      string    `json:"code"`              // stable, e.g. "ok", "disconnected", "not_answering"
	Severity  Severity  `json:"severity"`          // ok, warning or error
	Since     time.Time `json:"since"`             // when this code began
	Message   string    `json:"message,omitempty"` // for people; may change without a new Since
}

// Common codes. Components may add their own; each is documented where it
// is set.
const (
	CodeOK = "ok"
)

// Registry holds the current check of every component. It is safe for
// concurrent use; subscribers are called without its lock held, in the
// order changes happen, and must not block.
type Registry struct {
	clock func() time.Time

	mu     sync.Mutex
	checks map[string]Check
	subs   []func(Check)
	// notifyMu keeps subscriber calls in the order of the changes.
	notifyMu sync.Mutex
}

// NewRegistry returns an empty registry. clock may be nil (time.Now).
func NewRegistry(clock func() time.Time) *Registry {
	if clock == nil {
		clock = time.Now
	}
	return &Registry{clock: clock, checks: map[string]Check{}}
}

// Set records component's condition. It reports whether this was a change
// (a new code or severity), which subscribers then receive.
func (r *Registry) Set(component, code string, sev Severity, message string) bool {
	r.notifyMu.Lock()
	defer r.notifyMu.Unlock()
	r.mu.Lock()
	old, had := r.checks[component]
	c := Check{Component: component, Code: code, Severity: sev, Since: r.clock().UTC(), Message: message}
	changed := !had || old.Code != code || old.Severity != sev
	if !changed {
		c.Since = old.Since
	}
	r.checks[component] = c
	subs := r.subs
	r.mu.Unlock()
	if changed {
		for _, f := range subs {
			f(c)
		}
	}
	return changed
}

// SetOK records that component works.
func (r *Registry) SetOK(component string) bool { return r.Set(component, CodeOK, OK, "") }

// Remove forgets component (it no longer exists).
func (r *Registry) Remove(component string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.checks, component)
}

// Get returns component's check.
func (r *Registry) Get(component string) (Check, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.checks[component]
	return c, ok
}

// Checks returns every check, sorted by component.
func (r *Registry) Checks() []Check {
	r.mu.Lock()
	out := make([]Check, 0, len(r.checks))
	for _, c := range r.checks {
		out = append(out, c)
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b Check) int {
		switch {
		case a.Component < b.Component:
			return -1
		case a.Component > b.Component:
			return 1
		}
		return 0
	})
	return out
}

// Subscribe calls f with every change from now on.
func (r *Registry) Subscribe(f func(Check)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = append(r.subs, f)
}

// Overall status values of a Report.
const (
	StatusOK       = "ok"       // every check ok
	StatusDegraded = "degraded" // warnings only
	StatusFailing  = "failing"  // at least one error
)

// Report is the whole picture, as /healthz serves it.
type Report struct {
	Status string  `json:"status"`
	Checks []Check `json:"checks"`
}

// Report summarises every check.
func (r *Registry) Report() Report {
	rep := Report{Status: StatusOK, Checks: r.Checks()}
	for _, c := range rep.Checks {
		switch {
		case c.Severity == Error:
			rep.Status = StatusFailing
		case c.Severity == Warning && rep.Status == StatusOK:
			rep.Status = StatusDegraded
		}
	}
	return rep
}

// Handler serves the report as JSON: 200 while nothing fails, 503 when a
// check has severity error (so a load balancer or monitor can alarm on the
// status code alone).
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rep := r.Report()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if rep.Status == StatusFailing {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(rep)
	})
}
