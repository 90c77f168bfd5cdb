package wlt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// childModeEnv makes the test binary act as a decoder child (the standard
// re-exec trick): "serve" runs ServeChild with the flags in os.Args,
// "garbage-exit" writes junk and exits 3 without a ready frame.
const childModeEnv = "WLT_TEST_CHILD_MODE"

func TestMain(m *testing.M) {
	switch os.Getenv(childModeEnv) {
	case "":
		os.Exit(m.Run())
	case "serve":
		cfg, err := ParseArgs(os.Args[1:])
		if err == nil {
			err = ServeChild(context.Background(), os.Stdin, os.Stdout, cfg)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "test child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "garbage-exit":
		fmt.Fprint(os.Stdout, "not a frame\n")
		fmt.Fprint(os.Stderr, "test child giving up\n")
		os.Exit(3)
	default:
		fmt.Fprintln(os.Stderr, "unknown", childModeEnv)
		os.Exit(2)
	}
}

// buildFakeLib compiles testdata/fakewlt.c into a shared library in
// t.TempDir() and returns its path.
func buildFakeLib(t testing.TB) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Fatalf("gcc not found (%v): the wlt tests compile testdata/fakewlt.c into a fake vendor "+
			"library with `gcc -shared -fPIC`; every machine of this project is supposed to have gcc, install it", err)
	}
	name := "libfakewlt.so"
	if runtime.GOOS == "windows" {
		name = "fakewlt.dll"
	}
	lib := filepath.Join(t.TempDir(), name)
	out, err := exec.Command(gcc, "-shared", "-fPIC", "-O1", "-Wall", "-o", lib, filepath.Join("testdata", "fakewlt.c")).CombinedOutput()
	if err != nil {
		t.Fatalf("compiling testdata/fakewlt.c: %v\n%s", err, out)
	}
	return lib
}

// needNative stops a test that loads libraries in a build that cannot,
// after checking that such a build says so with ErrNoDecoder.
func needNative(t *testing.T) {
	t.Helper()
	if nativeSupported {
		return
	}
	_, err := Open(Config{Library: "x", ABI: ABIUnpack})
	if !errors.Is(err, ErrNoDecoder) {
		t.Fatalf("Open in a build without library loading: got %v, want ErrNoDecoder", err)
	}
	t.Skipf("this build (%s/%s) cannot load libraries; checked that it reports ErrNoDecoder", runtime.GOOS, runtime.GOARCH)
}

// photo returns deterministic 1024 bytes, optionally starting with one of
// the fake library's magic words.
func photo(seed byte, magic string) []byte {
	b := make([]byte, WLTSize)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	copy(b, magic)
	return b
}

// wantPixel is the fake library's gradient (see testdata/fakewlt.c).
func wantPixel(in []byte, x, y int) color.RGBA {
	return color.RGBA{
		R: uint8(2*x + int(in[4])),
		G: uint8(2*y + int(in[5])),
		B: uint8(x + y + int(in[1023])),
		A: 0xff,
	}
}

// checkPicture decodes a PNG and compares every pixel with the gradient
// drawn for in.
func checkPicture(t *testing.T, pngData, in []byte) {
	t.Helper()
	if err := comparePicture(pngData, in); err != nil {
		t.Fatal(err)
	}
}

func comparePicture(pngData, in []byte) error {
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		return fmt.Errorf("output is not a PNG: %v", err)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, Width, Height) {
		return fmt.Errorf("picture bounds %v, want %dx%d", got, Width, Height)
	}
	for y := range Height {
		for x := range Width {
			r, g, b, a := img.At(x, y).RGBA()
			got := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
			if want := wantPixel(in, x, y); got != want {
				return fmt.Errorf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
	return nil
}
