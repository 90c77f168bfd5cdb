// Package webviewtest helps test the kiosk window for real: a virtual X
// display (Xvfb), screenshots of it (ImageMagick's import), and checks that
// a screenshot shows a page rather than an empty window, and glyphs where
// the page says Chinese text is drawn. It needs no cgo; the tests that use
// it do.
package webviewtest

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// Tools the tests need, as .ci/setup installs them. Import is called by
// its full path: on some machines /usr/local/bin holds stand-ins for
// ImageMagick's commands.
const (
	XvfbPath    = "/usr/bin/Xvfb"
	ImportPath  = "/usr/bin/import"
	XdotoolPath = "/usr/bin/xdotool"
)

// Need fails the test (never skips it: a webview build is meant to be
// tested) when a tool is missing.
func Need(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: the webview tests need xvfb, imagemagick and xdotool (bash .ci/setup installs them)", p)
		}
	}
}

// Xvfb starts a virtual display of w×h at 24 bits for the test, and stops
// it when the test ends. It returns the display's name (":N"; Xvfb picks a
// free number).
func Xvfb(t testing.TB, w, h int) string {
	t.Helper()
	Need(t, XvfbPath)
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(XvfbPath, "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{wr}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatalf("Xvfb did not start:\n%s", stderr.String())
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not say its display within 30 s:\n%s", stderr.String())
	}
	return ""
}

// Screenshot saves the root window of display as a PNG file and decodes it.
func Screenshot(t testing.TB, display, file string) image.Image {
	t.Helper()
	Need(t, ImportPath)
	if out, err := exec.Command(ImportPath, "-display", display, "-window", "root", "png:"+file).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return img
}

// Colours counts img's distinct colours and the share of the commonest.
func Colours(img image.Image) (n int, commonest float64) {
	seen := map[color.RGBA]int{}
	b := img.Bounds()
	top := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(img.At(x, y))
			seen[c]++
			top = max(top, seen[c])
		}
	}
	return len(seen), float64(top) / float64(b.Dx()*b.Dy())
}

// CheckPage says why img does not look like a page: an empty window (GTK's
// grey, WebKit's white) or a blank screen has a handful of colours; text,
// icons and their anti-aliasing have hundreds.
func CheckPage(img image.Image) error {
	n, top := Colours(img)
	if n < 64 || top > 0.98 {
		return fmt.Errorf("the screen looks blank: %d colours, the commonest covers %.1f%%", n, 100*top)
	}
	return nil
}

// CheckGlyphs says why box of img (screen pixels) does not show the text s
// as glyphs. Each character of a CJK font is one em wide, so box splits
// into one column per character; every ideograph's column must hold ink
// (pixels far from the box's background colour), and the ideographs must
// not all hold the same amount of it (as the empty boxes of a missing
// glyph do). Without a CJK font, WebKit draws nothing at all there.
func CheckGlyphs(img image.Image, box image.Rectangle, s string) error {
	box = box.Intersect(img.Bounds())
	runes := []rune(s)
	if box.Dx() < 8*len(runes) || box.Dy() < 8 {
		return fmt.Errorf("the text's box %v is too small for %d characters", box, len(runes))
	}
	counts := map[color.RGBA]int{}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			counts[rgba(img.At(x, y))]++
		}
	}
	var bg color.RGBA
	for c, n := range counts {
		if n > counts[bg] {
			bg = c
		}
	}
	ink := make([]int, len(runes))
	total := 0
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			c := rgba(img.At(x, y))
			if absDiff(c.R, bg.R)+absDiff(c.G, bg.G)+absDiff(c.B, bg.B) > 96 {
				i := (x - box.Min.X) * len(runes) / box.Dx()
				ink[i]++
				total++
			}
		}
	}
	area := box.Dx() * box.Dy()
	if share := float64(total) / float64(area); share < 0.03 || share > 0.8 {
		return fmt.Errorf("the text %q at %v has %.1f%% ink on its background %v: no glyphs drawn", s, box, 100*share, bg)
	}
	column := area / len(runes)
	lo, hi := area, 0
	ideographs := 0
	for i, r := range runes {
		if !unicode.Is(unicode.Han, r) {
			continue
		}
		ideographs++
		if ink[i] < column/50 {
			return fmt.Errorf("the character %q of %q (column %d) has no ink: %d pixels of %d", r, s, i, ink[i], column)
		}
		lo, hi = min(lo, ink[i]), max(hi, ink[i])
	}
	if ideographs >= 3 && float64(hi) < 1.15*float64(lo) {
		return fmt.Errorf("the %d characters of %q hold the same ink (%d to %d pixels): boxes for missing glyphs?", ideographs, s, lo, hi)
	}
	return nil
}

// TextRect is the screen rectangle of a text box the page measured (CSS
// pixels at a device pixel ratio of 1, the window at the screen's origin),
// rounded outwards.
func TextRect(x, y, w, h float64) image.Rectangle {
	return image.Rect(int(x), int(y), int(x+w+0.999), int(y+h+0.999))
}

// Wait calls check until it says ok, failing the test after timeout with
// what it waited for and the last state check described.
func Wait(t testing.TB, timeout time.Duration, what string, check func() (ok bool, state string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	state := ""
	for time.Now().Before(deadline) {
		var ok bool
		if ok, state = check(); ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited %v for %s; last: %s", timeout, what, state)
}

func rgba(c color.Color) color.RGBA {
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// Children lists the processes whose parent is pid and whose name (as in
// /proc/PID/stat, at most 15 bytes) starts with name ("" for all).
func Children(pid int, name string) []int {
	var out []int
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		fields := strings.Fields(s[close+1:])
		if len(fields) < 2 || fields[1] != strconv.Itoa(pid) || !strings.HasPrefix(s[open+1:close], name) {
			continue
		}
		if fields[0] == "Z" { // a zombie is gone already
			continue
		}
		n, _ := strconv.Atoi(d.Name())
		out = append(out, n)
	}
	return out
}

// Alive reports whether process pid exists and is not a zombie.
func Alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}
