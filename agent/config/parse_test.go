package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// want is an expected problem: `# want: LINE: KEY: MESSAGE` on one of a
// broken file's first lines (the message may be its beginning, or any part
// of it).
type want struct {
	line int
	key  string
	msg  string
}

var wantLine = regexp.MustCompile(`^# want: (\d+): ([^:]+): ?(.*)$`)

// wants reads the expected problems from the first lines of a broken file.
func wants(t *testing.T, data []byte) []want {
	t.Helper()
	var ws []want
	for l := range strings.Lines(string(data)) {
		m := wantLine.FindStringSubmatch(strings.TrimRight(l, "\r\n"))
		if m == nil {
			break
		}
		n, _ := strconv.Atoi(m[1])
		ws = append(ws, want{n, m[2], strings.TrimSpace(m[3])})
	}
	if len(ws) == 0 {
		t.Fatal(`the file's first line must be "# want: LINE: KEY: MESSAGE"`)
	}
	return ws
}

func TestBrokenFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/broken/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 15 {
		t.Fatalf("%d broken files, want at least 15", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ws := wants(t, data)
			_, err = Parse(data, file)
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse: %v, want Errors", err)
			}
			if len(errs) != len(ws) {
				t.Errorf("%d problems, want %d:\n%v", len(errs), len(ws), err)
			}
			for _, w := range ws {
				prefix := fmt.Sprintf("%s:%d: %s: ", file, w.line, w.key)
				found := false
				for _, e := range errs {
					s := e.Error()
					if strings.HasPrefix(s, prefix) && strings.Contains(s[len(prefix):], w.msg) &&
						e.File == file && e.Line == w.line && e.Key == w.key {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem %q…%q in:\n%v", prefix, w.msg, err)
				}
			}
			for i := 1; i < len(errs); i++ {
				if errs[i].Line < errs[i-1].Line {
					t.Errorf("problems not sorted by line:\n%v", err)
				}
			}
		})
	}
}

func TestGoodFiles(t *testing.T) {
	cases := map[string]func(c *Config){
		"empty.toml": func(c *Config) {},
		"full.toml": func(c *Config) {
			c.StateDir = "/srv/kiosk/state"
			c.Office = Office{Name: "滕州市龙泉街道便民服务中心", CivilAffairs: "滕州市民政局",
				CheckAgency: "滕州市居民家庭经济状况核对中心", Address: "滕州市学院中路 1 号", Phone: "0632-5512345"}
			c.Server = Server{
				Listen: "[::1]:8080", AllowRemote: true, MaxMessageBytes: 1 << 20, MaxClients: 8,
				CallsPerSecond: 2.5, CallBurst: 5, IdleTimeout: Duration{150 * time.Second},
			}
			c.Security.AllowNative = true
			c.IDCard = IDCard{
				Port: "/dev/ttyUSB0", ExcludePorts: []string{"/dev/ttyS0", "/dev/ttyS1"},
				PollInterval: Duration{time.Second}, ReadFingerprints: true,
			}
			c.Photo = Photo{Library: "/opt/vendor/libwlt2019.so", ABI: "getbmp", Symbol: "GetBmp", Flag: 602}
			c.Log = Log{Level: "debug", Format: "json"}
			c.Audit = Audit{Dir: "/var/log/kiosk-agent/audit", MaxFileBytes: 1 << 20, KeepFiles: 10}
		},
		"dotted-and-inline.toml": func(c *Config) {
			c.Server.Listen = "localhost:17400"
			c.Server.MaxClients = 16
			c.IDCard.Port = "none"
			c.Log.Level = "warn"
			c.Audit.KeepFiles = 3
		},
		"simulate.toml": func(c *Config) {
			c.Simulate = true
			c.IDCard.Port = "none"
		},
		"remote.toml": func(c *Config) {
			c.Server.AllowRemote = true
			c.Server.Listen = "0.0.0.0:17321"
		},
		"windows.toml": func(c *Config) {
			c.StateDir = `C:\ProgramData\kiosk-agent`
			c.IDCard.Port = "COM3"
			c.Photo = Photo{Library: `C:\Vendor\WltRS.dll`, ABI: "getbmp", Flag: 1}
		},
	}
	files, err := filepath.Glob("testdata/good/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			edit, ok := cases[filepath.Base(file)]
			if !ok {
				t.Fatal("no expected values for this file in TestGoodFiles")
			}
			delete(cases, filepath.Base(file))
			want := Default()
			edit(&want)
			got, err := Load(file)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load:\n got %+v\nwant %+v", got, want)
			}
		})
	}
	for name := range cases {
		t.Errorf("testdata/good/%s is missing", name)
	}
}

func TestParseExampleIsDefault(t *testing.T) {
	got, err := Parse(Example(), "example")
	if err != nil {
		t.Fatalf("%v\n%s", err, Example())
	}
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(Example()):\n got %+v\nwant %+v", got, want)
	}
}

func TestExampleHasEveryKey(t *testing.T) {
	ex := string(Example())
	table := ""
	for _, s := range settings() {
		t2, name := splitLast(s.key)
		if t2 != table {
			if !strings.Contains(ex, "\n["+t2+"]\n") {
				t.Errorf("no [%s] in the example", t2)
			}
			table = t2
		}
		line := name + " = "
		if s.key == keyStateDir {
			line = "# " + line
		}
		if !strings.Contains(ex, "\n"+line) {
			t.Errorf("no %q line in the example", line)
		}
		if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(ex, "\n#", " ")), " "), "Flag: "+s.flagDoc()+".") {
			t.Errorf("the example does not name the flag of %s", s.key)
		}
	}
}

// TestExampleStateDirIsThisMachines shows that the example's commented-out
// stateDir is this machine's default, which takes effect uncommented.
func TestExampleStateDirIsThisMachines(t *testing.T) {
	ex := strings.Replace(string(Example()), "# stateDir = ", "stateDir = ", 1)
	c, err := Parse([]byte(ex), "example")
	if err != nil {
		t.Fatal(err)
	}
	if c.StateDir != DefaultStateDir() {
		t.Errorf("stateDir %q, want %q", c.StateDir, DefaultStateDir())
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestErrorsAreAllReportedInLineOrder(t *testing.T) {
	doc := "[log]\nlevel = \"loud\"\n[server]\nlisten = \"0.0.0.0:1\"\nnope = 1\n[idcard]\npollInterval = 5\n"
	_, err := Parse([]byte(doc), "k.toml")
	want := `k.toml:2: log.level: "loud" is not one of debug, info, warn, error
k.toml:4: server.listen: "0.0.0.0:1" is not a loopback address, so other machines could reach the agent: set server.allowRemote = true (--allow-remote) if that is meant
k.toml:5: server.nope: unknown key
k.toml:7: idcard.pollInterval: an integer (5) is not a duration: write it as a string such as "500ms", "2s" or "1m30s"`
	if err == nil || err.Error() != want {
		t.Errorf("Parse:\n%v\nwant:\n%s", err, want)
	}
}

func TestParseKeepsValidValuesBesideWrongOnes(t *testing.T) {
	// The wrong key is dropped, the others are decoded and validated.
	doc := "[server]\nmaxClients = \"many\"\nlisten = \"127.0.0.2:9\"\n[log]\nlevel = \"warn\"\n"
	c, err := Parse([]byte(doc), "")
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Error() !=
		`line 2: server.maxClients: want a whole number such as 64, not a string ("many")` {
		t.Fatalf("Parse: %v", err)
	}
	if c.Server.Listen != "127.0.0.2:9" || c.Log.Level != "warn" || c.Server.MaxClients != 64 {
		t.Errorf("Parse kept %+v", c)
	}
}

func TestDuration(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("1m30s")); err != nil || d.Duration != 90*time.Second {
		t.Errorf("UnmarshalText: %v, %v", d, err)
	}
	err := d.UnmarshalText([]byte("90"))
	if err == nil || !strings.Contains(err.Error(), `"90" is not a duration`) || !strings.Contains(err.Error(), `"500ms"`) {
		t.Errorf("UnmarshalText(90): %v, want an error with an example", err)
	}
	if b, _ := (Duration{1500 * time.Millisecond}).MarshalText(); string(b) != "1.5s" {
		t.Errorf("MarshalText: %s", b)
	}
}

func TestValidateDefault(t *testing.T) {
	c := Default()
	c.StateDir = "/tmp/state" // not empty even on a system without a default
	if errs := c.Validate(); errs != nil {
		t.Errorf("Default().Validate(): %v", errs)
	}
}

func TestValidateWithoutLines(t *testing.T) {
	c := Default()
	c.Simulate = true
	c.IDCard.Port = "COM3"
	c.Server.CallBurst = 0
	errs := c.Validate()
	got := errs.Error()
	want := "server.callBurst: 0 is too small: must be at least 1\n" +
		`idcard.port: "COM3" cannot be used with simulate = true, whose simulated reader takes its place: use "auto" or "none"`
	if got != want {
		t.Errorf("Validate:\n%s\nwant:\n%s", got, want)
	}
}

func TestListenIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:17321":  true,
		"127.1.2.3:1":      true,
		"[::1]:17321":      true,
		"localhost:17321":  true,
		"LocalHost:1":      true,
		"0.0.0.0:17321":    false,
		":17321":           false,
		"[::]:17321":       false,
		"10.0.0.1:17321":   false,
		"kiosk.local:1":    false,
		"127.0.0.1":        false,
		"[fe80::1%eth0]:1": false,
	} {
		c := Default()
		c.Server.Listen = addr
		if got := c.ListenIsLoopback(); got != want {
			t.Errorf("ListenIsLoopback(%q) = %v", addr, got)
		}
	}
}

func TestAuditDirAndAllowsNative(t *testing.T) {
	c := Default()
	c.StateDir = "/var/lib/kiosk-agent"
	if got := c.AuditDir(); got != filepath.Join("/var/lib/kiosk-agent", "audit") {
		t.Errorf("AuditDir: %q", got)
	}
	c.Audit.Dir = "/srv/audit"
	if got := c.AuditDir(); got != "/srv/audit" {
		t.Errorf("AuditDir: %q", got)
	}
	if c.AllowsNative() {
		t.Error("AllowsNative by default")
	}
	c.Simulate = true
	if !c.AllowsNative() {
		t.Error("simulate does not imply allowNative")
	}
	c.Simulate, c.Security.AllowNative = false, true
	if !c.AllowsNative() {
		t.Error("allowNative not honoured")
	}
}

func TestDefaultStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/xdg")
	t.Setenv("HOME", "/home/k")
	t.Setenv("ProgramData", `C:\ProgramData`)
	got := DefaultStateDir()
	switch {
	case runtime.GOOS == "windows":
		if got != `C:\ProgramData\kiosk-agent` {
			t.Errorf("on Windows: %q", got)
		}
	case runtime.GOOS != "linux":
		if got != "/home/k/.local/state/kiosk-agent" {
			t.Errorf("on %s: %q", runtime.GOOS, got)
		}
	case os.Geteuid() == 0:
		if got != "/var/lib/kiosk-agent" {
			t.Errorf("as root: %q", got)
		}
	default:
		if got != "/xdg/kiosk-agent" {
			t.Errorf("with XDG_STATE_HOME: %q", got)
		}
		t.Setenv("XDG_STATE_HOME", "")
		if got := DefaultStateDir(); got != "/home/k/.local/state/kiosk-agent" {
			t.Errorf("without XDG_STATE_HOME: %q", got)
		}
	}
	if Default().StateDir != DefaultStateDir() {
		t.Error("Default does not use DefaultStateDir")
	}
	want := "/etc/kiosk-agent/kiosk-agent.toml"
	if runtime.GOOS == "windows" {
		want = `C:\ProgramData\kiosk-agent\kiosk-agent.toml`
	}
	if DefaultPath() != want {
		t.Errorf("DefaultPath: %q, want %q", DefaultPath(), want)
	}
}

func TestCheck(t *testing.T) {
	var out strings.Builder
	if err := Check("testdata/good/full.toml", &out); err != nil || !strings.HasPrefix(out.String(), "testdata/good/full.toml: ok\n") {
		t.Errorf("Check(good): %v, %q", err, out.String())
	}
	out.Reset()
	err := Check("testdata/broken/many-problems.toml", &out)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if err == nil || len(lines) != 5 || !strings.HasPrefix(lines[0], "testdata/broken/many-problems.toml:7: simulat: ") {
		t.Errorf("Check(broken): %v, %q", err, out.String())
	}
	out.Reset()
	dir := t.TempDir()
	field := filepath.Join(dir, "field.toml")
	os.WriteFile(field, []byte("[flow]\nmode = \"field\"\n"), 0o600)
	if err := Check(field, &out); err != nil || !strings.Contains(out.String(), field+": ok\n") ||
		!strings.Contains(out.String(), field+": warning: flow.mode is field but flow.workers is empty") ||
		!strings.Contains(out.String(), field+": warning: platform.url is empty") {
		t.Errorf("Check(field without workers): %v, %q", err, out.String())
	}
	out.Reset()
	sim := filepath.Join(dir, "sim.toml")
	os.WriteFile(sim, []byte("simulate = true\n[flow]\nmode = \"field\"\n"), 0o600)
	if err := Check(sim, &out); err != nil || out.String() != sim+": ok\n" {
		t.Errorf("Check(simulated field): %v, %q", err, out.String())
	}
	out.Reset()
	if err := Check("testdata/nope.toml", &out); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(out.String(), "nope.toml") {
		t.Errorf("Check(missing): %v, %q", err, out.String())
	}
}

func TestSuggest(t *testing.T) {
	for key, want := range map[string]string{
		"idcard.pollIntervall": "idcard.pollInterval",
		"IDCard.port":          "idcard.port",
		"listen":               "server.listen",
		"sever":                "server",
		"photo.ABI":            "photo.abi",
		"scanner":              "",
		"server.x":             "",
	} {
		if got := newSchema().suggest(key); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestSettingsCoverConfig(t *testing.T) {
	// Every leaf field of Config has exactly one setting, and every
	// setting a field.
	var leaves []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for f := range t.Fields() {
			key := joinKey(prefix, f.Tag.Get("toml"))
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Duration]() {
				walk(f.Type, key)
				continue
			}
			leaves = append(leaves, key)
		}
	}
	walk(reflect.TypeFor[Config](), "")
	var keys, flags []string
	for _, s := range settings() {
		keys = append(keys, s.key)
		flags = append(flags, s.flag)
		var c Config
		kind := kindOf(field(&c, s.key).Type())
		if (kind == kindBool) != (s.arg == "") {
			t.Errorf("%s: a boolean has no argument, other flags have one", s.key)
		}
		if s.arg != "" && !strings.Contains(s.usage, "`"+s.arg+"`") {
			t.Errorf("%s: the usage does not name `%s`", s.key, s.arg)
		}
		if s.meaning == "" || s.usage == "" {
			t.Errorf("%s: no meaning or usage", s.key)
		}
		for _, text := range []string{s.meaning, s.defDoc, s.rule.doc} {
			if strings.ContainsAny(text, "|\n") {
				t.Errorf("%s: a README table cell cannot hold %q", s.key, text)
			}
		}
	}
	if !slices.Equal(leaves, keys) {
		t.Errorf("settings:\n%v\nConfig's fields:\n%v", keys, leaves)
	}
	slices.Sort(flags)
	if len(slices.Compact(flags)) != len(keys) {
		t.Error("two settings have the same flag")
	}
}

func TestOffice(t *testing.T) {
	c, err := Load("testdata/good/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Office.Name != "滕州市龙泉街道便民服务中心" || c.Office.Phone != "0632-5512345" || c.Office.CivilAffairs != "滕州市民政局" {
		t.Errorf("office %+v", c.Office)
	}
	_, err = Parse([]byte("[office]\nname = \"龙泉街道\\n便民服务中心\"\nphone = \"请拨 12345\"\naddress = \""+strings.Repeat("路", 61)+"\"\n"), "o.toml")
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	for i, want := range []string{"o.toml:2: office.name: holds a control character", "o.toml:3: office.phone: \"请拨 12345\" is not a phone number",
		"o.toml:4: office.address: is 61 characters long"} {
		if !strings.HasPrefix(errs[i].Error(), want) {
			t.Errorf("problem %d: %q, want %q…", i, errs[i], want)
		}
	}
	if _, err := Parse([]byte("[office]\nphone = \"12345\"\n"), "o.toml"); err != nil {
		t.Errorf("12345: %v", err)
	}
}

func TestLogFile(t *testing.T) {
	c := Config{StateDir: filepath.Join("state")}
	if got := c.LogFile(false); got != "" {
		t.Errorf("no log.file, not managed: %q", got)
	}
	if got, want := c.LogFile(true), filepath.Join("state", "logs", "kiosk-agent.log"); got != want {
		t.Errorf("no log.file, a Windows service: %q, want %q", got, want)
	}
	c.Log.File = "/var/log/k.log"
	if c.LogFile(false) != "/var/log/k.log" || c.LogFile(true) != "/var/log/k.log" {
		t.Errorf("log.file set: %q %q", c.LogFile(false), c.LogFile(true))
	}
}
