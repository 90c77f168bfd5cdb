package idcard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

// ErrTimeout means no complete, valid reply arrived in time.
var ErrTimeout = errors.New("idcard: no reply from the reader in time")

// ErrBadReply means a reply frame was intact but its content does not fit
// the command (wrong length words, a text block that does not decode).
var ErrBadReply = errors.New("idcard: malformed reply")

// Options tunes a Reader. Zero fields take the defaults in DefaultOptions.
type Options struct {
	// ShortTimeout bounds the reply to find, select, SAM and probe
	// commands. Vendors allow 100–150 ms; the default is generous.
	ShortTimeout time.Duration
	// ReadTimeout bounds the reply to the read commands (30 01, 30 10),
	// which take hundreds of milliseconds plus up to 200 ms of wire time
	// (vendor code allows 2.8 s at most).
	ReadTimeout time.Duration
	// FrameGap is how long a frame may stall half-way before it is given
	// up as truncated.
	FrameGap time.Duration
	// Retries is how many times a command is sent again after a reply that
	// was lost, garbled or truncated, or that the reader itself received
	// garbled (SW3 10/11). Zero means the default (2); a negative value
	// means never (one attempt, as a port probe wants).
	Retries int
	// LateWindow is how late a read reply (30 01, 30 10) may still come
	// after it was given up on. Until then no other read is sent, so that
	// such a reply can never be taken for the answer to a read of a
	// different card. Other commands wait at most ShortTimeout after a
	// lost reply, and not at all after a damaged one: their replies cannot
	// be mistaken for card data.
	LateWindow time.Duration
}

// DefaultOptions are the timings used when a field of Options is zero.
var DefaultOptions = Options{
	ShortTimeout: 500 * time.Millisecond,
	ReadTimeout:  2 * time.Second,
	FrameGap:     150 * time.Millisecond,
	Retries:      2,
	LateWindow:   4 * time.Second,
}

func (o Options) withDefaults() Options {
	if o.ShortTimeout <= 0 {
		o.ShortTimeout = DefaultOptions.ShortTimeout
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultOptions.ReadTimeout
	}
	if o.FrameGap <= 0 {
		o.FrameGap = DefaultOptions.FrameGap
	}
	if o.LateWindow <= 0 {
		o.LateWindow = DefaultOptions.LateWindow
	}
	if o.Retries < 0 {
		o.Retries = 0
	} else if o.Retries == 0 {
		o.Retries = DefaultOptions.Retries
	}
	return o
}

// Stats counts what a Reader met on the wire, for diagnostics.
type Stats struct {
	Exchanges     int // commands sent, retries included
	Retries       int // commands sent again
	Timeouts      int // replies that never came
	CorruptFrames int // frames dropped for bad checksum, length or truncation
	GarbageBytes  int // bytes skipped while looking for a preamble
	StaleFrames   int // intact frames that did not answer the command sent
}

// Reader talks SAM_V to one ID card reader over an injected transport. It
// does not open ports: give it a serial port, a USB endpoint pair or a pipe
// to a simulator. Its methods are safe for concurrent use; commands are
// serialised.
type Reader struct {
	t    io.ReadWriter
	opts Options

	mu    sync.Mutex // serialises exchanges; guards everything below
	dec   Decoder
	buf   []byte
	stats Stats
	// noProbe is set once the reader answered 30 03 with "unknown command".
	noProbe bool
	// noFingerprint is set once the reader refused 30 10 (unknown command
	// or not authorised): it cannot read fingerprints.
	noFingerprint bool
	// lateUntil closes the window in which do waits for the late reply
	// to the command it is about to send again (zero: none open).
	lateUntil time.Time
	// dirtyUntil is when the latest reply given up on can no longer
	// come, for commands whose replies it could be mistaken for: any
	// command until dirtyUntil, reads until readsDirtyUntil.
	dirtyUntil, readsDirtyUntil time.Time
	// lateReads counts read replies given up on that may still come; a
	// read-shaped frame arriving later is one of them, and when all have
	// come the read window closes early.
	lateReads int
}

// NewReader returns a Reader speaking over t. Read on t should return 0, nil
// after a short poll period when nothing arrives (see transport.Port), so
// that deadlines are kept; a t whose Read blocks delays them.
func NewReader(t io.ReadWriter, o Options) *Reader {
	return &Reader{t: t, opts: o.withDefaults(), buf: make([]byte, 4096)}
}

// Stats returns a copy of the reader's counters.
func (r *Reader) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	s.GarbageBytes = r.dec.Garbage
	return s
}

// Reply is a reader frame, split into its parts.
type Reply struct {
	SW1, SW2 byte
	Status   Status
	Data     []byte
}

// Exchange sends one command and waits up to timeout for its reply, without
// retrying. Intact frames that cannot be the reply to this command (a late
// reply to an earlier one) are skipped. It returns ErrTimeout, an error
// matching transport.ErrDisconnected or transport.ErrClosed, or ctx's error;
// a reply with a failure status is returned as a Reply, not an error.
func (r *Reader) Exchange(ctx context.Context, c Command, data []byte, timeout time.Duration) (Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.exchange(ctx, c, data, timeout, false)
}

// exchange sends c and waits for its reply.
//
// A reply that comes after its timeout must never be taken for the answer
// to a later command: a read reply for the previous card arriving during
// the next card's read would hand out the wrong person's data. So every
// timeout marks the line dirty for LateWindow after that send, and a new
// command (retry false) first drains the line until it is clean. A retry
// of the same command goes out sooner (after do has waited the command's
// own timeout once more for the late reply): any reply it then receives
// answers the same question about the same card.
func (r *Reader) exchange(ctx context.Context, c Command, data []byte, timeout time.Duration, retry bool) (Reply, error) {
	if err := ctx.Err(); err != nil {
		return Reply{}, err
	}
	r.expireLate()
	if !retry {
		if err := r.drainFor(ctx, c); err != nil {
			return Reply{}, err
		}
	}
	r.stats.Exchanges++
	// Start clean: whatever is buffered now answers nothing we will ask.
	r.dec.Reset()
	if f, ok := r.t.(transport.InputFlusher); ok {
		if err := f.ResetInputBuffer(); err != nil && isGone(err) {
			return Reply{}, fmt.Errorf("idcard: %s: %w", c.Name, err)
		}
	}
	sent := time.Now()
	if _, err := r.t.Write(Encode(c, data...)); err != nil {
		return Reply{}, fmt.Errorf("idcard: send %s: %w", c.Name, err)
	}
	deadline := sent.Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	corrupt := r.stats.CorruptFrames
	rep, ok, err := r.await(ctx, answering(c), deadline)
	if err != nil {
		return Reply{}, fmt.Errorf("idcard: await %s reply: %w", c.Name, err)
	}
	if !ok {
		r.stats.Timeouts++
		r.markLate(c, sent, r.stats.CorruptFrames > corrupt)
		return Reply{}, fmt.Errorf("idcard: %s: %w", c.Name, ErrTimeout)
	}
	return rep, nil
}

// markLate records a reply given up on. A reply that came damaged (a
// garbled or truncated frame arrived) is not late: nothing more will come,
// so a short command may be sent again at once. A reply that never came
// may yet come: a retry of the same command first waits a little for it
// (lateUntil); other commands wait one short timeout (their replies cannot
// be mistaken for card data, and a late failure status that answers one of
// them costs a poll, never a wrong card);
// and reads wait LateWindow, unless every read reply given up on has
// arrived meanwhile. Reads are never exempt: a late read reply is the one
// thing that could hand out a previous person's card.
func (r *Reader) markLate(c Command, sent time.Time, damaged bool) {
	now := time.Now()
	if isRead(c) {
		r.lateReads++
		if d := sent.Add(r.opts.LateWindow); d.After(r.readsDirtyUntil) {
			r.readsDirtyUntil = d
		}
	}
	if damaged && !isRead(c) {
		return
	}
	r.lateUntil = now.Add(min(r.opts.ShortTimeout, retryWindow))
	if isRead(c) {
		r.lateUntil = now.Add(retryWindow)
	}
	if d := now.Add(min(r.opts.LateWindow, r.opts.ShortTimeout)); d.After(r.dirtyUntil) {
		r.dirtyUntil = d
	}
}

// expireLate forgets read replies given up on once their window has
// passed: they can no longer come.
func (r *Reader) expireLate() {
	if !r.readsDirtyUntil.IsZero() && !time.Now().Before(r.readsDirtyUntil) {
		r.readsDirtyUntil, r.lateReads = time.Time{}, 0
	}
}

// isRead reports whether c returns card data.
func isRead(c Command) bool { return c == CmdReadBase || c == CmdReadBaseFP }

// noteStale looks at a frame that answered nothing: when it is a read
// reply given up on earlier, one fewer is still out, and once none is the
// read window closes.
func (r *Reader) noteStale(rep Reply) {
	if r.lateReads == 0 || rep.Status != StatusOK || !(answers(CmdReadBase, rep) || answers(CmdReadBaseFP, rep)) {
		return
	}
	r.lateReads--
	if r.lateReads == 0 {
		r.readsDirtyUntil = time.Time{}
	}
}

// retryWindow bounds how long do waits for a late reply before it sends the
// command again. A reply later than that is still kept from other
// commands by LateWindow.
const retryWindow = time.Second

// drainFor discards what arrives until the line is clean for c: until
// dirtyUntil and, for a read, until readsDirtyUntil or until every read
// reply given up on has come.
func (r *Reader) drainFor(ctx context.Context, c Command) error {
	until := func() time.Time {
		if isRead(c) && r.readsDirtyUntil.After(r.dirtyUntil) {
			return r.readsDirtyUntil
		}
		return r.dirtyUntil
	}
	for time.Now().Before(until()) {
		// Every frame is stale here; each is looked at once, and one that
		// closes the window ends the wait early.
		rep, got, err := r.await(ctx, func(Reply) bool { return true }, until())
		if err != nil || !got {
			r.expireLate()
			return err
		}
		r.stats.StaleFrames++
		r.noteStale(rep)
	}
	r.expireLate()
	return nil
}

// acceptLate waits, within the late window, for the late reply to c: the
// command was sent once and the card has not changed, so that reply is
// good. It reports false when the window closed without one.
func (r *Reader) acceptLate(ctx context.Context, c Command) (Reply, bool, error) {
	if r.lateUntil.IsZero() {
		return Reply{}, false, nil
	}
	rep, ok, err := r.await(ctx, answering(c), r.lateUntil)
	r.lateUntil = time.Time{}
	if ok && isRead(c) && rep.Status == StatusOK {
		r.noteStale(rep) // the late read reply has come
	}
	return rep, ok, err
}

func answering(c Command) func(Reply) bool {
	return func(rep Reply) bool { return answers(c, rep) }
}

// await reads until a frame that accept takes arrives (true) or the
// deadline passes (false). Frames it refuses are counted and dropped.
func (r *Reader) await(ctx context.Context, accept func(Reply) bool, deadline time.Time) (Reply, bool, error) {
	lastByte := time.Now()
	for {
		// Decode everything buffered first.
		for {
			body, err := r.dec.Next()
			if errors.Is(err, ErrNeedMore) {
				break
			}
			if err != nil {
				r.stats.CorruptFrames++
				continue
			}
			rep, ok := parseReply(body)
			if !ok || !accept(rep) {
				r.stats.StaleFrames++
				if ok {
					r.noteStale(rep)
				}
				continue
			}
			return rep, true, nil
		}
		if err := ctx.Err(); err != nil {
			return Reply{}, false, err
		}
		// A device that never stops sending (garbage at the wrong baud
		// rate) must not hold us past the deadline.
		if time.Now().After(deadline.Add(r.opts.FrameGap)) {
			return Reply{}, false, nil
		}
		// Read before judging the soft limits: after the process was not
		// scheduled for a while, the bytes are waiting in the OS buffer
		// and the frame is whole.
		n, err := r.t.Read(r.buf)
		if n > 0 {
			r.dec.Feed(r.buf[:n])
			lastByte = time.Now()
			continue
		}
		if err != nil && !isTimeout(err) {
			return Reply{}, false, err
		}
		// Nothing arrived for a whole poll period.
		now := time.Now()
		if r.dec.Pending() && now.Sub(lastByte) > r.opts.FrameGap {
			if r.dec.Abandon() != nil {
				r.stats.CorruptFrames++
			}
			continue
		}
		if !now.Before(deadline) {
			return Reply{}, false, nil
		}
	}
}

func parseReply(body []byte) (Reply, bool) {
	if len(body) < 3 {
		return Reply{}, false
	}
	return Reply{SW1: body[0], SW2: body[1], Status: Status(body[2]), Data: body[3:]}, true
}

// answers reports whether rep can be the reply to c. A success code that
// belongs to another command, or data of the wrong shape, means the frame is
// a stale reply to something else; being strict here is what keeps a reply
// that slipped past its exchange from being taken for the next one.
func answers(c Command, rep Reply) bool {
	switch rep.Status {
	case StatusFound:
		return c == CmdFind
	case StatusNoContent:
		return c == CmdReadAppendedAddr || c == CmdReadBaseFP
	case StatusOK:
		switch c {
		case CmdFind:
			return false
		case CmdSelect:
			return len(rep.Data) <= 16 // 8 bytes of SN on every reader seen
		case CmdReadAppendedAddr:
			return len(rep.Data) <= 4*70 && len(rep.Data)%2 == 0 // up to four UCS-2 addresses
		case CmdReadBase:
			return len(rep.Data) >= 4 && 4+be16(rep.Data)+be16(rep.Data[2:]) == len(rep.Data)
		case CmdReadBaseFP:
			return len(rep.Data) >= 6 && 6+be16(rep.Data)+be16(rep.Data[2:])+be16(rep.Data[4:]) == len(rep.Data)
		case CmdSAMStatus, CmdResetSAM:
			return len(rep.Data) == 0
		case CmdSAMID:
			return len(rep.Data) == 16
		}
		return true
	}
	// A failure answers any command: readers say "no card" (80) or
	// "select failed" (81) to a probe or a read when the card has gone.
	return true
}

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func isGone(err error) bool {
	return errors.Is(err, transport.ErrDisconnected) || errors.Is(err, transport.ErrClosed)
}

// do sends c, retrying when the reply was lost or garbled on the way, and
// turns a failure status into a *StatusError.
func (r *Reader) do(ctx context.Context, c Command, timeout time.Duration) (Reply, error) {
	var rep Reply
	var err error
	for attempt := 0; attempt <= r.opts.Retries; attempt++ {
		if attempt > 0 {
			r.stats.Retries++
		}
		rep, err = r.exchange(ctx, c, nil, timeout, attempt > 0)
		if errors.Is(err, ErrTimeout) {
			// Wait out the late window before sending again: the reply
			// may only be late, and two replies in flight could leak one
			// into a later exchange.
			late, ok, lerr := r.acceptLate(ctx, c)
			switch {
			case lerr != nil:
				return Reply{}, fmt.Errorf("idcard: await late %s reply: %w", c.Name, lerr)
			case !ok:
				continue
			}
			rep, err = late, nil
		}
		if err != nil {
			return Reply{}, err
		}
		if rep.Status == StatusChecksum || rep.Status == StatusLength {
			// The reader got our frame garbled; send it again.
			err = &StatusError{Command: c, SW1: rep.SW1, SW2: rep.SW2, Status: rep.Status}
			continue
		}
		if !rep.Status.success() {
			return rep, &StatusError{Command: c, SW1: rep.SW1, SW2: rep.SW2, Status: rep.Status}
		}
		return rep, nil
	}
	return Reply{}, err
}

// SAMStatus checks that the reader's security module is ready (11 FF).
func (r *Reader) SAMStatus(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.do(ctx, CmdSAMStatus, r.opts.ShortTimeout)
	return err
}

// ResetSAM restarts the security module (10 FF). Vendors wait about 2 s
// before the next command.
func (r *Reader) ResetSAM(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.do(ctx, CmdResetSAM, r.opts.ShortTimeout)
	return err
}

// SAMID is the 16-byte identity of the reader's security module.
type SAMID [16]byte

// String formats the ID as most vendor tools print it:
// u16.u16-u32-u32(10 digits)-u32(10 digits), little-endian.
func (s SAMID) String() string {
	le16 := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 }
	le32 := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
	return fmt.Sprintf("%02d.%02d-%08d-%010d-%010d", le16(s[0:]), le16(s[2:]), le32(s[4:]), le32(s[8:]), le32(s[12:]))
}

// SAMID reads the security module's identity (12 FF).
func (r *Reader) SAMID(ctx context.Context) (SAMID, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var id SAMID
	rep, err := r.do(ctx, CmdSAMID, r.opts.ShortTimeout)
	if err != nil {
		return id, err
	}
	if len(rep.Data) != len(id) {
		return id, fmt.Errorf("idcard: SAM ID is %d bytes, want 16: %w", len(rep.Data), ErrBadReply)
	}
	copy(id[:], rep.Data)
	return id, nil
}

// Find looks for a card in the field (20 01). It returns an error matching
// ErrNoCard when there is none — also, on real readers, when the card in
// the field was already read and has not left since.
func (r *Reader) Find(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.do(ctx, CmdFind, r.opts.ShortTimeout)
	return err
}

// Select selects the card found by Find (20 02).
func (r *Reader) Select(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.do(ctx, CmdSelect, r.opts.ShortTimeout)
	return err
}

// ReadOptions says what ReadCard reads besides text and photo.
type ReadOptions struct {
	// Fingerprint asks for the fingerprint templates (30 10). Readers
	// without fingerprint authorisation fall back to text and photo.
	Fingerprint bool
	// SkipAppendedAddress leaves out the extra 30 03 exchange.
	SkipAppendedAddress bool
}

// ReadCard runs the whole sequence: find, select, read, and the appended
// address. It returns an error matching ErrNoCard when no new card is in the
// field. Replies lost or garbled on the wire are retried; a card that is
// read badly (NeedsReplace) must be lifted and placed again.
func (r *Reader) ReadCard(ctx context.Context, o ReadOptions) (*Card, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.do(ctx, CmdFind, r.opts.ShortTimeout); err != nil {
		return nil, err
	}
	if _, err := r.do(ctx, CmdSelect, r.opts.ShortTimeout); err != nil {
		return nil, err
	}
	return r.readSelected(ctx, o)
}

// ReadSelected reads a card that was found and selected.
func (r *Reader) ReadSelected(ctx context.Context, o ReadOptions) (*Card, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.readSelected(ctx, o)
}

func (r *Reader) readSelected(ctx context.Context, o ReadOptions) (*Card, error) {
	cmd := CmdReadBase
	if o.Fingerprint {
		cmd = CmdReadBaseFP
	}
	if cmd == CmdReadBaseFP && r.noFingerprint {
		cmd = CmdReadBase
	}
	rep, err := r.do(ctx, cmd, r.opts.ReadTimeout)
	if cmd == CmdReadBaseFP && (errors.Is(err, ErrUnknownCommand) || errors.Is(err, ErrUnauthorized)) {
		r.noFingerprint = true
		cmd = CmdReadBase
		rep, err = r.do(ctx, cmd, r.opts.ReadTimeout)
	}
	if NeedsReplace(err) || errors.Is(err, ErrTimeout) {
		// Some readers want the card selected again after a failed or
		// lost read; the card is still in the field, so try that once.
		if _, serr := r.do(ctx, CmdSelect, r.opts.ShortTimeout); serr == nil {
			rep, err = r.do(ctx, cmd, r.opts.ReadTimeout)
		}
	}
	if err != nil {
		return nil, err
	}
	card, err := decodeRead(cmd, rep.Data)
	if err != nil {
		return nil, err
	}
	if !o.SkipAppendedAddress && !r.noProbe {
		addr, err := r.appendedAddress(ctx)
		switch {
		case err == nil:
			card.AppendedAddress = addr
		case errors.Is(err, ErrUnknownCommand):
			r.noProbe = true
		case isGone(err) || ctx.Err() != nil:
			return nil, err
		default:
			// The card left the field between the two commands, or the
			// line failed: text and photo are whole, the address is not
			// known. Say so rather than pass "no address" off as fact.
			card.Incomplete = append(card.Incomplete, PartAppendedAddress)
		}
	}
	return card, nil
}

// decodeRead splits a 30 01 / 30 10 reply into its parts.
func decodeRead(cmd Command, d []byte) (*Card, error) {
	words := 2
	if cmd == CmdReadBaseFP {
		words = 3
	}
	if len(d) < 2*words {
		return nil, fmt.Errorf("idcard: %s reply has %d bytes: %w", cmd.Name, len(d), ErrBadReply)
	}
	textLen, photoLen, fpLen := be16(d), be16(d[2:]), 0
	if words == 3 {
		fpLen = be16(d[4:])
	}
	off := 2 * words
	if off+textLen+photoLen+fpLen != len(d) {
		return nil, fmt.Errorf("idcard: %s reply length words %d+%d+%d do not match %d data bytes: %w", cmd.Name, textLen, photoLen, fpLen, len(d)-off, ErrBadReply)
	}
	fields, err := textblock.Decode(d[off : off+textLen])
	if err != nil {
		return nil, fmt.Errorf("idcard: %s: %w: %w", cmd.Name, ErrBadReply, err)
	}
	off += textLen
	card := &Card{Fields: fields, Photo: append([]byte(nil), d[off:off+photoLen]...)}
	off += photoLen
	if fpLen > 0 {
		card.Fingerprint = append([]byte(nil), d[off:off+fpLen]...)
	}
	return card, nil
}

// appendedAddress reads 30 03 and returns the newest appended address, or
// "" when the card has none (SW3 91).
func (r *Reader) appendedAddress(ctx context.Context) (string, error) {
	rep, err := r.do(ctx, CmdReadAppendedAddr, r.opts.ShortTimeout)
	if errors.Is(err, ErrNoContent) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return newestAddress(rep.Data), nil
}

// newestAddress picks the last non-empty 70-byte field of an appended
// address reply. GA/T 490 has four such fields; some readers return one.
func newestAddress(d []byte) string {
	const field = 70
	newest := ""
	for off := 0; off < len(d); off += field {
		end := min(off+field, len(d))
		if s := textblock.DecodeString(d[off:end]); s != "" {
			newest = s
		}
	}
	return newest
}

// Probe checks whether the card read last is still in the field, with the
// cheap 30 03 exchange vendors use for this (idcard-protocol.md §3.4). It
// returns ErrProbeUnsupported when the reader does not know the command.
// Lost or garbled replies are retried; only a clear answer from the reader
// counts as "gone".
func (r *Reader) Probe(ctx context.Context) (present bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.noProbe {
		return false, ErrProbeUnsupported
	}
	_, err = r.do(ctx, CmdReadAppendedAddr, r.opts.ShortTimeout)
	var se *StatusError
	switch {
	case err == nil || errors.Is(err, ErrNoContent):
		return true, nil
	case errors.Is(err, ErrUnknownCommand):
		r.noProbe = true
		return false, ErrProbeUnsupported
	case errors.As(err, &se) && se.Status != StatusChecksum && se.Status != StatusLength:
		return false, nil
	}
	return false, err
}

// CheckFingerprints asks the reader, with no card selected, whether it
// knows 30 10 at all: readers without fingerprint support answer "unknown
// command" or "not authorised" whatever is in the field, others a failure
// about the card. The answer is remembered for ReadsFingerprints. Only a
// lost line is an error.
func (r *Reader) CheckFingerprints(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep, err := r.exchange(ctx, CmdReadBaseFP, nil, r.opts.ShortTimeout, false)
	switch {
	case errors.Is(err, ErrTimeout):
		return nil // a reader that ignores what it does not know: still unknown
	case err != nil:
		return err
	case rep.Status == StatusCommand || rep.Status == StatusUnauthorized:
		r.noFingerprint = true
	}
	return nil
}

// ReadsFingerprints reports whether the reader may read fingerprints: false
// once it has refused 30 10.
func (r *Reader) ReadsFingerprints() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.noFingerprint
}

// Reread reads the text and photo again (30 01) without find or select.
// Readers that allow it answer for the card still in the field and fail
// when it has gone, which makes it a presence check for readers without
// 30 03; readers that want the card placed again fail either way, so try
// it right after a good read before relying on it.
func (r *Reader) Reread(ctx context.Context) (*Card, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep, err := r.do(ctx, CmdReadBase, r.opts.ReadTimeout)
	if err != nil {
		return nil, err
	}
	return decodeRead(CmdReadBase, rep.Data)
}

// ErrProbeUnsupported means the reader cannot tell whether a card is still in
// the field.
var ErrProbeUnsupported = errors.New("idcard: reader has no card presence probe (30 03)")
