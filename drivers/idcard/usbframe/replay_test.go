package usbframe_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// The replay tests play back USB traffic recorded in the real-USB testbed
// (test/usbvm, .ci/usb-vm --record): the reader gadget's side of every
// bulk transfer the agent's libusb build exchanged with it through the
// kernel's USB stack. So the split-pipe framing is exercised against a
// real stack's transfers on every go test, without the VM.

// xfer is one recorded transfer.
type xfer struct {
	out  bool
	ep   uint8
	data []byte
}

// exchange is one command and its reply: the OUT transfers the host sent,
// then the IN transfers the reader answered. The gadget records each
// endpoint from its own goroutine, so within a run of OUTs (or INs) the
// endpoints' order is not kept; within one endpoint it is.
type exchange struct{ outs, ins []xfer }

// readRecording reads a recording into sections by MARK.
func readRecording(t *testing.T, path string) map[string][]exchange {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sections := map[string][]exchange{}
	name := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "MARK "); ok {
			name = rest
			continue
		}
		fs := strings.Fields(line)
		ep, err1 := strconv.ParseUint(fs[1], 16, 8)
		data, err2 := hex.DecodeString(fs[len(fs)-1])
		if len(fs) != 3 || err1 != nil || err2 != nil || fs[0] != "OUT" && fs[0] != "IN" {
			t.Fatalf("%s: bad line %q", path, line)
		}
		x := xfer{out: fs[0] == "OUT", ep: uint8(ep), data: data}
		ex := sections[name]
		if len(ex) == 0 || x.out && len(ex[len(ex)-1].ins) > 0 {
			ex = append(ex, exchange{})
		}
		last := &ex[len(ex)-1]
		if x.out {
			last.outs = append(last.outs, x)
		} else {
			last.ins = append(last.ins, x)
		}
		sections[name] = ex
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sections
}

// replay is a usb.Endpoints that plays a recorded section back: each OUT
// must be the recorded one for its endpoint; the reply's IN transfers are
// handed out once the command's OUTs are all in; once the recording ends,
// the device is gone (an unplug mid-exchange ends a section).
type replay struct {
	mu   sync.Mutex
	ex   []exchange
	outs map[uint8][][]byte // the current exchange's OUTs still due
	ins  map[uint8][][]byte // its INs not yet read
	err  error              // the first mismatch
}

func newReplay(ex []exchange) *replay {
	r := &replay{ex: ex}
	r.next()
	return r
}

// next starts the next exchange.
func (r *replay) next() {
	r.outs, r.ins = map[uint8][][]byte{}, map[uint8][][]byte{}
	if len(r.ex) == 0 {
		return
	}
	for _, x := range r.ex[0].outs {
		r.outs[x.ep] = append(r.outs[x.ep], x.data)
	}
	for _, x := range r.ex[0].ins {
		r.ins[x.ep] = append(r.ins[x.ep], x.data)
	}
	r.ex = r.ex[1:]
}

func pending(m map[uint8][][]byte) int {
	n := 0
	for _, q := range m {
		n += len(q)
	}
	return n
}

var errGone = fmt.Errorf("replay: the recording ends here: %w", transport.ErrDisconnected)

func (r *replay) Write(ep uint8, b []byte, _ time.Duration) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if pending(r.outs) == 0 {
		if n := pending(r.ins); n > 0 && r.err == nil {
			r.err = fmt.Errorf("the host sent % X on 0x%02X with %d reply transfers unread", b, ep, n)
		}
		if len(r.ex) == 0 {
			return 0, errGone
		}
		r.next()
	}
	q := r.outs[ep]
	if len(q) == 0 || !bytes.Equal(q[0], b) {
		if r.err == nil {
			r.err = fmt.Errorf("the host sent % X on 0x%02X; the recording has %v", b, ep, r.outs)
		}
		return 0, errors.New("replay: unexpected OUT transfer")
	}
	r.outs[ep] = q[1:]
	return len(b), nil
}

func (r *replay) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	r.mu.Lock()
	if pending(r.outs) == 0 {
		if q := r.ins[ep]; len(q) > 0 {
			defer r.mu.Unlock()
			if len(b) < len(q[0]) {
				return 0, fmt.Errorf("replay: a %d-byte transfer into a %d-byte buffer", len(q[0]), len(b))
			}
			n := copy(b, q[0])
			r.ins[ep] = q[1:]
			return n, nil
		}
		if pending(r.ins) == 0 && len(r.ex) == 0 {
			r.mu.Unlock()
			return 0, errGone
		}
	}
	r.mu.Unlock()
	// Nothing for this endpoint now: a timeout, briefly.
	time.Sleep(min(timeout, time.Millisecond))
	return 0, fmt.Errorf("replay: 0x%02X: %w", ep, usb.ErrTimeout)
}

func (r *replay) Close() error { return nil }

// done reports a mismatch, or what of the section was never played.
func (r *replay) done() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if n := pending(r.outs) + pending(r.ins) + len(r.ex); n > 0 {
		return fmt.Errorf("%d transfers or exchanges of the recording were not played", n)
	}
	return nil
}

const readerRecording = "testdata/usbvm-reader.txt"

// sameCard compares a read card with the sample it was recorded from.
func sameCard(t *testing.T, got, want *idcard.Card) {
	t.Helper()
	photo := make([]byte, 1024)
	copy(photo, want.Photo)
	if !reflect.DeepEqual(got.Fields, want.Fields) || got.AppendedAddress != want.AppendedAddress ||
		!bytes.Equal(got.Photo, photo) || len(got.Incomplete) > 0 {
		t.Errorf("read %+v (appended %q, incomplete %v), want %+v (appended %q)",
			got.Fields, got.AppendedAddress, got.Incomplete, want.Fields, want.AppendedAddress)
	}
}

func readerOn(ex []exchange) (*replay, *idcard.Reader, *usbframe.Port) {
	r := newReplay(ex)
	p := usbframe.NewPort(r, usbframe.SplitPipes{})
	return r, idcard.NewReader(p, idcard.Options{}), p
}

// Every sample card, as read through the testbed, reads again from its
// recorded transfers with every field exact.
func TestReplayRecordedCardReads(t *testing.T) {
	sections := readRecording(t, readerRecording)
	for i, want := range idcardsim.SampleCards() {
		t.Run(fmt.Sprint("card", i), func(t *testing.T) {
			ex := sections[fmt.Sprintf("card %d", i)]
			if len(ex) == 0 {
				t.Fatalf("no section %q in %s", fmt.Sprintf("card %d", i), readerRecording)
			}
			r, reader, p := readerOn(ex)
			defer p.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got, err := reader.ReadCard(ctx, idcard.ReadOptions{})
			if err != nil {
				t.Fatalf("%v (replay: %v)", err, r.done())
			}
			sameCard(t, got, want)
			if err := r.done(); err != nil {
				t.Error(err)
			}
		})
	}
}

// The recorded unplug: the reader went away after the read command was
// sent; replayed, the read fails as a disconnection, and the recorded
// replug reads the card whole.
func TestReplayRecordedUnplugAndReplug(t *testing.T) {
	sections := readRecording(t, readerRecording)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, reader, p := readerOn(sections["unplug"])
	_, err := reader.ReadCard(ctx, idcard.ReadOptions{})
	p.Close()
	if !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("the unplugged read gave %v, want an error matching transport.ErrDisconnected", err)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	r, reader, p = readerOn(sections["replug"])
	defer p.Close()
	got, err := reader.ReadCard(ctx, idcard.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameCard(t, got, idcardsim.SampleCards()[1])
	if err := r.done(); err != nil {
		t.Error(err)
	}
}

// kiosk-agent idcard read --port usb, recorded: SAM status, SAM ID, then
// the card.
func TestReplayRecordedCommandLineRead(t *testing.T) {
	r, reader, p := readerOn(readRecording(t, readerRecording)["cli"])
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := reader.SAMStatus(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := reader.SAMID(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := reader.ReadCard(ctx, idcard.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameCard(t, got, idcardsim.SampleCards()[1])
	if err := r.done(); err != nil {
		t.Error(err)
	}
}
