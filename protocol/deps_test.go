package protocol_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/kiosk-agent/kiosk-agent"

// depRules say which parts of the module may not depend on which (DESIGN:
// agent → drivers, agent → protocol; drivers import nothing of agent or
// protocol; a transport knows no device protocol).
var depRules = []struct {
	from      string   // packages under this directory...
	forbidden []string // ...may not depend on packages under these
}{
	{"protocol", []string{"agent", "drivers"}},
	{"drivers", []string{"agent", "protocol"}},
	{"drivers/transport", []string{"drivers/idcard", "drivers/sigpad", "drivers/printer"}},
}

func under(pkg, dir string) bool {
	p := module + "/" + dir
	return pkg == p || strings.HasPrefix(pkg, p+"/")
}

type listedPackage struct {
	ImportPath   string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// listPackages runs go list over the module for one platform and build
// tags; the import graph does not need the packages to build.
func listPackages(t *testing.T, goos, tags string) map[string]listedPackage {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-e", "-tags="+tags, "-json=ImportPath,Deps,TestImports,XTestImports", module+"/...")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list (GOOS=%s, tags %q): %v\n%s", goos, tags, err, stderr.Bytes())
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// TestDependencies checks depRules on every platform the agent is built
// for, with and without the libusb tag, for packages and their tests, in
// the manner of Tailscale's tstest/deptest.
func TestDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list for several platforms")
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		for _, tags := range []string{"", "libusb"} {
			pkgs := listPackages(t, goos, tags)
			checked := map[string]int{}
			for _, p := range pkgs {
				deps := slices.Clone(p.Deps)
				for _, ti := range append(slices.Clone(p.TestImports), p.XTestImports...) {
					deps = append(deps, ti)
					deps = append(deps, pkgs[ti].Deps...)
				}
				slices.Sort(deps)
				deps = slices.Compact(deps)
				for _, r := range depRules {
					if !under(p.ImportPath, r.from) {
						continue
					}
					checked[r.from]++
					for _, d := range deps {
						for _, f := range r.forbidden {
							if under(d, f) && !under(d, r.from) {
								t.Errorf("GOOS=%s tags %q: %s (or its tests) depends on %s: nothing under %s/ may depend on %s/",
									goos, tags, strings.TrimPrefix(p.ImportPath, module+"/"), strings.TrimPrefix(d, module+"/"), r.from, f)
							}
						}
					}
				}
			}
			for _, r := range depRules {
				if checked[r.from] == 0 {
					t.Errorf("GOOS=%s tags %q: no package under %s/ was listed", goos, tags, r.from)
				}
			}
		}
	}
}
