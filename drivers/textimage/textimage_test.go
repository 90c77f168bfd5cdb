package textimage

import (
	"image"
	"image/color"
	"testing"
)

// The machines the README sets up have Noto CJK; its Simplified Chinese
// face draws common and rare name characters, Latin and digits alike.
func TestFindDrawsRareCharacters(t *testing.T) {
	c, err := Find()
	if err != nil {
		t.Fatalf("%v (install fonts-noto-cjk)", err)
	}
	defer c.Close()
	t.Logf("fonts: %s", c[0].Name())
	for _, s := range []string{"张三", "䶮", "𠮷", "ID 370481", "￥1,234.50"} {
		if m := c.Missing(s); len(m) != 0 {
			t.Errorf("%q: missing %q", s, string(m))
		}
	}
	img := image.NewGray(image.Rect(0, 0, 200, 40))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	end := c.Draw(img, 2, 30, "王䶮𠮷", 24, color.Black)
	if end < 60 || end > 80 {
		t.Errorf("three characters at 24 px end at x=%d", end)
	}
	dark := 0
	for _, p := range img.Pix {
		if p < 128 {
			dark++
		}
	}
	if dark < 100 {
		t.Fatalf("only %d dark pixels: nothing was drawn", dark)
	}
	if w := c.Measure("王䶮𠮷", 24); w != end-2 {
		t.Errorf("Measure %d, drawn width %d", w, end-2)
	}
}

// A character no font has is reported, and drawn as a box.
func TestMissingIsReportedNotDropped(t *testing.T) {
	c, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const pua = "\U000F0001" // supplementary private use: no font has it
	if m := c.Missing("a" + pua); len(m) != 1 || m[0] != []rune(pua)[0] {
		t.Fatalf("Missing = %q", string(m))
	}
	img := image.NewGray(image.Rect(0, 0, 40, 40))
	c.Draw(img, 0, 30, pua, 24, color.White)
	lit := 0
	for _, p := range img.Pix {
		if p > 0 {
			lit++
		}
	}
	if lit == 0 {
		t.Fatal("a missing character left no mark")
	}
}

func TestFindConfiguredPathMustOpen(t *testing.T) {
	if _, err := Find("/nonexistent/font.ttf"); err == nil {
		t.Fatal("a configured font that does not exist was accepted")
	}
}

// Drawing and measuring from several goroutines with one chain is safe.
func TestChainIsSafeToShare(t *testing.T) {
	c, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			img := image.NewGray(image.Rect(0, 0, 300, 40))
			for i := 0; i < 50; i++ {
				c.Draw(img, 0, 30, "社会救助䶮𠮷", 24, color.Black)
				c.Measure("社会救助", 24)
				c.Metrics(24)
			}
			done <- true
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
