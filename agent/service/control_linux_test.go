//go:build linux

package service

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	ksvc "github.com/kardianos/service"
)

// Without systemd (this build machine: kardianos finds System V), install
// refuses rather than let kardianos write a root-run init script, and
// touches nothing.
func TestControlInstallNeedsSystemd(t *testing.T) {
	if ksvc.Platform() == systemdPlatform {
		t.Skip("systemd runs here; TestControlUnderSystemd covers install")
	}
	f := &fakeAccounts{}
	err := Control("install", Options{Executable: fakeExecutable(t, t.TempDir()), Accounts: f})
	if err == nil || !strings.Contains(err.Error(), "does not run systemd") {
		t.Fatalf("install: %v", err)
	}
	if len(f.ran) > 0 {
		t.Fatalf("install ran %q", f.ran)
	}
	if _, err := os.Stat("/etc/init.d/" + DefaultName); err == nil {
		t.Fatal("/etc/init.d/kiosk-agent exists")
	}
}

// Status of a service that is not installed says so, although kardianos
// returns the failed command's error under System V.
func TestControlStatusNotInstalled(t *testing.T) {
	if (&linuxController{o: Options{Name: DefaultName}}).installed() {
		t.Skip("kiosk-agent is installed on this machine")
	}
	var out bytes.Buffer
	if err := Control("status", Options{Stdout: &out}); err != nil {
		t.Fatalf("status: %v", err)
	}
	if out.String() != "not installed\n" {
		t.Fatalf("status printed %q", out.String())
	}
}

// fakeSystemctl records its arguments and answers like systemctl for a unit
// that is active while the file "active" exists; "fail-enable" makes enable
// fail.
const fakeSystemctl = `#!/bin/sh
echo "$*" >> "$KIOSK_FAKE/systemctl.log"
case "$1" in
is-active)
	if [ -e "$KIOSK_FAKE/active" ]; then echo active; exit 0; fi
	echo inactive; exit 3 ;;
list-unit-files)
	if [ -e /etc/systemd/system/$4 ]; then echo "$4 enabled enabled"; echo; echo "1 unit files listed."; exit 0; fi
	echo "0 unit files listed."; exit 1 ;;
enable)
	if [ -e "$KIOSK_FAKE/fail-enable" ]; then echo "Failed to enable" >&2; exit 1; fi ;;
start) touch "$KIOSK_FAKE/active" ;;
stop) rm -f "$KIOSK_FAKE/active" ;;
restart) touch "$KIOSK_FAKE/active" ;;
esac
exit 0
`

// Install, status, start, stop, restart and uninstall under systemd, in a
// child process in a private mount namespace (so nothing reaches the real
// /etc): /run/systemd/system exists there (kardianos then picks systemd),
// /etc/systemd/system is a scratch directory, and systemctl is a script
// that records what it is asked. Needs root and unshare(1); skipped
// without them.
func TestControlUnderSystemd(t *testing.T) {
	if os.Getenv("KIOSK_FAKE") != "" {
		controlUnderSystemd(t)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for a private mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatalf("no unshare(1) (util-linux, part of every Debian system the README set-up runs on): %v", err)
	}
	fake := t.TempDir()
	for _, d := range []string{"run/systemd/system", "units", "bin"} {
		if err := os.MkdirAll(filepath.Join(fake, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(fake, "bin", "systemctl"), []byte(fakeSystemctl), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", "/bin/sh", "-ec",
		`mount --bind "$1" /run; mount --bind "$2" /etc/systemd/system; shift 2; exec "$@"`, "sh",
		filepath.Join(fake, "run"), filepath.Join(fake, "units"), os.Args[0], "-test.run=^TestControlUnderSystemd$", "-test.v")
	cmd.Env = append(os.Environ(), "KIOSK_FAKE="+fake, "PATH="+filepath.Join(fake, "bin")+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "unshare failed") {
		t.Skipf("no private mount namespace here: %s", out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestControlUnderSystemd") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
	if _, err := os.Stat(filepath.Join(fake, "units", "kiosk-agent.service")); !os.IsNotExist(err) {
		t.Errorf("the unit is left behind after uninstall: %v", err)
	}
}

func controlUnderSystemd(t *testing.T) {
	fake := os.Getenv("KIOSK_FAKE")
	if p := ksvc.Platform(); p != systemdPlatform {
		t.Fatalf("kardianos chose %s, not systemd", p)
	}
	exe := fakeExecutable(t, t.TempDir())
	accounts := &fakeAccounts{groups: []string{"dialout", "lp"}}
	var out bytes.Buffer
	o := Options{Executable: exe, Config: "/etc/kiosk-agent/test.toml", Accounts: accounts, Stdout: &out}
	log := func() string {
		b, _ := os.ReadFile(filepath.Join(fake, "systemctl.log"))
		os.Remove(filepath.Join(fake, "systemctl.log"))
		return strings.TrimSpace(string(b))
	}
	status := func(want string) {
		t.Helper()
		out.Reset()
		if err := Control("status", o); err != nil || out.String() != want+"\n" {
			t.Fatalf("status: %q %v, want %q", out.String(), err, want)
		}
		log()
	}
	unitPath := "/etc/systemd/system/kiosk-agent.service"

	status("not installed")

	// A failing systemctl enable leaves no half-installed unit behind.
	os.WriteFile(filepath.Join(fake, "fail-enable"), nil, 0o644)
	if err := Control("install", o); err == nil {
		t.Fatal("install succeeded although systemctl enable failed")
	}
	if _, err := os.Stat(unitPath); !os.IsNotExist(err) {
		t.Fatalf("unit left behind after a failed install: %v", err)
	}
	os.Remove(filepath.Join(fake, "fail-enable"))
	log()
	accounts.ran, accounts.users = nil, nil

	if err := Control("install", o); err != nil {
		t.Fatalf("install: %v", err)
	}
	if got := log(); got != "enable kiosk-agent.service\ndaemon-reload" {
		t.Errorf("install ran systemctl:\n%s", got)
	}
	if len(accounts.ran) != 1 || !strings.HasPrefix(accounts.ran[0], "useradd --system ") || !strings.HasSuffix(accounts.ran[0], "--user-group --groups dialout,lp kiosk-agent") {
		t.Errorf("install ran %q", accounts.ran)
	}
	got, err := os.ReadFile(unitPath)
	want := Unit(UnitOptions{Binary: exe, Config: "/etc/kiosk-agent/test.toml", SupplementaryGroups: []string{"dialout", "lp"}})
	if err != nil || string(got) != want {
		t.Fatalf("installed unit (%v):\n%s\nwant:\n%s", err, got, want)
	}
	status("stopped")

	// A second install refuses and keeps the installed unit.
	accounts.users = []string{"kiosk-agent"}
	if err := Control("install", o); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second install: %v", err)
	}
	if _, err := os.Stat(unitPath); err != nil {
		t.Fatalf("a refused install removed the unit: %v", err)
	}
	log()

	for _, c := range []struct{ action, systemctl, status string }{
		{"start", "start kiosk-agent.service", "running"},
		{"restart", "restart kiosk-agent.service", "running"},
		{"stop", "stop kiosk-agent.service", "stopped"},
	} {
		if err := Control(c.action, o); err != nil {
			t.Fatalf("%s: %v", c.action, err)
		}
		if got := log(); got != c.systemctl {
			t.Errorf("%s ran systemctl %q, want %q", c.action, got, c.systemctl)
		}
		status(c.status)
	}

	// Uninstall stops a running service first.
	Control("start", o)
	log()
	if err := Control("uninstall", o); err != nil {
		t.Fatalf("uninstall: %v", err)
	}
	if got := log(); got != "is-active kiosk-agent.service\nstop kiosk-agent.service\ndisable kiosk-agent.service\ndaemon-reload" {
		t.Errorf("uninstall ran systemctl:\n%s", got)
	}
	if _, err := os.Stat(unitPath); !os.IsNotExist(err) {
		t.Fatalf("unit still there after uninstall: %v", err)
	}
	status("not installed")
}
