package escpos

import "slices"

// ReplyKind is what a piece of the printer's output is.
type ReplyKind int

const (
	// ReplyRealTime is the one-byte answer to DLE EOT n.
	ReplyRealTime ReplyKind = iota + 1
	// ReplyASB is a four-byte Automatic Status Back block.
	ReplyASB
	// ReplyInOrder is the one-byte answer to GS r 1: printing got there.
	ReplyInOrder
	// ReplyBlock is a variable-length block ended by 00 (GS I answers).
	ReplyBlock
	// ReplyUnknown is a byte that fits none of the above.
	ReplyUnknown
)

// String names the kind.
func (k ReplyKind) String() string {
	switch k {
	case ReplyRealTime:
		return "DLE EOT"
	case ReplyASB:
		return "ASB"
	case ReplyInOrder:
		return "GS r"
	case ReplyBlock:
		return "block"
	case ReplyUnknown:
		return "unknown"
	}
	return "ReplyKind(?)"
}

// Reply is one piece of what the printer sent back.
type Reply struct {
	Kind    ReplyKind
	Request int    // ReplyRealTime: the n of the DLE EOT it answers; 0 if none was outstanding
	Status  Status // ReplyRealTime, ReplyASB, ReplyInOrder, when Err is nil
	Raw     []byte // the bytes
	Err     error  // ErrBadStatus or ErrUnexpectedReply (wrapped), else nil
}

// Limits of a StatusReader, so that a printer that babbles cannot make it
// grow without bound.
const (
	maxBlock       = 128  // a GS I block longer than this is taken as noise
	maxOutstanding = 16   // DLE EOT requests remembered
	maxReplies     = 1024 // replies kept unread; the oldest are dropped
)

// StatusReader splits the byte stream a printer sends back into replies
// by the rule receiptio uses (spec §1.7): a first byte with (b & 0x93) ==
// 0x12 is a DLE EOT reply; (b & 0x93) == 0x10 followed by three bytes with
// (b & 0x90) == 0 is an ASB block; 35, 37, 3B, 3D or 5F starts a block
// ended by 00 (GS I); any other byte with (b & 0x90) == 0 is a GS r reply.
// A DLE EOT reply is parsed as the answer to the oldest request given to
// Expect. Write never fails; take replies with Next. After a timeout the
// caller should Flush (an incomplete ASB block or GS I block waits for
// its rest) and Reset (a late answer would otherwise be taken for the
// next request's). A StatusReader is not safe for concurrent use.
type StatusReader struct {
	buf     []byte
	pending []int
	out     []Reply
	dropped int
}

// Expect records that DLE EOT n was sent: the next DLE EOT reply answers
// it (requests are answered in order).
func (r *StatusReader) Expect(n int) {
	if len(r.pending) == maxOutstanding {
		r.pending = r.pending[1:]
	}
	r.pending = append(r.pending, n)
}

// Outstanding is the number of DLE EOT requests not yet answered.
func (r *StatusReader) Outstanding() int { return len(r.pending) }

// Write takes bytes read from the printer and splits off every complete
// reply. It always returns len(p), nil.
func (r *StatusReader) Write(p []byte) (int, error) {
	r.buf = append(r.buf, p...)
	r.split(false)
	return len(p), nil
}

// Next returns the oldest reply not yet taken.
func (r *StatusReader) Next() (Reply, bool) {
	if len(r.out) == 0 {
		return Reply{}, false
	}
	rep := r.out[0]
	r.out[0] = Reply{}
	r.out = r.out[1:]
	return rep, true
}

// Flush gives up waiting for the rest of an incomplete block: the bytes
// held are split as if nothing more will come.
func (r *StatusReader) Flush() { r.split(true) }

// Reset forgets the outstanding requests and any bytes held back; replies
// already split stay for Next.
func (r *StatusReader) Reset() { r.pending, r.buf = nil, nil }

// Dropped is how many replies were discarded unread because more than
// 1024 were waiting.
func (r *StatusReader) Dropped() int { return r.dropped }

func (r *StatusReader) emit(rep Reply) {
	if len(r.out) == maxReplies {
		r.out = slices.Delete(r.out, 0, 1)
		r.dropped++
	}
	r.out = append(r.out, rep)
}

// split takes complete replies off the front of buf. At eof an incomplete
// block is split into unknown bytes instead of waited for. Every turn of
// the loop consumes at least one byte or stops.
func (r *StatusReader) split(eof bool) {
	for len(r.buf) > 0 {
		b := r.buf[0]
		n := 1
		switch {
		case b&0x93 == 0x12:
			rep := Reply{Kind: ReplyRealTime, Raw: []byte{b}}
			if len(r.pending) == 0 {
				rep.Err = ErrUnexpectedReply
			} else {
				rep.Request = r.pending[0]
				r.pending = r.pending[1:]
				rep.Status, rep.Err = ParseRealTime(rep.Request, b)
			}
			r.emit(rep)
		case b == 0x35 || b == 0x37 || b == 0x3B || b == 0x3D || b == 0x5F:
			end := -1
			for i := 1; i < len(r.buf) && i <= maxBlock; i++ {
				if r.buf[i] == 0 {
					end = i
					break
				}
			}
			switch {
			case end > 0:
				n = end + 1
				r.emit(Reply{Kind: ReplyBlock, Raw: slices.Clone(r.buf[:n])})
			case eof || len(r.buf) > maxBlock:
				r.emit(Reply{Kind: ReplyUnknown, Raw: []byte{b}})
			default:
				return // wait for the rest
			}
		case b&0x93 == 0x10:
			ok := true
			for i := 1; i < len(r.buf) && i < 4; i++ {
				ok = ok && r.buf[i]&0x90 == 0
			}
			switch {
			case ok && len(r.buf) >= 4:
				n = 4
				var blk [4]byte
				copy(blk[:], r.buf)
				st, err := ParseASB(blk)
				r.emit(Reply{Kind: ReplyASB, Status: st, Raw: slices.Clone(r.buf[:4]), Err: err})
			case ok && !eof:
				return // wait for the rest
			default:
				r.emit(Reply{Kind: ReplyUnknown, Raw: []byte{b}})
			}
		case b&0x90 == 0:
			st, err := ParseInOrder(b)
			r.emit(Reply{Kind: ReplyInOrder, Status: st, Raw: []byte{b}, Err: err})
		default:
			r.emit(Reply{Kind: ReplyUnknown, Raw: []byte{b}})
		}
		r.buf = r.buf[n:]
	}
	if len(r.buf) == 0 {
		r.buf = nil
	}
}
