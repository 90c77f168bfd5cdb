package service

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// The unit has every setting the brief asks for, and a comment for each.
func TestUnitSettings(t *testing.T) {
	u := Unit(UnitOptions{})
	for _, want := range []string{
		"[Unit]", "After=network.target",
		"[Service]", "Type=notify", "NotifyAccess=main", "WatchdogSec=30",
		"ExecStart=/usr/bin/kiosk-agent run --config /etc/kiosk-agent/kiosk-agent.toml",
		"Restart=on-failure", "RestartSec=2", "TimeoutStopSec=15",
		"User=kiosk-agent", "Group=kiosk-agent", "SupplementaryGroups=dialout lp",
		"StateDirectory=kiosk-agent", "LogsDirectory=kiosk-agent",
		"NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
		"RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
		"[Install]", "WantedBy=multi-user.target",
	} {
		if !hasLine(u, want) {
			t.Errorf("no line %q", want)
		}
	}
	// These would hide the readers (/dev/ttyUSB*) from the agent.
	for _, bad := range []string{"PrivateDevices=", "DevicePolicy=", "DeviceAllow=", "ProtectClock=", "PrivateUsers="} {
		if regexp.MustCompile(`(?m)^` + bad).MatchString(u) {
			t.Errorf("the unit sets %s", bad)
		}
	}
	// Every block of settings starts with the comment that says why.
	prev := ""
	for i, line := range strings.Split(u, "\n") {
		setting := line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "[")
		if setting && !strings.HasPrefix(line, "Description=") && !strings.HasPrefix(line, "Documentation=") {
			if prev == "" || strings.HasPrefix(prev, "[") {
				t.Errorf("line %d %q has no comment above it", i+1, line)
			}
		}
		prev = line
	}
}

func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func TestUnitOptions(t *testing.T) {
	u := Unit(UnitOptions{
		Binary: "/opt/kiosk agent/kiosk-agent", Config: `/etc/k%a$b "c".toml`,
		User: "kiosk", Group: "kiosk-grp", SupplementaryGroups: []string{},
		Description: "100% kiosk\nagent",
	})
	for _, want := range []string{
		`ExecStart="/opt/kiosk agent/kiosk-agent" run --config "/etc/k%%a$$b \"c\".toml"`,
		"User=kiosk", "Group=kiosk-grp", "Description=100%% kiosk agent",
	} {
		if !hasLine(u, want) {
			t.Errorf("no line %q in\n%s", want, u)
		}
	}
	if strings.Contains(u, "SupplementaryGroups=") {
		t.Error("SupplementaryGroups= set although no group exists")
	}
}

// systemd-analyze verify accepts the unit, with ExecStart pointing at a
// real executable. It must run: CI installs Debian's systemd package for it
// (.ci/setup); a machine without it fails here rather than skipping.
//
// verify exits 0 even for unknown keys and unparsable values (it only logs
// them), so any output at all counts as a failure; the broken unit at the
// end checks that this systemd does print such complaints. It does not
// need the service user to exist (systemd 252 resolves User= only when it
// starts the unit), nor a running systemd. --man=no keeps it from looking
// up man pages for Documentation=.
func TestSystemdAnalyzeVerify(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("systemd is Linux's")
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatalf("systemd-analyze is needed to check the unit: install Debian's systemd package (.ci/setup does): %v", err)
	}
	dir := t.TempDir()
	verify := func(name, unit string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(analyze, "verify", "--man=no", path)
		cmd.Env = append(os.Environ(), "SYSTEMD_LOG_LEVEL=info", "SYSTEMD_LOG_COLOR=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "exit: " + err.Error() + "\n" + string(out)
		}
		return string(bytes.TrimSpace(out))
	}
	for _, o := range []UnitOptions{
		{},
		{Config: "/etc/kiosk agent/50% $HOME.toml", SupplementaryGroups: []string{}},
	} {
		o.Binary = fakeExecutable(t, filepath.Join(dir, "bin dir"))
		if out := verify("kiosk-agent.service", Unit(o)); out != "" {
			t.Errorf("systemd-analyze verify on %+v:\n%s\nunit:\n%s", o, out, Unit(o))
		}
	}
	broken := strings.Replace(Unit(UnitOptions{Binary: fakeExecutable(t, dir)}), "PrivateTmp=yes", "PrivateTmp=maybe\nNoSuchSetting=1", 1)
	if out := verify("broken.service", broken); !strings.Contains(out, "NoSuchSetting") || !strings.Contains(out, "maybe") {
		t.Errorf("systemd-analyze verify did not complain about a broken unit:\n%s", out)
	}
	if out := verify("missing.service", Unit(UnitOptions{Binary: filepath.Join(dir, "missing")})); !strings.Contains(out, "missing") {
		t.Errorf("systemd-analyze verify did not notice a missing executable:\n%s", out)
	}

	// The sandbox stays tight: systemd's own exposure score (0 best, 10
	// worst; 2.4 today, limited by the device access the agent needs) must
	// stay at most 3.0, "OK".
	unit := filepath.Join(dir, "kiosk-agent.service")
	os.WriteFile(unit, []byte(Unit(UnitOptions{Binary: fakeExecutable(t, dir)})), 0o644)
	if out, err := exec.Command(analyze, "security", "--offline=yes", "--threshold=30", "--no-pager", unit).CombinedOutput(); err != nil {
		t.Errorf("systemd-analyze security: %v\n%s", err, out)
	}
}

// fakeExecutable writes a real executable (a shell script) into dir.
func fakeExecutable(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kiosk-agent")
	if err := os.WriteFile(path, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// installer/linux/kiosk-agent.service is the generated unit. Regenerate it
// with
//
//	go run ./agent/cmd/kiosk-agent service unit > installer/linux/kiosk-agent.service
func TestInstallerUnitIsGenerated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "installer", "linux", "kiosk-agent.service"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != Unit(UnitOptions{}) {
		t.Fatal("installer/linux/kiosk-agent.service is not Unit(UnitOptions{}); regenerate it with\n" +
			"  go run ./agent/cmd/kiosk-agent service unit > installer/linux/kiosk-agent.service")
	}
}
