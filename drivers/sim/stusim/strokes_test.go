package stusim

import (
	"context"
	"flag"
	"image"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/sign-zhangsan.png")

// strokesOf splits reports into pen-down runs.
func strokesOf(reps []PenReport) [][]PenReport {
	var out [][]PenReport
	var cur []PenReport
	for _, r := range reps {
		if r.Rdy && r.Sw != 0 {
			cur = append(cur, r)
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func TestSignIsPlausibleHandwriting(t *testing.T) {
	for _, tc := range []struct {
		text             string
		minStrokes, maxS int
		minSec, maxSec   float64
	}{
		{"张三", 6, 10, 1.0, 6},
		{"Maria Schmidt", 5, 16, 2.0, 10},
		{"欧阳明", 8, 26, 1.5, 9},
	} {
		t.Run(tc.text, func(t *testing.T) {
			area := rectBytes(40, 60, 759, 400)
			cfg := Config{Seed: 3}
			cfg.Speed = 1e6
			cfg.InputBuffer = 1 << 20
			p := New(cfg)
			d := p.Device()
			mustSet(t, d, 0x32, 0x03)
			mustSet(t, d, append([]byte{0x2A}, area...)...)
			if err := p.Sign(context.Background(), tc.text); err != nil {
				t.Fatal(err)
			}
			reps := drain(t, d)
			c := p.Capability()
			// Hover in, hover out, leave.
			if !reps[0].Rdy || reps[0].Sw != 0 || reps[0].Pressure != 0 {
				t.Errorf("first report %+v: want hover", reps[0])
			}
			last := reps[len(reps)-1]
			if last.Rdy || last.X != 0 || last.Y != 0 {
				t.Errorf("last report %+v: want rdy=0 at 0,0", last)
			}
			if prev := reps[len(reps)-2]; !prev.Rdy || prev.Sw != 0 {
				t.Errorf("before leaving %+v: want hover", prev)
			}
			for i, r := range reps {
				if i > 0 && r.TimeCount-reps[i-1].TimeCount != 5 {
					t.Fatalf("time count step at %d: %d", i, r.TimeCount-reps[i-1].TimeCount)
				}
				if i > 0 && r.Sequence != reps[i-1].Sequence+1 {
					t.Fatalf("sequence at %d: %d after %d", i, r.Sequence, reps[i-1].Sequence)
				}
				if r.Sw != 0 {
					if r.Pressure == 0 || r.Pressure > c.TabletMaxPressure {
						t.Fatalf("report %d touches with pressure %d", i, r.Pressure)
					}
					px := int(r.X) * int(c.ScreenWidth) / int(c.TabletMaxX)
					py := int(r.Y) * int(c.ScreenHeight) / int(c.TabletMaxY)
					if !image.Pt(px, py).In(image.Rect(40, 60, 760, 401)) {
						t.Fatalf("report %d touches (%d,%d) outside the area", i, px, py)
					}
				} else if r.Pressure != 0 {
					t.Fatalf("report %d hovers with pressure %d", i, r.Pressure)
				}
			}
			sec := float64(len(reps)) * 0.005
			if sec < tc.minSec || sec > tc.maxSec {
				t.Errorf("took %.2f s of pen time", sec)
			}
			st := strokesOf(reps)
			if len(st) < tc.minStrokes || len(st) > tc.maxS {
				t.Errorf("%d strokes", len(st))
			}
			for i, s := range st {
				// Pressure builds up and eases off: the middle of a
				// stroke is pressed harder than its first and last report.
				if len(s) < 6 {
					continue
				}
				var peak uint16
				for _, r := range s {
					peak = max(peak, r.Pressure)
				}
				if s[0].Pressure >= peak || s[len(s)-1].Pressure >= peak {
					t.Errorf("stroke %d: pressure %d…%d…%d", i, s[0].Pressure, peak, s[len(s)-1].Pressure)
				}
				// The pen moves smoothly: no jump over 2 mm in 5 ms.
				for k := 1; k < len(s); k++ {
					dx, dy := int(s[k].X)-int(s[k-1].X), int(s[k].Y)-int(s[k-1].Y)
					if dx*dx+dy*dy > 200*200 {
						t.Fatalf("stroke %d jumps %d,%d units", i, dx, dy)
					}
				}
			}
			// The pad inked what was written.
			ink := 0
			scr := p.Screen().(*image.RGBA)
			for i := 0; i < len(scr.Pix); i += 4 {
				if scr.Pix[i] == 0 {
					ink++
				}
			}
			if ink < 500 {
				t.Errorf("%d ink pixels on the LCD", ink)
			}
		})
	}
}

func TestSignIsDeterministic(t *testing.T) {
	_, a := signed(t, Config{Seed: 42}, "张三 Li")
	_, b := signed(t, Config{Seed: 42}, "张三 Li")
	_, c := signed(t, Config{Seed: 43}, "张三 Li")
	strip := func(rs []PenReport) []PenReport {
		out := append([]PenReport(nil), rs...)
		for i := range out {
			out[i].TimeCount -= rs[0].TimeCount // the start depends on the clock
		}
		return out
	}
	if !reflect.DeepEqual(strip(a), strip(b)) {
		t.Error("same seed, different writing")
	}
	if reflect.DeepEqual(strip(a), strip(c)) {
		t.Error("different seeds, same writing")
	}
}

func TestSignPacesInRealTime(t *testing.T) {
	p := New(Config{Speed: 10, InputBuffer: 1 << 16})
	d := p.Device()
	start := time.Now()
	if err := p.Sign(context.Background(), "三"); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	n := len(drain(t, d))
	want := time.Duration(n) * 500 * time.Microsecond // 5 ms / 10
	if took < want*8/10 || took > want*10+2*time.Second {
		t.Errorf("%d reports in %v at 10×, want about %v", n, took, want)
	}
}

func TestSignStopsWithContext(t *testing.T) {
	p := New(Config{InputBuffer: 1 << 16})
	d := p.Device()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := p.Sign(ctx, "张三"); err != context.DeadlineExceeded {
		t.Fatalf("Sign = %v", err)
	}
	reps := drain(t, d)
	if len(reps) < 2 || len(reps) > 40 {
		t.Errorf("%d reports in 100 ms", len(reps))
	}
	if reps[len(reps)-1].Rdy {
		t.Error("the pen did not leave when the context ended")
	}
	if err := p.Sign(context.Background(), "  "); err == nil {
		t.Error("Sign of nothing: no error")
	}
}

// TestSignRendering renders what Sign("张三") and a Latin name send, as a
// host would draw it and as the pad's LCD shows it, for a person to look
// at. With -update it rewrites testdata/sign-zhangsan.png.
func TestSignRendering(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, text string }{
		{"zhangsan", "张三"},
		{"latin", "Maria Schmidt"},
	} {
		p, reps := signed(t, Config{Seed: 1}, tc.text)
		img := renderReports(reps, p.Capability(), 1)
		writePNG(t, filepath.Join(dir, "sign-"+tc.name+".png"), img)
		if tc.name == "zhangsan" {
			writePNG(t, filepath.Join(dir, "lcd-"+tc.name+".png"), p.Screen())
		}
		if *update && tc.name == "zhangsan" {
			writePNG(t, filepath.Join("testdata", "sign-zhangsan.png"), img)
		}
	}
	if os.Getenv("STUSIM_KEEP") != "" {
		t.Logf("rendered into %s", dir)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			_ = os.WriteFile(filepath.Join(os.Getenv("STUSIM_KEEP"), e.Name()), b, 0o644)
		}
	}
}
