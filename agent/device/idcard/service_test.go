package idcard_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	idcardsvc "github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// bench is a simulated reader behind pseudo-terminals that can be unplugged
// and plugged in again, with the service under test on the host side.
type bench struct {
	t      testing.TB
	sim    *idcardsim.Simulator
	svc    *idcardsvc.Service
	events chan idcardsvc.Event
	states chan device.Status

	mu      sync.Mutex
	link    *simlink.Link
	stopSim context.CancelFunc
	simDone chan struct{}
	opens   int
}

var fastDelays = idcardsim.Delays{Find: time.Millisecond, Select: time.Millisecond, Read: 5 * time.Millisecond, AppendedAddress: time.Millisecond, SAM: time.Millisecond}

func newBench(t testing.TB, poll time.Duration) *bench {
	return newBenchWith(t, idcardsim.Config{Delays: fastDelays}, poll, nil)
}

// newBenchWith is newBench with a simulator of the given kind and, if
// tweak is not nil, a changed service configuration.
func newBenchWith(t testing.TB, simCfg idcardsim.Config, poll time.Duration, tweak func(*idcardsvc.Config)) *bench {
	t.Helper()
	b := &bench{t: t, sim: idcardsim.New(simCfg), events: make(chan idcardsvc.Event, 1000), states: make(chan device.Status, 1000)}
	b.plug()
	cfg := idcardsvc.Config{
		Open:         b.open,
		PollInterval: poll,
		Backoff:      device.Backoff{Initial: 5 * time.Millisecond, Max: 5 * time.Millisecond},
		Reader:       idcard.Options{ShortTimeout: 200 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, FrameGap: 50 * time.Millisecond},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	b.svc = idcardsvc.New(cfg, func(e idcardsvc.Event) {
		select {
		case b.events <- e:
		default:
			t.Error("event queue full")
		}
	})
	var reg device.Registry
	reg.Add(b.svc.Device())
	reg.Subscribe(func(st device.Status) {
		select {
		case b.states <- st:
		default:
			t.Error("status queue full")
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.svc.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		b.unplug()
	})
	b.waitStatus(device.Connected)
	return b
}

func (b *bench) open(ctx context.Context) (transport.Port, string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.link == nil {
		return nil, "sim", fmt.Errorf("unplugged: %w", transport.ErrDisconnected)
	}
	p, err := serialport.Open(b.link.Path, serialport.Config{})
	if err == nil {
		b.opens++
	}
	return p, b.link.Path, err
}

// plug connects a fresh simulated cable with the reader on it.
func (b *bench) plug() {
	link, err := simlink.New()
	if err != nil {
		b.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.sim.Serve(ctx, link.Device); close(done) }()
	b.mu.Lock()
	b.link, b.stopSim, b.simDone = link, cancel, done
	b.mu.Unlock()
}

// unplug pulls the cable.
func (b *bench) unplug() {
	b.mu.Lock()
	link, stop, done := b.link, b.stopSim, b.simDone
	b.link = nil
	b.mu.Unlock()
	if link == nil {
		return
	}
	link.Unplug()
	stop()
	<-done
}

func (b *bench) next(kind idcardsvc.EventKind, within time.Duration) idcardsvc.Event {
	b.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case e := <-b.events:
			if e.Kind == kind {
				return e
			}
		case <-deadline:
			b.t.Fatalf("no event of kind %d within %v", kind, within)
			return idcardsvc.Event{}
		}
	}
}

// none fails if an event of kind arrives within d.
func (b *bench) none(kind idcardsvc.EventKind, d time.Duration) {
	b.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e := <-b.events:
			if e.Kind == kind {
				b.t.Fatalf("unexpected event %d: %+v", kind, e)
			}
		case <-deadline:
			return
		}
	}
}

// nextState waits for a device.changed status with state st.
func (b *bench) nextState(st device.State, within time.Duration) device.Status {
	b.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case got := <-b.states:
			if got.State == st {
				return got
			}
		case <-deadline:
			b.t.Fatalf("no %s status within %v", st, within)
			return device.Status{}
		}
	}
}

func (b *bench) waitStatus(st device.State) {
	b.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for b.svc.Device().Status().State != st {
		if time.Now().After(deadline) {
			b.t.Fatalf("status %+v, want %s", b.svc.Device().Status(), st)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func name(c *idcard.Card) string {
	if c == nil {
		return "no card"
	}
	return c.Name
}

func countReads(cmds []idcard.Command) int {
	n := 0
	for _, c := range cmds {
		if c.CMD == 0x30 && (c.PARA == 0x01 || c.PARA == 0x10) {
			n++
		}
	}
	return n
}

func TestInsertedOncePerPlacementNotReread(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	card := idcardsim.SampleCard()
	b.sim.Place(card)
	e := b.next(idcardsvc.CardInserted, 2*time.Second)
	if e.Card.Fields != card.Fields {
		t.Fatalf("inserted %+v", e.Card.Fields)
	}
	reads := countReads(b.sim.Commands())
	// Twenty poll intervals with the card left on the reader: no new
	// event, no new read.
	b.none(idcardsvc.CardInserted, 400*time.Millisecond)
	if got := countReads(b.sim.Commands()); got != reads {
		t.Fatalf("card left on the reader was read %d more times", got-reads)
	}
	b.sim.Remove()
	b.next(idcardsvc.CardRemoved, 2*time.Second)
	b.sim.Place(card)
	b.next(idcardsvc.CardInserted, 2*time.Second)
}

func TestReadSemantics(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	ctx := context.Background()
	if _, err := b.svc.Read(ctx, idcardsvc.ReadOptions{}); !errors.Is(err, idcardsvc.ErrNoCard) {
		t.Fatalf("read with no card: %v", err)
	}
	start := time.Now()
	if _, err := b.svc.Read(ctx, idcardsvc.ReadOptions{Timeout: 150 * time.Millisecond}); !errors.Is(err, device.ErrTimeout) {
		t.Fatalf("read timeout: %v", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 400*time.Millisecond {
		t.Fatalf("timeout after %v, want ~150ms", d)
	}
	// A card placed while waiting is returned.
	cards := idcardsim.SampleCards()
	go func() {
		time.Sleep(100 * time.Millisecond)
		b.sim.Place(cards[2])
	}()
	got, err := b.svc.Read(ctx, idcardsvc.ReadOptions{Timeout: 3 * time.Second})
	if err != nil || got.Fields != cards[2].Fields {
		t.Fatalf("read while placing: %v %s", err, name(got))
	}
	// The card is still there: a second read returns it again at once.
	got, err = b.svc.Read(ctx, idcardsvc.ReadOptions{})
	if err != nil || got.Fields != cards[2].Fields {
		t.Fatalf("second read of a card left on the reader: %v", err)
	}
	// Swap cards between polls: the read must return the new card.
	b.sim.Remove()
	b.sim.Place(cards[3])
	got, err = b.svc.Read(ctx, idcardsvc.ReadOptions{Timeout: time.Second})
	if err != nil || got.Fields != cards[3].Fields {
		t.Fatalf("read after a swap returned %s, %v", name(got), err)
	}
	// Fingerprints on request, on a card already read without them.
	fp := idcardsim.SampleCards()[3]
	fp.Fingerprint = make([]byte, 512)
	fp.Fingerprint[7] = 7
	b.sim.Remove()
	b.sim.Place(fp)
	got, err = b.svc.Read(ctx, idcardsvc.ReadOptions{Timeout: time.Second, Fingerprint: true})
	if err != nil || len(got.Fingerprint) != 512 || got.Fingerprint[7] != 7 {
		t.Fatalf("fingerprint read: %v, %d bytes", err, len(got.Fingerprint))
	}
}

// Without a 30 03 probe the service still notices a new placement, and
// (on a reader that allows a re-read) a removal.
func TestNoProbeReader(t *testing.T) {
	b := newBenchWith(t, idcardsim.Config{Delays: fastDelays, NoAppendedAddressCommand: true}, 20*time.Millisecond, nil)
	ctx := context.Background()
	cards := idcardsim.SampleCards()
	b.sim.Place(cards[0])
	if c, err := b.svc.Read(ctx, idcardsvc.ReadOptions{Timeout: 2 * time.Second}); err != nil || c.Fields != cards[0].Fields {
		t.Fatalf("first read: %v", err)
	}
	b.sim.Remove()
	b.sim.Place(cards[1])
	if c, err := b.svc.Read(ctx, idcardsvc.ReadOptions{Timeout: 2 * time.Second}); err != nil || c.Fields != cards[1].Fields {
		t.Fatalf("read after replacing the card: %v %s", err, name(c))
	}
	// This reader allows a re-read, so a removal is still seen.
	b.sim.Remove()
	b.next(idcardsvc.CardRemoved, 2*time.Second)
	if _, err := b.svc.Read(ctx, idcardsvc.ReadOptions{}); !errors.Is(err, idcardsvc.ErrNoCard) {
		t.Fatalf("read after removal: %v", err)
	}
}

func TestCardReplaceAfterReadErrors(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	// Each look reads twice (the driver selects again after a failed
	// read): two looks fail, the person is told, the third reads.
	b.sim.FailNextReads(4)
	b.sim.Place(idcardsim.SampleCard())
	e := b.next(idcardsvc.CardError, 2*time.Second)
	if e.Message == "" {
		t.Fatal("CARD_REPLACE event without a message")
	}
	// Once the reads work again the card comes through.
	b.next(idcardsvc.CardInserted, 2*time.Second)
}

// A card that could not be read and is then lifted clears the "place it
// again" prompt with a removed event.
func TestLiftingAnUnreadableCardClearsTheError(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	b.sim.FailNextReads(1000)
	b.sim.Place(idcardsim.SampleCard())
	b.next(idcardsvc.CardError, 2*time.Second)
	b.none(idcardsvc.CardError, 200*time.Millisecond) // told once per placement
	b.sim.Remove()
	b.next(idcardsvc.CardRemoved, 2*time.Second)
}

// An immediate read of a card that cannot be read says so, not "no card".
func TestImmediateReadOfAnUnreadableCard(t *testing.T) {
	b := newBench(t, 300*time.Millisecond)
	b.sim.FailNextReads(1000)
	b.sim.Place(idcardsim.SampleCard())
	time.Sleep(50 * time.Millisecond)
	if _, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{}); !errors.Is(err, idcardsvc.ErrReplace) {
		t.Fatalf("got %v, want ErrReplace", err)
	}
}

func TestReadWaiterGetsReplaceOnTimeout(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	b.sim.FailNextReads(1000)
	b.sim.Place(idcardsim.SampleCard())
	_, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: 300 * time.Millisecond})
	if !errors.Is(err, idcardsvc.ErrReplace) {
		t.Fatalf("got %v, want ErrReplace", err)
	}
}

func TestUnplugAndReplug(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	card := idcardsim.SampleCard()
	b.sim.Place(card)
	b.next(idcardsvc.CardInserted, 2*time.Second)
	b.sim.Remove()
	b.next(idcardsvc.CardRemoved, 2*time.Second)

	// A read waiting for a card fails when the reader is pulled.
	errc := make(chan error, 1)
	go func() {
		_, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: 5 * time.Second})
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	b.unplug()
	select {
	case err := <-errc:
		if !errors.Is(err, device.ErrDisconnected) {
			t.Fatalf("in-flight read: %v, want ErrDisconnected", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("in-flight read not failed on unplug")
	}
	if st := b.nextState(device.Disconnected, 2*time.Second); st.Health.Code != "disconnected" {
		t.Fatalf("status after unplug: %+v", st)
	}
	if _, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: time.Second}); !errors.Is(err, device.ErrDisconnected) {
		t.Fatalf("read while unplugged: %v", err)
	}
	b.plug()
	b.waitStatus(device.Connected)
	b.sim.Place(card)
	got, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: 2 * time.Second})
	if err != nil || got.Fields != card.Fields {
		t.Fatalf("read after replug: %v", err)
	}
}

func fdCount(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func TestHundredUnplugCyclesLeakNothing(t *testing.T) {
	b := newBench(t, 5*time.Millisecond)
	card := idcardsim.SampleCard()
	cycle := func() {
		b.unplug()
		b.waitStatus(device.Disconnected)
		b.plug()
		b.waitStatus(device.Connected)
	}
	cycle() // warm up lazily started runtime goroutines
	runtime.GC()
	goroutines, fds := runtime.NumGoroutine(), fdCount(t)
	for i := 0; i < 100; i++ {
		cycle()
	}
	b.sim.Place(card)
	if got, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: 2 * time.Second}); err != nil || got.Fields != card.Fields {
		t.Fatalf("read after 100 unplugs: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	runtime.GC()
	if g := runtime.NumGoroutine(); g > goroutines+2 {
		t.Errorf("goroutines: %d before, %d after 100 unplug cycles", goroutines, g)
	}
	if f := fdCount(t); f > fds+2 {
		t.Errorf("file descriptors: %d before, %d after 100 unplug cycles", fds, f)
	}
	if b.opens < 101 {
		t.Errorf("port opened %d times over 101 cycles", b.opens)
	}
}

// On a reader that will not select a card it has read, fingerprints asked
// for after the card was read are read after a SAM reset; with
// ReadFingerprints they are there at once.
func TestFingerprintsOnAStrictReader(t *testing.T) {
	for _, eager := range []bool{false, true} {
		t.Run(fmt.Sprintf("ReadFingerprints=%v", eager), func(t *testing.T) {
			b := newBenchWith(t, idcardsim.Config{Delays: fastDelays, StrictSelect: true}, 20*time.Millisecond,
				func(c *idcardsvc.Config) { c.ReadFingerprints = eager })
			card := idcardsim.SampleCard()
			card.Fingerprint = make([]byte, 1024)
			card.Fingerprint[1000] = 0x5A
			b.sim.Place(card)
			b.next(idcardsvc.CardInserted, 2*time.Second)
			// Eager: read with the card. Otherwise the reader refuses to
			// select the card again, and a SAM reset lets it be found anew.
			got, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: time.Second, Fingerprint: true})
			if err != nil || len(got.Fingerprint) != 1024 || got.Fingerprint[1000] != 0x5A {
				t.Fatalf("fingerprints of a card already read on a strict reader: %v", err)
			}
			resets := 0
			for _, c := range b.sim.Commands() {
				if c.CMD == 0x10 {
					resets++
				}
			}
			if want := map[bool]int{false: 1, true: 0}[eager]; resets != want {
				t.Fatalf("%d SAM resets, want %d", resets, want)
			}
		})
	}
}

// Readers answer the presence probe for a departed card with 41, 80 or 81;
// each means the card has gone.
func TestRemovalSeenWhateverTheProbeSays(t *testing.T) {
	for _, gone := range []idcard.Status{idcard.StatusReadFailed, idcard.StatusNoCard, idcard.StatusSelectFailed} {
		t.Run(gone.String(), func(t *testing.T) {
			b := newBenchWith(t, idcardsim.Config{Delays: fastDelays, GoneStatus: gone}, 20*time.Millisecond, nil)
			b.sim.Place(idcardsim.SampleCard())
			if _, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: 2 * time.Second}); err != nil {
				t.Fatal(err)
			}
			b.sim.Remove()
			b.next(idcardsvc.CardRemoved, 2*time.Second)
			if _, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{}); !errors.Is(err, idcardsvc.ErrNoCard) {
				t.Fatalf("read after removal: %v", err)
			}
		})
	}
}

// A reader that cannot read fingerprints answers every request for them
// with the card alone, not with "place it again".
func TestFingerprintsOnAReaderWithout(t *testing.T) {
	b := newBenchWith(t, idcardsim.Config{Delays: fastDelays, StrictSelect: true, NoFingerprint: true}, 20*time.Millisecond, nil)
	for i, card := range idcardsim.SampleCards()[:3] {
		b.sim.Place(card)
		b.next(idcardsvc.CardInserted, 2*time.Second)
		got, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: time.Second, Fingerprint: true})
		if err != nil || got.Fields != card.Fields || got.Fingerprint != nil {
			t.Fatalf("card %d: %v", i, err)
		}
		b.sim.Remove()
		b.next(idcardsvc.CardRemoved, 2*time.Second)
	}
}

// Regression tests for what soaks of the reader service found (903
// placements, 1 % faults, 300 unplugs).

// Soak finding 1: a card lifted between the read and the appended address
// came out as a card without one. It is now marked incomplete.
func TestSoakLiftedBeforeAppendedAddressIsMarked(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	var card *idcard.Card
	for _, c := range idcardsim.SampleCards() {
		if c.AppendedAddress != "" {
			card = c
		}
	}
	if card == nil {
		t.Fatal("no sample card has an appended address")
	}
	b.sim.LiftAfterNextRead()
	b.sim.Place(card)
	e := b.next(idcardsvc.CardInserted, 2*time.Second)
	if e.Card.AppendedAddress != "" || len(e.Card.Incomplete) != 1 || e.Card.Incomplete[0] != idcard.PartAppendedAddress {
		t.Fatalf("card lifted before 30 03 delivered with address %q, incomplete %v", e.Card.AppendedAddress, e.Card.Incomplete)
	}
	b.next(idcardsvc.CardRemoved, 2*time.Second)
	b.sim.Place(card)
	if e := b.next(idcardsvc.CardInserted, 2*time.Second); e.Card.AppendedAddress != card.AppendedAddress || e.Card.Incomplete != nil {
		t.Fatalf("placed again: address %q, incomplete %v", e.Card.AppendedAddress, e.Card.Incomplete)
	}
}

// Soak finding 2: a card placed within 4 s after a lost reply, and held
// 1.5 s, gave neither idcard.inserted nor an error: every lost reply kept
// the line quiet for the whole late window. Real timings here.
func TestSoakPlacementRightAfterALostReplyIsRead(t *testing.T) {
	b := newBenchWith(t, idcardsim.Config{Delays: fastDelays}, 500*time.Millisecond, func(c *idcardsvc.Config) {
		c.Reader = idcard.Options{} // the real timeouts and late window
	})
	time.Sleep(600 * time.Millisecond) // polling the empty reader
	b.sim.DropNextReplies(1)           // the next find's reply is lost
	time.Sleep(600 * time.Millisecond)
	card := idcardsim.SampleCard()
	b.sim.Place(card)
	placed := time.Now()
	select {
	case e := <-waitKind(b, idcardsvc.CardInserted, idcardsvc.CardError):
		if e.Kind != idcardsvc.CardInserted {
			t.Fatalf("got event %d, want the card", e.Kind)
		}
		t.Logf("read %v after placement", time.Since(placed))
	case <-time.After(1500 * time.Millisecond):
		t.Fatal("a card held 1.5 s right after a lost reply was not read")
	}
}

// waitKind returns a channel that delivers the first event of one of kinds.
func waitKind(b *bench, kinds ...idcardsvc.EventKind) <-chan idcardsvc.Event {
	out := make(chan idcardsvc.Event, 1)
	go func() {
		for e := range b.events {
			for _, k := range kinds {
				if e.Kind == k {
					out <- e
					return
				}
			}
		}
	}()
	return out
}

// Soak finding 3: idcard.read answered TIMEOUT while a card that had to be
// placed again lay on the reader (the prompt came, the read did not say it).
func TestSoakReadWhileACardMustBePlacedAgainSaysSo(t *testing.T) {
	b := newBench(t, 500*time.Millisecond)
	b.sim.FailNextReads(1000)
	b.sim.Place(idcardsim.SampleCard())
	b.next(idcardsvc.CardError, 3*time.Second)
	_, err := b.svc.Read(context.Background(), idcardsvc.ReadOptions{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, idcardsvc.ErrReplace) {
		t.Fatalf("read while an unreadable card lies there: %v, want ErrReplace", err)
	}
}

// Soak finding 4: a read that failed across a card swap asked the person
// to place the card again, although the next look read the new card fine.
func TestSoakNoPromptWhenTheNextLookReads(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	b.sim.FailNextReads(2) // one look fails (read, select again, read)
	b.sim.Place(idcardsim.SampleCard())
	e := <-waitKind(b, idcardsvc.CardInserted, idcardsvc.CardError)
	if e.Kind != idcardsvc.CardInserted {
		t.Fatalf("got a prompt to place the card again (%q); the next look read it", e.Message)
	}
	// And an immediate read across such a failure answers the card.
	b.sim.Remove()
	b.next(idcardsvc.CardRemoved, 2*time.Second)
	b2 := newBench(t, time.Hour) // no polling: only the request looks
	b2.sim.FailNextReads(2)
	b2.sim.Place(idcardsim.SampleCard())
	if c, err := b2.svc.Read(context.Background(), idcardsvc.ReadOptions{}); err != nil || c == nil {
		t.Fatalf("immediate read across one failed look: %v", err)
	}
}

// Soak finding 5: each unplug sent two device.changed "disconnected"
// events with different texts.
func TestSoakOneDisconnectedEventPerUnplug(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	for len(b.states) > 0 {
		<-b.states
	}
	b.unplug()
	time.Sleep(time.Second) // many failed reopens, 5 ms apart
	n := 0
	for len(b.states) > 0 {
		st := <-b.states
		t.Logf("device.changed %s %s %q", st.State, st.Health.Code, st.Health.Message)
		if st.State == device.Disconnected {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d disconnected events for one unplug, want 1", n)
	}
}
