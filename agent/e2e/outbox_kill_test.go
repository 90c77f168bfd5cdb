package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Sizes of the kill test: the outbox package's own test does 1,000
// submissions and 20 kills on the queue alone; this one goes through the
// agent binary, the WebSocket and the HTTP platform.
const (
	killSubmissions = 200
	killRounds      = 5
)

// demoIDNumbers are valid ID numbers of the demo's households, for the
// applicants of the kill test.
var demoIDNumbers = []string{"370481195603144828", "370402198811073014", "37048119421003202X", "370481197904253015",
	"370481197507193039", "370481198305145017", "370481197602116023", "370481197006307018"}

// TestOutboxSurvivesKill9: a client submits applications through
// application.submit while the agent is killed with SIGKILL at random
// moments; the client sends each application again, under the same key,
// until the agent acknowledges it (as a page does after a lost
// connection). Once the agent has run again and its outbox has drained,
// the platform (a platform-demo over HTTP) holds every acknowledged
// application exactly once, and nothing else.
func TestOutboxSurvivesKill9(t *testing.T) {
	dir := t.TempDir()
	_, demoURL := startPlatformDemo(t, filepath.Join(dir, "demo.db"))
	state, addr := filepath.Join(dir, "state"), freeLoopbackAddr(t)
	args := []string{"--platform", demoURL, "--idcard-port", "none", "--calls-per-second", "10000", "--call-burst", "10000"}

	var mu sync.Mutex
	agent := startAgentProc(t, state, addr, args...)
	// The agents started after a kill, each with how many submissions were
	// acknowledged when the kill was decided.
	type restart struct {
		p     *binProc
		acked int
	}
	var restarted []restart
	current := func() *binProc { mu.Lock(); defer mu.Unlock(); return agent }

	// Kill when the acknowledged count reaches each of these, a random few
	// milliseconds later, so that kills fall between and inside calls.
	var at []int
	for range killRounds {
		at = append(at, 10+rand.IntN(killSubmissions-20))
	}
	slices.Sort(at)

	var restarting sync.Mutex
	restartErr := make(chan error, killRounds)
	acked := map[string]string{}
	var keys []string
	resent, kills := 0, 0
	start := time.Now()
	c, _ := dialAgent(addr)
	for i := range killSubmissions {
		key := fmt.Sprintf("kill-%03d-%08x", i, rand.Uint32())
		keys = append(keys, key)
		params := map[string]any{"idempotencyKey": key, "application": map[string]any{
			"applicant": map[string]any{"name": fmt.Sprintf("测试申请人%d", i), "idNumber": demoIDNumbers[i%len(demoIDNumbers)]},
			"items":     []string{"linshi"}, "relatedToStaff": false, "notes": fmt.Sprintf("kill test %d", i)}}
		for tries := 0; ; tries++ {
			if tries > 200 {
				t.Fatalf("submission %d: no acknowledgement after %d tries", i, tries)
			}
			if c == nil {
				var err error
				if c, err = dialAgent(addr); err != nil {
					c = nil
					time.Sleep(20 * time.Millisecond)
					continue
				}
			}
			if tries > 0 {
				resent++
			}
			r, err := c.call(protocol.MethodApplicationSubmit, params, 10*time.Second)
			if errors.Is(err, errConnLost) || reasonOf(err) == string(protocol.ReasonNotSaved) {
				c.close()
				c = nil
				continue
			}
			if err != nil {
				t.Fatalf("submission %d: %v", i, err)
			}
			var res protocol.ApplicationSubmitResult
			json.Unmarshal(r, &res)
			// A first answer is always "queued"; one sent again may find
			// the application delivered already.
			if res.ApplicationID != core.ApplicationID(key) || (tries == 0 && !res.Queued) {
				t.Fatalf("submission %d answered %+v", i, res)
			}
			acked[key] = res.ApplicationID
			break
		}
		if kills < len(at) && len(acked) >= at[kills] {
			kills++
			// Kill while the next submissions are on their way: a goroutine
			// waits a random moment, kills, and starts the agent again (one
			// restart at a time).
			delay := time.Duration(rand.IntN(30)) * time.Millisecond
			n := len(acked)
			restarting.Lock()
			go func() {
				defer restarting.Unlock()
				time.Sleep(delay)
				current().kill()
				next, err := tryStartAgent(t, state, addr, args...)
				if err != nil {
					restartErr <- err
					return
				}
				mu.Lock()
				agent = next
				restarted = append(restarted, restart{next, n})
				mu.Unlock()
			}()
		}
		select {
		case err := <-restartErr:
			t.Fatalf("the agent did not start again after a kill: %v", err)
		default:
		}
	}
	submitTime := time.Since(start)
	// The last restart may still be under way.
	restarting.Lock()
	restarting.Unlock()
	select {
	case err := <-restartErr:
		t.Fatalf("the agent did not start again after a kill: %v", err)
	default:
	}
	if c != nil {
		c.close()
	}
	c = mustDialAgent(t, addr)
	drained := waitOutboxDrained(t, c)
	total := time.Since(start)

	stored := platformStored(t, demoURL)
	count := map[string]int{}
	for _, s := range stored {
		count[s.IdempotencyKey]++
		if s.Application == nil || s.Submitted == nil {
			t.Errorf("%s: stored without its application: %+v", s.IdempotencyKey, s)
		}
	}
	lost, twice := 0, 0
	for _, k := range keys {
		switch count[k] {
		case 0:
			lost++
			t.Errorf("%s was acknowledged and is not at the platform", k)
		case 1:
		default:
			twice++
			t.Errorf("%s is at the platform %d times", k, count[k])
		}
		delete(count, k)
	}
	for k := range count {
		t.Errorf("%s is at the platform and was never submitted", k)
	}
	// The applications a restarted agent delivered that were acknowledged
	// before the kill: they were on disk only (or delivered, but not yet
	// marked so: then the platform answered "duplicate").
	pending, dup := 0, 0
	line := regexp.MustCompile(`msg="application delivered" key=kill-(\d+)-\S+ .*duplicate=(\w+)`)
	mu.Lock()
	for _, r := range restarted {
		for _, m := range line.FindAllStringSubmatch(r.p.log(), -1) {
			if i, _ := strconv.Atoi(m[1]); i < r.acked {
				pending++
				if m[2] == "true" {
					dup++
				}
			}
		}
	}
	mu.Unlock()
	if kills != killRounds {
		t.Errorf("%d kills, want %d", kills, killRounds)
	}
	t.Logf("%d applications acknowledged before a kill were delivered by the agent started after it, %d of them a second time (the platform said duplicate)", pending, dup)
	t.Logf("%d submissions acknowledged, %d sent again after a kill, %d kills; %d lost, %d stored twice; "+
		"submitting took %v (%.0f/s with the kills), all delivered after %v; outbox %+v",
		len(acked), resent, kills, lost, twice, submitTime.Round(time.Millisecond),
		float64(len(acked))/submitTime.Seconds(), total.Round(time.Millisecond), drained)
}
