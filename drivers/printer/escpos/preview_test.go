package escpos

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPreview renders a laid-out receipt as one page image — text lines
// drawn the way raster lines are, images pasted with their alignment, a
// barcode as a stand-in — for a person to look at: ESCPOS_SAVE=1.
func TestPreview(t *testing.T) {
	if os.Getenv("ESCPOS_SAVE") == "" {
		t.Skip("set ESCPOS_SAVE=1 to write previews to the temporary directory")
	}
	fonts := testFonts(t)
	for _, p := range []Profile{Generic58(), Generic80()} {
		job, err := Layout(realisticReceipt(p.PaperMM), p, fonts)
		if err != nil {
			t.Fatal(err)
		}
		d, err := decodeESCPOS(job.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		m := newMeasure(p)
		pt := &painter{fonts: fonts, m: m}
		var rows []*Bitmap
		for _, it := range d.items {
			switch it.kind {
			case "text":
				bm, err := pt.line(it.text, p.Columns(), it.size, p.LineDots, it.bold)
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, bm)
			case "raster":
				bm := NewBitmap(p.Dots, it.bm.H)
				off := 0
				if it.align == 1 {
					off = (p.Dots - it.bm.W) / 2
				}
				for y := 0; y < it.bm.H; y++ {
					for x := 0; x < it.bm.W; x++ {
						if it.bm.At(x, y) {
							bm.Set(x+off, y)
						}
					}
				}
				rows = append(rows, bm)
			case "barcode":
				bm := NewBitmap(p.Dots, 80)
				for y := 0; y < 80; y++ {
					for x := p.Dots / 4; x < 3*p.Dots/4; x += 3 {
						bm.Set(x, y)
					}
				}
				rows = append(rows, bm)
			}
		}
		h := 0
		for _, r := range rows {
			h += r.H
		}
		page := NewBitmap(p.Dots, h)
		y0 := 0
		for _, r := range rows {
			for y := 0; y < r.H; y++ {
				for x := 0; x < r.W && x < p.Dots; x++ {
					if r.At(x, y) {
						page.Set(x, y0+y)
					}
				}
			}
			y0 += r.H
		}
		path := filepath.Join(os.TempDir(), "escpos-preview-"+p.Name+".png")
		if err := savePNG(page, path); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}
