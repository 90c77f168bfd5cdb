package ink

// deflate appends data to dst as one final DEFLATE block (RFC 1951) with
// the fixed Huffman codes, where every run of three or more bytes equal to
// the byte before them is a match at distance 1 and every other byte a
// literal. That is all a signature's picture — long runs of background and
// of solid ink — needs, and it is simple enough to stay the same forever.
func deflate(dst, data []byte) []byte {
	w := bitWriter{out: dst}
	w.bits(1, 1) // BFINAL
	w.bits(1, 2) // BTYPE 01: fixed Huffman codes
	for i := 0; i < len(data); {
		run := 0
		if i > 0 {
			for run < 258 && i+run < len(data) && data[i+run] == data[i-1] {
				run++
			}
		}
		if run < 3 {
			w.literal(int(data[i]))
			i++
			continue
		}
		w.length(run)
		w.code(0, 5) // distance code 0: distance 1, no extra bits
		i += run
	}
	w.literal(256) // end of block
	return w.flush()
}

// bitWriter packs bits least significant first, as DEFLATE does.
type bitWriter struct {
	out  []byte
	acc  uint32
	nacc uint
}

// bits writes the n low bits of v, least significant first.
func (w *bitWriter) bits(v uint32, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

// code writes an n-bit Huffman code, most significant bit first.
func (w *bitWriter) code(c uint32, n uint) {
	var r uint32
	for i := uint(0); i < n; i++ {
		r = r<<1 | (c>>i)&1
	}
	w.bits(r, n)
}

func (w *bitWriter) flush() []byte {
	if w.nacc > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc, w.nacc = 0, 0
	}
	return w.out
}

// literal writes a literal/length symbol (0…287) in the fixed code.
func (w *bitWriter) literal(v int) {
	switch {
	case v < 144:
		w.code(uint32(0x30+v), 8)
	case v < 256:
		w.code(uint32(0x190+v-144), 9)
	case v < 280:
		w.code(uint32(v-256), 7)
	default:
		w.code(uint32(0xc0+v-280), 8)
	}
}

// length writes a match length (3…258): its symbol and extra bits.
func (w *bitWriter) length(n int) {
	if n == 258 {
		w.literal(285)
		return
	}
	// Symbols 257…284 cover 3…257: the first 8 with no extra bits, then
	// groups of 4 symbols with 1, 2, 3, 4, 5 extra bits.
	sym, base, extra := 257, 3, uint(0)
	for {
		span := 1 << extra
		group := 4
		if extra == 0 {
			group = 8
		}
		if n < base+group*span {
			k := (n - base) / span
			w.literal(sym + k)
			w.bits(uint32(n-base-k*span), extra)
			return
		}
		sym += group
		base += group * span
		extra++
	}
}
