package usbframe

import "fmt"

// Layout says how SAM_V frames map onto a reader's bulk endpoints. It is
// either SplitPipes (the 部标 reader) or SinglePipe. A nil Layout means
// SplitPipes{}.
type Layout interface {
	fmt.Stringer
	// plan returns the layout with defaults filled in, checked.
	plan() (plan, error)
}

// SplitPipes is the 部标 (ministry-standard) bulk layout of 0400:C35A
// readers (idcard-protocol.md §4.3): a frame's preamble and LEN (7 bytes)
// travel on one endpoint and the rest (CMD PARA DATA CHK, or SW1 SW2 SW3
// DATA CHK) on another, in each direction. Zero fields take the standard
// addresses: header OUT 0x02, body OUT 0x06, header IN 0x81, body IN 0x85.
type SplitPipes struct {
	HeaderOut, BodyOut uint8
	HeaderIn, BodyIn   uint8
}

// SinglePipe carries whole frames on one OUT and one IN endpoint, as the
// Miaxis Android SDK does. Both addresses must be given, except to
// OpenReader, which fills a zero address with the interface's first bulk
// endpoint of that direction.
type SinglePipe struct {
	Out, In uint8
}

// The standard 部标 endpoint addresses.
const (
	StdHeaderOut uint8 = 0x02
	StdBodyOut   uint8 = 0x06
	StdHeaderIn  uint8 = 0x81
	StdBodyIn    uint8 = 0x85
)

// plan is a checked layout: with a single pipe, header and body addresses
// are the same in each direction.
type plan struct {
	split              bool
	headerOut, bodyOut uint8
	headerIn, bodyIn   uint8
}

// String names the layout and its endpoint addresses, defaults filled in.
func (s SplitPipes) String() string {
	p, _ := s.plan()
	return fmt.Sprintf("split pipes (OUT 0x%02X+0x%02X, IN 0x%02X+0x%02X)", p.headerOut, p.bodyOut, p.headerIn, p.bodyIn)
}

func (s SplitPipes) plan() (plan, error) {
	p := plan{split: true,
		headerOut: or(s.HeaderOut, StdHeaderOut), bodyOut: or(s.BodyOut, StdBodyOut),
		headerIn: or(s.HeaderIn, StdHeaderIn), bodyIn: or(s.BodyIn, StdBodyIn)}
	return p, p.check()
}

// String names the layout and its endpoint addresses.
func (s SinglePipe) String() string {
	return fmt.Sprintf("single pipe (OUT 0x%02X, IN 0x%02X)", s.Out, s.In)
}

func (s SinglePipe) plan() (plan, error) {
	p := plan{headerOut: s.Out, bodyOut: s.Out, headerIn: s.In, bodyIn: s.In}
	return p, p.check()
}

func or(v, def uint8) uint8 {
	if v == 0 {
		return def
	}
	return v
}

// check verifies the direction bit and number of every address.
func (p plan) check() error {
	for _, a := range []uint8{p.headerOut, p.bodyOut} {
		if a&0x80 != 0 || a&0x0F == 0 || a&0x70 != 0 {
			return fmt.Errorf("usbframe: 0x%02X is not a bulk OUT endpoint address (want 0x01–0x0F)", a)
		}
	}
	for _, a := range []uint8{p.headerIn, p.bodyIn} {
		if a&0x80 == 0 || a&0x0F == 0 || a&0x70 != 0 {
			return fmt.Errorf("usbframe: 0x%02X is not a bulk IN endpoint address (want 0x81–0x8F)", a)
		}
	}
	return nil
}

// ins returns the distinct IN endpoint addresses.
func (p plan) ins() []uint8 {
	if p.headerIn == p.bodyIn {
		return []uint8{p.headerIn}
	}
	return []uint8{p.headerIn, p.bodyIn}
}

// outs returns the distinct OUT endpoint addresses.
func (p plan) outs() []uint8 {
	if p.headerOut == p.bodyOut {
		return []uint8{p.headerOut}
	}
	return []uint8{p.headerOut, p.bodyOut}
}

// planOf checks l, treating nil as SplitPipes{}.
func planOf(l Layout) (plan, error) {
	if l == nil {
		l = SplitPipes{}
	}
	return l.plan()
}

// Validate reports whether l can be used: every address must be a bulk
// endpoint address of the right direction (OUT 0x01–0x0F, IN 0x81–0x8F).
func Validate(l Layout) error {
	_, err := planOf(l)
	return err
}
