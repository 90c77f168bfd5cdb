package escpos

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := Receipt{Width: 58, Blocks: []Block{
		{Type: "title", Text: "回执"}, {Type: "text"}, {Type: "kv", Key: "a"}, {Type: "qr", Data: "x"},
		{Type: "barcode", Data: "A001"}, {Type: "divider"}, {Type: "feed", Lines: 1},
	}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	many := make([]Block, MaxBlocks+1)
	for i := range many {
		many[i] = Block{Type: "divider"}
	}
	cases := []struct {
		name  string
		r     Receipt
		block int
		field string
		err   error
	}{
		{"width", Receipt{Width: 76, Blocks: []Block{{Type: "divider"}}}, -1, "Width", ErrBadValue},
		{"no blocks", Receipt{Width: 58}, -1, "Blocks", ErrEmpty},
		{"too many blocks", Receipt{Width: 58, Blocks: many}, -1, "Blocks", ErrTooLong},
		{"unknown type", Receipt{Width: 58, Blocks: []Block{{Type: "divider"}, {Type: "table"}}}, 1, "Type", ErrUnknownType},
		{"empty title", Receipt{Width: 58, Blocks: []Block{{Type: "title"}}}, 0, "Text", ErrEmpty},
		{"text too long", Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: strings.Repeat("字", MaxTextRunes+1)}}}, 0, "Text", ErrTooLong},
		{"kv too long", Receipt{Width: 58, Blocks: []Block{{Type: "kv", Key: "k", Value: strings.Repeat("字", MaxTextRunes)}}}, 0, "Value", ErrTooLong},
		{"control character", Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: "a\x1b@"}}}, 0, "Text", ErrBadText},
		{"invalid UTF-8", Receipt{Width: 58, Blocks: []Block{{Type: "kv", Key: "a\xff"}}}, 0, "Key", ErrBadText},
		{"bad align", Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: "a", Align: "centre"}}}, 0, "Align", ErrBadValue},
		{"bad size", Receipt{Width: 58, Blocks: []Block{{Type: "text", Text: "a", Size: 3}}}, 0, "Size", ErrBadValue},
		{"field not used", Receipt{Width: 58, Blocks: []Block{{Type: "divider", Text: "x"}}}, 0, "Text", ErrUnusedField},
		{"title is always centred", Receipt{Width: 58, Blocks: []Block{{Type: "title", Text: "x", Align: "left"}}}, 0, "Align", ErrUnusedField},
		{"empty kv", Receipt{Width: 58, Blocks: []Block{{Type: "kv"}}}, 0, "Key", ErrEmpty},
		{"empty qr", Receipt{Width: 58, Blocks: []Block{{Type: "qr"}}}, 0, "Data", ErrEmpty},
		{"qr too long", Receipt{Width: 58, Blocks: []Block{{Type: "qr", Data: strings.Repeat("x", MaxQRBytes+1)}}}, 0, "Data", ErrTooLong},
		{"empty barcode", Receipt{Width: 58, Blocks: []Block{{Type: "barcode"}}}, 0, "Data", ErrEmpty},
		{"barcode not Code 128", Receipt{Width: 58, Blocks: []Block{{Type: "barcode", Data: "编号1"}}}, 0, "Data", ErrNotEncodable},
		{"barcode too wide", Receipt{Width: 58, Blocks: []Block{{Type: "barcode", Data: "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH"}}}, 0, "Data", ErrTooWide},
		{"bad PNG", Receipt{Width: 58, Blocks: []Block{{Type: "image", PNG: []byte("GIF89a")}}}, 0, "PNG", ErrBadPNG},
		{"no PNG", Receipt{Width: 58, Blocks: []Block{{Type: "image"}}}, 0, "PNG", ErrBadPNG},
		{"feed 0", Receipt{Width: 58, Blocks: []Block{{Type: "feed"}}}, 0, "Lines", ErrBadValue},
		{"feed 21", Receipt{Width: 58, Blocks: []Block{{Type: "feed", Lines: 21}}}, 0, "Lines", ErrBadValue},
	}
	for _, c := range cases {
		err := c.r.Validate()
		var ve *ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, c.err) {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		found := false
		for _, e := range err.(ValidationErrors) {
			found = found || (e.Block == c.block && e.Field == c.field && errors.Is(e, c.err))
		}
		if !found {
			t.Errorf("%s: %v does not name block %d field %s", c.name, err, c.block, c.field)
		}
		// Layout refuses it too, with the same kind of error.
		if _, err := Layout(c.r, Generic58(), nil); !errors.Is(err, c.err) {
			t.Errorf("%s: Layout: %v", c.name, err)
		}
	}
	// A 34-character barcode (37 symbols, 409 modules) fits 80 mm at one
	// dot a module, not 58 mm.
	wide := Receipt{Width: 80, Blocks: []Block{{Type: "barcode", Data: "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH"}}}
	if err := wide.Validate(); err != nil {
		t.Fatalf("80 mm: %v", err)
	}
	// Every problem is reported, in block order.
	all := Receipt{Width: 1, Blocks: []Block{{Type: "x"}, {Type: "feed"}}}
	if es, ok := all.Validate().(ValidationErrors); !ok || len(es) != 3 || es[0].Block != -1 || es[2].Block != 1 {
		t.Fatalf("%v", all.Validate())
	}
	msg := (&ValidationError{Block: 3, Type: "qr", Field: "Data", Err: ErrEmpty}).Error()
	if msg != "escpos: block 3 (qr) Data: empty" {
		t.Fatalf("%q", msg)
	}
}

func TestProfiles(t *testing.T) {
	for _, name := range ProfileNames() {
		p, err := ProfileByName(name)
		if err != nil || p.Name != name {
			t.Fatalf("%s: %v", name, err)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ProfileByName("tm-t88"); !errors.Is(err, ErrBadProfile) {
		t.Fatal(err)
	}
	if Generic58().Columns() != 32 || Generic80().Columns() != 48 {
		t.Fatal("columns")
	}
	// A custom profile: start from a named one.
	p := Generic80()
	p.Name, p.Dots, p.BandRows = "xp-80-512", 512, 24
	if err := p.Validate(); err != nil || p.Columns() != 42 {
		t.Fatal(err)
	}
	for _, f := range []func(*Profile){
		func(p *Profile) { p.Dots = 500 },
		func(p *Profile) { p.QRModule = 0 },
		func(p *Profile) { p.BandRows = 0 },
		func(p *Profile) { p.LineDots = 10 },
		func(p *Profile) { p.StatusMarker = 2 },
		func(p *Profile) { p.Cut = CutMode(9) },
		func(p *Profile) { p.Charset = Charset(-1) },
		func(p *Profile) { p.BarcodeModule = 0 },
	} {
		p := Generic58()
		f(&p)
		if err := p.Validate(); !errors.Is(err, ErrBadProfile) {
			t.Errorf("%+v accepted", p)
		}
		if _, err := Layout(Receipt{Width: 58, Blocks: []Block{{Type: "divider"}}}, p, nil); !errors.Is(err, ErrBadProfile) {
			t.Errorf("Layout took a bad profile: %v", err)
		}
	}
}

// The images of one receipt share one pixel budget: a receipt cannot make
// the agent decode gigabytes.
func TestImagePixelBudget(t *testing.T) {
	big := image.NewGray(image.Rect(0, 0, 4096, 4096))
	small := image.NewGray(image.Rect(0, 0, 1, 1))
	var b1, b2 bytes.Buffer
	png.Encode(&b1, big)
	png.Encode(&b2, small)
	r := Receipt{Width: 58, Blocks: []Block{{Type: "image", PNG: b1.Bytes()}, {Type: "image", PNG: b2.Bytes()}}}
	err := r.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Block != 1 || !errors.Is(err, ErrBadPNG) {
		t.Fatalf("%v", err)
	}
	if err := (Receipt{Width: 58, Blocks: r.Blocks[1:]}).Validate(); err != nil {
		t.Fatal(err)
	}
}
