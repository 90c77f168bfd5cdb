package stusim

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// drain reads every input report queued on d.
func drain(t testing.TB, d hid.Device) []PenReport {
	t.Helper()
	var out []PenReport
	for {
		b, err := d.ReadInput(0)
		if errors.Is(err, hid.ErrTimeout) {
			return out
		}
		if err != nil {
			t.Fatalf("ReadInput: %v", err)
		}
		r, ok := DecodePenReport(b)
		if !ok {
			t.Fatalf("not a pen report: % x", b)
		}
		out = append(out, r)
	}
}

// signed has the pad sign text at full speed and returns the reports.
func signed(t testing.TB, cfg Config, text string) (*Pad, []PenReport) {
	t.Helper()
	cfg.Speed = 1e6
	cfg.InputBuffer = 1 << 20
	p := New(cfg)
	d := p.Device()
	defer d.Close()
	if err := d.SetFeature([]byte{ReportPenDataOptionMode, OptionTimeCountSequence}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Sign(ctx, text); err != nil {
		t.Fatalf("Sign(%q): %v", text, err)
	}
	return p, drain(t, d)
}

// renderReports draws the touching parts of the reports as a host would:
// pressure-dependent width, anti-aliased, on white, at scale × the LCD.
func renderReports(reps []PenReport, c Capability, scale float64) *image.RGBA {
	w, h := int(float64(c.ScreenWidth)*scale), int(float64(c.ScreenHeight)*scale)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	cov := make([]float64, w*h)
	sx := float64(c.ScreenWidth) / float64(c.TabletMaxX) * scale
	sy := float64(c.ScreenHeight) / float64(c.TabletMaxY) * scale
	var prev *PenReport
	for i := range reps {
		r := &reps[i]
		if r.Sw == 0 || !r.Rdy {
			prev = nil
			continue
		}
		if prev != nil {
			wd := scale * (0.8 + 3.2*float64(r.Pressure)/float64(c.TabletMaxPressure))
			segment(cov, w, h, float64(prev.X)*sx, float64(prev.Y)*sy, float64(r.X)*sx, float64(r.Y)*sy, wd/2)
		}
		prev = r
	}
	for i, a := range cov {
		v := uint8(255 - math.Min(1, a)*235)
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2] = v, v, uint8(255-math.Min(1, a)*140)
	}
	return img
}

func segment(cov []float64, w, h int, x0, y0, x1, y1, r float64) {
	minX, maxX := int(math.Min(x0, x1)-r-1), int(math.Max(x0, x1)+r+1)
	minY, maxY := int(math.Min(y0, y1)-r-1), int(math.Max(y0, y1)+r+1)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := max(minY, 0); y <= min(maxY, h-1); y++ {
		for x := max(minX, 0); x <= min(maxX, w-1); x++ {
			cx, cy := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, ((cx-x0)*dx+(cy-y0)*dy)/l2))
			}
			d := math.Hypot(cx-(x0+t*dx), cy-(y0+t*dy))
			a := math.Max(0, math.Min(1, r+0.5-d))
			if a > cov[y*w+x] {
				cov[y*w+x] = a
			}
		}
	}
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
