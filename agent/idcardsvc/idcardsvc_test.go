package idcardsvc_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/idcardsvc"
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
	b := &bench{t: t, sim: idcardsim.New(simCfg), events: make(chan idcardsvc.Event, 1000)}
	b.plug()
	cfg := idcardsvc.Config{
		Open:          b.open,
		PollInterval:  poll,
		RetryInterval: 5 * time.Millisecond,
		Reader:        idcard.Options{ShortTimeout: 200 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, FrameGap: 50 * time.Millisecond},
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
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.svc.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		b.unplug()
	})
	b.waitStatus(idcardsvc.Connected)
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

func (b *bench) waitStatus(st idcardsvc.State) {
	b.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for b.svc.Status().State != st {
		if time.Now().After(deadline) {
			b.t.Fatalf("status %+v, want %s", b.svc.Status(), st)
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
	if _, err := b.svc.Read(ctx, 0, false); !errors.Is(err, idcardsvc.ErrNoCard) {
		t.Fatalf("read with no card: %v", err)
	}
	start := time.Now()
	if _, err := b.svc.Read(ctx, 150*time.Millisecond, false); !errors.Is(err, idcardsvc.ErrTimeout) {
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
	got, err := b.svc.Read(ctx, 3*time.Second, false)
	if err != nil || got.Fields != cards[2].Fields {
		t.Fatalf("read while placing: %v %s", err, name(got))
	}
	// The card is still there: a second read returns it again at once.
	got, err = b.svc.Read(ctx, 0, false)
	if err != nil || got.Fields != cards[2].Fields {
		t.Fatalf("second read of a card left on the reader: %v", err)
	}
	// Swap cards between polls: the read must return the new card.
	b.sim.Remove()
	b.sim.Place(cards[3])
	got, err = b.svc.Read(ctx, time.Second, false)
	if err != nil || got.Fields != cards[3].Fields {
		t.Fatalf("read after a swap returned %s, %v", name(got), err)
	}
	// Fingerprints on request, on a card already read without them.
	fp := idcardsim.SampleCards()[3]
	fp.Fingerprint = make([]byte, 512)
	fp.Fingerprint[7] = 7
	b.sim.Remove()
	b.sim.Place(fp)
	got, err = b.svc.Read(ctx, time.Second, true)
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
	if c, err := b.svc.Read(ctx, 2*time.Second, false); err != nil || c.Fields != cards[0].Fields {
		t.Fatalf("first read: %v", err)
	}
	b.sim.Remove()
	b.sim.Place(cards[1])
	if c, err := b.svc.Read(ctx, 2*time.Second, false); err != nil || c.Fields != cards[1].Fields {
		t.Fatalf("read after replacing the card: %v %s", err, name(c))
	}
	// This reader allows a re-read, so a removal is still seen.
	b.sim.Remove()
	b.next(idcardsvc.CardRemoved, 2*time.Second)
	if _, err := b.svc.Read(ctx, 0, false); !errors.Is(err, idcardsvc.ErrNoCard) {
		t.Fatalf("read after removal: %v", err)
	}
}

func TestCardReplaceAfterReadErrors(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	b.sim.FailNextReads(3)
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
	if _, err := b.svc.Read(context.Background(), 0, false); !errors.Is(err, idcardsvc.ErrReplace) {
		t.Fatalf("got %v, want ErrReplace", err)
	}
}

func TestReadWaiterGetsReplaceOnTimeout(t *testing.T) {
	b := newBench(t, 20*time.Millisecond)
	b.sim.FailNextReads(1000)
	b.sim.Place(idcardsim.SampleCard())
	_, err := b.svc.Read(context.Background(), 300*time.Millisecond, false)
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
		_, err := b.svc.Read(context.Background(), 5*time.Second, false)
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	b.unplug()
	select {
	case err := <-errc:
		if !errors.Is(err, idcardsvc.ErrDisconnected) {
			t.Fatalf("in-flight read: %v, want ErrDisconnected", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("in-flight read not failed on unplug")
	}
	e := b.next(idcardsvc.StatusChanged, 2*time.Second)
	if e.Status.State != idcardsvc.Disconnected {
		t.Fatalf("status after unplug: %+v", e.Status)
	}
	if _, err := b.svc.Read(context.Background(), time.Second, false); !errors.Is(err, idcardsvc.ErrDisconnected) {
		t.Fatalf("read while unplugged: %v", err)
	}
	b.plug()
	b.waitStatus(idcardsvc.Connected)
	b.sim.Place(card)
	got, err := b.svc.Read(context.Background(), 2*time.Second, false)
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
		b.waitStatus(idcardsvc.Disconnected)
		b.plug()
		b.waitStatus(idcardsvc.Connected)
	}
	cycle() // warm up lazily started runtime goroutines
	runtime.GC()
	goroutines, fds := runtime.NumGoroutine(), fdCount(t)
	for i := 0; i < 100; i++ {
		cycle()
	}
	b.sim.Place(card)
	if got, err := b.svc.Read(context.Background(), 2*time.Second, false); err != nil || got.Fields != card.Fields {
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
			got, err := b.svc.Read(context.Background(), time.Second, true)
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
			if _, err := b.svc.Read(context.Background(), 2*time.Second, false); err != nil {
				t.Fatal(err)
			}
			b.sim.Remove()
			b.next(idcardsvc.CardRemoved, 2*time.Second)
			if _, err := b.svc.Read(context.Background(), 0, false); !errors.Is(err, idcardsvc.ErrNoCard) {
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
		got, err := b.svc.Read(context.Background(), time.Second, true)
		if err != nil || got.Fields != card.Fields || got.Fingerprint != nil {
			t.Fatalf("card %d: %v", i, err)
		}
		b.sim.Remove()
		b.next(idcardsvc.CardRemoved, 2*time.Second)
	}
}
