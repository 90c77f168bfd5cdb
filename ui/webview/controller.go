package webview

import (
	"fmt"
	"maps"
	"time"
)

// Controller decides what the window does: which page it shows, when to
// poll the agent, when to kill a web process that stopped answering and
// when to give up on the window process. It is told what happened (loads,
// heartbeats, crashes, the passing of time) and answers with Actions. It is
// not safe for concurrent use: the window calls it from its main loop only.
type Controller struct {
	url, origin string
	watchdog    time.Duration

	page      Page
	lastBeat  time.Time // or the time the watchdog was last rearmed
	lastProbe time.Time
	probing   bool
	strikes   int         // watchdog kills without a heartbeat since
	gone      []time.Time // web process ends within CrashWindow

	restarts int
	blocked  map[string]int
	beat     *Beat
}

// Page is what the window shows.
type Page string

const (
	PageLoading Page = "loading" // the agent's page is being loaded
	PageShown   Page = "shown"   // the agent's page is shown
	PageWaiting Page = "waiting" // the waiting page: the agent does not answer
)

// ActionKind is what an Action asks for.
type ActionKind int

const (
	// Navigate: load the agent's page (Action.URL).
	Navigate ActionKind = iota + 1
	// ShowWaiting: show the waiting page (WaitingPage).
	ShowWaiting
	// ProbeAgent: find out whether the agent answers, then tell
	// Controller.AgentUp.
	ProbeAgent
	// KillWebProcess: terminate the web process; WebKit then reports it
	// gone (Controller.WebProcessGone).
	KillWebProcess
	// Exit: end the window process with Action.Code (ExitRestart), so
	// that the supervisor starts a new one.
	Exit
)

// Action is one thing for the window to do.
type Action struct {
	Kind   ActionKind
	URL    string
	Code   int
	Reason string
}

func (a Action) String() string {
	switch a.Kind {
	case Navigate:
		return "navigate " + a.URL
	case ShowWaiting:
		return "show the waiting page"
	case ProbeAgent:
		return "probe the agent"
	case KillWebProcess:
		return "kill the web process: " + a.Reason
	case Exit:
		return fmt.Sprintf("exit %d: %s", a.Code, a.Reason)
	}
	return fmt.Sprintf("action %d", int(a.Kind))
}

const (
	// ProbeEvery is how often the agent is polled while the waiting page
	// shows.
	ProbeEvery = 2 * time.Second
	// CrashWindow and CrashLimit: this many web process ends within this
	// time end the window process (the supervisor then backs off).
	CrashWindow = time.Minute
	CrashLimit  = 3
)

// NewController returns a controller for the agent's page at url (see
// CheckURL) with a heartbeat timeout (0: no watchdog).
func NewController(url string, watchdog time.Duration) *Controller {
	return &Controller{url: url, origin: Origin(url), watchdog: watchdog, blocked: map[string]int{}}
}

// Start is the window's first move: load the agent's page.
func (c *Controller) Start(now time.Time) []Action {
	return c.navigate(now)
}

func (c *Controller) navigate(now time.Time) []Action {
	c.page = PageLoading
	c.lastBeat = now // the page gets a full watchdog period to load
	return []Action{{Kind: Navigate, URL: c.url}}
}

// Page is what the window shows now.
func (c *Controller) Page() Page { return c.page }

// LoadFinished: a page finished loading in the main frame.
func (c *Controller) LoadFinished(uri string, now time.Time) {
	if Allowed(uri, c.origin) && uri != "about:blank" && c.page == PageLoading {
		c.page = PageShown
		c.lastBeat = now
	}
}

// LoadFailed: the main frame's load of uri failed (not a cancelled or
// refused one: those are not failures). The waiting page takes its place.
func (c *Controller) LoadFailed(uri string, now time.Time) []Action {
	if c.page == PageWaiting {
		return nil
	}
	c.page = PageWaiting
	c.lastProbe = now
	return []Action{{Kind: ShowWaiting}}
}

// AgentUp is the answer to ProbeAgent.
func (c *Controller) AgentUp(up bool, now time.Time) []Action {
	c.probing = false
	if up && c.page == PageWaiting {
		return c.navigate(now)
	}
	return nil
}

// Reload: someone pressed F5 or Ctrl+R.
func (c *Controller) Reload(now time.Time) []Action {
	return c.navigate(now)
}

// WebProcessGone: the web process crashed, ran out of memory or was
// killed (reason says which). The agent's page is loaded again, which
// starts a new one, unless it is the CrashLimit-th end within CrashWindow.
func (c *Controller) WebProcessGone(reason string, now time.Time) []Action {
	c.restarts++
	recent := c.gone[:0]
	for _, t := range c.gone {
		if now.Sub(t) < CrashWindow {
			recent = append(recent, t)
		}
	}
	c.gone = append(recent, now)
	if len(c.gone) >= CrashLimit {
		return []Action{{Kind: Exit, Code: ExitRestart,
			Reason: fmt.Sprintf("the web process ended %d times within %v (last: %s)", len(c.gone), CrashWindow, reason)}}
	}
	return c.navigate(now)
}

// Beat: the page's heartbeat.
func (c *Controller) Beat(b Beat, now time.Time) {
	c.lastBeat = now
	c.strikes = 0
	c.beat = &b
	if c.page == PageLoading && Allowed(b.Href, c.origin) && b.Href != "about:blank" && b.Ready == "complete" {
		c.page = PageShown
	}
}

// Blocked counts a refusal of the lock by kind ("navigation", "contextMenu"
// ...), for the Report.
func (c *Controller) Blocked(kind string) { c.blocked[kind]++ }

// Tick: time passes (the window calls it every second or so). It polls the
// agent while the waiting page shows, and runs the watchdog while the
// agent's page is loading or shown: a page without a heartbeat for the
// watchdog period has its web process killed; if the next period passes
// without one too, the window process exits.
func (c *Controller) Tick(now time.Time) []Action {
	if c.page == PageWaiting {
		if !c.probing && now.Sub(c.lastProbe) >= ProbeEvery {
			c.probing = true
			c.lastProbe = now
			return []Action{{Kind: ProbeAgent}}
		}
		return nil
	}
	if c.watchdog <= 0 || now.Sub(c.lastBeat) <= c.watchdog {
		return nil
	}
	c.strikes++
	c.lastBeat = now
	if c.strikes >= 2 {
		return []Action{{Kind: Exit, Code: ExitRestart,
			Reason: fmt.Sprintf("no heartbeat from the page for %v, also after its web process was killed", c.watchdog)}}
	}
	return []Action{{Kind: KillWebProcess, Reason: fmt.Sprintf("no heartbeat from the page for %v", c.watchdog)}}
}

// Report is the window's state for Options.Report (seq, time, start and
// zoom are the caller's to fill in).
func (c *Controller) Report() Report {
	r := Report{URL: c.url, Page: c.page, WebProcessRestarts: c.restarts, Blocked: maps.Clone(c.blocked)}
	if c.beat != nil {
		r.Href, r.Title, r.Probe, r.Refused = c.beat.Href, c.beat.Title, c.beat.Probe, c.beat.Refused
	}
	return r
}
