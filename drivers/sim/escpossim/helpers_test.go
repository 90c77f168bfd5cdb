package escpossim

import (
	"encoding/hex"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// hx turns "1B 40 0A" into bytes; it ignores anything after a '#' on a
// line, so byte listings can carry their comments.
func hx(t testing.TB, s string) []byte {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		b.WriteString(strings.Join(strings.Fields(line), ""))
	}
	out, err := hex.DecodeString(b.String())
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return out
}

// cat joins byte slices.
func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// qrRaster encodes payload with go-qrcode (with its 4-module quiet
// zone) as a GS v 0 image of module dots per module.
func qrRaster(t testing.TB, payload string, module int) []byte {
	t.Helper()
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	bm := q.Bitmap()
	w := len(bm) * module
	stride := (w + 7) / 8
	out := []byte{0x1D, 0x76, 0x30, 0x00, byte(stride), byte(stride >> 8), byte(w), byte(w >> 8)}
	for y := 0; y < w; y++ {
		row := make([]byte, stride)
		for x := 0; x < w; x++ {
			if bm[y/module][x/module] {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
		out = append(out, row...)
	}
	return out
}

// savePNG writes a page's rendering under testdata/out (kept out of git)
// when ESCPOSSIM_PNG is set, else under the test's temporary directory,
// and returns the path.
func savePNG(t testing.TB, p *Page, name string) string {
	t.Helper()
	b, err := renderer(t).PNG(p)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if os.Getenv("ESCPOSSIM_PNG") != "" {
		dir = filepath.Join("testdata", "out")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The tests share one renderer, so that each glyph is drawn once.
var (
	testRendererOnce sync.Once
	testRenderer     *Renderer
	testRendererErr  error
)

func renderer(t testing.TB) *Renderer {
	t.Helper()
	testRendererOnce.Do(func() {
		fonts, err := textimage.Find()
		testRenderer, testRendererErr = NewRenderer(fonts), err
	})
	if testRendererErr != nil {
		t.Fatalf("%v (install fonts-noto-cjk)", testRendererErr)
	}
	return testRenderer
}

// render draws a page with the tests' renderer.
func render(t testing.TB, p *Page) *image.Gray {
	t.Helper()
	return renderer(t).Render(p)
}
