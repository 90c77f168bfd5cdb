package documents

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"unicode/utf16"
)

// This file reads just enough of an OpenType/TrueType file to decide
// whether gopdf can embed a face and which characters it can draw with
// it: the table directory (of a .ttf or of one face of a .ttc), the cmap
// subtables gopdf uses, the advance widths and a few metrics. The lookups
// mirror gopdf v0.33.0's own (fontmaker/core and subset_font_obj.go), so
// that a character counted as covered here is one gopdf really draws —
// gopdf itself silently leaves out, or draws glyph 0 for, what it cannot
// map, and panics on some malformed cmaps; the checks here keep such
// characters away from it.

// sfntTable is one entry of a face's table directory.
type sfntTable struct {
	tag    string
	off, n uint32
}

// tablesGopdfNeeds are the tables gopdf's parser reads (it fails
// without any of them).
var tablesGopdfNeeds = []string{"head", "hhea", "maxp", "hmtx", "cmap", "name", "OS/2", "post", "loca", "glyf"}

// faceOffsets returns where each face's table directory starts: one for
// a single font file, one per face for a collection (ttcf).
func faceOffsets(src source, size int64) ([]uint32, error) {
	hdr, err := readAt(src, size, 0, 12)
	if err != nil {
		return nil, errFont("too short to be a font")
	}
	if string(hdr[:4]) != "ttcf" {
		return []uint32{0}, nil
	}
	n := binary.BigEndian.Uint32(hdr[8:])
	if n == 0 || n > 256 {
		return nil, errFont("a collection with %d faces", n)
	}
	dir, err := readAt(src, size, 12, 4*uint64(n))
	if err != nil {
		return nil, err
	}
	offs := make([]uint32, n)
	for i := range offs {
		offs[i] = binary.BigEndian.Uint32(dir[4*i:])
	}
	return offs, nil
}

// outlineKind says what outlines a face has, from its version tag.
func outlineKind(src source, size int64, off uint32) string {
	b, err := readAt(src, size, uint64(off), 4)
	if err != nil {
		return "?"
	}
	switch v := string(b); v {
	case "\x00\x01\x00\x00", "true":
		return "TrueType"
	case "OTTO":
		return "CFF"
	default:
		return fmt.Sprintf("%q", v)
	}
}

// source is a font file, read in pieces: a file on disk (only the
// tables needed are read) or bytes in memory.
type source interface {
	ReadAt(p []byte, off int64) (int, error)
}

// readAt reads n bytes at off, or fails.
func readAt(src source, size int64, off, n uint64) ([]byte, error) {
	if off+n > uint64(size) || n > 1<<30 {
		return nil, errFont("%d bytes at %d are past the end of the file", n, off)
	}
	b := make([]byte, n)
	if _, err := src.ReadAt(b, int64(off)); err != nil {
		return nil, errFont("%v", err)
	}
	return b, nil
}

// readTables reads the table directory of the face at off.
func readTables(src source, size int64, off uint32) (map[string]sfntTable, error) {
	hdr, err := readAt(src, size, uint64(off), 12)
	if err != nil {
		return nil, err
	}
	num := int(binary.BigEndian.Uint16(hdr[4:]))
	dir, err := readAt(src, size, uint64(off)+12, 16*uint64(num))
	if err != nil {
		return nil, err
	}
	tables := make(map[string]sfntTable, num)
	for i := 0; i < num; i++ {
		p := dir[16*i:]
		t := sfntTable{tag: string(p[:4]), off: binary.BigEndian.Uint32(p[8:]), n: binary.BigEndian.Uint32(p[12:])}
		if uint64(t.off)+uint64(t.n) > uint64(size) {
			return nil, errFont("table %q out of the file", t.tag)
		}
		tables[t.tag] = t
	}
	return tables, nil
}

// extractFace makes a standalone TrueType file of the face at off: the
// face's tables copied one after another, 4-byte aligned, with a fresh
// directory and the version gopdf insists on (0x00010000). A face of a
// .ttc (whose tables are shared and whose offsets count from the start
// of the collection), or a .ttf whose tables are not aligned, becomes a
// file that gopdf and golang.org/x/image/font/sfnt both read.
func extractFace(data []byte, off uint32) ([]byte, error) {
	tables, err := readTables(bytes.NewReader(data), int64(len(data)), off)
	if err != nil {
		return nil, err
	}
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		size += int(t.n+3) &^ 3
	}
	sort.Strings(tags)
	out := make([]byte, 12+16*len(tables), size)
	binary.BigEndian.PutUint32(out[0:], 0x00010000)
	n := len(tables)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	sel := 0
	for 1<<(sel+1) <= n {
		sel++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16<<sel))
	binary.BigEndian.PutUint16(out[8:], uint16(sel))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-(16<<sel)))
	for i, tag := range tags {
		t := tables[tag]
		pos := len(out)
		body := data[t.off : t.off+t.n]
		out = append(out, body...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		var sum uint32
		padded := out[pos:]
		for j := 0; j+4 <= len(padded); j += 4 {
			sum += binary.BigEndian.Uint32(padded[j:])
		}
		if tag == "head" && t.n >= 12 {
			// checkSumAdjustment is left as it was; the table's own sum
			// counts it as zero.
			sum -= binary.BigEndian.Uint32(padded[8:])
		}
		d := 12 + 16*i
		copy(out[d:], tag)
		binary.BigEndian.PutUint32(out[d+4:], sum)
		binary.BigEndian.PutUint32(out[d+8:], uint32(pos))
		binary.BigEndian.PutUint32(out[d+12:], t.n)
	}
	return out, nil
}

// faceInfo is what a face tells about itself: its name, metrics, and
// the character → glyph mapping gopdf will use.
type faceInfo struct {
	name      string
	upem      int
	numGlyphs int
	ascent    int // hhea, in font units
	descent   int // hhea, negative
	// bmpRunes/bmpGlyphs: the (3,1) format 4 mapping, sorted by rune.
	bmpRunes  []uint16
	bmpGlyphs []uint16
	// groups: the (3,10) format 12 groups, in file order (gopdf takes
	// the first that holds a character).
	groups [][3]uint32
	// widths: advance widths as gopdf puts them in the PDF (1/1000 em).
	widths []uint16
}

// parseFace reads the face at off and checks it is one gopdf can embed.
// Only the tables it needs are read.
func parseFace(src source, size int64, off uint32) (*faceInfo, error) {
	if k := outlineKind(src, size, off); k != "TrueType" {
		if k == "CFF" {
			return nil, ErrCFF
		}
		return nil, errFont("not a TrueType face (version %s)", k)
	}
	tables, err := readTables(src, size, off)
	if err != nil {
		return nil, err
	}
	for _, tag := range tablesGopdfNeeds {
		if _, ok := tables[tag]; !ok {
			return nil, errFont("no %q table", tag)
		}
	}
	table := func(tag string, min uint32) ([]byte, error) {
		t := tables[tag]
		if t.n < min {
			return nil, errFont("%q table too short", tag)
		}
		return readAt(src, size, uint64(t.off), uint64(t.n))
	}
	u16 := func(b []byte, p int) int { return int(binary.BigEndian.Uint16(b[p:])) }
	f := &faceInfo{}
	head, err := table("head", 54)
	if err != nil {
		return nil, err
	}
	f.upem = u16(head, 18)
	if f.upem < 16 || f.upem > 16384 {
		return nil, errFont("unitsPerEm %d", f.upem)
	}
	hhea, err := table("hhea", 36)
	if err != nil {
		return nil, err
	}
	f.ascent = int(int16(u16(hhea, 4)))
	f.descent = int(int16(u16(hhea, 6)))
	numHMetrics := u16(hhea, 34)
	maxp, err := table("maxp", 6)
	if err != nil {
		return nil, err
	}
	f.numGlyphs = u16(maxp, 4)
	if numHMetrics == 0 || numHMetrics > f.numGlyphs {
		return nil, errFont("numberOfHMetrics %d of %d glyphs", numHMetrics, f.numGlyphs)
	}
	hmtx, err := table("hmtx", uint32(4*numHMetrics))
	if err != nil {
		return nil, err
	}
	f.widths = make([]uint16, f.numGlyphs)
	for g := range f.widths {
		adv := u16(hmtx, 4*min(g, numHMetrics-1))
		f.widths[g] = uint16(adv * 1000 / f.upem) // as gopdf: integer
	}
	locaEntries := int(tables["loca"].n / 4)
	if u16(head, 50) == 0 {
		locaEntries = int(tables["loca"].n / 2)
	}
	if locaEntries < f.numGlyphs+1 {
		// gopdf indexes loca[glyph+1]: only glyphs below this are safe.
		f.numGlyphs = max(0, locaEntries-1)
	}
	name, err := table("name", 0)
	if err != nil {
		return nil, err
	}
	f.name = faceName(name)
	cmap, err := table("cmap", 4)
	if err != nil {
		return nil, err
	}
	if err := f.readCmap(cmap); err != nil {
		return nil, err
	}
	return f, nil
}

// readCmap reads the (3,1) format 4 subtable (gopdf fails without it)
// and the (3,10) format 12 one if there is one, as gopdf does.
func (f *faceInfo) readCmap(data []byte) error {
	u16 := func(p uint64) uint32 { return uint32(binary.BigEndian.Uint16(data[p:])) }
	u32 := func(p uint64) uint32 { return binary.BigEndian.Uint32(data[p:]) }
	in := func(p, n uint64) bool { return p+n <= uint64(len(data)) }
	num := uint64(u16(2))
	if !in(4, 8*num) {
		return errFont("cmap directory too short")
	}
	var off31, off310 uint64
	found31, found310 := false, false
	for i := uint64(0); i < num; i++ {
		p := 4 + 8*i
		pid, eid, o := u16(p), u16(p+2), uint64(u32(p+4))
		if pid == 3 && eid == 1 { // gopdf keeps the last one
			off31, found31 = o, true
		}
		if pid == 3 && eid == 10 && !found310 { // and the first of these
			off310, found310 = o, true
		}
	}
	if !found31 || off31 == 0 {
		return errFont("no Windows Unicode (3,1) cmap, which gopdf needs")
	}
	p := off31
	if !in(p, 14) || u16(p) != 4 {
		return errFont("the (3,1) cmap is not format 4, which gopdf needs")
	}
	length := u16(p + 2)
	segCount := uint64(u16(p+6) / 2)
	if segCount == 0 || !in(p+14, 8*segCount+2) {
		return errFont("format 4 cmap: bad segment count")
	}
	ends := p + 14
	starts := ends + 2*segCount + 2
	deltas := starts + 2*segCount
	ranges := deltas + 2*segCount
	// gopdf reads this many glyph IDs after the segments (from the
	// subtable's length field) and fails if the file ends first.
	glyphCount := int64(length) - int64(16+8*segCount)
	if glyphCount < 0 {
		return errFont("format 4 cmap: length %d shorter than its segments", length)
	}
	glyphCount /= 2
	glyphIDs := ranges + 2*segCount
	if !in(glyphIDs, uint64(2*glyphCount)) {
		return errFont("format 4 cmap runs past its table")
	}
	prevEnd := int64(-1)
	for s := uint64(0); s < segCount; s++ {
		end := int64(u16(ends + 2*s))
		if end <= prevEnd {
			return errFont("format 4 cmap: segments out of order")
		}
		prevEnd = end
	}
	if prevEnd != 0xFFFF {
		return errFont("format 4 cmap: no final segment")
	}
	next := uint32(0) // a character in two segments is the first's, as in gopdf
	for s := uint64(0); s < segCount; s++ {
		end, start := u16(ends+2*s), u16(starts+2*s)
		delta, ro := u16(deltas+2*s), u16(ranges+2*s)
		from := max(start, next)
		next = end + 1
		for c := from; c <= end && c < 0xFFFF; c++ {
			var g uint32
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else {
				idx := int64(ro/2) + int64(c-start) - int64(segCount-s)
				if idx < 0 || idx >= glyphCount {
					continue // gopdf would index out of range
				}
				g = u16(glyphIDs + 2*uint64(idx))
				if g == 0 {
					continue
				}
				g = (g + delta) & 0xFFFF
			}
			if g == 0 || int(g) >= f.numGlyphs {
				continue
			}
			f.bmpRunes = append(f.bmpRunes, uint16(c))
			f.bmpGlyphs = append(f.bmpGlyphs, uint16(g))
		}
	}
	if !found310 {
		return nil
	}
	p = off310
	if !in(p, 16) || u16(p) != 12 || u16(p+2) != 0 {
		return errFont("the (3,10) cmap is not format 12, which gopdf needs")
	}
	n := uint64(u32(p + 12))
	if !in(p+16, 12*n) {
		return errFont("format 12 cmap runs past its table")
	}
	f.groups = make([][3]uint32, 0, n)
	for i := uint64(0); i < n; i++ {
		q := p + 16 + 12*i
		f.groups = append(f.groups, [3]uint32{u32(q), u32(q + 4), u32(q + 8)})
	}
	return nil
}

// glyph returns the glyph gopdf would draw r with, or 0 when it has
// none (or one gopdf would mishandle).
func (f *faceInfo) glyph(r rune) int {
	if r < 0 {
		return 0
	}
	if r <= 0xFFFF {
		i := sort.Search(len(f.bmpRunes), func(i int) bool { return rune(f.bmpRunes[i]) >= r })
		if i < len(f.bmpRunes) && rune(f.bmpRunes[i]) == r {
			return int(f.bmpGlyphs[i])
		}
		return 0
	}
	v := uint32(r)
	for _, g := range f.groups {
		if v >= g[0] && v <= g[1] {
			gid := uint64(v-g[0]) + uint64(g[2])
			if gid == 0 || gid >= uint64(f.numGlyphs) {
				return 0
			}
			return int(gid)
		}
	}
	return 0
}

// width is the advance of glyph g in 1/1000 em.
func (f *faceInfo) width(g int) int {
	if g < 0 || g >= len(f.widths) {
		return 0
	}
	return int(f.widths[g])
}

// faceName reads the full name (ID 4), else the family (ID 1), from a
// name table.
func faceName(data []byte) string {
	if len(data) < 6 {
		return ""
	}
	u16 := func(p int) int { return int(binary.BigEndian.Uint16(data[p:])) }
	count, strOff := u16(2), u16(4)
	best, bestRank := "", 99
	for i := 0; i < count && 6+12*(i+1) <= len(data); i++ {
		p := 6 + 12*i
		pid, eid, lang, id, n, o := u16(p), u16(p+2), u16(p+4), u16(p+6), u16(p+8), u16(p+10)
		if id != 4 && id != 1 {
			continue
		}
		start := strOff + o
		if start+n > len(data) {
			continue
		}
		raw := data[start : start+n]
		var s string
		rank := 10
		switch {
		case pid == 3 && (eid == 1 || eid == 10):
			u := make([]uint16, len(raw)/2)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(raw[2*j:])
			}
			s = string(utf16.Decode(u))
			rank = 2
			if lang == 0x409 {
				rank = 0
			}
		case pid == 1 && eid == 0:
			s = string(raw) // Mac Roman; only ASCII names matter here
			rank = 4
		default:
			continue
		}
		if id == 1 {
			rank++
		}
		if rank < bestRank {
			best, bestRank = s, rank
		}
	}
	return best
}
