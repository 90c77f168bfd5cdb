package idcard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// rig is a simulator behind a real pseudo-terminal, opened by the real
// go.bug.st/serial code, with a Reader on the host side.
type rig struct {
	sim    *idcardsim.Simulator
	link   *simlink.Link
	port   transport.Port
	reader *idcard.Reader
	done   chan error
}

func newRig(t testing.TB, cfg idcardsim.Config, opts idcard.Options) *rig {
	t.Helper()
	link, err := simlink.New()
	if err != nil {
		t.Fatal(err)
	}
	if link.Path == "" {
		t.Fatal("this OS has no pseudo-terminals; the serial path cannot be tested here")
	}
	port, err := serialport.Open(link.Path, serialport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{sim: idcardsim.New(cfg), link: link, port: port, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.done <- r.sim.Serve(ctx, link.Device) }()
	r.reader = idcard.NewReader(port, opts)
	t.Cleanup(func() {
		cancel()
		port.Close()
		<-r.done
		link.Device.Close()
	})
	return r
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestReadEveryCardKindOverPTY(t *testing.T) {
	r := newRig(t, idcardsim.Config{Delays: idcardsim.Delays{Find: time.Millisecond, Select: time.Millisecond, Read: 5 * time.Millisecond, AppendedAddress: time.Millisecond, SAM: time.Millisecond}}, idcard.Options{})
	ctx := ctxT(t, 20*time.Second)
	if err := r.reader.SAMStatus(ctx); err != nil {
		t.Fatalf("SAM status: %v", err)
	}
	if err := r.reader.Find(ctx); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("find with no card: %v, want ErrNoCard", err)
	}
	for _, want := range idcardsim.SampleCards() {
		if err := r.sim.Place(want); err != nil {
			t.Fatal(err)
		}
		got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", want.Type, err)
		}
		if got.Fields != want.Fields {
			t.Errorf("%s: fields\n got %+v\nwant %+v", want.Type, got.Fields, want.Fields)
		}
		if string(got.Photo) != string(want.Photo) || got.AppendedAddress != want.AppendedAddress {
			t.Errorf("%s: photo or appended address differ (%q vs %q)", want.Type, got.AppendedAddress, want.AppendedAddress)
		}
		// The card has been read: find answers "no card" until it leaves,
		// and the presence probe says it is still there.
		if err := r.reader.Find(ctx); !errors.Is(err, idcard.ErrNoCard) {
			t.Errorf("%s: find after read: %v, want ErrNoCard", want.Type, err)
		}
		if present, err := r.reader.Probe(ctx); err != nil || !present {
			t.Errorf("%s: probe with card on reader: %v %v", want.Type, present, err)
		}
		r.sim.Remove()
		if present, err := r.reader.Probe(ctx); err != nil || present {
			t.Errorf("%s: probe after removal: %v %v", want.Type, present, err)
		}
	}
}

func TestReadFingerprint(t *testing.T) {
	r := newRig(t, idcardsim.Config{Delays: idcardsim.Delays{Find: time.Millisecond}}, idcard.Options{})
	ctx := ctxT(t, 10*time.Second)
	c := idcardsim.SampleCard()
	c.Fingerprint = make([]byte, 1024)
	for i := range c.Fingerprint {
		c.Fingerprint[i] = byte(i * 7)
	}
	r.sim.Place(c)
	got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{Fingerprint: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Fingerprint) != string(c.Fingerprint) || got.Fields != c.Fields {
		t.Fatalf("fingerprint read wrong: %d bytes", len(got.Fingerprint))
	}
}

// A reader whose SAM may not read fingerprints still gives text and photo.
func TestFingerprintFallsBack(t *testing.T) {
	r := newRig(t, idcardsim.Config{Delays: idcardsim.Delays{Find: time.Millisecond}, NoFingerprint: true}, idcard.Options{})
	c := idcardsim.SampleCard()
	c.Fingerprint = make([]byte, 512)
	r.sim.Place(c)
	got, err := r.reader.ReadCard(ctxT(t, 10*time.Second), idcard.ReadOptions{Fingerprint: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Fingerprint != nil || got.Name != c.Name {
		t.Fatalf("got %q with %d fingerprint bytes", got.Name, len(got.Fingerprint))
	}
}

func TestProbeUnsupported(t *testing.T) {
	r := newRig(t, idcardsim.Config{Delays: idcardsim.Delays{Find: time.Millisecond}, NoAppendedAddressCommand: true}, idcard.Options{})
	ctx := ctxT(t, 10*time.Second)
	c := idcardsim.SampleCards()[1] // has an appended address the reader cannot give
	r.sim.Place(c)
	got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.AppendedAddress != "" {
		t.Fatalf("appended address %q from a reader without 30 03", got.AppendedAddress)
	}
	if _, err := r.reader.Probe(ctx); !errors.Is(err, idcard.ErrProbeUnsupported) {
		t.Fatalf("probe: %v, want ErrProbeUnsupported", err)
	}
}

func TestSAMFault(t *testing.T) {
	r := newRig(t, idcardsim.Config{SAMFault: true}, idcard.Options{})
	err := r.reader.SAMStatus(ctxT(t, 5*time.Second))
	if !errors.Is(err, idcard.ErrSAMSelfTestFailed) {
		t.Fatalf("got %v, want ErrSAMSelfTestFailed", err)
	}
}

// With 5 % of replies garbled, dropped or truncated, every read that
// succeeds returns exactly the card on the reader.
func TestFaultyLineNeverGivesWrongCard(t *testing.T) {
	r := newRig(t, idcardsim.Config{
		Delays: idcardsim.Delays{Find: time.Millisecond, Select: time.Millisecond, Read: 2 * time.Millisecond, AppendedAddress: time.Millisecond},
		Faults: idcardsim.Faults{Garble: 0.02, Drop: 0.015, Truncate: 0.015, Seed: 7},
	}, idcard.Options{ShortTimeout: 60 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, FrameGap: 30 * time.Millisecond, LateWindow: 250 * time.Millisecond})
	ctx := ctxT(t, 60*time.Second)
	cards := idcardsim.SampleCards()
	ok, replace := 0, 0
	for i := 0; i < 60; i++ {
		want := cards[i%len(cards)]
		r.sim.Place(want)
		got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{})
		switch {
		case err == nil:
			ok++
			if got.Fields != want.Fields || string(got.Photo) != string(want.Photo) {
				t.Fatalf("read %d: wrong card: %+v", i, got.Fields)
			}
		case idcard.NeedsReplace(err) || errors.Is(err, idcard.ErrNoCard) || errors.Is(err, idcard.ErrTimeout):
			replace++
		default:
			t.Fatalf("read %d: unexpected error %v", i, err)
		}
		r.sim.Remove()
	}
	st := r.reader.Stats()
	t.Logf("%d good reads, %d asked to re-place; stats %+v", ok, replace, st)
	if ok < 50 {
		t.Fatalf("only %d of 60 reads succeeded on a 5 %% faulty line", ok)
	}
	if st.Retries == 0 || st.CorruptFrames+st.Timeouts == 0 {
		t.Fatal("no faults were met: the fault injection is not working")
	}
}

// Unplugging the reader fails the call in flight with ErrDisconnected.
func TestUnplugDuringRead(t *testing.T) {
	r := newRig(t, idcardsim.Config{Delays: idcardsim.Delays{Find: time.Millisecond, Select: time.Millisecond, Read: 300 * time.Millisecond}}, idcard.Options{})
	r.sim.Place(idcardsim.SampleCard())
	go func() {
		time.Sleep(100 * time.Millisecond)
		r.link.Unplug()
	}()
	ctx := ctxT(t, 10*time.Second)
	var err error
	for i := 0; i < 5 && err == nil; i++ {
		_, err = r.reader.ReadCard(ctx, idcard.ReadOptions{})
		r.sim.Remove()
		r.sim.Place(idcardsim.SampleCard())
	}
	if !errors.Is(err, transport.ErrDisconnected) {
		t.Fatalf("got %v, want ErrDisconnected", err)
	}
}

// Frames that are intact but answer another command (a late reply) are
// skipped; the real reply after them is used.
func TestReaderSkipsStaleAndBogusFrames(t *testing.T) {
	host, dev := transport.Pipe()
	reader := idcard.NewReader(host, idcard.Options{ShortTimeout: time.Second})
	go func() {
		buf := make([]byte, 64)
		for {
			n, err := dev.Read(buf)
			if err != nil {
				return
			}
			if n == 0 {
				continue
			}
			// Answer a select: first a stale find reply, garbage, a stale
			// read reply (far too long for a select), then the select
			// reply.
			dev.Write(idcard.EncodeResponse(0, 0, idcard.StatusFound, make([]byte, 4)))
			dev.Write([]byte{0x13, 0x37, 0xAA})
			read := append([]byte{0x01, 0x00, 0x04, 0x00}, make([]byte, 1280)...)
			dev.Write(idcard.EncodeResponse(0, 0, idcard.StatusOK, read))
			dev.Write(idcard.EncodeResponse(0, 0, idcard.StatusOK, make([]byte, 8)))
		}
	}()
	defer host.Close()
	if err := reader.Select(ctxT(t, 5*time.Second)); err != nil {
		t.Fatalf("select: %v", err)
	}
	if st := reader.Stats(); st.StaleFrames != 2 {
		t.Fatalf("stale frames = %d, want 2", st.StaleFrames)
	}
}

func TestTimeoutWhenReaderSilent(t *testing.T) {
	host, dev := transport.Pipe()
	defer dev.Close()
	reader := idcard.NewReader(host, idcard.Options{ShortTimeout: 50 * time.Millisecond, Retries: 1})
	start := time.Now()
	err := reader.Find(ctxT(t, 5*time.Second))
	if !errors.Is(err, idcard.ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("timeout took %v", d)
	}
}

// A device that sends garbage without pause still times out.
func TestTimeoutWhileGarbageKeepsComing(t *testing.T) {
	host, dev := transport.Pipe()
	defer dev.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				dev.Write([]byte{0x55, 0xAA, 0x13})
				time.Sleep(time.Millisecond)
			}
		}
	}()
	reader := idcard.NewReader(host, idcard.Options{ShortTimeout: 100 * time.Millisecond, Retries: -1})
	start := time.Now()
	if err := reader.Find(ctxT(t, 5*time.Second)); !errors.Is(err, idcard.ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v with garbage arriving", d)
	}
}

// Replies that come after the reader gave up on them (a late reply, the
// one fault that can shift every later reply by one) never yield a wrong
// card: each late reply lands in a late window and is either taken for
// the same command or drained.
func TestLateRepliesNeverGiveWrongCard(t *testing.T) {
	r := newRig(t, idcardsim.Config{
		Delays: idcardsim.Delays{Find: time.Millisecond, Select: time.Millisecond, Read: 5 * time.Millisecond, AppendedAddress: time.Millisecond},
		Faults: idcardsim.Faults{Late: 0.06, LateBy: 250 * time.Millisecond, Garble: 0.01, Seed: 11},
	}, idcard.Options{ShortTimeout: 100 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, FrameGap: 30 * time.Millisecond, LateWindow: 400 * time.Millisecond})
	ctx := ctxT(t, 120*time.Second)
	cards := idcardsim.SampleCards()
	ok := 0
	for i := 0; i < 80; i++ {
		want := cards[i%len(cards)]
		r.sim.Place(want)
		got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{})
		if err == nil {
			ok++
			// An appended address may be missing only when the card says
			// so (its 30 03 exchange failed on the bad line).
			addrOK := got.AppendedAddress == want.AppendedAddress ||
				got.AppendedAddress == "" && len(got.Incomplete) == 1 && got.Incomplete[0] == idcard.PartAppendedAddress
			if got.Fields != want.Fields || string(got.Photo) != string(want.Photo) || !addrOK {
				t.Fatalf("read %d: got the card of %s (%q), want %s (%q)", i, got.Name, got.AppendedAddress, want.Name, want.AppendedAddress)
			}
		}
		r.sim.Remove()
	}
	st := r.reader.Stats()
	t.Logf("%d of 80 reads good; stats %+v", ok, st)
	if st.Timeouts == 0 {
		t.Fatal("no reply was late: the fault injection is not working")
	}
	if ok < 60 {
		t.Fatalf("only %d of 80 reads succeeded", ok)
	}
}

// A card lifted between the read and the appended address is delivered
// with the address marked unknown, never as a card that has none.
func TestCardLiftedBeforeAppendedAddressIsIncomplete(t *testing.T) {
	r := newRig(t, idcardsim.Config{Delays: idcardsim.Delays{Find: time.Millisecond, Select: time.Millisecond, Read: 2 * time.Millisecond, AppendedAddress: time.Millisecond}}, idcard.Options{})
	var withAddr *idcard.Card
	for _, c := range idcardsim.SampleCards() {
		if c.AppendedAddress != "" {
			withAddr = c
		}
	}
	if withAddr == nil {
		t.Fatal("no sample card has an appended address")
	}
	ctx := ctxT(t, 10*time.Second)
	r.sim.Place(withAddr)
	r.sim.LiftAfterNextRead()
	got, err := r.reader.ReadCard(ctx, idcard.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Fields != withAddr.Fields || got.AppendedAddress != "" || len(got.Incomplete) != 1 || got.Incomplete[0] != idcard.PartAppendedAddress {
		t.Fatalf("card lifted before 30 03: address %q, incomplete %v", got.AppendedAddress, got.Incomplete)
	}
	// Placed again and left there, it reads whole.
	r.sim.Place(withAddr)
	got, err = r.reader.ReadCard(ctx, idcard.ReadOptions{})
	if err != nil || got.AppendedAddress != withAddr.AppendedAddress || got.Incomplete != nil {
		t.Fatalf("card placed again: %v, address %q, incomplete %v", err, got.AppendedAddress, got.Incomplete)
	}
	// A card that has no appended address is complete without one.
	r.sim.Place(idcardsim.SampleCards()[0])
	got, err = r.reader.ReadCard(ctx, idcard.ReadOptions{})
	if err != nil || got.Incomplete != nil {
		t.Fatalf("card without an appended address: %v, incomplete %v", err, got.Incomplete)
	}
}
