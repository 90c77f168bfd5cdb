package documents

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/signintech/gopdf"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// maxFontBytes bounds a font file read into memory (BabelStone Han, the
// largest CJK .ttf Debian ships, is 51 MB).
const maxFontBytes = 128 << 20

// SystemFontPaths is where New looks for fonts when Options.NoSystemFonts
// is false, in order. It puts first the TrueType (glyf) CJK fonts gopdf
// can embed: WenQuanYi Zen Hei (Debian fonts-wqy-zenhei: Latin, the CJK
// block and Extension A), Microsoft YaHei and SimSun on Windows; then
// those with the rare characters of names: HanaMin A/B (fonts-hanazono:
// Extensions A to F, nearly all of B), SimSun-ExtB on Windows; then
// drivers/textimage's list (the same fonts the receipt printer and the
// pad use; its CFF fonts, Noto Sans CJK among them, are skipped: gopdf
// cannot embed them). A path that does not exist is passed over.
func SystemFontPaths() []string {
	var first []string
	if runtime.GOOS == "windows" {
		dir := filepath.Join(os.Getenv("WINDIR"), "Fonts")
		if os.Getenv("WINDIR") == "" {
			dir = `C:\Windows\Fonts`
		}
		first = []string{filepath.Join(dir, "msyh.ttc"), filepath.Join(dir, "simsun.ttc"),
			filepath.Join(dir, "simhei.ttf"), filepath.Join(dir, "simsunb.ttf")}
	} else {
		first = []string{
			"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
			"/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
			"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
			"/usr/share/fonts/fonts-cesi/CESI_HT_GB18030.TTF",
			"/usr/share/fonts/fonts-cesi/CESI_SS_GB18030.TTF",
			"/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
			"/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
			"/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
		}
	}
	out := first
	for _, p := range textimage.SystemFonts() {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// FontInfo is a font face a Renderer draws with.
type FontInfo struct {
	Path  string
	Face  int    // the face of a collection (.ttc); 0 for a single font
	Name  string // e.g. "WenQuanYi Zen Hei"
	Chars int    // how many characters it maps
}

// face is a font face of a Renderer: what New measured, and the face
// loaded into gopdf once a document needs it.
type face struct {
	FontInfo
	family string
	info   *faceInfo
	size   int64 // of the file when it was read

	once    sync.Once
	fc      *gopdf.FontContainer
	errLoad error
}

// load reads the face into gopdf, once. The file is read again (New
// kept only what it needs to measure text) and checked against what New
// measured.
func (f *face) load() (*gopdf.FontContainer, error) {
	f.once.Do(func() {
		fail := func(err error) { f.errLoad = &FontError{Path: f.Path, Face: f.Face, Err: err} }
		data, err := readFontFile(f.Path)
		if err != nil {
			fail(err)
			return
		}
		offs, err := faceOffsets(bytes.NewReader(data), int64(len(data)))
		if err != nil || f.Face >= len(offs) || int64(len(data)) != f.size {
			fail(ErrFontChanged)
			return
		}
		again, err := parseFace(bytes.NewReader(data), int64(len(data)), offs[f.Face])
		if err != nil || !sameMapping(again, f.info) {
			fail(ErrFontChanged)
			return
		}
		ttf, err := extractFace(data, offs[f.Face])
		if err != nil {
			fail(err)
			return
		}
		var fc gopdf.FontContainer
		if err := fc.AddTTFFontData(f.family, ttf); err != nil {
			fail(fmt.Errorf("%w: gopdf: %v", ErrFontFormat, err))
			return
		}
		f.fc = &fc
	})
	return f.fc, f.errLoad
}

// sameMapping: the face still maps characters to the same glyphs with
// the same widths.
func sameMapping(a, b *faceInfo) bool {
	return a.numGlyphs == b.numGlyphs && a.upem == b.upem && slices.Equal(a.bmpRunes, b.bmpRunes) &&
		slices.Equal(a.bmpGlyphs, b.bmpGlyphs) && slices.Equal(a.groups, b.groups) && slices.Equal(a.widths, b.widths)
}

func readFontFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxFontBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrFontFormat, fi.Size(), maxFontBytes)
	}
	return os.ReadFile(path)
}

// splitFace splits "file.ttc#2" into the path and face 2; a path without
// a face number gives face -1 (choose).
func splitFace(spec string) (string, int) {
	if i := strings.LastIndexByte(spec, '#'); i > 0 {
		if n, err := strconv.Atoi(spec[i+1:]); err == nil && n >= 0 {
			if _, err := os.Stat(spec); err != nil {
				return spec[:i], n
			}
		}
	}
	return spec, -1
}

// openFace measures a face of the font at spec ("path" or "path#face").
// For a collection without a face number it takes the first TrueType
// face whose name says Simplified Chinese (SC, CN, GB), else the first
// TrueType face.
func openFace(spec string) (*face, error) {
	path, want := splitFace(spec)
	file, err := os.Open(path)
	if err != nil {
		return nil, &FontError{Path: path, Face: max(want, 0), Err: err}
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return nil, &FontError{Path: path, Face: max(want, 0), Err: err}
	}
	if fi.Size() > maxFontBytes {
		return nil, &FontError{Path: path, Err: fmt.Errorf("%w: %d bytes, more than %d", ErrFontFormat, fi.Size(), maxFontBytes)}
	}
	size := fi.Size()
	offs, err := faceOffsets(file, size)
	if err != nil {
		return nil, &FontError{Path: path, Err: err}
	}
	if want >= len(offs) {
		return nil, &FontError{Path: path, Face: want, Err: fmt.Errorf("%w: the file has %d faces", ErrFontFormat, len(offs))}
	}
	pick := want
	if pick < 0 {
		var cff error
		for i, off := range offs {
			kind := outlineKind(file, size, off)
			if kind == "CFF" {
				cff = ErrCFF
			}
			if kind != "TrueType" {
				continue
			}
			if pick < 0 {
				pick = i
			}
			tables, err := readTables(file, size, off)
			if err != nil {
				continue
			}
			nt, ok := tables["name"]
			if !ok {
				continue
			}
			raw, err := readAt(file, size, uint64(nt.off), uint64(nt.n))
			if err != nil {
				continue
			}
			name := faceName(raw)
			if strings.Contains(name, " SC") || strings.Contains(name, " CN") || strings.Contains(name, "GB") {
				pick = i
				break
			}
		}
		if pick < 0 {
			if cff == nil {
				cff = errFont("no TrueType face")
			}
			return nil, &FontError{Path: path, Err: cff}
		}
	}
	info, err := parseFace(file, size, offs[pick])
	if err != nil {
		return nil, &FontError{Path: path, Face: pick, Err: err}
	}
	return &face{FontInfo: FontInfo{Path: path, Face: pick, Name: info.name, Chars: len(info.bmpRunes) + countGroups(info)},
		info: info, size: size}, nil
}

func countGroups(f *faceInfo) int {
	n := 0
	for _, g := range f.groups {
		if g[0] > 0xFFFF && g[1] >= g[0] {
			n += int(g[1] - g[0] + 1)
		}
	}
	return n
}

// findFaces opens the configured fonts (each must open) and then, unless
// noSystem, the system's; it keeps every face that adds characters the
// ones before it lack, and reports the others it could not use.
func findFaces(configured []string, noSystem bool) ([]*face, []error, error) {
	var faces []*face
	var skipped []error
	seen := map[string]bool{}
	add := func(f *face) {
		f.family = "f" + strconv.Itoa(len(faces))
		faces = append(faces, f)
	}
	for _, spec := range configured {
		if spec == "" {
			continue
		}
		f, err := openFace(spec)
		if err != nil {
			return nil, nil, err
		}
		seen[spec] = true
		add(f)
	}
	if !noSystem {
		for _, p := range SystemFontPaths() {
			if seen[p] {
				continue
			}
			if _, err := os.Stat(p); err != nil {
				continue
			}
			f, err := openFace(p)
			if err != nil {
				skipped = append(skipped, err)
				continue
			}
			if !addsChars(faces, f) {
				continue
			}
			add(f)
		}
	}
	has := func(r rune) bool {
		for _, f := range faces {
			if f.info.glyph(r) != 0 {
				return true
			}
		}
		return false
	}
	if len(faces) == 0 || !has('中') || !has('0') {
		return nil, skipped, fmt.Errorf("%w (tried %s)", errors.Join(append([]error{ErrNoFont}, skipped...)...), strings.Join(SystemFontPaths(), ", "))
	}
	return faces, skipped, nil
}

// addsChars: f maps some character none of faces has.
func addsChars(faces []*face, f *face) bool {
	covered := func(r rune) bool {
		for _, g := range faces {
			if g.info.glyph(r) != 0 {
				return true
			}
		}
		return false
	}
	for _, r := range f.info.bmpRunes {
		if !covered(rune(r)) {
			return true
		}
	}
	for _, g := range f.info.groups {
		for r := g[0]; r <= g[1] && r <= 0x10FFFF; r++ {
			if r > 0xFFFF && f.info.glyph(rune(r)) != 0 && !covered(rune(r)) {
				return true
			}
		}
	}
	return false
}
