package audit

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The child process: AUDIT_CHILD=append|loop, AUDIT_DIR, AUDIT_TAG,
// AUDIT_N. "append" appends N records tagged TAG; "loop" prints "ready"
// and appends until it is killed.
func TestChildProcess(t *testing.T) {
	mode := os.Getenv("AUDIT_CHILD")
	if mode == "" {
		t.Skip("only run as a child process")
	}
	l, err := Open(os.Getenv("AUDIT_DIR"), Options{MaxFileBytes: 4 << 10})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	n, _ := strconv.Atoi(os.Getenv("AUDIT_N"))
	tag := os.Getenv("AUDIT_TAG")
	if mode == "loop" {
		fmt.Println("ready")
		n = 1 << 30
	}
	for i := range n {
		r := sample(i)
		r.Client = tag
		if err := l.Append(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
	}
	os.Exit(0)
}

// child returns the command of a child process.
func child(dir, mode, tag string, n int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "AUDIT_CHILD="+mode, "AUDIT_DIR="+dir, "AUDIT_TAG="+tag, "AUDIT_N="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	return cmd
}

func TestTwoProcessesAppendOneChain(t *testing.T) {
	dir := t.TempDir()
	const n = 60
	var cmds []*exec.Cmd
	for _, tag := range []string{"child-a", "child-b"} {
		cmd := child(dir, "append", tag, n)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// This process appends at the same time, as a third writer.
	l := openLog(t, dir, Options{MaxFileBytes: 4 << 10})
	for i := range n {
		r := sample(i)
		r.Client = "parent"
		if err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	rep := mustVerify(t, dir)
	count := map[string]map[string]bool{}
	switches := 0
	last := ""
	for _, r := range allRecords(t, dir) {
		if r.Event != EventIDCardRead {
			continue
		}
		if count[r.Client] == nil {
			count[r.Client] = map[string]bool{}
		}
		count[r.Client][r.Detail["n"]] = true
		if r.Client != last {
			switches++
			last = r.Client
		}
	}
	for _, tag := range []string{"child-a", "child-b", "parent"} {
		if len(count[tag]) != n {
			t.Errorf("%s: %d records in the log, want %d", tag, len(count[tag]), n)
		}
	}
	if len(rep.Files) < 3 {
		t.Errorf("want rotations under contention, files = %v", rep.Files)
	}
	t.Logf("%d records in %d files, writer changed %d times", rep.Records, len(rep.Files), switches)
}

// TestKilledWriterLeavesAVerifiableLog kills a child with SIGKILL while it
// appends, several times: the log either verifies or its only damage is an
// incomplete last line, which the next Open repairs.
func TestKilledWriterLeavesAVerifiableLog(t *testing.T) {
	dir := t.TempDir()
	var last int64
	for round := range 8 {
		cmd := child(dir, "loop", fmt.Sprint("round-", round), 0)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if s, err := bufio.NewReader(out).ReadString('\n'); err != nil || s != "ready\n" {
			t.Fatalf("child: %q %v", s, err)
		}
		time.Sleep(time.Duration(5+rand.IntN(60)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		rep, err := Verify(dir)
		var be *BrokenError
		if errors.As(err, &be) {
			if be.File != currentName || !strings.Contains(be.Problem, "incomplete line") {
				t.Fatalf("round %d: damage beyond a torn last line: %v", round, be)
			}
			t.Logf("round %d: %v", round, be)
		} else if err != nil {
			t.Fatal(err)
		}
		l, err := Open(dir, Options{MaxFileBytes: 4 << 10})
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
		rep = mustVerify(t, dir)
		if rep.LastSeq <= last {
			t.Errorf("round %d: no progress (last seq %d)", round, rep.LastSeq)
		}
		last = rep.LastSeq
	}
}

func TestTornLastLineIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendN(t, l, 3)
	l.Close()
	path := filepath.Join(dir, currentName)
	torn := []byte(`{"seq":4,"time":"2026-11-29T06:44:20.000Z","event":"idcard.re`)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(torn)
	f.Close()
	be := brokenAt(t, dir)
	if be.File != currentName || be.Line != 4 || !strings.Contains(be.Problem, "incomplete line") {
		t.Fatalf("got %v", be)
	}
	l = openLog(t, dir, Options{})
	recs := readRecords(t, dir, currentName)
	if len(recs) != 4 || recs[3].Event != EventRepaired || recs[3].Seq != 4 {
		t.Fatalf("records %+v", recs)
	}
	name := recs[3].Detail["file"]
	if !strings.HasPrefix(name, tornPrefix) || recs[3].Detail["bytes"] != strconv.Itoa(len(torn)) {
		t.Errorf("detail %v", recs[3].Detail)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || string(b) != string(torn) {
		t.Errorf("%s holds %q, %v", name, b, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, name)); !isWindows() && fi.Mode().Perm() != 0o600 {
		t.Errorf("%s is %v", name, fi.Mode())
	}
	appendN(t, l, 1)
	rep := mustVerify(t, dir)
	if rep.LastSeq != 5 || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], name) {
		t.Errorf("report %+v", rep)
	}
}

// TestTornRotationRecordIsRepaired: a writer died while writing the first
// record of a new file.
func TestTornRotationRecordIsRepaired(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 1 << 20})
	appendN(t, l, 2)
	l.Close()
	name := rotatedName(time.Now(), 1)
	os.Rename(filepath.Join(dir, currentName), filepath.Join(dir, name))
	os.WriteFile(filepath.Join(dir, currentName), []byte(`{"seq":3,"time":"2026`), 0o600)
	openLog(t, dir, Options{})
	recs := readRecords(t, dir, currentName)
	if len(recs) != 2 || recs[0].Event != EventRotated || recs[0].Detail["prevFile"] != name || recs[1].Event != EventRepaired {
		t.Fatalf("records %+v", recs)
	}
	mustVerify(t, dir)
}
