package stusim

import (
	"context"
	"errors"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// fuzzReports cuts fuzz input into feature reports: each is a control
// byte, a length byte and that many bytes. Control bit 0 fits the report
// to the size the pad expects (so that the fuzzer gets past the size
// check), bit 1 reads a report afterwards, bit 2 taps the pen.
func fuzzReports(data []byte) (ctl []byte, reps [][]byte) {
	for len(data) >= 2 {
		c, n := data[0], int(data[1])
		data = data[2:]
		n = min(n, len(data))
		ctl = append(ctl, c)
		reps = append(reps, data[:n])
		data = data[n:]
	}
	return
}

func encodeFuzz(reports ...[]byte) []byte {
	var out []byte
	for _, r := range reports {
		out = append(out, 1, byte(len(r)))
		out = append(out, r...)
	}
	return out
}

func FuzzSetFeature(f *testing.F) {
	area := append([]byte{0x2A}, rectBytes(0, 0, 799, 430)...)
	f.Add(encodeFuzz([]byte{0x32, 0x03}, area, []byte{0x2D, 0, 0, 0, 1}, []byte{0x21, 0x01}, []byte{0x20, 0x00}))
	f.Add(encodeFuzz([]byte{0x25, 0x00}, []byte{0x26, 0xFD, 0x00, 0xAA, 0x55}, []byte{0x27, 0x00}))
	f.Add(encodeFuzz([]byte{0x25, 0x01}, []byte{0x26, 0x08, 0x00, 0x78, 0x9C, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06}, []byte{0x27, 0x00}))
	f.Add(encodeFuzz(append([]byte{0x24, 0x04, 0x01}, rectBytes(10, 10, 12, 12)...), []byte{0x26, 0x1B, 0x00, 1, 2, 3}, []byte{0x27, 0x00}))
	f.Add(encodeFuzz([]byte{0x04, 0x01}, []byte{0x21, 0x00}, []byte{0x04, 0x00}))
	f.Add(encodeFuzz([]byte{0x0C, 0x02}, []byte{0x03, 0x00}))
	f.Add(encodeFuzz([]byte{0x22, 0xFF, 0xFF, 0x00, 0x00}, []byte{0x2E, 1, 2, 3}, []byte{0x29, 0x1F, 0xF8}, []byte{0x2B, 3, 0}))
	f.Add(encodeFuzz(append([]byte{0x23, 0x00, 0x01}, rectBytes(0, 0, 799, 479)...), []byte{0x16, 0x00}, []byte{0x0E, 0x01}))
	f.Add([]byte{0x07, 0x02, 0x26, 0x00, 0x02, 0x03, 0x32, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		product := STU540
		if len(data) > 0 && data[0]&0x80 != 0 {
			product = STU430
		}
		p := New(Config{Product: product, ClearScreenTime: -1, Speed: 1e9, InputBuffer: 16})
		d := p.Device()
		ctl, reps := fuzzReports(data)
		for i, r := range reps {
			if ctl[i]&1 != 0 && len(r) > 0 {
				if n, ok := p.ReportSize(r[0]); ok {
					fit := make([]byte, n)
					copy(fit, r)
					r = fit
				}
			}
			err := d.SetFeature(r)
			if err != nil && !errors.Is(err, ErrStall) && !errors.Is(err, transport.ErrDisconnected) {
				t.Fatalf("SetFeature(% x): %v", r, err)
			}
			if errors.Is(err, transport.ErrDisconnected) || p.dead(d) {
				p.Replug()
				d = p.Device()
			}
			if ctl[i]&2 != 0 && len(r) > 0 {
				if n, ok := p.ReportSize(r[0]); ok {
					if _, err := d.GetFeature(r[0], n); err != nil && !errors.Is(err, ErrStall) {
						t.Fatalf("GetFeature(%02x): %v", r[0], err)
					}
				}
			}
			if ctl[i]&4 != 0 && len(r) >= 2 {
				if err := p.Press(context.Background(), int(r[1])*3, int(r[len(r)-1])); err != nil && product == STU540 {
					t.Fatalf("Press: %v", err)
				}
			}
			p.mu.Lock()
			err = p.checkLocked()
			p.mu.Unlock()
			if err != nil {
				t.Fatalf("after % x: %v", r, err)
			}
		}
		// Every readable report still reads.
		for id, s := range reportSpecs {
			if _, ok := p.model.spec(id); ok && s.get {
				if _, err := d.GetFeature(id, s.size); err != nil {
					t.Fatalf("GetFeature(%02x) at the end: %v", id, err)
				}
			}
		}
	})
}

// dead reports whether handle d no longer works (hard reset, serial mode).
func (p *Pad) dead(d any) bool {
	h, ok := d.(*handle)
	if !ok {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return h.errLocked() != nil
}
