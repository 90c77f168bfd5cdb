package ink

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// renders draws the synthetic signatures in a few sizes (one wider than a
// rasteriser tile) and returns the SHA-256 of every SVG and PNG.
func renders(t testing.TB) string {
	var b strings.Builder
	white := color.NRGBA{255, 255, 255, 255}
	for i, s := range [][]Sample{cursive(21), hanzi(22), scribble(23)} {
		for _, opt := range []Options{{}, {Width: 1300, Background: white}, {Width: 200, MinWidth: 300, MaxWidth: 900}} {
			d, err := Draw(s, stu540, opt)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d %v svg %x png %x\n", i, opt.Width, sha256.Sum256(d.SVG()), sha256.Sum256(d.PNG()))
		}
	}
	return b.String()
}

// TestSameBytes draws the same input twice, in one process, and gets
// the same bytes.
func TestSameBytes(t *testing.T) {
	if a, b := renders(t), renders(t); a != b {
		t.Fatalf("two renders differ:\n%s\n%s", a, b)
	}
}

// TestSameBytesWithoutSIMD draws again in a child process whose
// x/image/vector runs its portable code (GODEBUG=cpu.sse41=off turns off
// its SSE4.1 accumulation on amd64) and compares the bytes.
func TestSameBytesWithoutSIMD(t *testing.T) {
	if os.Getenv("INK_PRINT_RENDERS") == "1" {
		fmt.Print(renders(t))
		return
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the SIMD code is amd64's")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSameBytesWithoutSIMD$")
	cmd.Env = append(os.Environ(), "INK_PRINT_RENDERS=1", "GODEBUG=cpu.sse41=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	got := strings.TrimSuffix(string(out), "PASS\n")
	if want := renders(t); got != want {
		t.Fatalf("without SIMD:\n%s\nwith:\n%s", got, want)
	}
}

// TestNoFusedMultiplyAdd compiles this package for the architectures
// where Go fuses a*b+c into one instruction and fails if it did anywhere:
// a fused product is rounded differently, and a render made on an arm64
// kiosk would not match the one re-made on an amd64 PC.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package for six targets")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH (the README set-up installs Go; go test runs from it): %v", err)
	}
	const pkg = "github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
	fused := regexp.MustCompile(`\bV?FN?M(ADD|SUB)[A-Z0-9]*\b`)
	fn := regexp.MustCompile(`^(\S+) STEXT`)
	for _, target := range []struct{ arch, extra string }{
		{"arm64", ""}, {"loong64", ""}, {"ppc64le", ""}, {"s390x", ""}, {"riscv64", ""}, {"amd64", "GOAMD64=v3"},
	} {
		cmd := exec.Command(goBin, "build", "-gcflags="+pkg+"=-S", "-o", os.DevNull, pkg)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+target.arch, "CGO_ENABLED=0")
		if target.extra != "" {
			cmd.Env = append(cmd.Env, target.extra)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", target.arch, err, out)
		}
		funcs, current := 0, ""
		for _, line := range bytes.Split(out, []byte("\n")) {
			if m := fn.FindSubmatch(line); m != nil {
				current = string(m[1])
				funcs++
				continue
			}
			if op := fused.Find(line); op != nil {
				t.Errorf("%s %s: %s uses %s:\n%s", target.arch, target.extra, current, op, line)
			}
		}
		if funcs < 10 {
			t.Fatalf("%s: only %d functions in the assembly listing; is -S output missing?\n%s", target.arch, funcs, out)
		}
	}
}
