package pairing

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The child process: PAIRING_CHILD=<path>, PAIRING_TAG, PAIRING_N: adds N
// origins https://<tag>-<i>.example and exits.
func TestChildProcess(t *testing.T) {
	path := os.Getenv("PAIRING_CHILD")
	if path == "" {
		t.Skip("only run as a child process")
	}
	s := Open(path)
	n, _ := strconv.Atoi(os.Getenv("PAIRING_N"))
	for _, err := os.Stat(path + ".go"); err != nil; _, err = os.Stat(path + ".go") {
		time.Sleep(time.Millisecond) // start with the others
	}
	for i := range n {
		o := fmt.Sprintf("https://%s-%d.example", os.Getenv("PAIRING_TAG"), i)
		if _, _, err := s.Add(AddRequest{Origin: o, Fields: []string{"name"}, Known: known}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
	os.Exit(0)
}

func TestConcurrentAddsFromTwoProcessesLoseNothing(t *testing.T) {
	s := newStore(t)
	const n = 60
	os.MkdirAll(filepath.Dir(s.Path()), 0o700)
	var cmds []*exec.Cmd
	for _, tag := range []string{"a", "b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PAIRING_CHILD="+s.Path(), "PAIRING_TAG="+tag, "PAIRING_N="+strconv.Itoa(n))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// Start all three at once; this process adds too.
	if err := os.WriteFile(s.Path()+".go", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		add(t, s, AddRequest{Origin: fmt.Sprintf("https://parent-%d.example", i), Fields: []string{"name"}})
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	ps, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range ps {
		seen[p.Origin] = true
	}
	for _, tag := range []string{"a", "b", "parent"} {
		for i := range n {
			if o := fmt.Sprintf("https://%s-%d.example", tag, i); !seen[o] {
				t.Errorf("%s is lost", o)
			}
		}
	}
	if len(ps) != 3*n {
		t.Errorf("%d pairings, want %d", len(ps), 3*n)
	}
}
