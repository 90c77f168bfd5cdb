package e2e

// The rig of the platform tests: the agent binary and "kiosk-agent
// platform-demo" as processes, and a JSON-RPC client that survives the
// agent's restarts.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// binProc is a running process of the agent binary (an agent or a
// platform-demo), its log kept.
type binProc struct {
	t    testing.TB
	cmd  *exec.Cmd
	addr string
	done chan error
	mu   sync.Mutex
	logs bytes.Buffer
}

var (
	agentListening = regexp.MustCompile(`kiosk agent listening.* addr=(\S+)`)
	demoListening  = regexp.MustCompile(`platform demo listening.* addr=(\S+)`)
)

// startProc runs the agent binary with args and waits until its log says
// it listens (ready matches the line, its first group the address).
func startProc(t testing.TB, ready *regexp.Regexp, args ...string) *binProc {
	t.Helper()
	p, err := tryStartProc(t, ready, args...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tryStartProc is startProc, returning its failure (for goroutines other
// than the test's).
func tryStartProc(t testing.TB, ready *regexp.Regexp, args ...string) (*binProc, error) {
	p := &binProc{t: t, cmd: exec.Command(agentBinary(t), args...), done: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.Write(append(sc.Bytes(), '\n'))
			p.mu.Unlock()
			if m := ready.FindSubmatch(sc.Bytes()); m != nil {
				select {
				case addr <- string(m[1]):
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.kill() })
	select {
	case p.addr = <-addr:
		return p, nil
	case err := <-p.done:
		p.done <- err
		return nil, fmt.Errorf("%v exited before listening: %v\n%s", args, err, p.log())
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("%v not listening after 30 s\n%s", args, p.log())
	}
}

func (p *binProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// kill ends the process with SIGKILL (at once, nothing flushed) and
// waits for it.
func (p *binProc) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	err := <-p.done
	p.done <- err
}

// stop ends the process with SIGTERM and waits for it.
func (p *binProc) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			p.t.Errorf("%s stopped with %v\n%s", p.cmd.Path, err, p.log())
		}
	case <-time.After(15 * time.Second):
		p.t.Errorf("%s did not stop within 15 s", p.cmd.Path)
		p.kill()
	}
}

// startPlatformDemo runs kiosk-agent platform-demo on a database file and
// returns it with its base URL.
func startPlatformDemo(t testing.TB, db string, args ...string) (*binProc, string) {
	t.Helper()
	p := startProc(t, demoListening, append([]string{"platform-demo", "--listen", "127.0.0.1:0", "--db", db, "--log-level", "info"}, args...)...)
	return p, "http://" + p.addr
}

// platformStored is what a platform-demo holds (GET /demo/applications).
func platformStored(t testing.TB, base string) []demo.Stored {
	t.Helper()
	resp, err := http.Get(base + demo.PathStored)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []demo.Stored
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET %s: %v", demo.PathStored, err)
	}
	return out
}

// startAgentProc runs the agent binary on stateDir, listening on listen,
// as a native client may use it without pairing. args add to or override
// the flags.
func startAgentProc(t testing.TB, stateDir, listen string, args ...string) *binProc {
	t.Helper()
	p, err := tryStartAgent(t, stateDir, listen, args...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tryStartAgent(t testing.TB, stateDir, listen string, args ...string) (*binProc, error) {
	base := []string{"run", "--config", "", "--listen", listen, "--state-dir", stateDir, "--allow-native", "--log-level", "info"}
	return tryStartProc(t, agentListening, append(base, args...)...)
}

// freeLoopbackAddr is a loopback address with a port free now.
func freeLoopbackAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// agentRPCError is a JSON-RPC error answer.
type agentRPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Reason string `json:"reason"`
		Field  string `json:"field"`
	} `json:"data"`
}

func (e *agentRPCError) Error() string {
	return fmt.Sprintf("%s (%d %s)", e.Message, e.Code, e.Data.Reason)
}

// errConnLost is a call whose connection ended before its answer.
var errConnLost = errors.New("the connection ended before the answer")

// agentClient is a JSON-RPC client of one connection: calls in order, events
// kept.
type agentClient struct {
	ws   *websocket.Conn
	mu   sync.Mutex
	next int
	wait map[int]chan agentAnswer
	evs  []agentEvent
	dead bool
}

type agentAnswer struct {
	result json.RawMessage
	err    error
}

type agentEvent struct {
	method string
	params json.RawMessage
}

func dialAgent(addr string) (*agentClient, error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		return nil, err
	}
	c := &agentClient{ws: ws, wait: map[int]chan agentAnswer{}}
	go c.read()
	return c, nil
}

func mustDialAgent(t testing.TB, addr string) *agentClient {
	t.Helper()
	c, err := dialAgent(addr)
	if err != nil {
		t.Fatalf("dial the agent at %s: %v", addr, err)
	}
	t.Cleanup(c.close)
	return c
}

func (c *agentClient) close() { c.ws.Close() }

func (c *agentClient) read() {
	for {
		var m struct {
			ID     *int            `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
			Result json.RawMessage `json:"result"`
			Error  *agentRPCError  `json:"error"`
		}
		if err := c.ws.ReadJSON(&m); err != nil {
			c.mu.Lock()
			c.dead = true
			for id, ch := range c.wait {
				ch <- agentAnswer{err: errConnLost}
				delete(c.wait, id)
			}
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		if m.ID != nil {
			if ch, ok := c.wait[*m.ID]; ok {
				a := agentAnswer{result: m.Result}
				if m.Error != nil {
					a.err = m.Error
				}
				ch <- a
				delete(c.wait, *m.ID)
			}
		} else {
			c.evs = append(c.evs, agentEvent{m.Method, m.Params})
		}
		c.mu.Unlock()
	}
}

// call sends a call and waits up to d for its answer; a lost connection
// is errConnLost.
// call sends one request and waits up to d for its answer. Like a polite
// client it waits and tries again while the agent answers RATE_LIMITED: the
// tests poll, and a slow race-detector run can bunch their calls together.
func (c *agentClient) call(method string, params any, d time.Duration) (json.RawMessage, error) {
	deadline := time.Now().Add(d)
	for {
		r, err := c.callOnce(method, params, time.Until(deadline))
		if err != nil && reasonOf(err) == string(protocol.ReasonRateLimited) && time.Now().Add(200*time.Millisecond).Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		return r, err
	}
}

func (c *agentClient) callOnce(method string, params any, d time.Duration) (json.RawMessage, error) {
	c.mu.Lock()
	if c.dead {
		c.mu.Unlock()
		return nil, errConnLost
	}
	c.next++
	id := c.next
	ch := make(chan agentAnswer, 1)
	c.wait[id] = ch
	c.ws.SetWriteDeadline(time.Now().Add(d))
	err := c.ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	c.mu.Unlock()
	if err != nil {
		return nil, errConnLost
	}
	select {
	case a := <-ch:
		return a.result, a.err
	case <-time.After(d):
		return nil, fmt.Errorf("%s: no answer within %v", method, d)
	}
}

func (c *agentClient) must(t testing.TB, method string, params any) json.RawMessage {
	t.Helper()
	r, err := c.call(method, params, 30*time.Second)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return r
}

// events returns the events named method received so far.
func (c *agentClient) events(method string) []json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []json.RawMessage
	for _, e := range c.evs {
		if e.method == method {
			out = append(out, e.params)
		}
	}
	return out
}

// reasonOf is the data.reason of a call's error, "" for none.
func reasonOf(err error) string {
	var e *agentRPCError
	if errors.As(err, &e) {
		return e.Data.Reason
	}
	return ""
}

// getFlowState asks for the session's state.
func getFlowState(t testing.TB, c *agentClient) flow.State {
	t.Helper()
	var st flow.State
	if err := json.Unmarshal(c.must(t, protocol.MethodFlowGet, nil), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// waitForFlow polls the session until ok, for up to a minute.
func waitForFlow(t testing.TB, c *agentClient, what string, ok func(flow.State) bool) flow.State {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := getFlowState(t, c)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(st)
			t.Fatalf("waiting for %s: the session is at %s\n%s", what, st.Step, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// flowAct takes a flow action, retrying while the step is not ready (the
// ink not yet registered, a look-up going on).
func flowAct(t testing.TB, c *agentClient, action string, params map[string]any) flow.State {
	t.Helper()
	p := map[string]any{"action": action}
	for k, v := range params {
		p[k] = v
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := c.call(protocol.MethodFlowAct, p, 30*time.Second)
		if err == nil {
			var st flow.State
			json.Unmarshal(r, &st)
			return st
		}
		if reasonOf(err) != string(protocol.ReasonNotReady) || time.Now().After(deadline) {
			t.Fatalf("flow.act %s: %v", action, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// signOnScreen signs the capture waiting on the screen, as the page does
// with a pointer: a few strokes of ink (sigpad.input), then 签好了. The
// first call switches the session from the pad to the screen, which is
// much quicker than the simulated pad's real-time writing.
func signOnScreen(t testing.TB, c *agentClient) {
	t.Helper()
	before := waitForFlow(t, c, "a capture", func(s flow.State) bool { return s.View.Sign != nil && s.View.Sign.Capturing })
	if before.View.Sign.Source != "screen" {
		flowAct(t, c, flow.ActScreenSign, nil)
		before = waitForFlow(t, c, "a capture on the screen", func(s flow.State) bool {
			return s.View.Sign != nil && s.View.Sign.Capturing && s.View.Sign.Source == "screen"
		})
	}
	var samples [][5]int64
	for stroke := range int64(3) {
		for i := range int64(30) {
			sw := int64(1)
			if i == 29 {
				sw = 0
			}
			samples = append(samples, [5]int64{stroke*400 + i*10, 60 + stroke*160 + i*4, 100 + (i%7)*12 + stroke*10, 500 + i*10, sw})
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := c.call(protocol.MethodSigpadInput, map[string]any{"samples": samples, "width": 600, "height": 300}, 30*time.Second)
		if err == nil {
			break
		}
		if reasonOf(err) != string(protocol.ReasonNoCapture) || time.Now().After(deadline) {
			t.Fatalf("sigpad.input: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	waitForFlow(t, c, "the ink", func(s flow.State) bool { return s.View.Sign != nil && s.View.Sign.Inked })
	flowAct(t, c, flow.ActNext, nil)
	waitForFlow(t, c, "the signature taken", func(s flow.State) bool {
		return s.Step != before.Step || s.View.Sign == nil || s.View.Sign.Current != before.View.Sign.Current
	})
}
