package sigpad

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

var commitment = PromptText{
	Title: "诚信承诺书",
	Summary: "1. 我说的家里人口、收入、房子、车子、存款都是真的，没有隐瞒。\n2. 我愿意配合工作人员上门了解情况。\n" +
		"3. 家里人口、收入有变化，我会及时告诉村（居）委会或镇（街道）。\n4. 我知道审批通过后，会公示我的姓名、家庭人数和救助金额。\n" +
		"5. 如果说了假话，要退回领到的钱，还要承担法律责任。",
	Signer: "王秀兰",
}

func testFonts(t testing.TB) textimage.Chain {
	t.Helper()
	f, err := textimage.Find()
	if err != nil {
		t.Fatalf("no CJK font (the README set-up installs fonts-noto-cjk): %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// save writes img under $SIGPAD_SAVE, for looking at.
func save(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("SIGPAD_SAVE"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPromptLayout(t *testing.T) {
	fonts := testFonts(t)
	for _, tc := range []struct {
		name string
		w, h int
		mono bool
	}{{"stu540", 800, 480, false}, {"stu430", 320, 200, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p := RenderPrompt(fonts, tc.w, tc.h, tc.mono, commitment)
			save(t, "prompt-"+tc.name+".png", p.PNG)
			screen := image.Rect(0, 0, tc.w, tc.h)
			if !p.Box.In(screen) || p.Box.Dx() < tc.w*3/4 || p.Box.Dy() < tc.h/3 {
				t.Errorf("box %v: want inside %v, at least 3/4 wide and 1/3 high", p.Box, screen)
			}
			if len(p.Buttons) != 3 {
				t.Fatalf("buttons %v", p.Buttons)
			}
			for name, r := range p.Buttons {
				if !r.In(screen) || r.Overlaps(p.Box) {
					t.Errorf("button %s %v: off screen or over the box %v", name, r, p.Box)
				}
				if got := p.ButtonAt(r.Min.Add(r.Size().Div(2))); got != name {
					t.Errorf("ButtonAt(centre of %s) = %q", name, got)
				}
				// A touch target large enough for a finger or a pen held
				// by an unsteady hand: at least 60 px on the 540's scale.
				if r.Dy() < tc.h/8 {
					t.Errorf("button %s is %d px high, want at least %d", name, r.Dy(), tc.h/8)
				}
			}
			if p.ButtonAt(p.Box.Min.Add(image.Pt(5, 5))) != "" {
				t.Error("a point in the box hit a button")
			}
			// Something is drawn above the box (title, signer) and the
			// button labels are drawn (pixels that differ from the
			// button's fill).
			if inked(p.Image, image.Rect(0, 0, tc.w, p.Box.Min.Y)) < 200 {
				t.Error("nothing drawn above the box")
			}
			if tc.mono {
				for i := 0; i < len(p.Image.Pix); i += 4 {
					if v := p.Image.Pix[i]; v != 0 && v != 0xff {
						t.Fatalf("a mono prompt has grey pixel %d", v)
					}
				}
			}
			again := RenderPrompt(fonts, tc.w, tc.h, tc.mono, commitment)
			if again.SHA256 != p.SHA256 {
				t.Error("the same prompt rendered twice has two hashes")
			}
			other := commitment
			other.Signer = "王秀"
			if RenderPrompt(fonts, tc.w, tc.h, tc.mono, other).SHA256 == p.SHA256 {
				t.Error("another signer's prompt has the same hash")
			}
		})
	}
}

// inked counts the pixels in r that are not white.
func inked(img *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			o := img.PixOffset(x, y)
			if img.Pix[o] < 0xc0 {
				n++
			}
		}
	}
	return n
}

func TestWrapCutsWithEllipsis(t *testing.T) {
	fonts := testFonts(t)
	lines := wrap(fonts, commitment.Summary, 21, 400, 3)
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3: %q", len(lines), lines)
	}
	for _, l := range lines {
		if w := fonts.Measure(l, 21); w > 400 {
			t.Errorf("line %q is %d px wide, over 400", l, w)
		}
	}
	if last := []rune(lines[2]); last[len(last)-1] != '…' {
		t.Errorf("the cut text's last line %q does not end in …", lines[2])
	}
	if got := wrap(fonts, "短", 21, 400, 3); len(got) != 1 || got[0] != "短" {
		t.Errorf("short text: %q", got)
	}
}
