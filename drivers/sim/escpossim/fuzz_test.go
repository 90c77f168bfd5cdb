package escpossim

import (
	"image"
	"testing"
	"time"
)

// FuzzInterpret: no input panics the interpreter or makes it loop; every
// byte is accounted for in the log, once, in order; memory stays in
// proportion to the input; every page renders at the paper's width.
// Seeds are in testdata/fuzz/FuzzInterpret and below.
func FuzzInterpret(f *testing.F) {
	f.Add(receipt18Bytes(f), byte(0))
	f.Add(qrCommands(f, qrURL, 4, 49), byte(1))
	f.Add(hx(f, "1C 26 81 30 84 36 0A 1D 76 30 03 01 00 02 00 F0 0F 1B 64 02 1D 56 41 05"), byte(2))
	f.Add(hx(f, "1D 6B 49 0B 7B 42 41 42 43 2D 31 7B 43 17 2D 1D 56 00 10 04 04 1B 24 30 00 41 1B 5C F0 FF 42 0A"), byte(4))
	f.Add(hx(f, "1D 28 4C 0E 00 30 70 30 01 01 31 08 00 02 00 AA 55 1D 28 4C 02 00 30 32 0A"), byte(0))
	f.Add(hx(f, "1B 44 04 08 00 09 41 09 42 0A 1C 28 43 02 00 30 02 E4 B8"), byte(0))
	r := renderer(f)
	f.Fuzz(func(t *testing.T, data []byte, flags byte) {
		cfg := Config{NativeQR: flags&1 != 0, FourByteGB18030: flags&2 != 0, CutterGap: int(flags>>4) * 8}
		if flags&4 != 0 {
			cfg.PaperWidth = 58
		}
		start := time.Now()
		doc := Interpret(data, cfg)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("interpreting %d bytes took %v", len(data), d)
		}
		var next int64
		for _, c := range doc.Commands {
			if c.Offset != next {
				t.Fatalf("log entry %v at %d: the bytes before it are not accounted for", c, next)
			}
			next += int64(c.Len)
		}
		if next != int64(len(data)) {
			t.Fatalf("log accounts for %d of %d bytes", next, len(data))
		}
		elements := 0
		for _, p := range doc.Pages {
			elements += len(p.Elements)
			img := r.Render(p)
			want := image.Rect(0, 0, cfg.dots(), min(max(p.Height, 1), maxRenderRows))
			if img.Rect != want {
				t.Fatalf("page rendered %v, want %v", img.Rect, want)
			}
			for _, e := range p.Elements {
				if b := e.Box(); b.Width < 0 || b.Height < 0 || b.X < 0 || b.X+b.Width > cfg.dots() {
					t.Fatalf("element outside the paper: %+v", b)
				}
			}
		}
		if elements > 2*len(data)+2 {
			t.Fatalf("%d elements from %d bytes", elements, len(data))
		}
	})
}
