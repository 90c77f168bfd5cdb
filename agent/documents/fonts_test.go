package documents

import (
	"bytes"
	"os"
	"testing"

	"github.com/signintech/gopdf"
)

// The coverage decided here is gopdf's own: for every character of every
// face found, the glyph this package expects is the one gopdf's
// SubsetFontObj maps it to, and where this package says "none", gopdf
// has none either (or one it would mishandle); the widths agree.
func TestCoverageIsGopdfs(t *testing.T) {
	r := testRenderer(t)
	for _, f := range r.faces {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		offs, err := faceOffsets(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		ttf, err := extractFace(data, offs[f.Face])
		if err != nil {
			t.Fatal(err)
		}
		var s gopdf.SubsetFontObj
		s.SetTtfFontOption(gopdf.TtfOption{})
		if err := s.SetTTFData(ttf); err != nil {
			t.Fatalf("%s: gopdf cannot read the extracted face: %v", f.Name, err)
		}
		check := func(c rune) {
			want := f.info.glyph(c)
			got, err := gopdfGlyph(&s, c)
			switch {
			case want != 0 && (err != nil || int(got) != want):
				t.Errorf("%s: U+%04X: glyph %d here, gopdf %d (%v)", f.Name, c, want, got, err)
			case want == 0 && err == nil && got != 0 && int(got) < f.info.numGlyphs:
				t.Errorf("%s: U+%04X: no glyph here, gopdf has %d", f.Name, c, got)
			}
		}
		for c := rune(0); c < 0xFFFF; c++ {
			check(c)
		}
		for _, g := range f.info.groups {
			for c := g[0]; c <= g[1] && c <= 0x10FFFF; c++ {
				if c > 0xFFFF {
					check(rune(c))
				}
			}
		}
		p := s.GetTTFParser()
		for g := 0; g < f.info.numGlyphs; g += 97 {
			if got, want := s.GlyphIndexToPdfWidth(uint(g)), uint(f.info.width(g)); got != want {
				t.Errorf("%s: glyph %d: width %d here, gopdf %d", f.Name, g, want, got)
				break
			}
		}
		if int(p.UnitsPerEm()) != f.info.upem {
			t.Errorf("%s: unitsPerEm %d here, gopdf %d", f.Name, f.info.upem, p.UnitsPerEm())
		}
		t.Logf("%s (%s#%d): %d characters", f.Name, f.Path, f.Face, f.Chars)
	}
}

// gopdfGlyph asks gopdf, which may panic on what this package refuses.
func gopdfGlyph(s *gopdf.SubsetFontObj, c rune) (g uint, err error) {
	defer func() {
		if recover() != nil {
			g, err = 0, gopdf.ErrGlyphNotFound
		}
	}()
	return s.CharCodeToGlyphIndex(c)
}

// A .ttc face extracted in memory is a font that golang.org/x/image's
// parser (stricter than gopdf's: it wants aligned tables, which the
// WenQuanYi collections lack) also reads.
func TestExtractFaceAligned(t *testing.T) {
	data, err := os.ReadFile("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
	if err != nil {
		t.Fatalf("WenQuanYi Zen Hei is missing (.ci/setup installs fonts-wqy-zenhei): %v", err)
	}
	offs, err := faceOffsets(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(offs) != 3 {
		t.Fatalf("%d faces, %v", len(offs), err)
	}
	for i, off := range offs {
		ttf, err := extractFace(data, off)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := readTables(bytes.NewReader(ttf), int64(len(ttf)), 0)
		if err != nil {
			t.Fatal(err)
		}
		for tag, tb := range tables {
			if tb.off%4 != 0 {
				t.Errorf("face %d: table %q at %d, not aligned", i, tag, tb.off)
			}
		}
		a, err := parseFace(bytes.NewReader(ttf), int64(len(ttf)), 0)
		if err != nil {
			t.Fatal(err)
		}
		b, err := parseFace(bytes.NewReader(data), int64(len(data)), off)
		if err != nil {
			t.Fatal(err)
		}
		if !sameMapping(a, b) {
			t.Errorf("face %d: the extracted face maps characters differently", i)
		}
	}
}
