package e2e

// Regression tests for what a hostile-client review of the agent found.
// They drive the agent binary from outside, through its flags, HTTP and
// the WebSocket API only, so that they can be run against any build:
//
//	KIOSK_AGENT_BIN=/path/to/kiosk-agent KIOSK_AGENT_OLD=1 go test -run Hostile ./agent/e2e/
//
// (KIOSK_AGENT_OLD leaves out the flags older builds do not have.) Each
// test fails against the agent as it was before the fixes.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// agentBinary returns the binary under test: $KIOSK_AGENT_BIN, or this
// tree's agent built once.
func agentBinary(t testing.TB) string {
	t.Helper()
	if b := os.Getenv("KIOSK_AGENT_BIN"); b != "" {
		return b
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kiosk-agent-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "kiosk-agent")
		out, err := exec.Command("go", "build", "-o", builtBin, "github.com/kiosk-agent/kiosk-agent/agent/cmd/kiosk-agent").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func oldBuild() bool { return os.Getenv("KIOSK_AGENT_OLD") != "" }

// proc is a running agent binary.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	done chan error
	mu   sync.Mutex
	logs bytes.Buffer
}

var listening = regexp.MustCompile(`kiosk agent listening.* addr=(\S+)`)

// startBinary runs the agent with args (and a private state directory) and
// waits until it listens. newOnly are flags older builds lack.
func startBinary(t *testing.T, args []string, newOnly ...string) *proc {
	t.Helper()
	args = append(args, "--listen", "127.0.0.1:0", "--state-dir", t.TempDir())
	if !oldBuild() {
		args = append(args, append([]string{"--config", ""}, newOnly...)...)
	}
	p := &proc{t: t, cmd: exec.Command(agentBinary(t), args...), done: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.Write(append(sc.Bytes(), '\n'))
			p.mu.Unlock()
			if m := listening.FindSubmatch(sc.Bytes()); m != nil {
				select {
				case addr <- string(m[1]):
				default:
				}
			}
		}
	}()
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	select {
	case p.addr = <-addr:
	case err := <-p.done:
		t.Fatalf("agent exited before listening: %v\n%s", err, p.log())
	case <-time.After(15 * time.Second):
		t.Fatalf("agent not listening after 15 s\n%s", p.log())
	}
	return p
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

func (p *proc) port() string { _, port, _ := net.SplitHostPort(p.addr); return port }

// ws dials the agent as a native client (or with hdr).
func (p *proc) ws(hdr http.Header) (*websocket.Conn, error) {
	d := websocket.Dialer{HandshakeTimeout: 3 * time.Second}
	ws, _, err := d.Dial("ws://"+p.addr+"/ws", hdr)
	return ws, err
}

func (p *proc) mustWS() *websocket.Conn {
	p.t.Helper()
	ws, err := p.ws(nil)
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { ws.Close() })
	return ws
}

type reply struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *protocol.Error `json:"error"`
}

// callWS sends one request and waits up to d for its reply, skipping
// events.
func callWS(ws *websocket.Conn, method string, params any, d time.Duration) (reply, error) {
	if err := ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params}); err != nil {
		return reply{}, err
	}
	ws.SetReadDeadline(time.Now().Add(d))
	defer ws.SetReadDeadline(time.Time{})
	for {
		var r reply
		if err := ws.ReadJSON(&r); err != nil {
			return reply{}, err
		}
		if r.Method == "" {
			return r, nil
		}
	}
}

func (r reply) reason() protocol.Reason {
	if r.Error == nil || r.Error.Data == nil {
		return ""
	}
	return r.Error.Data.Reason
}

// a. A page on another domain that resolves to 127.0.0.1 (DNS rebinding)
// sends its own name as Host and Origin. It must get nothing: no upgrade,
// no page, no card.
func TestHostileDNSRebinding(t *testing.T) {
	p := startBinary(t, []string{"--simulate"})
	evil := "evil.example:" + p.port()
	hdr := http.Header{"Origin": {"http://" + evil}, "Host": {evil}}
	if ws, err := p.ws(hdr); err == nil {
		ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "sim.idcard.place", "params": map[string]any{}})
		ws.Close()
		t.Fatal("a request whose Host and Origin name another domain was upgraded: that page receives every card")
	}
	req, _ := http.NewRequest("GET", "http://"+p.addr+"/", nil)
	req.Host = evil
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("GET / with Host %s: %d, want 403", evil, res.StatusCode)
	}
}

// openFDs counts the agent process's open file descriptors.
func (p *proc) openFDs() int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.cmd.Process.Pid))
	if err != nil {
		p.t.Fatal(err)
	}
	return len(ents)
}

// b. A client that asks for a card with a long timeout and disconnects
// must not keep its handler, socket and memory until the timeout.
func TestHostileAbandonedReads(t *testing.T) {
	p := startBinary(t, []string{"--simulate"})
	p.mustWS() // settle
	time.Sleep(200 * time.Millisecond)
	base := p.openFDs()
	const clients = 200
	for i := 0; i < clients; i++ {
		ws, err := p.ws(nil)
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		ws.WriteJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "idcard.read", "params": map[string]any{"timeoutMs": 600000}})
		time.Sleep(2 * time.Millisecond)
		ws.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	n := p.openFDs()
	for n > base+10 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		n = p.openFDs()
	}
	if n > base+10 {
		t.Fatalf("%d file descriptors open 5 s after %d clients left (%d before): their reads still hold them", n, clients, base)
	}
}

// c. One client must not be able to queue thousands of reads in front of
// everybody else: waiting reads share one look at the reader, and each
// client's queue is capped.
func TestHostileReadFlood(t *testing.T) {
	p := startBinary(t, []string{"--simulate"})
	honest := p.mustWS()
	if r, err := callWS(honest, "sim.idcard.place", map[string]any{}, 5*time.Second); err != nil || r.Error != nil {
		t.Fatalf("place a card: %v %+v", err, r.Error)
	}
	if r, err := callWS(honest, "idcard.read", map[string]any{"timeoutMs": 5000}, 10*time.Second); err != nil || r.Error != nil {
		t.Fatalf("first read: %v %+v", err, r.Error)
	}
	var limited sync.Map
	var wg sync.WaitGroup
	for f := 0; f < 2; f++ {
		ws := p.mustWS()
		wg.Go(func() {
			batch := make([]map[string]any, 64)
			for i := range batch {
				batch[i] = map[string]any{"jsonrpc": "2.0", "id": i, "method": "idcard.read", "params": map[string]any{"timeoutMs": 0}}
			}
			for b := 0; b < 32; b++ {
				if ws.WriteJSON(batch) != nil {
					return
				}
			}
			ws.SetReadDeadline(time.Now().Add(20 * time.Second))
			for {
				_, msg, err := ws.ReadMessage()
				if err != nil {
					return
				}
				if bytes.Contains(msg, []byte(`"RATE_LIMITED"`)) {
					limited.Store(f, true)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond) // the flood is in
	start := time.Now()
	r, err := callWS(honest, "idcard.read", map[string]any{"timeoutMs": 0}, 20*time.Second)
	took := time.Since(start)
	if err != nil || r.Error != nil {
		t.Fatalf("honest read during the flood: %v %+v", err, r.Error)
	}
	t.Logf("honest read during a flood of 2 × 2,048 reads: %v", took)
	if took > time.Second {
		t.Errorf("an honest client's read took %v during another client's flood", took)
	}
	for f := 0; f < 2; f++ {
		if _, ok := limited.Load(f); !ok {
			t.Errorf("flooding client %d was never told RATE_LIMITED", f)
		}
	}
}

// d. timeoutMs large enough to overflow a conversion to nanoseconds must
// be refused, not accepted.
func TestHostileTimeoutOverflow(t *testing.T) {
	p := startBinary(t, []string{"--simulate"})
	ws := p.mustWS()
	for _, ms := range []int64{9223372036855, 9223372036854775807, 600001} {
		r, err := callWS(ws, "idcard.read", map[string]any{"timeoutMs": ms}, 3*time.Second)
		if err != nil {
			t.Fatalf("timeoutMs %d: no answer within 3 s (%v): accepted as a wait", ms, err)
		}
		if r.reason() != protocol.ReasonBadParams {
			t.Errorf("timeoutMs %d: %s, want BAD_PARAMS", ms, r.Error)
		}
	}
}

// e. Idle HTTP keep-alive connections must time out, and WebSocket
// clients are capped.
func TestHostileIdleConnectionsAndClientCap(t *testing.T) {
	p := startBinary(t, []string{"--simulate"}, "--idle-timeout", "1s")
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", p.addr)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("an idle keep-alive connection is still open after 5 s (%v)", err)
	}

	var conns []*websocket.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	refused := 0
	for i := 0; i < 100; i++ {
		ws, err := p.ws(nil)
		if err != nil {
			refused++
			continue
		}
		conns = append(conns, ws)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ws := range conns {
		wg.Go(func() {
			ws.SetReadDeadline(time.Now().Add(time.Second))
			_, _, err := ws.ReadMessage()
			var ce *websocket.CloseError
			if errors.As(err, &ce) && ce.Code == protocol.CloseTryAgainLate {
				mu.Lock()
				refused++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if refused < 100-64 {
		t.Errorf("%d of 100 WebSocket clients refused; the default cap is 64", refused)
	}
}

// f. SIGTERM while clients flood the reader must stop the agent cleanly
// and promptly (exit 0), not through the shutdown watchdog.
func TestHostileSIGTERMDuringFlood(t *testing.T) {
	p := startBinary(t, []string{"--simulate"})
	for f := 0; f < 4; f++ {
		ws := p.mustWS()
		batch := make([]map[string]any, 64)
		for i := range batch {
			batch[i] = map[string]any{"jsonrpc": "2.0", "id": i, "method": "idcard.read", "params": map[string]any{"timeoutMs": 60000}}
		}
		for b := 0; b < 16; b++ {
			ws.WriteJSON(batch)
		}
	}
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("exit after SIGTERM during a read flood: %v (after %v)\n%s", err, time.Since(start), p.log())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("stopping took %v", d)
		}
		t.Logf("stopped in %v", time.Since(start))
	case <-time.After(8 * time.Second):
		t.Fatal("not stopped 8 s after SIGTERM")
	}
}

// goNames matches what only Go's encoding/json would say.
var goNames = regexp.MustCompile(`\bGo\b|\bstruct\b|\bu?int(8|16|32|64)?\b|\bfloat(32|64)\b|\bbool\b|json:|main\.|protocol\.`)

// g. The simulator's page exists only with --simulate, and error messages
// speak JSON, not Go.
func TestHostileSimPageAndGoNames(t *testing.T) {
	p := startBinary(t, []string{"--idcard-port", "none"})
	res, err := http.Get("http://" + p.addr + "/sim.html")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/sim.html without --simulate: %d, want 404", res.StatusCode)
	}
	s := startBinary(t, []string{"--simulate"})
	ws := s.mustWS()
	for _, params := range []map[string]any{
		{"timeoutMs": "soon"},
		{"timeoutMs": 1.5},
		{"fingerprint": 3},
		{"timeoutMs": map[string]any{}},
	} {
		r, err := callWS(ws, "idcard.read", params, 3*time.Second)
		if err != nil || r.Error == nil {
			t.Fatalf("%v: %v %+v", params, err, r)
		}
		if m := goNames.FindString(r.Error.Message); m != "" {
			t.Errorf("%v: the message %q shows Go's %q", params, r.Error.Message, m)
		}
	}
}
