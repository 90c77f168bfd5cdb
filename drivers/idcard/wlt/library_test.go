package wlt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openFake(t *testing.T, cfg Config) *Library {
	t.Helper()
	l, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open(%+v): %v", cfg, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestLibraryABIs(t *testing.T) {
	needNative(t)
	lib := buildFakeLib(t)
	tmp := t.TempDir()
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"unpack", Config{ABI: ABIUnpack, Flag: 602}},
		{"unpack top-down BGR", Config{ABI: ABIUnpack, Symbol: "unpack_topdown_bgr", Channels: ChannelsBGR, Rows: RowsTopDown}},
		{"buffer", Config{ABI: ABIBuffer, Symbol: "fake_wlt2bmp"}},
		{"wlttobmp", Config{ABI: ABIWltToBmp}},
		{"wlttobmp top-down BMP", Config{ABI: ABIWltToBmp, Symbol: "WltToBmp_topdown"}},
		{"getbmp", Config{ABI: ABIGetBmp, TempDir: tmp}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Library = lib
			l := openFake(t, tc.cfg)
			for seed := range byte(3) {
				mustDecode(t, l, seed*91)
			}
		})
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("getbmp left %d entries in its temporary directory", len(left))
	}
}

// TestLibraryWrongLayout shows the pixel check notices a wrong channel or
// row order, i.e. the layout defaults are really exercised.
func TestLibraryWrongLayout(t *testing.T) {
	needNative(t)
	lib := buildFakeLib(t)
	for _, cfg := range []Config{
		{ABI: ABIUnpack, Flag: 602, Channels: ChannelsBGR},
		{ABI: ABIUnpack, Flag: 602, Rows: RowsTopDown},
		{ABI: ABIUnpack, Symbol: "unpack_topdown_bgr"}, // defaults: RGB, bottom-up
	} {
		cfg.Library = lib
		l := openFake(t, cfg)
		in := photo(5, "")
		out, err := l.Decode(context.Background(), in)
		if err != nil {
			t.Fatalf("%+v: Decode: %v", cfg, err)
		}
		if comparePicture(out, in) == nil {
			t.Errorf("%+v: picture matched although the layout is wrong", cfg)
		}
	}
}

func TestLibraryDecodeErrors(t *testing.T) {
	needNative(t)
	lib := buildFakeLib(t)
	for _, tc := range []struct {
		cfg    Config
		in     []byte
		code   int
		detail string
	}{
		{Config{ABI: ABIUnpack, Flag: 602}, photo(1, "FAIL"), -7, ""},
		{Config{ABI: ABIUnpack, Flag: 603}, photo(1, ""), 0, "wrong vendor code (bmpSave argument)"},
		{Config{ABI: ABIBuffer, Symbol: "fake_wlt2bmp"}, photo(1, "FAIL"), -7, ""},
		{Config{ABI: ABIWltToBmp}, photo(1, "FAIL"), -7, ""},
		{Config{ABI: ABIGetBmp, Flag: 3}, photo(1, ""), -6, "reader connection error"},
		{Config{ABI: ABIGetBmp}, photo(1, "FAIL"), -7, ""},
	} {
		tc.cfg.Library = lib
		l := openFake(t, tc.cfg)
		_, err := l.Decode(context.Background(), tc.in)
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrDecodeFailed) {
			t.Fatalf("%+v: got %v, want a *DecodeError", tc.cfg, err)
		}
		if de.Code != tc.code || de.Detail != tc.detail || de.ABI != tc.cfg.ABI {
			t.Errorf("%+v: got %+v, want code %d detail %q", tc.cfg, de, tc.code, tc.detail)
		}
	}
}

func TestLibraryBadOutputAndInput(t *testing.T) {
	needNative(t)
	lib := buildFakeLib(t)
	l := openFake(t, Config{Library: lib, ABI: ABIWltToBmp, Symbol: "WltToBmp_garbage"})
	if _, err := l.Decode(context.Background(), photo(0, "")); !errors.Is(err, ErrBadImage) {
		t.Errorf("garbage BMP: got %v, want ErrBadImage", err)
	}
	for _, n := range []int{0, 1023, 1025} {
		if _, err := l.Decode(context.Background(), make([]byte, n)); !errors.Is(err, ErrInvalidWLT) {
			t.Errorf("%d bytes: got %v, want ErrInvalidWLT", n, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	needNative(t)
	lib := buildFakeLib(t)
	for _, tc := range []struct {
		cfg  Config
		want error
	}{
		{Config{Library: filepath.Join(t.TempDir(), "missing.so"), ABI: ABIUnpack}, ErrNoDecoder},
		{Config{Library: lib, ABI: ABIUnpack, Symbol: "no_such_symbol"}, ErrNoDecoder},
		{Config{Library: lib, ABI: "stdcall-magic"}, ErrConfig},
		{Config{Library: lib, ABI: ABIBuffer}, ErrConfig}, // needs Symbol
		{Config{ABI: ABIUnpack}, ErrConfig},
		{Config{Library: lib, ABI: ABIUnpack, Rows: "sideways"}, ErrConfig},
	} {
		l, err := Open(tc.cfg)
		if !errors.Is(err, tc.want) {
			t.Errorf("Open(%+v): got %v, want %v", tc.cfg, err, tc.want)
		}
		if l != nil {
			t.Errorf("Open(%+v) returned a Library with an error", tc.cfg)
		}
	}
}

// TestLibraryTimeout checks that an in-process call that takes too long is
// abandoned with ErrTimeout, that later calls wait for it, and that the
// library works again once it returns.
func TestLibraryTimeout(t *testing.T) {
	needNative(t)
	l := openFake(t, Config{Library: buildFakeLib(t), ABI: ABIUnpack, Flag: 602, Timeout: 150 * time.Millisecond})
	start := time.Now()
	_, err := l.Decode(context.Background(), photo(0, "SLOW"))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("slow decode: got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 600*time.Millisecond {
		t.Errorf("slow decode returned after %v, want about 150ms", d)
	}
	_, err = l.Decode(context.Background(), photo(1, ""))
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "previous vendor call") {
		t.Errorf("decode behind a stuck call: got %v, want ErrTimeout waiting for it", err)
	}
	time.Sleep(800 * time.Millisecond)
	mustDecode(t, l, 2)

	if err := l.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := l.Decode(context.Background(), photo(2, "")); !errors.Is(err, ErrClosed) {
		t.Errorf("Decode after Close: got %v, want ErrClosed", err)
	}
}
