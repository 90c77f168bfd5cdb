package ink

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
)

// Options say how a drawing looks. The zero value is a sensible default.
type Options struct {
	// Width and Height are the picture's size in pixels. With both, the
	// pad's area is scaled to fit inside and centred; with one, the other
	// follows the pad's aspect; with neither, the longer side is
	// DefaultSide. At most MaxSide each.
	Width, Height int
	// Color is the ink's colour; its alpha is ignored. The zero value is
	// black.
	Color color.NRGBA
	// Background is transparent when its alpha is 0 (the zero value) and
	// that colour when its alpha is 255; nothing in between.
	Background color.NRGBA
	// MinWidth and MaxWidth are the stroke's width at no pressure and at
	// full pressure, in hundredths of a pixel (250 is 2.5 px); 0 takes the
	// default for the picture's size. From 10 to 10000, MinWidth ≤
	// MaxWidth.
	MinWidth, MaxWidth int
}

// Sizes of a picture.
const (
	DefaultSide = 600
	MaxSide     = 4096
)

// layout is a set of resolved options: the picture's size and the map
// from pad units to pixels.
type layout struct {
	opt        Options // every default filled in
	w, h       int
	scale      float64 // pixels per pad unit
	ox, oy     float64 // where pad (0, 0) lands
	minR, maxR float64 // stroke radius in pixels at no and at full pressure
}

// Resolve returns o with every default filled in for pad, as Draw uses
// it; an evidence bundle records these values.
func (o Options) Resolve(pad Pad) (Options, error) {
	l, err := o.layout(pad)
	return l.opt, err
}

func (o Options) layout(pad Pad) (layout, error) {
	if err := pad.check(); err != nil {
		return layout{}, err
	}
	if o.Width < 0 || o.Width > MaxSide || o.Height < 0 || o.Height > MaxSide {
		return layout{}, fmt.Errorf("%w: width and height must be 0 to %d, not %d and %d", ErrOptions, MaxSide, o.Width, o.Height)
	}
	if a := o.Background.A; a != 0 && a != 255 {
		return layout{}, fmt.Errorf("%w: the background must be transparent (alpha 0) or opaque (alpha 255), not alpha %d", ErrOptions, a)
	}
	w, h := o.Width, o.Height
	// The other side follows the pad's aspect, rounded, clamped to
	// 1…MaxSide (integer arithmetic: both values are at most 2^20·2^12).
	follow := func(side int, num, den int64) int {
		v := (int64(side)*num + den/2) / den
		return int(clamp64(v, 1, MaxSide))
	}
	switch {
	case w == 0 && h == 0:
		if pad.MaxX >= pad.MaxY {
			w = DefaultSide
			h = follow(w, pad.MaxY, pad.MaxX)
		} else {
			h = DefaultSide
			w = follow(h, pad.MaxX, pad.MaxY)
		}
	case h == 0:
		h = follow(w, pad.MaxY, pad.MaxX)
	case w == 0:
		w = follow(h, pad.MaxX, pad.MaxY)
	}
	o.Width, o.Height = w, h
	o.Color.A = 255
	if o.Background.A == 0 {
		o.Background = color.NRGBA{}
	}
	if o.MaxWidth == 0 {
		// 1/125 of the picture's longer side, at least 1.5 px.
		o.MaxWidth = max(150, max(w, h)*4/5)
		if o.MinWidth > o.MaxWidth {
			o.MaxWidth = o.MinWidth
		}
	}
	if o.MinWidth == 0 {
		o.MinWidth = max(10, o.MaxWidth/4)
	}
	if o.MinWidth < 10 || o.MaxWidth > 10000 || o.MinWidth > o.MaxWidth {
		return layout{}, fmt.Errorf("%w: widths must be 10 ≤ MinWidth ≤ MaxWidth ≤ 10000 (hundredths of a pixel), not %d and %d", ErrOptions, o.MinWidth, o.MaxWidth)
	}
	sx := float64(w) / float64(pad.MaxX)
	sy := float64(h) / float64(pad.MaxY)
	s := min(sx, sy)
	return layout{
		opt:   o,
		w:     w,
		h:     h,
		scale: s,
		ox:    (float64(w) - mul(float64(pad.MaxX), s)) / 2,
		oy:    (float64(h) - mul(float64(pad.MaxY), s)) / 2,
		minR:  float64(o.MinWidth) / 200,
		maxR:  float64(o.MaxWidth) / 200,
	}, nil
}

// FormatColor writes c as "#rrggbb", or "transparent" when its alpha is 0.
func FormatColor(c color.NRGBA) string {
	if c.A == 0 {
		return "transparent"
	}
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// ParseColor reads "#rrggbb" (an opaque colour) or "transparent".
func ParseColor(s string) (color.NRGBA, error) {
	if s == "transparent" {
		return color.NRGBA{}, nil
	}
	if len(s) != 7 || s[0] != '#' || strings.ToLower(s) != s {
		return color.NRGBA{}, fmt.Errorf("%w: colour %q is not #rrggbb (lower case) or transparent", ErrOptions, s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.NRGBA{}, fmt.Errorf("%w: colour %q is not #rrggbb (lower case) or transparent", ErrOptions, s)
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}, nil
}
