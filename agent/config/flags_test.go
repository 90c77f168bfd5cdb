package config

import (
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parseFlags binds the flags on a new flag set whose --config defaults to
// defaultPath, parses args and loads.
func parseFlags(t *testing.T, defaultPath string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := bind(fs, defaultPath)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	return f.Load()
}

// writeFile writes a configuration file in a temporary directory.
func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kiosk-agent.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBindRegistersEveryFlag(t *testing.T) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	Bind(fs)
	for _, s := range settings() {
		fl := fs.Lookup(s.flag)
		if fl == nil {
			t.Errorf("no --%s", s.flag)
			continue
		}
		if !strings.Contains(fl.Usage, "["+s.key+"]") {
			t.Errorf("--%s: the usage %q does not name %s", s.flag, fl.Usage, s.key)
		}
		if name, _ := flag.UnquoteUsage(fl); name != s.arg {
			t.Errorf("--%s: the usage's argument is %q, want %q", s.flag, name, s.arg)
		}
	}
	if fl := fs.Lookup("config"); fl == nil || fl.DefValue != DefaultPath() {
		t.Errorf("--config: %+v", fl)
	}
	var help strings.Builder
	fs.SetOutput(&help)
	fs.PrintDefaults()
	for _, line := range []string{"-listen ADDR", "(default 127.0.0.1:17321)", "-simulate\n", "-poll-interval DUR"} {
		if !strings.Contains(help.String(), line) {
			t.Errorf("no %q in the help:\n%s", line, help.String())
		}
	}
}

func TestFlagsOverrideTheFile(t *testing.T) {
	path := writeFile(t, `simulate = true
[server]
listen = "0.0.0.0:17321"
maxClients = 8
[idcard]
port = "none"
excludePorts = ["/dev/ttyS0", "/dev/ttyS1"]
pollInterval = "2s"
`)
	c, err := parseFlags(t, "/nonexistent/kiosk-agent.toml", "--config", path,
		"--allow-remote", "--simulate=false", "--max-clients", "16", "--idcard-port", "/dev/ttyUSB0",
		"--exclude-port", "/dev/ttyS4", "--exclude-port=/dev/ttyS5", "--log-level", "debug",
		"--calls-per-second", "0.5", "--audit-max-file-bytes", "1048576", "--idle-timeout", "5s")
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Server.Listen = "0.0.0.0:17321"     // from the file
	want.IDCard.PollInterval = Duration{2e9} // from the file
	want.Server.AllowRemote = true           // the flag makes the file's listen valid
	want.Simulate = false                    // the flag overrides the file
	want.Server.MaxClients = 16
	want.IDCard.Port = "/dev/ttyUSB0"
	want.IDCard.ExcludePorts = []string{"/dev/ttyS4", "/dev/ttyS5"} // replaces the file's list
	want.Log.Level = "debug"
	want.Server.CallsPerSecond = 0.5
	want.Audit.MaxFileBytes = 1 << 20
	want.Server.IdleTimeout = Duration{5 * time.Second}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load:\n got %+v\nwant %+v", c, want)
	}
}

func TestFlagsWithoutAFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "kiosk-agent.toml")
	// The default path may be missing.
	c, err := parseFlags(t, missing, "--state-dir", "/srv/state")
	if err != nil {
		t.Fatalf("default path missing: %v", err)
	}
	want := Default()
	want.StateDir = "/srv/state"
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load:\n got %+v\nwant %+v", c, want)
	}
	// A file the user names may not, even when it is the default path.
	for _, args := range [][]string{{"--config", missing}, {"--config=" + missing + ".x"}} {
		if _, err := parseFlags(t, missing, args...); !errors.Is(err, fs.ErrNotExist) ||
			!strings.Contains(err.Error(), "kiosk-agent.toml") {
			t.Errorf("%q: %v, want an error naming the missing file", args, err)
		}
	}
	// --config "" reads no file.
	if _, err := parseFlags(t, "/nonexistent", "--config", ""); err != nil {
		t.Errorf(`--config "": %v`, err)
	}
	// The default path is read when it exists.
	present := writeFile(t, "[log]\nlevel = \"warn\"\n")
	if c, err := parseFlags(t, present); err != nil || c.Log.Level != "warn" {
		t.Errorf("default path present: %v, %+v", err, c.Log)
	}
}

func TestBadFlagValuesNameTheFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--poll-interval", "soon"}, `--poll-interval: idcard.pollInterval: "soon" is not a duration`},
		{[]string{"--poll-interval", "500"}, `--poll-interval: idcard.pollInterval: "500" is not a duration`},
		{[]string{"--poll-interval", "100ms"}, `--poll-interval: idcard.pollInterval: 100ms is too short`},
		{[]string{"--max-clients", "lots"}, `--max-clients: server.maxClients: "lots" is not a whole number`},
		{[]string{"--max-clients", "99999999999999999999"}, `--max-clients: server.maxClients: 99999999999999999999 is too large`},
		{[]string{"--simulate=maybe"}, `--simulate: simulate: "maybe" is not true or false`},
		{[]string{"--calls-per-second", "fast"}, `--calls-per-second: server.callsPerSecond: "fast" is not a number`},
		{[]string{"--calls-per-second", "NaN"}, `--calls-per-second: server.callsPerSecond: NaN is out of range`},
		{[]string{"--listen", "0.0.0.0:80"}, `--listen: server.listen: "0.0.0.0:80" is not a loopback address`},
		{[]string{"--log-format", "xml"}, `--log-format: log.format: "xml" is not one of text, json`},
		{[]string{"--exclude-port", ""}, `--exclude-port: idcard.excludePorts: entry 1 is empty`},
		{[]string{"--simulate", "--idcard-port", "COM3"}, `--idcard-port: idcard.port: "COM3" cannot be used with simulate = true`},
	} {
		_, err := parseFlags(t, "/nonexistent", tc.args...)
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tc.want) {
			t.Errorf("%q: %v\nwant %s…", tc.args, err, tc.want)
		}
	}
}

func TestFileAndFlagProblemsTogether(t *testing.T) {
	path := writeFile(t, "[server]\nlisten = \"0.0.0.0:1\"\n[idcard]\npollInterval = \"100ms\"\nbogus = 1\n")
	_, err := parseFlags(t, "/nonexistent", "--config", path, "--max-clients", "0", "--poll-interval", "1s")
	want := path + ":2: server.listen: \"0.0.0.0:1\" is not a loopback address, so other machines could reach the agent: " +
		"set server.allowRemote = true (--allow-remote) if that is meant\n" +
		path + ":5: idcard.bogus: unknown key\n" +
		"--max-clients: server.maxClients: 0 is out of range: must be from 1 to 10000"
	if err == nil || err.Error() != want {
		t.Errorf("Load:\n%v\nwant:\n%s", err, want)
	}
}

func TestFlagsLastValueWins(t *testing.T) {
	c, err := parseFlags(t, "/nonexistent", "--log-level", "warn", "--log-level", "error")
	if err != nil || c.Log.Level != "error" {
		t.Errorf("%v, %q", err, c.Log.Level)
	}
}
