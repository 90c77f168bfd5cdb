//go:build linux

package outbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The kill test runs this test binary again as a child (OUTBOX_KILL_CHILD
// set) that plays the agent: it opens the outbox, runs a sender that
// delivers to the parent's HTTP server, and enqueues submissions one
// after another, writing each number to fd 3 once Enqueue has returned —
// the moment the screen would say 已提交. The parent kills it with SIGKILL
// at a random moment, 20 times; each next child reopens the outbox and
// goes on. The last child is not killed: it queues the rest and waits
// until all is delivered. Then every submission ever reported must have
// been stored by the server exactly once.
const (
	killEnvDir    = "OUTBOX_KILL_CHILD" // the child's state directory
	killEnvURL    = "OUTBOX_KILL_URL"   // the server
	killEnvFrom   = "OUTBOX_KILL_FROM"  // the first submission not reported yet
	killEnvN      = "OUTBOX_KILL_N"     // submissions in all
	killEnvFinal  = "OUTBOX_KILL_FINAL" // the last child, which exits once all is delivered
	killEnvSync   = "OUTBOX_KILL_SYNC"  // test switch: PRAGMA synchronous (OFF to see the test fail)
	killEnvBroken = "OUTBOX_KILL_BROKEN"
	killEnvSeed   = "OUTBOX_KILL_SEED" // replay a run's kill moments
)

// killKey is the idempotency key of submission n. Real keys are random
// (NewKey); these are numbered so that the child can find where it was.
func killKey(n int) string { return fmt.Sprintf("kill-test-%05d", n) }

// killPayload is submission n: an application with made-up personal data.
func killPayload(n int) []byte {
	b, _ := json.Marshal(map[string]any{
		"n":         n,
		"applicant": map[string]string{"name": "王秀兰", "idNumber": "370481195203150021", "phone": "13905371234"},
		"address":   "山东省滕州市龙泉街道荆河社区3号楼2单元401室",
		"items":     []string{"dibao", "yiliao"},
		"notes":     strings.Repeat("入户调查记录。", 20),
	})
	return b
}

func TestKillAndResume(t *testing.T) {
	if os.Getenv(killEnvDir) != "" {
		killChild()
		return
	}
	if testing.Short() {
		t.Skip("kills 20 child processes")
	}
	runKillRounds(t, killRun{dir: filepath.Join(t.TempDir(), "state"), rounds: 20, n: 1000, test: "TestKillAndResume"})
}

// killRun configures runKillRounds.
type killRun struct {
	dir    string
	rounds int
	n      int
	test   string // the test the child runs as
	// cut, if set, runs just before the kill (a power cut), and remount
	// after the child is dead.
	cut, remount func(t *testing.T)
}

// platformSim stores submissions once per idempotency key, as the real
// platform does — and stores each one it gets when no key is sent, as a
// platform that cannot tell a resend from a new application would.
type platformSim struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	seen     map[string]bool
	stored   map[int]int // submission → times stored
	received int
	lostAns  int
	refused  int
	bad      []string
}

func (p *platformSim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var sub struct{ N *int }
	if err := json.Unmarshal(body, &sub); err != nil || sub.N == nil {
		p.mu.Lock()
		p.bad = append(p.bad, fmt.Sprintf("undecodable body of %d bytes", len(body)))
		p.mu.Unlock()
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	n := *sub.N
	key := r.Header.Get("Idempotency-Key")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.received++
	if !bytes.Equal(body, killPayload(n)) {
		p.bad = append(p.bad, fmt.Sprintf("submission %d arrived changed", n))
	}
	if key != "" && key != killKey(n) {
		p.bad = append(p.bad, fmt.Sprintf("submission %d arrived with key %q", n, key))
	}
	if p.rnd.IntN(100) < 3 { // overloaded: refused before storing
		p.refused++
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if key == "" || !p.seen[key] {
		p.seen[key] = true
		p.stored[n]++
	}
	if p.rnd.IntN(100) < 3 { // stored, but the answer is lost
		p.lostAns++
		http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func runKillRounds(t *testing.T, run killRun) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(killEnvSeed); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (%s=%d replays the kill moments)", seed, killEnvSeed, seed)
	rnd := rand.New(rand.NewPCG(seed, 1))
	sim := &platformSim{rnd: rand.New(rand.NewPCG(seed, 2)), seen: map[string]bool{}, stored: map[int]int{}}
	srv := httptest.NewServer(sim)
	defer srv.Close()

	reported := map[int]bool{}
	from := 0 // the first submission not reported yet
	var phases []string
	for round := 0; round <= run.rounds; round++ {
		final := round == run.rounds
		cmd := exec.Command(os.Args[0], "-test.run=^"+run.test+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), killEnvDir+"="+run.dir, killEnvURL+"="+srv.URL,
			killEnvFrom+"="+strconv.Itoa(from), killEnvN+"="+strconv.Itoa(run.n))
		if final {
			cmd.Env = append(cmd.Env, killEnvFinal+"=1")
		}
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.ExtraFiles = []*os.File{pw}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pw.Close()
		lines := make(chan string, 4096)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(pr)
			for sc.Scan() {
				lines <- sc.Text()
			}
			pr.Close()
		}()
		// When to kill: in one round of ten, at a random moment of the
		// start-up; otherwise once the child has reported a random number
		// of submissions (n/rounds on average), then 0–2 ms later, so that
		// the kill lands at any point of a transaction; once all are
		// queued, at a random moment of the delivery (0–300 ms).
		var kill <-chan time.Time
		target := -1
		if rnd.IntN(10) == 0 {
			kill = time.After(time.Duration(rnd.Int64N(int64(50 * time.Millisecond))))
		} else {
			target = from + rnd.IntN(2*run.n/run.rounds+1)
		}
		arm := func(max time.Duration) {
			if kill == nil {
				kill = time.After(time.Duration(rnd.Int64N(int64(max))))
			}
		}
		phase := "starting"
		handle := func(line string) {
			switch {
			case strings.HasPrefix(line, "resume "):
				k, _ := strconv.Atoi(strings.TrimPrefix(line, "resume "))
				if k < from {
					t.Errorf("round %d: the durable queue ends at submission %d, but %d..%d were reported queued: lost", round, k, k, from-1)
				}
				phase = "enqueueing"
			case line == "enqueued":
				phase = "delivering"
				arm(300 * time.Millisecond)
			case line == "drained":
				phase = "drained"
			default:
				n, err := strconv.Atoi(line)
				if err != nil {
					t.Errorf("round %d: child wrote %q", round, line)
					return
				}
				reported[n] = true
				if n >= from {
					from = n + 1
				}
				if target >= 0 && from >= target {
					arm(2 * time.Millisecond)
				}
			}
		}
		if final {
			timeout := time.After(5 * time.Minute)
		wait:
			for {
				select {
				case line, ok := <-lines:
					if !ok {
						break wait
					}
					handle(line)
				case <-timeout:
					cmd.Process.Kill()
					t.Fatalf("the last child did not drain the queue in 5 minutes; its output:\n%s", logs.String())
				}
			}
			if err := cmd.Wait(); err != nil || phase != "drained" {
				t.Fatalf("the last child: %v, phase %s; its output:\n%s", err, phase, logs.String())
			}
		} else {
			if target >= 0 && from >= target {
				arm(2 * time.Millisecond)
			}
		collect:
			for {
				select {
				case line, ok := <-lines:
					if !ok {
						break collect // it died by itself
					}
					handle(line)
				case <-kill:
					break collect
				}
			}
			if run.cut != nil {
				run.cut(t)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			err := cmd.Wait()
			for line := range lines { // what it wrote before it died
				handle(line)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				if run.cut == nil || phase == "starting" && err != nil {
					t.Logf("round %d: child ended with %v before the kill; its output:\n%s", round, err, logs.String())
				}
			}
			if run.remount != nil {
				run.remount(t)
			}
		}
		phases = append(phases, fmt.Sprintf("%s (%d reported)", phase, from))
	}

	sim.mu.Lock()
	defer sim.mu.Unlock()
	var lost, dup []int
	for n := range run.n {
		if !reported[n] {
			t.Errorf("submission %d was never reported queued", n)
		}
		switch c := sim.stored[n]; {
		case c == 0:
			lost = append(lost, n)
		case c > 1:
			dup = append(dup, n)
		}
	}
	sort.Ints(lost)
	sort.Ints(dup)
	t.Logf("%d rounds, killed while: %s", run.rounds, strings.Join(phases[:run.rounds], ", "))
	t.Logf("server: %d received, %d stored, %d refused (503), %d answers lost after storing (504); %d resends absorbed by the key",
		sim.received, len(sim.stored), sim.refused, sim.lostAns, sim.received-sim.refused-len(sim.stored)-len(dup))
	if len(lost) > 0 {
		t.Errorf("%d reported submissions never stored: %v", len(lost), short(lost))
	}
	if len(dup) > 0 {
		t.Errorf("%d submissions stored more than once: %v", len(dup), short(dup))
	}
	for _, b := range sim.bad {
		t.Error(b)
	}
}

func short(ns []int) string {
	if len(ns) > 20 {
		return fmt.Sprint(ns[:20]) + "…"
	}
	return fmt.Sprint(ns)
}

// killChild is the agent in the kill test; it never returns.
func killChild() {
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "child: "+format+"\n", args...)
		os.Exit(2)
	}
	out := os.NewFile(3, "reports")
	from, _ := strconv.Atoi(os.Getenv(killEnvFrom))
	n, _ := strconv.Atoi(os.Getenv(killEnvN))
	url := os.Getenv(killEnvURL)
	sendKey := os.Getenv(killEnvBroken) != "nokey"
	ctx := context.Background()
	q, err := Open(ctx, Options{Dir: os.Getenv(killEnvDir), synchronous: os.Getenv(killEnvSync)})
	if err != nil {
		fail("%v", err)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	s := &Sender{Queue: q, MinBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Deliver: func(ctx context.Context, it Item) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/submissions", bytes.NewReader(it.Payload))
			if err != nil {
				return err
			}
			if sendKey {
				req.Header.Set("Idempotency-Key", it.Key)
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusOK:
				return nil
			case resp.StatusCode >= 400 && resp.StatusCode < 500:
				return Permanent(fmt.Errorf("platform: %s", resp.Status))
			}
			return fmt.Errorf("platform: %s", resp.Status)
		}}
	go func() {
		if err := s.Run(ctx); err != nil {
			fail("sender: %v", err)
		}
	}()
	// Where the durable state says the queue ends: submissions are queued
	// one after another, so the queued ones are a prefix.
	k := sort.Search(n, func(i int) bool {
		_, err := q.Get(ctx, killKey(i))
		if err != nil && !errors.Is(err, ErrNotFound) {
			fail("%v", err)
		}
		return errors.Is(err, ErrNotFound)
	})
	fmt.Fprintf(out, "resume %d\n", k)
	// The UI submits what it has not seen answered, from the first
	// unreported one (which may be queued already: a no-op then).
	for i := from; i < n; i++ {
		it, err := q.Enqueue(ctx, KindApplication, killKey(i), killPayload(i))
		if err != nil {
			fail("enqueue %d: %v", i, err)
		}
		if it.Key != killKey(i) {
			fail("enqueue %d returned %s", i, it.Key)
		}
		fmt.Fprintf(out, "%d\n", i)
	}
	fmt.Fprintf(out, "enqueued\n")
	for q.Status().Pending > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	if st := q.Status(); st.Parked > 0 {
		fail("%d items parked", st.Parked)
	}
	fmt.Fprintf(out, "drained\n")
	if os.Getenv(killEnvFinal) == "" {
		select {} // an idle agent, until it is killed
	}
	os.Exit(0)
}
