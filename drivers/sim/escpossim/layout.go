package escpossim

import "strings"

// lineBuf is the print buffer of standard mode: the characters of the
// line being assembled, at positions from the print area's left edge.
type lineBuf struct {
	glyphs []lineGlyph
	x      int
}

type lineGlyph struct {
	g     Glyph
	style Style
}

// maxLineGlyphs bounds a line; a printer's print buffer holds one line.
const maxLineGlyphs = 4096

// text prints the character at the start of buf.
func (in *Interpreter) text(buf []byte) (int, bool) {
	c, ok := in.decodeChar(buf)
	if !ok {
		return 0, false
	}
	in.rec("text", buf[:c.n], "")
	in.addChar(c)
	return c.n, true
}

// addChar puts a character into the line buffer, printing the line first
// when the character does not fit (automatic line wrap).
func (in *Interpreter) addChar(c char) {
	st := &in.st
	var g Glyph
	var style Style
	if c.wide {
		style = Style{Font: FontHanzi, Width: st.cw, Height: st.ch, Underline: st.kul}
		g = Glyph{W: 24 * st.cw, H: 24 * st.ch, Left: st.kl * st.cw}
		g.Advance = g.Left + g.W + st.kr*st.cw
	} else {
		cw, chh := in.singleCell()
		style = Style{Font: FontA, Width: st.sw, Height: st.sh, Underline: st.ul}
		if st.fontB {
			style.Font = FontB
		}
		g = Glyph{W: cw * st.sw, H: chh * st.sh}
		g.Advance = g.W + st.right*st.sw
	}
	style.Bold, style.Reverse, style.UpsideDown = st.bold, st.reverse, st.upside
	g.Text = c.text
	_, width := in.area()
	if len(in.line.glyphs) > 0 && in.line.x+g.Advance > width {
		in.printLine(in.st.spacing)
	}
	if len(in.line.glyphs) >= maxLineGlyphs {
		return
	}
	g.X = in.line.x
	in.line.glyphs = append(in.line.glyphs, lineGlyph{g: g, style: style})
	in.line.x += g.Advance
}

// lineStart reports whether the line buffer holds no characters, the
// condition for commands that work only at the start of a line.
func (in *Interpreter) lineStart() bool { return len(in.line.glyphs) == 0 }

// printLine prints the line buffer and feeds at least feed rows (and at
// least the tallest character). An empty buffer just feeds.
func (in *Interpreter) printLine(feed int) {
	if len(in.line.glyphs) == 0 {
		in.line.x = 0
		in.feed(feed)
		return
	}
	left, width := in.area()
	tall, used := 0, 0
	for _, lg := range in.line.glyphs {
		tall = max(tall, lg.g.H)
		used = max(used, lg.g.X+lg.g.Advance)
	}
	off := left + alignOffset(in.st.align, width, used)
	rows := max(feed, tall)
	l := &TextLine{}
	for _, lg := range in.line.glyphs {
		g := lg.g
		g.X += off
		g.Top = tall - g.H
		if k := len(l.Runs) - 1; k >= 0 && l.Runs[k].Style == lg.style {
			l.Runs[k].Glyphs = append(l.Runs[k].Glyphs, g)
			l.Runs[k].Text += g.Text
		} else {
			l.Runs = append(l.Runs, Run{Text: g.Text, Style: lg.style, Glyphs: []Glyph{g}})
		}
	}
	gs := l.byX()
	prevEnd := -1
	var sb strings.Builder
	for _, g := range gs {
		if gap := g.X - prevEnd; prevEnd >= 0 && gap > 0 {
			sb.WriteString(strings.Repeat(" ", max(1, (gap+6)/12)))
		}
		prevEnd = max(prevEnd, g.X+g.Advance)
		sb.WriteString(g.Text)
	}
	l.Place = Place{X: gs[0].X, Y: in.roll.y(), Width: max(0, min(off+used, left+width)-gs[0].X), Height: rows}
	l.Text = strings.TrimSpace(sb.String())
	in.roll.add(l)
	in.roll.head += rows
	in.line = lineBuf{}
}

// feed advances the paper n rows.
func (in *Interpreter) feed(n int) {
	in.roll.page()
	in.roll.head += max(0, n)
}

// alignOffset is how far alignment moves something used dots wide within
// a print area width dots wide.
func alignOffset(align, width, used int) int {
	switch align {
	case 1:
		return max(0, (width-used)/2)
	case 2:
		return max(0, width-used)
	}
	return 0
}

// place returns where a graphic w dots wide goes on the current line,
// and its width clipped to the print area.
func (in *Interpreter) place(w int) (x, clipped int) {
	left, width := in.area()
	clipped = min(w, width)
	return left + alignOffset(in.st.align, width, clipped), clipped
}

// tab moves to the next tab stop (HT).
func (in *Interpreter) tab() string {
	cw, _ := in.singleCell()
	col := (cw + in.st.right) * in.st.sw
	stops := in.st.tabs
	if stops == nil {
		for i := 8; i <= 64; i += 8 {
			stops = append(stops, i)
		}
	}
	_, width := in.area()
	for _, s := range stops {
		if x := s * col; x > in.line.x {
			if x > width {
				break
			}
			in.line.x = x
			return ""
		}
	}
	return "ignored: no tab stop ahead in the print area"
}
