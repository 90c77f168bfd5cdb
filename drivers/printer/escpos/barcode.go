package escpos

import "fmt"

// HRI is where GS H prints a barcode's human-readable text.
type HRI int

const (
	// HRINone prints no text.
	HRINone HRI = iota
	// HRIAbove prints it above the bars.
	HRIAbove
	// HRIBelow prints it below the bars.
	HRIBelow
	// HRIBoth prints it above and below.
	HRIBoth
)

// BarcodeHRI is GS H n (1D 48 n): where the human-readable text goes.
func (e *Encoder) BarcodeHRI(pos HRI) {
	if pos < HRINone || pos > HRIBoth {
		e.fail("GS H", "position %d", int(pos))
		return
	}
	e.Raw(0x1D, 0x48, byte(pos))
}

// BarcodeHeight is GS h n (1D 68 n): bar height in dots, 1 to 255.
func (e *Encoder) BarcodeHeight(dots int) {
	if dots < 1 || dots > 255 {
		e.fail("GS h", "height %d; 1 to 255", dots)
		return
	}
	e.Raw(0x1D, 0x68, byte(dots))
}

// BarcodeModuleWidth is GS w n (1D 77 n): module width in dots, 1 to 6
// (2 to 6 on Epson; 1 prints on many clones).
func (e *Encoder) BarcodeModuleWidth(dots int) {
	if dots < 1 || dots > 6 {
		e.fail("GS w", "module width %d; 1 to 6", dots)
		return
	}
	e.Raw(0x1D, 0x77, byte(dots))
}

// Code128 is GS k 73 n d1…dn (1D 6B 49 n …): a Code 128 symbol from a
// payload that already carries its code-set selectors — it must start
// with {A, {B or {C, or the printer abandons the command and prints the
// rest as text. Code128Payload builds one from plain text.
func (e *Encoder) Code128(payload []byte) {
	if len(payload) < 2 || len(payload) > 255 {
		e.fail("GS k", "Code 128 payload of %d bytes; 2 to 255", len(payload))
		return
	}
	if payload[0] != '{' || payload[1] < 'A' || payload[1] > 'C' {
		e.fail("GS k", "Code 128 payload must start with {A, {B or {C")
		return
	}
	e.Raw(0x1D, 0x6B, 73, byte(len(payload)))
	e.Raw(payload...)
}

// Code128Text is Code128 of Code128Payload(s).
func (e *Encoder) Code128Text(s string) {
	p, _, err := Code128Payload(s)
	if err != nil {
		e.fail("GS k", "%v", err)
		return
	}
	e.Code128(p)
}

// Code128Payload encodes printable ASCII text (0x20–0x7E, at most 120
// characters) as the data of GS k 73: code set B, with a switch to code
// set C (two digits a symbol) for a run of digits where that makes the
// symbol narrower — four or more digits at the start or the end of the
// text, six or more in the middle; an odd run keeps its first digit in set
// B. A literal '{' is sent as "{{". It also returns the number of symbol
// characters, start, check and stop included, for measuring: the symbol is
// 11·symbols + 2 modules wide (the stop pattern has 13).
func Code128Payload(s string) (payload []byte, symbols int, err error) {
	if s == "" {
		return nil, 0, fmt.Errorf("%w: empty", ErrNotEncodable)
	}
	if len(s) > 120 {
		return nil, 0, fmt.Errorf("%w: %d characters; at most 120", ErrNotEncodable, len(s))
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E {
			return nil, 0, fmt.Errorf("%w: byte %#02x at %d; printable ASCII only", ErrNotEncodable, c, i)
		}
	}
	digits := func(i int) int {
		n := 0
		for i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9' {
			n++
		}
		return n
	}
	out := make([]byte, 0, len(s)+8)
	n := 0 // data symbols
	setC := false
	if r := digits(0); r >= 4 || (r == 2 && len(s) == 2) {
		out, setC = append(out, '{', 'C'), true
	} else {
		out = append(out, '{', 'B')
	}
	for i := 0; i < len(s); {
		r := digits(i)
		if setC {
			if r >= 2 {
				out = append(out, byte((s[i]-'0')*10+(s[i+1]-'0')))
				n++
				i += 2
				continue
			}
			out, setC = append(out, '{', 'B'), false
			n++
		}
		atEnd := i+r == len(s)
		if r >= 6 || (r >= 4 && atEnd) {
			if r%2 == 1 {
				out = append(out, s[i])
				n++
				i++
			}
			out, setC = append(out, '{', 'C'), true
			n++
			continue
		}
		if r > 0 {
			out = append(out, s[i:i+r]...)
			n += r
			i += r
			continue
		}
		if s[i] == '{' {
			out = append(out, '{', '{')
		} else {
			out = append(out, s[i])
		}
		n++
		i++
	}
	if len(out) > 255 {
		return nil, 0, fmt.Errorf("%w: payload of %d bytes; at most 255", ErrNotEncodable, len(out))
	}
	return out, n + 3, nil
}

// code128Modules is the width in modules of a symbol of this many symbol
// characters (start, data, check: 11 modules each; stop: 13).
func code128Modules(symbols int) int { return 11*symbols + 2 }
