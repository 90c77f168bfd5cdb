package escpossim

// roll is the paper: the pages already cut off, the page being printed,
// and where the print head is. Rows are counted from the start of the
// first roll, so that a cut's position can be found from the head's.
type roll struct {
	width, gap int
	done       []*Page
	cur        *Page // nil while the paper is out
	top        int   // row of cur's top edge
	head       int   // row under the print head
}

func newRoll(width, gap int) roll {
	return roll{width: width, gap: gap, cur: &Page{Width: width}, head: gap}
}

// page returns the page being printed, starting one on fresh paper when
// there is none (the paper ran out and a new roll went in).
func (r *roll) page() *Page {
	if r.cur == nil {
		r.newPage(r.head - r.gap)
	}
	return r.cur
}

func (r *roll) newPage(top int) {
	r.cur = &Page{Width: r.width}
	r.top = top
}

// y is the head's row on the current page.
func (r *roll) y() int {
	r.page()
	return r.head - r.top
}

// add puts an element on the current page.
func (r *roll) add(e Element) {
	p := r.page()
	p.Elements = append(p.Elements, e)
}

// cut cuts the paper at the cutter, gap rows above the head. Everything
// below the cut goes to the next page; an element the cut goes through
// stays on this page and shows, continued, on the next one. It reports
// false when there is no paper above the cutter to cut off.
func (r *roll) cut(kind Cut) bool {
	p := r.page()
	at := r.head - r.gap - r.top
	if at <= 0 {
		return false
	}
	p.Height = at
	p.Cut = kind
	var keep, next []Element
	for _, e := range p.Elements {
		b := e.Box()
		switch {
		case b.Y >= at:
			b.Y -= at
			next = append(next, withPlace(e, b))
		case b.Y+b.Height > at:
			keep = append(keep, e)
			b.Y -= at
			b.Continued = true
			next = append(next, withPlace(e, b))
		default:
			keep = append(keep, e)
		}
	}
	p.Elements = keep
	r.done = append(r.done, p)
	r.newPage(r.top + at)
	r.cur.Elements = next
	return true
}

// paperEnd ends the current page where the paper ran out, at row y of
// the page; the head stops there.
func (r *roll) paperEnd(y int) {
	p := r.page()
	y = max(y, 0)
	p.Height = y
	p.PaperOut = true
	kept := p.Elements[:0]
	for _, e := range p.Elements {
		if e.Box().Y < y {
			kept = append(kept, e)
		}
	}
	p.Elements = kept
	r.head = r.top + y
	r.done = append(r.done, p)
	r.cur = nil
}

// pages returns copies of the pages so far, the current one last and
// marked incomplete when anything is on it.
func (r *roll) pages() []*Page {
	out := make([]*Page, 0, len(r.done)+1)
	for _, p := range r.done {
		out = append(out, p.clone())
	}
	if c := r.cur; c != nil && (len(c.Elements) > 0 || r.head-r.top > r.gap) {
		cp := c.clone()
		cp.Height = r.head - r.top
		cp.Incomplete = true
		out = append(out, cp)
	}
	return out
}

// withPlace returns a copy of e at p.
func withPlace(e Element, p Place) Element {
	switch v := e.(type) {
	case *TextLine:
		c := *v
		c.Place = p
		return &c
	case *Image:
		c := *v
		c.Place = p
		return &c
	case *QR:
		c := *v
		c.Place = p
		return &c
	case *Barcode:
		c := *v
		c.Place = p
		return &c
	}
	return e
}
