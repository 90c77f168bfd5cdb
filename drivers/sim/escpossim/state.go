package escpossim

// state is the printer's print modes: what ESC @ resets.
type state struct {
	kanji    bool // Chinese (two-byte) mode, FS & / FS .
	utf8     bool // FS ( C fn 48 m=2
	codePage int  // ESC t
	intl     int  // ESC R (recorded)
	fontB    bool
	sw, sh   int // single-byte size multipliers
	cw, ch   int // two-byte size multipliers
	bold     bool
	ul, kul  int // underline dots, single-byte and two-byte
	reverse  bool
	upside   bool
	align    int // 0 left, 1 centre, 2 right
	spacing  int // line spacing in dots
	right    int // ESC SP, single-byte right spacing
	kl, kr   int // FS S, two-byte left and right spacing
	margin   int // GS L
	width    int // GS W
	tabs     []int
	hriPos   int
	hriFontB bool
	barH     int
	barW     int
}

// defaultLineSpacing is 3.75 mm, the default of Chinese 203 dpi printers.
const defaultLineSpacing = 30

func defaultState(dots int) state {
	return state{
		kanji: true, sw: 1, sh: 1, cw: 1, ch: 1, spacing: defaultLineSpacing,
		width: dots, barH: 162, barW: 3,
	}
}

// area returns the print area's left edge and width in dots.
func (in *Interpreter) area() (left, width int) {
	dots := in.cfg.dots()
	left = min(in.st.margin, dots-24)
	width = max(24, min(in.st.width, dots-left))
	return left, width
}

// singleCell returns the single-byte character cell of the current font.
func (in *Interpreter) singleCell() (w, h int) {
	if in.st.fontB {
		return 9, 17
	}
	return 12, 24
}

// sizeMul decodes GS ! n into width and height multipliers.
func sizeMul(n byte) (w, h int) {
	return int(n>>4&7) + 1, int(n&7) + 1
}
