package wacomstu_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/wacomstu"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// The replay test plays back the HID traffic of the STU-540 recorded in
// the real-USB testbed (test/usbvm, .ci/usb-vm --record): the pad gadget's
// side of a signature taken through the agent's libusb build — feature
// reports got and set on ep0, pen reports from the interrupt endpoint. So
// the driver's report framing runs against a real stack's transfers on
// every go test, without the VM.

const padRecording = "testdata/usbvm-pad.txt"

type report struct {
	kind string // GET_FEATURE, SET_FEATURE, IN
	id   byte   // the report ID (IN: the endpoint)
	data []byte
}

// replayPad is an hid.Device that plays the recording back in order:
// each feature report got is the recorded answer, each one set must be
// the recorded one, and input reports come while they are next.
type replayPad struct {
	mu   sync.Mutex
	reps []report
	err  error
}

func (p *replayPad) fail(format string, args ...any) error {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
	return p.err
}

func (p *replayPad) GetFeature(id byte, size int) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.reps) == 0 || p.reps[0].kind != "GET_FEATURE" || p.reps[0].id != id || len(p.reps[0].data) != size {
		return nil, p.fail("the driver got feature %02X (%d bytes); the recording has %v", id, size, p.head())
	}
	r := p.reps[0]
	p.reps = p.reps[1:]
	return bytes.Clone(r.data), nil
}

func (p *replayPad) SetFeature(b []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.reps) == 0 || p.reps[0].kind != "SET_FEATURE" || !bytes.Equal(p.reps[0].data, b) {
		return p.fail("the driver set % X; the recording has %v", b[:min(len(b), 16)], p.head())
	}
	p.reps = p.reps[1:]
	return nil
}

func (p *replayPad) ReadInput(timeout time.Duration) ([]byte, error) {
	p.mu.Lock()
	if len(p.reps) > 0 && p.reps[0].kind == "IN" {
		defer p.mu.Unlock()
		r := p.reps[0]
		p.reps = p.reps[1:]
		return bytes.Clone(r.data), nil
	}
	p.mu.Unlock()
	time.Sleep(min(timeout, time.Millisecond))
	return nil, hid.ErrTimeout
}

func (p *replayPad) Close() error { return nil }

// nextIsInput reports whether an input report is the next thing recorded.
func (p *replayPad) nextIsInput() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.reps) > 0 && p.reps[0].kind == "IN"
}

func (p *replayPad) head() string {
	if len(p.reps) == 0 {
		return "nothing more"
	}
	r := p.reps[0]
	return fmt.Sprintf("%s %02X % X", r.kind, r.id, r.data[:min(len(r.data), 16)])
}

// readPadRecording reads the section after MARK name.
func readPadRecording(t *testing.T, name string) []report {
	t.Helper()
	f, err := os.Open(padRecording)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var reps []report
	in := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "MARK "); ok {
			in = rest == name
			continue
		}
		if !in {
			continue
		}
		fs := strings.Fields(line)
		id, err1 := strconv.ParseUint(fs[1], 16, 8)
		data, err2 := hex.DecodeString(fs[len(fs)-1])
		if len(fs) != 3 || err1 != nil || err2 != nil {
			t.Fatalf("%s: bad line %q", padRecording, line)
		}
		reps = append(reps, report{kind: fs[0], id: byte(id), data: data})
	}
	if len(reps) == 0 {
		t.Fatalf("no section %q in %s", name, padRecording)
	}
	return reps
}

// boxImage is the image the testbed showed in the signing box
// (test/usbvm/cmd/usbcheck draws the same).
func boxImage() (image.Rectangle, *image.RGBA) {
	box := image.Rect(340, 300, 460, 340)
	img := image.NewRGBA(box)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*7), uint8(y*5), uint8((x+y)*3), 0xFF
		}
	}
	return box, img
}

// The recorded signature replays: the driver opens the pad, uploads the
// box image and starts and stops the capture with exactly the recorded
// reports, and turns every recorded pen report into a sample.
func TestReplayRecordedSignature(t *testing.T) {
	reps := readPadRecording(t, "capture through gousb")
	inputs := 0
	for _, r := range reps {
		if r.kind == "IN" {
			inputs++
		}
	}
	dev := &replayPad{reps: reps}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pad, err := wacomstu.New(ctx, dev, wacomstu.Config{ProductID: 0x00A8, PollPeriod: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("%v (%v)", err, dev.err)
	}
	defer pad.Close()
	if info := pad.Info(); !strings.Contains(info.Model, "STU-540") {
		t.Errorf("model %q", info.Model)
	}
	box, img := boxImage()
	if err := pad.ShowImage(ctx, img); err != nil {
		t.Fatalf("show image: %v (%v)", err, dev.err)
	}
	if err := pad.Start(ctx, sigpad.Options{Area: box}); err != nil {
		t.Fatalf("start: %v (%v)", err, dev.err)
	}
	var n, down int
	for dev.nextIsInput() {
		s, err := pad.ReadSample(ctx)
		if err != nil {
			t.Fatalf("sample %d: %v", n, err)
		}
		n++
		if s.Touching {
			down++
		}
	}
	if err := pad.Stop(ctx); err != nil {
		t.Fatalf("stop: %v (%v)", err, dev.err)
	}
	if dev.err != nil {
		t.Fatal(dev.err)
	}
	if len(dev.reps) > 0 {
		t.Errorf("%d recorded reports not played, the next %s", len(dev.reps), dev.head())
	}
	if n != inputs || down < 100 {
		t.Errorf("%d samples (%d pen down) from %d recorded pen reports", n, down, inputs)
	}
	t.Logf("%d samples, %d pen down", n, down)
}
