package core_test

import (
	"os"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/core"
)

// A setting that fails at provisioning names its key, and what was built
// before it is cleaned up: the same state directory provisions again.
func TestProvisionFailureNamesTheKeyAndCleansUp(t *testing.T) {
	cfg := simConfig(t)
	cfg.Photo.Library = "/nonexistent/libwlt2019.so"
	fds := openFDs(t)
	_, err := core.New(cfg, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "photo.library: ") {
		t.Fatalf("a missing photo library: %v; want an error naming photo.library", err)
	}
	if n := openFDs(t); n != fds {
		t.Errorf("%d file descriptors open after a failed provisioning, %d before: not cleaned up", n, fds)
	}
	cfg.Photo.Library = ""
	c, err := core.New(cfg, nil)
	if err != nil {
		t.Fatalf("provisioning again after a failure: %v", err)
	}
	_ = c

	bad := testConfig(t)
	bad.Audit.Dir = "/proc/kiosk-audit" // cannot be created
	if _, err := core.New(bad, nil); err == nil || !strings.HasPrefix(err.Error(), "audit.dir: ") {
		t.Fatalf("an audit directory that cannot be made: %v", err)
	}
}

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}
