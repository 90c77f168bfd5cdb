package idcard_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
)

// simChildEnv makes the test binary a simulated reader in its own process,
// so that a benchmark measures the driver without the simulator competing
// for the same Go runtime (its scheduler, its garbage collector).
const simChildEnv = "IDCARD_SIM_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(simChildEnv) == "1" {
		os.Exit(serveSimChild())
	}
	os.Exit(m.Run())
}

// serveSimChild prints the pseudo-terminal's path, then obeys "place" and
// "remove" lines on stdin (answering "ok") until stdin closes.
func serveSimChild() int {
	link, err := simlink.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sim := idcardsim.New(idcardsim.Config{Delays: idcardsim.DefaultDelays, Baud: 115200})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			switch sc.Text() {
			case "place":
				sim.Place(idcardsim.SampleCard())
			case "remove":
				sim.Remove()
			}
			fmt.Println("ok")
		}
		cancel()
	}()
	fmt.Println(link.Path)
	sim.Serve(ctx, link.Device)
	return 0
}

// simChild is a simulated reader running in a child process.
type simChild struct {
	path string
	in   io.WriteCloser
	out  *bufio.Reader
}

func startSimChild(tb testing.TB) *simChild {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), simChildEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { in.Close(); cmd.Wait() })
	c := &simChild{in: in, out: bufio.NewReader(outPipe)}
	line, err := c.out.ReadString('\n')
	if err != nil {
		tb.Fatalf("simulator child: %v", err)
	}
	c.path = strings.TrimSpace(line)
	return c
}

func (c *simChild) do(tb testing.TB, cmd string) {
	tb.Helper()
	fmt.Fprintln(c.in, cmd)
	if line, err := c.out.ReadString('\n'); err != nil || strings.TrimSpace(line) != "ok" {
		tb.Fatalf("simulator child %s: %q %v", cmd, line, err)
	}
}
