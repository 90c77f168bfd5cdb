package main

import (
	"bytes"
	"context"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
)

// "print test" against a virtual network printer on port 9100 style TCP.
func TestPrintTestCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sim := escpossim.New(escpossim.Config{PaperWidth: 80})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sim.ServeTCP(ctx, ln)
	preview := filepath.Join(t.TempDir(), "test.png")
	var out, errb bytes.Buffer
	code := run([]string{"print", "test", "--port", "tcp://" + ln.Addr().String(), "--preview", preview}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "test receipt printed") {
		t.Fatalf("output: %s", out.String())
	}
	sim.WaitIdle(ctx)
	pages := sim.Pages()
	if len(pages) == 0 || !strings.Contains(pages[0].Text(), "打印测试") || len(pages[0].Images()) < 2 || len(pages[0].Barcodes()) != 1 {
		// The rare-character line and the QR code are raster images on this profile.
		t.Fatalf("printed: %q, %d images, barcodes %v", pages[0].Text(), len(pages[0].Images()), pages[0].Barcodes())
	}
	f, err := os.Open(preview)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("preview: %v", err)
	}
}
