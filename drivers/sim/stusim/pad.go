package stusim

import (
	"fmt"
	"image"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// Faults injects transmission faults into the pen input reports. Each
// probability applies per report, from 0 to 1. Sequence numbers are given
// before a fault strikes, so a lost report shows as a sequence gap.
type Faults struct {
	// Drop loses a report on the way.
	Drop float64
	// Duplicate delivers a report twice (same bytes, same sequence).
	Duplicate float64
	// Late stalls delivery at a report for LateBy: it and every report
	// sent meanwhile then arrive at once, in order.
	Late   float64
	LateBy time.Duration // default 100 ms
}

// Config describes the simulated pad.
type Config struct {
	// Product is the USB product ID: STU540 (the default) or STU430. Any
	// other value gives an STU-540.
	Product uint16
	// Seed makes the handwriting and the fault dice repeatable.
	Seed uint64
	// Speed makes Sign and Press write that many times faster than real
	// time (the time count in the reports stays real: 5 ms a report).
	// Zero or less means real time.
	Speed float64
	// Faults are injected into the input reports.
	Faults Faults
	// ClearScreenTime is how long ClearScreen keeps the pad in the Image
	// state (it runs asynchronously). Default 150 ms; negative: none.
	ClearScreenTime time.Duration
	// InputBuffer is how many input reports wait for a reader of each
	// open handle before new ones are discarded (Linux hidraw keeps 64).
	// Default 64.
	InputBuffer int
	// TimeCount is the pad's millisecond counter at power-up.
	TimeCount uint16
	// StartInCapture powers the pad up in the Capture state, as one left
	// there by a host that crashed mid-session; EndCapture (16 00) ends it.
	StartInCapture bool
	// Uid2 (10 characters) and Eserial (13 characters) override the IDs
	// derived from Seed.
	Uid2, Eserial string
}

// Stats counts what happened to the input reports.
type Stats struct {
	Sent       uint64 // reports produced, each with its own sequence number
	Dropped    uint64 // lost by Faults.Drop
	Duplicated uint64 // delivered twice by Faults.Duplicate
	Delayed    uint64 // held back by Faults.Late
	Overrun    uint64 // discarded because a handle's buffer was full
}

// Pad is a simulated Wacom STU pad. Its methods are safe for concurrent use.
type Pad struct {
	cfg   Config
	model model
	now   func() time.Time // the wall clock of ClearScreen's busy time (tests replace it)

	pen    chan struct{} // the one hand holding the pen (Sign, Press, Stream)
	writer writer        // how the virtual hand writes
	hand   *rand.Rand    // its variation; used only while holding pen

	mu       sync.Mutex
	st       settings
	nv       nvram
	up       upload
	lcd      *image.RGBA
	ink      inkState
	penDown  bool // the tip switch as the pad last reported it
	clk      clock
	seq      uint16
	handles  map[*handle]struct{}
	plugged  bool
	rng      *rand.Rand // the fault dice
	hold     holdState
	stats    Stats
	nvWrites map[byte]int
	uid2     string
	eserial  string
}

// New returns a pad that is plugged in and powered up.
func New(cfg Config) *Pad {
	m, ok := models[cfg.Product]
	if !ok {
		m = models[STU540]
	}
	if cfg.Speed <= 0 {
		cfg.Speed = 1
	}
	if cfg.ClearScreenTime == 0 {
		cfg.ClearScreenTime = 150 * time.Millisecond
	}
	if cfg.InputBuffer <= 0 {
		cfg.InputBuffer = 64
	}
	if cfg.Faults.LateBy <= 0 {
		cfg.Faults.LateBy = 100 * time.Millisecond
	}
	p := &Pad{
		cfg:      cfg,
		model:    m,
		now:      time.Now,
		pen:      make(chan struct{}, 1),
		writer:   newWriter(cfg.Seed),
		hand:     rand.New(rand.NewPCG(cfg.Seed, 0x5167)),
		handles:  map[*handle]struct{}{},
		rng:      rand.New(rand.NewPCG(cfg.Seed, 0xFA17)),
		nvWrites: map[byte]int{},
		nv:       defaultNVRAM(),
	}
	p.uid2, p.eserial = deriveIDs(cfg.Seed, cfg.Uid2, cfg.Eserial)
	p.mu.Lock()
	p.powerUpLocked()
	if cfg.StartInCapture {
		p.st.status = StatusCapture
	}
	p.mu.Unlock()
	return p
}

// deriveIDs makes the hardware ID and electronic serial from the seed,
// unless given.
func deriveIDs(seed uint64, uid2, eserial string) (string, string) {
	r := rand.New(rand.NewPCG(seed, 0x1D))
	const hex = "0123456789ABCDEF"
	if uid2 == "" {
		b := make([]byte, 10)
		for i := range b {
			b[i] = hex[r.IntN(16)]
		}
		uid2 = string(b)
	}
	if eserial == "" {
		b := []byte("8KQ")
		for len(b) < 13 {
			b = append(b, byte('0'+r.IntN(10)))
		}
		eserial = string(b)
	}
	return uid2, eserial
}

// powerUpLocked puts the pad in its state after power-up: volatile settings
// at their defaults, the screen cleared to the background colour, the
// counters restarted. NVRAM keeps its values.
func (p *Pad) powerUpLocked() {
	p.plugged = true
	p.resetLocked()
	p.clk = clock{ms: uint64(p.cfg.TimeCount), at: time.Now()}
	p.seq = 0
}

// resetLocked is what Reset (04) does: Ready, defaults restored, inking on,
// option mode off, the screen cleared to the background colour.
func (p *Pad) resetLocked() {
	c := p.model.capability
	p.st = defaultSettings(c)
	p.up = upload{}
	p.ink = inkState{}
	p.penDown = false
	if p.lcd == nil {
		p.lcd = image.NewRGBA(image.Rect(0, 0, int(c.ScreenWidth), int(c.ScreenHeight)))
	}
	p.fillLocked(p.lcd.Rect, p.backgroundLocked())
}

// Device returns a new open handle to the pad, the way hidraw or hid.dll
// would open it. Every open handle receives its own copy of the input
// reports. While the pad is unplugged the handle is dead: every call fails
// with an error matching transport.ErrDisconnected.
func (p *Pad) Device() hid.Device {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := &handle{p: p, notify: make(chan struct{}, 1), done: make(chan struct{})}
	if p.plugged {
		p.handles[h] = struct{}{}
	} else {
		h.dead = true
		close(h.done)
	}
	return h
}

// Info describes the pad as a device search would list it.
func (p *Pad) Info() hid.Info {
	return hid.Info{
		Path:    fmt.Sprintf("sim:stu/%04x", p.model.pid),
		Vendor:  VendorID,
		Product: p.model.pid,
		Name:    p.model.name,
		Serial:  p.eserial,
	}
}

// Capability returns what report 09 says.
func (p *Pad) Capability() Capability { return p.model.capability }

// Screen returns a copy of what the LCD shows now: the background, the
// images uploaded and the ink the pad drew itself.
func (p *Pad) Screen() image.Image {
	p.mu.Lock()
	defer p.mu.Unlock()
	cp := image.NewRGBA(p.lcd.Rect)
	copy(cp.Pix, p.lcd.Pix)
	return cp
}

// Status returns the statusCode and lastResultCode that report 03 would
// return now.
func (p *Pad) Status() (status, lastResult byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settleLocked()
	return p.st.status, p.st.lastResult
}

// InkingMode reports whether the pad draws ink by itself now (report 21).
func (p *Pad) InkingMode() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st.inking
}

// HandwritingArea returns the handwriting display area (report 2A) as an
// image rectangle (exclusive maximum).
func (p *Pad) HandwritingArea() image.Rectangle {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st.area.rect()
}

// PenDataOptionMode returns the option mode set by report 32.
func (p *Pad) PenDataOptionMode() byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st.option
}

// NVRAMWrites returns how many times each NVRAM-backed report (0A, 0C,
// 29, 2B, 2C, 2E) has been written since New, by report ID. A driver should
// read these and write only when the value differs.
func (p *Pad) NVRAMWrites() map[byte]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := make(map[byte]int, len(p.nvWrites))
	for k, v := range p.nvWrites {
		m[k] = v
	}
	return m
}

// Stats returns the input report counters.
func (p *Pad) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Unplug pulls the cable: every open handle fails from now on with an error
// matching transport.ErrDisconnected, and a ReadInput in progress returns it
// at once. Handles opened while unplugged are dead too.
func (p *Pad) Unplug() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.plugged = false
	p.dropHandlesLocked()
}

// Replug plugs the pad back in. It powers up afresh (NVRAM settings kept);
// handles from before stay dead, so the host must open the pad again. A pad
// that a host switched to serial mode (DefaultMode 02) comes back in HID
// mode, as after someone switched it back with Wacom's tool.
func (p *Pad) Replug() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.plugged {
		return
	}
	p.nv.defaultMode = 1
	p.powerUpLocked()
}

// dropHandlesLocked kills every open handle (unplug, re-enumeration) and
// forgets reports held back by a late-burst fault.
func (p *Pad) dropHandlesLocked() {
	for h := range p.handles {
		h.kill()
	}
	clear(p.handles)
	p.hold.reset()
}

// settleLocked ends the Image state of an asynchronous ClearScreen once
// its time is up.
func (p *Pad) settleLocked() {
	if !p.st.busyUntil.IsZero() && !p.now().Before(p.st.busyUntil) {
		p.st.busyUntil = time.Time{}
		if p.st.status == StatusImage && !p.up.active {
			p.st.status = p.st.resume
		}
	}
}
