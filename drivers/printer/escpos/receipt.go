package escpos

import (
	"fmt"
	"image"
	"unicode/utf8"
)

// Receipt is a document for the printer, laid out here (Layout) rather
// than sent as raw bytes: the caller says what to print, this package
// knows how each printer prints it.
type Receipt struct {
	Width  int     `json:"width"`           // 58 or 80: the paper it was written for
	Blocks []Block `json:"blocks"`          // printed in order
	NoCut  bool    `json:"noCut,omitempty"` // end with a feed to the tear bar instead of a cut
}

// Block is one piece of a receipt. Type says which fields it uses; a
// field a type does not use must be left empty.
type Block struct {
	// Type is "title", "text", "kv", "qr", "barcode", "divider", "image"
	// or "feed".
	Type string `json:"type"`
	// Text of a title or a text block; a newline breaks the line.
	Text string `json:"text,omitempty"`
	// Align is "left" (the default), "center" or "right": text blocks
	// only (a title is always centred).
	Align string `json:"align,omitempty"`
	// Bold text (text, kv).
	Bold bool `json:"bold,omitempty"`
	// Size 1 (or 0) is normal, 2 double width and height (text, kv).
	Size int `json:"size,omitempty"`
	// Key is printed on the left and Value on the right of a kv line;
	// when they do not fit on one line the value goes under the key,
	// indented, wrapped as needed.
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
	// Data is a qr or barcode payload: a QR code holds up to MaxQRBytes
	// bytes (keep it ASCII, e.g. a URL); a barcode is Code 128 of
	// printable ASCII.
	Data string `json:"data,omitempty"`
	// PNG is an image block's picture: any PNG, scaled down to the paper
	// width if wider and dithered to one bit (Floyd–Steinberg).
	PNG []byte `json:"png,omitempty"`
	// Lines is a feed block's number of blank lines, 1 to 20.
	Lines int `json:"lines,omitempty"`
}

// Block types.
const (
	TypeTitle   = "title"
	TypeText    = "text"
	TypeKV      = "kv"
	TypeQR      = "qr"
	TypeBarcode = "barcode"
	TypeDivider = "divider"
	TypeImage   = "image"
	TypeFeed    = "feed"
)

// Receipt limits.
const (
	MaxBlocks    = 200     // blocks in a receipt
	MaxTextRunes = 4000    // characters in one block's Text, or Key plus Value
	MaxFeedLines = 20      // a feed block's Lines
	MaxJobBytes  = 1 << 20 // printer data of a laid-out receipt (over 90 s at 115200 baud)
)

// Validate checks the receipt for the paper it names (Width): every
// problem, as ValidationErrors (nil if none). Layout validates again for
// the printer it is given.
func (r Receipt) Validate() error {
	dots := 384
	if r.Width == 80 {
		dots = 576
	}
	_, err := r.check(dots, QRLevelM)
	return err
}

// checked is what validation produced that layout uses again.
type checked struct {
	images map[int]image.Image
	qr     map[int][][]bool // QR modules, quiet zone included
}

// check validates r for a line of dots and a QR level, decoding images.
func (r Receipt) check(dots int, level QRLevel) (*checked, error) {
	var errs ValidationErrors
	add := func(i int, typ, field string, err error, format string, a ...any) {
		errs = append(errs, &ValidationError{Block: i, Type: typ, Field: field, Err: err, Detail: fmt.Sprintf(format, a...)})
	}
	if r.Width != 58 && r.Width != 80 {
		add(-1, "", "Width", ErrBadValue, "%d; 58 or 80", r.Width)
	}
	switch {
	case len(r.Blocks) == 0:
		add(-1, "", "Blocks", ErrEmpty, "no blocks")
	case len(r.Blocks) > MaxBlocks:
		add(-1, "", "Blocks", ErrTooLong, "%d blocks; at most %d", len(r.Blocks), MaxBlocks)
		return nil, errs
	}
	c := &checked{images: map[int]image.Image{}, qr: map[int][][]bool{}}
	pixels := MaxImagePixels
	for i, b := range r.Blocks {
		before := len(errs)
		bad := func(field string, err error, format string, a ...any) { add(i, b.Type, field, err, format, a...) }
		used := usedFields(b.Type)
		if used == nil {
			bad("Type", ErrUnknownType, "%q", b.Type)
			continue
		}
		for _, f := range setFields(b) {
			if !used[f] {
				bad(f, ErrUnusedField, "")
			}
		}
		switch b.Type {
		case TypeTitle, TypeText:
			if b.Type == TypeTitle && b.Text == "" {
				bad("Text", ErrEmpty, "")
			}
			checkText(bad, "Text", b.Text)
			if _, ok := parseAlign(b.Align); !ok {
				bad("Align", ErrBadValue, "%q; left, center or right", b.Align)
			}
		case TypeKV:
			if b.Key == "" && b.Value == "" {
				bad("Key", ErrEmpty, "a kv block needs a key or a value")
			}
			checkText(bad, "Key", b.Key)
			checkText(bad, "Value", b.Value)
			if n := utf8.RuneCountInString(b.Key) + utf8.RuneCountInString(b.Value); n > MaxTextRunes {
				bad("Value", ErrTooLong, "%d characters; at most %d", n, MaxTextRunes)
			}
		case TypeQR:
			if b.Data == "" {
				bad("Data", ErrEmpty, "")
			} else if len(b.Data) > MaxQRBytes {
				bad("Data", ErrTooLong, "%d bytes; at most %d", len(b.Data), MaxQRBytes)
			} else if grid, err := qrGrid(b.Data, level); err != nil {
				bad("Data", ErrTooLong, "%v", err)
			} else if _, err := qrModule(len(grid), dots, 16); err != nil {
				bad("Data", ErrTooWide, "%v", err)
			} else {
				c.qr[i] = grid
			}
		case TypeBarcode:
			if b.Data == "" {
				bad("Data", ErrEmpty, "")
			} else if _, _, err := Code128Payload(b.Data); err != nil {
				bad("Data", ErrNotEncodable, "%v", err)
			} else if _, err := barcodeModule(b.Data, dots, 6); err != nil {
				bad("Data", ErrTooWide, "%v", err)
			}
		case TypeImage:
			img, err := decodePNG(b.PNG, &pixels)
			if err != nil {
				bad("PNG", ErrBadPNG, "%v", err)
				break
			}
			bd := img.Bounds()
			if _, h := scaledSize(bd.Dx(), bd.Dy(), dots); h > MaxImageRows {
				bad("PNG", ErrTooLong, "%d rows printed; at most %d", h, MaxImageRows)
				break
			}
			c.images[i] = img
		case TypeFeed:
			if b.Lines < 1 || b.Lines > MaxFeedLines {
				bad("Lines", ErrBadValue, "%d; 1 to %d", b.Lines, MaxFeedLines)
			}
		}
		if b.Size != 0 && b.Size != 1 && b.Size != 2 {
			bad("Size", ErrBadValue, "%d; 1 or 2", b.Size)
		}
		if len(errs) > before {
			delete(c.images, i)
			delete(c.qr, i)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// usedFields is the set of fields a type uses, nil for an unknown type.
func usedFields(typ string) map[string]bool {
	switch typ {
	case TypeTitle:
		return map[string]bool{"Text": true}
	case TypeText:
		return map[string]bool{"Text": true, "Align": true, "Bold": true, "Size": true}
	case TypeKV:
		return map[string]bool{"Key": true, "Value": true, "Bold": true, "Size": true}
	case TypeQR, TypeBarcode:
		return map[string]bool{"Data": true}
	case TypeDivider:
		return map[string]bool{}
	case TypeImage:
		return map[string]bool{"PNG": true}
	case TypeFeed:
		return map[string]bool{"Lines": true}
	}
	return nil
}

// setFields names the fields of b that are not empty.
func setFields(b Block) []string {
	var f []string
	for _, x := range []struct {
		name string
		set  bool
	}{
		{"Text", b.Text != ""}, {"Align", b.Align != ""}, {"Bold", b.Bold}, {"Size", b.Size != 0},
		{"Key", b.Key != ""}, {"Value", b.Value != ""}, {"Data", b.Data != ""},
		{"PNG", len(b.PNG) != 0}, {"Lines", b.Lines != 0},
	} {
		if x.set {
			f = append(f, x.name)
		}
	}
	return f
}

// checkText reports invalid UTF-8, control characters other than newline,
// and text over MaxTextRunes.
func checkText(bad func(string, error, string, ...any), field, s string) {
	n := 0
	for i, r := range s {
		n++
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			bad(field, ErrBadText, "invalid UTF-8 at byte %d", i)
			return
		case r == '\n':
		case r < 0x20 || (r >= 0x7F && r < 0xA0):
			bad(field, ErrBadText, "control character %U at byte %d", r, i)
			return
		}
	}
	if n > MaxTextRunes {
		bad(field, ErrTooLong, "%d characters; at most %d", n, MaxTextRunes)
	}
}

func parseAlign(s string) (Align, bool) {
	switch s {
	case "", "left":
		return AlignLeft, true
	case "center":
		return AlignCenter, true
	case "right":
		return AlignRight, true
	}
	return AlignLeft, false
}

// qrModule returns the module size (at most want dots, at least 2) at
// which a QR code of n modules, quiet zone included, fits a line of dots.
func qrModule(n, dots, want int) (int, error) {
	m := min(want, dots/max(n, 1))
	if m < 2 {
		return 0, fmt.Errorf("a QR code of %d modules needs %d dots at 2 a module; the paper has %d", n, 2*n, dots)
	}
	return m, nil
}

// barcodeModule returns the module width (at most want dots, at least 1)
// at which data's Code 128 symbol fits a line of dots.
func barcodeModule(data string, dots, want int) (int, error) {
	_, symbols, err := Code128Payload(data)
	if err != nil {
		return 0, err
	}
	mods := code128Modules(symbols)
	m := min(want, dots/mods)
	if m < 1 {
		return 0, fmt.Errorf("a Code 128 symbol of %d modules; the paper has %d dots", mods, dots)
	}
	return m, nil
}
