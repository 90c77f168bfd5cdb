package sigpad

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"unicode"

	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// The buttons of a capture, as the protocol names them.
const (
	ButtonConfirm = "confirm"
	ButtonRetry   = "retry"
	ButtonCancel  = "cancel"
)

// ButtonLabels are the words on the buttons, the same as on the kiosk's
// screen (flow-screens §7: the same action always has the same label).
var ButtonLabels = map[string]string{ButtonCancel: "取消", ButtonRetry: "重新签名", ButtonConfirm: "签好了"}

// PromptText is what a prompt shows.
type PromptText struct {
	Title   string // the document's title
	Summary string // a short summary; lines break at "\n" and where they run out of room
	Signer  string // the signer's name
}

// Prompt is the image a pad shows while someone signs: what is being
// signed, by whom, where to sign, and the buttons.
type Prompt struct {
	Image *image.RGBA
	// PNG is Image encoded; SHA256 its hex digest (the bundle's
	// promptSha256).
	PNG    []byte
	SHA256 string
	// Box is the signing area, in screen pixels.
	Box image.Rectangle
	// Buttons are the buttons' rectangles by name.
	Buttons map[string]image.Rectangle
}

// ButtonAt returns the button at screen point p, or "".
func (p *Prompt) ButtonAt(pt image.Point) string {
	for name, r := range p.Buttons {
		if pt.In(r) {
			return name
		}
	}
	return ""
}

// Colours of the prompt. On a mono pad everything that is not white
// prints black.
var (
	colInk     = color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
	colTitle   = color.RGBA{0x0d, 0x2b, 0x5e, 0xff}
	colMuted   = color.RGBA{0x55, 0x55, 0x55, 0xff}
	colBox     = color.RGBA{0x6b, 0x7a, 0x90, 0xff}
	colBaseln  = color.RGBA{0xb8, 0xc2, 0xd0, 0xff}
	colPrimary = color.RGBA{0x15, 0x65, 0xc0, 0xff}
	colGrey    = color.RGBA{0xe3, 0xe6, 0xea, 0xff}
	colWhite   = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// RenderPrompt draws the prompt for a screen of w×h pixels (mono: one bit
// per pixel) with fonts. It lays out, top to bottom: the title, the
// summary (as many lines as fit, the last one ending in "…" when cut),
// "签名人：NAME" and "请在框内签名", the signing box, and the three
// buttons. Small screens (the STU-430's 320×200) drop the summary.
func RenderPrompt(fonts textimage.Chain, w, h int, mono bool, t PromptText) *Prompt {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(colWhite), image.Point{}, draw.Src)
	u := float64(h) / 480 // layout unit: the STU-540's height is 480
	px := func(v float64) int { return max(1, int(v*u+0.5)) }
	margin := px(22)
	if w < 400 {
		margin = px(14)
	}
	y := px(14)

	// Sizes: on the STU-430's small screen text is kept readable rather
	// than scaled down with the screen.
	small := h < 300
	titlePx, sumPx, labelPx, btnPx := px(34), px(20), px(22), px(28)
	if small {
		titlePx, labelPx, btnPx = max(titlePx, 18), max(labelPx, 14), max(btnPx, 16)
	}

	// Title.
	m := fonts.Metrics(titlePx)
	title := fitLine(fonts, oneLine(t.Title), titlePx, w-2*margin)
	tx := max(margin, (w-fonts.Measure(title, titlePx))/2)
	baseline := y + m.Ascent
	fonts.Draw(img, tx, baseline, title, titlePx, colTitle)
	fonts.Draw(img, tx+1, baseline, title, titlePx, colTitle) // a heavier face than the font's regular one
	y = baseline + m.Descent + px(8)

	// The button row, from the bottom.
	btnH := max(px(62), 34)
	btnY := h - margin/2 - btnH
	lm := fonts.Metrics(labelPx)
	minBox := px(170)

	// Summary: up to three lines, while the box keeps its least height.
	if !small && strings.TrimSpace(t.Summary) != "" {
		sm := fonts.Metrics(sumPx)
		lineH := sm.Height + px(5)
		room := btnY - px(12) - minBox - px(8) - lm.Height - px(6) - y
		lines := wrap(fonts, t.Summary, sumPx, w-2*margin, min(3, room/lineH))
		for _, l := range lines {
			fonts.Draw(img, margin, y+sm.Ascent, l, sumPx, colInk)
			y += lineH
		}
		y += px(4)
	}

	// The label line: who signs, and where.
	ly := y + px(4) + lm.Ascent
	signer := "签名人：" + oneLine(t.Signer)
	hint := "请在框内签名"
	hintW := fonts.Measure(hint, labelPx)
	signer = fitLine(fonts, signer, labelPx, w-2*margin-hintW-px(12))
	fonts.Draw(img, margin, ly, signer, labelPx, colInk)
	fonts.Draw(img, w-margin-hintW, ly, hint, labelPx, colMuted)
	boxY := ly + lm.Descent + px(8)
	boxH := btnY - px(12) - boxY

	// The box, with a baseline to sign on.
	box := image.Rect(margin, boxY, w-margin, boxY+boxH)
	stroke := max(1, px(2))
	if mono {
		stroke = 1
	}
	rectOutline(img, box, stroke, colBox)
	base := boxY + boxH*3/4
	for x := box.Min.X + px(24); x < box.Max.X-px(24); x += px(12) {
		fill(img, image.Rect(x, base, min(x+px(6), box.Max.X-px(24)), base+max(1, px(1))), colBaseln)
	}

	// Buttons: 取消, 重新签名, 签好了, left to right.
	gap := px(14)
	bw := (w - 2*margin - 2*gap) / 3
	bm := fonts.Metrics(btnPx)
	buttons := map[string]image.Rectangle{}
	for i, name := range []string{ButtonCancel, ButtonRetry, ButtonConfirm} {
		r := image.Rect(margin+i*(bw+gap), btnY, margin+i*(bw+gap)+bw, btnY+btnH)
		buttons[name] = r
		var bg, fg, edge color.RGBA
		switch name {
		case ButtonCancel:
			bg, fg, edge = colGrey, colInk, colBox
		case ButtonRetry:
			bg, fg, edge = colWhite, colPrimary, colPrimary
		default:
			bg, fg, edge = colPrimary, colWhite, colPrimary
		}
		if mono {
			bg, fg, edge = colWhite, colInk, colInk
			if name == ButtonConfirm {
				bg, fg = colInk, colWhite
			}
		}
		fill(img, r, bg)
		rectOutline(img, r, stroke, edge)
		label := ButtonLabels[name]
		lw := fonts.Measure(label, btnPx)
		fonts.Draw(img, r.Min.X+(r.Dx()-lw)/2, r.Min.Y+(r.Dy()-bm.Height)/2+bm.Ascent, label, btnPx, fg)
	}

	if mono {
		threshold(img)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	enc.Encode(&buf, img) // an in-memory RGBA image does not fail to encode
	sum := sha256.Sum256(buf.Bytes())
	return &Prompt{Image: img, PNG: buf.Bytes(), SHA256: hex.EncodeToString(sum[:]), Box: box, Buttons: buttons}
}

// oneLine turns line breaks and control characters into spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) }), " ")
}

// fitLine cuts s to fit width at px, ending it with "…" when cut.
func fitLine(fonts textimage.Chain, s string, px, width int) string {
	if fonts.Measure(s, px) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && fonts.Measure(string(rs)+"…", px) > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// wrap breaks s into at most maxLines lines of width at px: at "\n", and
// between any two characters where a line runs out of room (Chinese has
// no spaces to break at). When the text does not fit, the last line ends
// in "…".
func wrap(fonts textimage.Chain, s string, px, width, maxLines int) []string {
	if maxLines <= 0 {
		return nil
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		para = strings.TrimSpace(oneLine(para))
		if para == "" {
			continue
		}
		cur := []rune{}
		for _, r := range para {
			if len(cur) > 0 && fonts.Measure(string(append(cur, r)), px) > width {
				lines = append(lines, string(cur))
				cur = cur[:0]
				if r == ' ' {
					continue
				}
			}
			cur = append(cur, r)
		}
		if len(cur) > 0 {
			lines = append(lines, string(cur))
		}
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		last := lines[maxLines-1]
		lines[maxLines-1] = fitLine(fonts, last+"……", px, width)
		if !strings.HasSuffix(lines[maxLines-1], "…") {
			lines[maxLines-1] = fitLine(fonts, last+"…", px, width)
		}
	}
	return lines
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r.Intersect(img.Rect), image.NewUniform(c), image.Point{}, draw.Src)
}

func rectOutline(img *image.RGBA, r image.Rectangle, t int, c color.RGBA) {
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t), c)
	fill(img, image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y), c)
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y), c)
	fill(img, image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// threshold makes img pure black and white, as a one-bit screen shows it:
// anti-aliased edges go to whichever is nearer, not all to black.
func threshold(img *image.RGBA) {
	for i := 0; i < len(img.Pix); i += 4 {
		l := (299*int(img.Pix[i]) + 587*int(img.Pix[i+1]) + 114*int(img.Pix[i+2])) / 1000
		v := uint8(0)
		if l >= 150 {
			v = 0xff
		}
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v, 0xff
	}
}
