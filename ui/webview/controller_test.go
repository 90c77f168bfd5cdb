package webview

import (
	"reflect"
	"testing"
	"time"
)

const testURL = "http://127.0.0.1:17321/"

var t0 = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

func kinds(as []Action) []ActionKind {
	out := []ActionKind{}
	for _, a := range as {
		out = append(out, a.Kind)
	}
	return out
}

func want(t *testing.T, what string, got []Action, k ...ActionKind) {
	t.Helper()
	if k == nil {
		k = []ActionKind{}
	}
	if !reflect.DeepEqual(kinds(got), k) {
		t.Fatalf("%s: got %v, want kinds %v", what, got, k)
	}
}

func agentBeat() Beat { return Beat{Href: testURL, Ready: "complete"} }

func TestControllerShowsThePageAndKeepsQuietWhileItBeats(t *testing.T) {
	c := NewController(testURL, 15*time.Second)
	a := c.Start(at(0))
	want(t, "start", a, Navigate)
	if a[0].URL != testURL || c.Page() != PageLoading {
		t.Fatalf("start: %v, page %s", a, c.Page())
	}
	c.LoadFinished(testURL, at(0.5))
	if c.Page() != PageShown {
		t.Fatalf("page %s after the load", c.Page())
	}
	for s := 1.0; s < 120; s++ {
		if int(s)%2 == 0 {
			c.Beat(agentBeat(), at(s))
		}
		want(t, "tick", c.Tick(at(s)))
	}
}

func TestControllerWaitsForTheAgent(t *testing.T) {
	c := NewController(testURL, 15*time.Second)
	c.Start(at(0))
	want(t, "load failed", c.LoadFailed(testURL, at(0.1)), ShowWaiting)
	if c.Page() != PageWaiting {
		t.Fatalf("page %s", c.Page())
	}
	// A second failure report changes nothing; the waiting page itself
	// loading is not the agent's page.
	want(t, "failed again", c.LoadFailed(testURL, at(0.2)))
	c.LoadFinished("about:blank", at(0.3))
	if c.Page() != PageWaiting {
		t.Fatalf("page %s", c.Page())
	}
	// No watchdog while waiting (even without heartbeats), a probe every
	// ProbeEvery, one at a time.
	want(t, "tick 1", c.Tick(at(1)))
	want(t, "tick 2.1", c.Tick(at(2.1)), ProbeAgent)
	want(t, "tick 3", c.Tick(at(3)))
	want(t, "tick 5 (probe outstanding)", c.Tick(at(5)))
	want(t, "agent down", c.AgentUp(false, at(5.5)))
	want(t, "tick 6", c.Tick(at(6)), ProbeAgent)
	for s := 7.0; s < 60; s++ {
		c.Tick(at(s))
		c.AgentUp(false, at(s))
	}
	want(t, "agent up", c.AgentUp(true, at(61)), Navigate)
	if c.Page() != PageLoading {
		t.Fatalf("page %s", c.Page())
	}
	// The watchdog counts from the navigation, not from the last beat
	// a minute ago.
	want(t, "tick after the navigation", c.Tick(at(70)))
	c.Beat(agentBeat(), at(71))
	if c.Page() != PageShown {
		t.Fatalf("page %s after a complete page's beat", c.Page())
	}
}

func TestControllerWatchdogKillsThenGivesUp(t *testing.T) {
	c := NewController(testURL, 10*time.Second)
	c.Start(at(0))
	c.LoadFinished(testURL, at(1))
	c.Beat(agentBeat(), at(2))
	want(t, "within the period", c.Tick(at(12)))
	a := c.Tick(at(12.5))
	want(t, "hung page", a, KillWebProcess)
	want(t, "web process gone", c.WebProcessGone("was terminated by the window", at(12.6)), Navigate)
	// It beats again: all is well, the strikes are forgotten.
	c.Beat(agentBeat(), at(14))
	want(t, "recovered", c.Tick(at(20)))
	a = c.Tick(at(24.5))
	want(t, "hung again", a, KillWebProcess)
	c.WebProcessGone("was terminated by the window", at(24.6))
	a = c.Tick(at(35))
	want(t, "no beat after the kill either", a, Exit)
	if a[0].Code != ExitRestart {
		t.Fatalf("exit code %d", a[0].Code)
	}
}

func TestControllerWatchdogOff(t *testing.T) {
	c := NewController(testURL, 0)
	c.Start(at(0))
	want(t, "an hour later", c.Tick(at(3600)))
}

func TestControllerCrashLoopEndsTheWindow(t *testing.T) {
	c := NewController(testURL, 15*time.Second)
	c.Start(at(0))
	want(t, "crash 1", c.WebProcessGone("crashed", at(10)), Navigate)
	want(t, "crash 2", c.WebProcessGone("crashed", at(20)), Navigate)
	// The first is out of the window by now.
	want(t, "crash 3, 61 s after the first", c.WebProcessGone("crashed", at(71)), Navigate)
	a := c.WebProcessGone("crashed", at(75))
	want(t, "crash 4: three within a minute", a, Exit)
	if a[0].Code != ExitRestart || c.Report().WebProcessRestarts != 4 {
		t.Fatalf("%v, report %+v", a, c.Report())
	}
}

func TestControllerReloadAndReport(t *testing.T) {
	c := NewController(testURL, 15*time.Second)
	c.Start(at(0))
	c.Blocked("navigation")
	c.Blocked("navigation")
	c.Blocked("contextMenu")
	c.Beat(Beat{Href: testURL, Title: "t", Ready: "complete", Refused: map[string]int{"wheel": 2}}, at(1))
	want(t, "F5", c.Reload(at(2)), Navigate)
	r := c.Report()
	if r.URL != testURL || r.Href != testURL || r.Title != "t" || r.Page != PageLoading ||
		!reflect.DeepEqual(r.Blocked, map[string]int{"navigation": 2, "contextMenu": 1}) || r.Refused["wheel"] != 2 {
		t.Fatalf("report %+v", r)
	}
	// The report is a copy.
	r.Blocked["navigation"] = 99
	if c.Report().Blocked["navigation"] != 2 {
		t.Fatal("the report shares the controller's map")
	}
}
