package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

func simOnPTY(t *testing.T, card int) string {
	t.Helper()
	link, err := simlink.New()
	if err != nil {
		t.Fatal(err)
	}
	sim := idcardsim.New(idcardsim.Config{})
	if card >= 0 {
		sim.Place(idcardsim.SampleCards()[card])
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sim.Serve(ctx, link.Device); close(done) }()
	t.Cleanup(func() { cancel(); <-done; link.Device.Close() })
	return link.Path
}

func TestIDCardReadCommandMasksTheNumber(t *testing.T) {
	path := simOnPTY(t, 0)
	var out, errb bytes.Buffer
	if code := run([]string{"idcard", "read", "--port", path, "--timeout", "10s"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, "王秀英") || !strings.Contains(s, "370481********4828") || strings.Contains(s, "370481195603144828") {
		t.Fatalf("output:\n%s", s)
	}
	if !strings.Contains(s, "山东省枣庄市滕州市") {
		t.Errorf("no birthplace in:\n%s", s)
	}
}

func TestIDCardReadCommandJSON(t *testing.T) {
	path := simOnPTY(t, 4)
	var out, errb bytes.Buffer
	if code := run([]string{"idcard", "read", "--port", path, "--json", "--show-id"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var c protocol.Card
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	want := idcardsim.SampleCards()[4]
	if c.Type != string(want.Type) || c.NameEn != want.NameEn || c.IDNumber != want.IDNumber || c.Nationality != "ESP" {
		t.Fatalf("got %+v", c)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"run", "--no-such-flag"}, {"run", "extra"}, {"idcard"}, {"run", "--log-level", "loud"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if errb.Len() == 0 {
			t.Errorf("%v: no message", args)
		}
	}
}

// The built binary starts on a simulated reader, serves, and stops cleanly
// on SIGTERM.
func TestBinaryRunsAndStopsOnSIGTERM(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kiosk-agent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	logFile := filepath.Join(t.TempDir(), "logs", "kiosk-agent.log")
	cmd := exec.Command(bin, "--simulate", "--listen", "127.0.0.1:0", "--state-dir", t.TempDir(), "--config", "", "--log-file", logFile)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stderr)
	addr := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
	var lines []string
	deadline := time.Now().Add(20 * time.Second)
	for sc.Scan() && time.Now().Before(deadline) {
		lines = append(lines, sc.Text())
		if m := addr.FindStringSubmatch(sc.Text()); m != nil {
			break
		}
	}
	if len(lines) == 0 || addr.FindStringSubmatch(lines[len(lines)-1]) == nil {
		t.Fatalf("agent did not report its address:\n%s", strings.Join(lines, "\n"))
	}
	cmd.Process.Signal(syscall.SIGTERM)
	stopped := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "kiosk agent stopped") {
			stopped = true
		}
	}
	err := cmd.Wait()
	if err != nil || !stopped {
		t.Fatalf("exit: %v, stopped line seen: %v", err, stopped)
	}
	// --log-file got the same lines as standard error.
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), lines[len(lines)-1]) || !strings.Contains(string(b), "kiosk agent stopped") {
		t.Errorf("the log file lacks the address or the stop:\n%s", b)
	}
}

// sim-reader prints a device path that a reader client can read a card
// from, and takes placement commands on stdin.
func TestSimReaderCommand(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() { done <- simReaderCommand([]string{"--baud", "0"}, inR, outW, io.Discard) }()
	path, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(inW, "place 2")
	var out, errb bytes.Buffer
	if code := run([]string{"idcard", "read", "--port", strings.TrimSpace(path), "--json", "--show-id", "--timeout", "10s"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), idcardsim.SampleCards()[2].IDNumber) {
		t.Fatalf("read from the sim-reader:\n%s", out.String())
	}
	fmt.Fprintln(inW, "quit")
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("sim-reader exit %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sim-reader did not quit")
	}
}
