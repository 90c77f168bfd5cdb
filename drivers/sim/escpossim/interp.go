package escpossim

// Interpreter turns an ESC/POS byte stream into commands and pages, the
// way a Chinese receipt printer would print it. It never panics, always
// makes progress, and keeps memory bounded: unknown commands are logged
// and skipped, oversized data is skipped rather than stored, and a
// command cut short by the end of the stream is logged as truncated.
//
// An Interpreter is not safe for concurrent use.
type Interpreter struct {
	cfg     Config
	st      state
	line    lineBuf
	roll    roll
	log     []Command
	off     int64 // stream offset of the next byte
	maxCmd  int   // largest command kept in memory whole
	skip    int64 // bytes of an oversized command still to drop
	pending []byte
	// cutAfter is a cut waiting for its feed to be printed (GS V 65/66).
	cutAfter Cut
	req      request
	qr       qrStore
	gfx      *Raster // graphics stored with GS ( L fn 112, waiting for fn 50
	gfxScale [2]int
}

// request is something a command asks the device to answer, in order.
type request struct {
	kind reqKind
	n    byte
}

type reqKind int

const (
	reqNone   reqKind = iota
	reqStatus         // GS r n
	reqASB            // GS a n
	reqID             // GS I n
)

// effect is what one step did that the device must act on.
type effect struct {
	rows int // dot rows of paper fed
	req  request
}

// NewInterpreter returns an interpreter for a printer described by cfg,
// in its power-up state (Chinese mode on).
func NewInterpreter(cfg Config) *Interpreter {
	in := &Interpreter{cfg: cfg, maxCmd: min(1<<20, cfg.rxCap()/2)}
	in.roll = newRoll(cfg.dots(), cfg.gap())
	in.st = defaultState(cfg.dots())
	return in
}

// Interpret interprets a whole byte stream.
func Interpret(data []byte, cfg Config) *Document {
	in := NewInterpreter(cfg)
	in.Write(data)
	in.Close()
	return in.Document()
}

// Write interprets p, keeping an incomplete command at its end for the
// next Write. It never fails.
func (in *Interpreter) Write(p []byte) (int, error) {
	in.pending = append(in.pending, p...)
	used := 0
	for {
		n, _, ok := in.step(in.pending[used:])
		if !ok {
			break
		}
		used += n
	}
	in.pending = in.pending[:copy(in.pending, in.pending[used:])]
	return len(p), nil
}

// Close ends the stream: a command cut short is logged as truncated, and a
// cut waiting for its feed is made. Characters still in the line buffer
// (no LF after them) are not printed, as on a printer; the log says so.
func (in *Interpreter) Close() error {
	in.end(in.pending)
	in.pending = nil
	return nil
}

// Document returns the pages printed so far and the command log.
func (in *Interpreter) Document() *Document {
	return &Document{Pages: in.roll.pages(), Commands: in.Commands()}
}

// Commands returns the command log so far.
func (in *Interpreter) Commands() []Command { return append([]Command(nil), in.log...) }

// end finishes the stream with buf the bytes left over.
func (in *Interpreter) end(buf []byte) {
	if in.cutAfter != CutNone {
		in.step(nil)
	}
	switch {
	case in.skip > 0:
		in.rec("skip", nil, "truncated: the stream ended inside the command's data")
		in.skip = 0
	case len(buf) > 0:
		in.rec(truncatedName(buf), buf, "truncated: the stream ended inside the command")
		in.off += int64(len(buf))
	}
	if len(in.line.glyphs) > 0 {
		in.rec("end", nil, "not printed: characters left in the line buffer without LF")
	}
}

// step interprets the first command of buf. It returns the bytes it used
// and what the device must do; ok is false when buf ends inside the
// command (nothing is used then).
func (in *Interpreter) step(buf []byte) (n int, eff effect, ok bool) {
	head := in.roll.head
	in.req = request{}
	defer func() {
		eff.rows = max(0, in.roll.head-head)
		eff.req = in.req
	}()
	if in.cutAfter != CutNone {
		kind := in.cutAfter
		in.cutAfter = CutNone
		in.roll.cut(kind)
		return 0, eff, true
	}
	if in.skip > 0 {
		k := int(min(in.skip, int64(len(buf))))
		if k == 0 {
			return 0, eff, false
		}
		in.rec("skip", buf[:k], "")
		in.skip -= int64(k)
		in.off += int64(k)
		return k, eff, true
	}
	if len(buf) == 0 {
		return 0, eff, false
	}
	switch b := buf[0]; {
	case b == 0x1B:
		n, ok = in.esc(buf)
	case b == 0x1C:
		n, ok = in.fs(buf)
	case b == 0x1D:
		n, ok = in.gs(buf)
	case b == 0x10:
		n, ok = in.dle(buf)
	case b < 0x20:
		n, ok = in.control(buf)
	default:
		n, ok = in.text(buf)
	}
	if ok {
		in.off += int64(n)
	}
	return n, eff, ok
}

// rec logs a command found at the current offset.
func (in *Interpreter) rec(name string, b []byte, problem string) {
	if k := len(in.log) - 1; k >= 0 && problem == "" && coalesced(name) {
		if last := &in.log[k]; last.Name == name && last.Problem == "" && last.Offset+int64(last.Len) == in.off {
			last.Len += len(b)
			if room := maxLogBytes - len(last.Bytes); room > 0 {
				last.Bytes = append(last.Bytes, b[:min(room, len(b))]...)
			}
			return
		}
	}
	in.log = append(in.log, Command{
		Offset: in.off, Name: name, Len: len(b),
		Bytes: append([]byte(nil), b[:min(len(b), maxLogBytes)]...), Problem: problem,
	})
}

// truncatedName names the command a truncated tail starts.
func truncatedName(b []byte) string {
	if len(b) == 0 {
		return "end"
	}
	prefix := map[byte]string{0x1B: "ESC", 0x1C: "FS", 0x1D: "GS", 0x10: "DLE"}[b[0]]
	switch {
	case prefix == "":
		return "text"
	case len(b) < 2:
		return prefix
	case b[1] > 0x20 && b[1] < 0x7F:
		return prefix + " " + string(b[1])
	}
	return prefix
}

// paperEnd stops printing where the roll ran out: rows is how many of
// the last step's rows were printed. A cut waiting for its feed is not
// made.
func (in *Interpreter) paperEnd(head0, rows int) {
	in.cutAfter = CutNone
	in.roll.paperEnd(head0 + rows - in.roll.top)
}

// clearBuffers drops the line buffer (DLE ENQ 2).
func (in *Interpreter) clearBuffers() {
	in.line = lineBuf{}
	in.cutAfter = CutNone
}
