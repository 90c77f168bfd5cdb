package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	padDriver "github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/stusim"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid/hidraw"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
)

const padVID, padPID = 0x056A, 0x00A8

// commitment is what the applicant signs on the pad.
var commitment = sigpad.PromptText{
	Title:   "诚信承诺书",
	Summary: "1. 我说的家里人口、收入、房子、车子、存款都是真的，没有隐瞒。\n2. 我愿意配合工作人员上门了解情况。",
	Signer:  "王秀英",
}

// hidrawNode finds the pad's hidraw node by VID:PID (hidraw.List reads
// sysfs), never by number.
func hidrawNode(within time.Duration) (string, error) {
	deadline := time.Now().Add(within)
	for {
		list, err := hidraw.List()
		if err != nil {
			return "", err
		}
		for _, d := range list {
			if d.Vendor == padVID && d.Product == padPID {
				return d.Path, nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no hidraw node for %04x:%04x within %v (%v)", padVID, padPID, within, list)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// padScreen asks the gadget for the pad's LCD.
func padScreen() (image.Image, error) {
	reply, err := usbvm.Call("pad", "screen")
	if err != nil {
		return nil, err
	}
	f, err := os.Open(strings.Fields(reply)[0])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// captureOn takes one signature through the agent's signature service on
// the pad at port: the prompt must reach the pad's screen intact and the
// evidence bundle must verify.
func captureOn(port string, fonts textimage.Chain, key *evidence.Key) (string, error) {
	open, err := sigpad.OpenerFor(port)
	if err != nil {
		return "", err
	}
	svc := sigpad.New(sigpad.Config{Model: "Wacom STU signature pad", Port: port, Open: open, Fonts: fonts, Signer: key,
		Agent: evidence.Agent{ID: "usbvm", Version: "0"}, Backoff: device.Backoff{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); svc.Device().Status().State != device.Connected; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			st := svc.Device().Status()
			return "", fmt.Errorf("the pad on %s did not open: %s %s", port, st.State, st.Health.Message)
		}
	}
	sum := sha256.Sum256([]byte("the document"))
	started := make(chan sigpad.Started, 1)
	type result struct {
		b   evidence.Bundle
		err error
	}
	out := make(chan result, 1)
	// What the service saw, for a capture that does not end.
	var seenMu sync.Mutex
	var seen struct {
		samples, down int
		last          sigpad.Point
		pressed       []string
	}
	listener := sigpad.Listener{
		Started: func(s sigpad.Started) { started <- s },
		Sample: func(p sigpad.Point) {
			seenMu.Lock()
			seen.samples++
			if p.SW != 0 {
				seen.down++
			}
			seen.last = p
			seenMu.Unlock()
		},
		Pressed: func(b string) {
			seenMu.Lock()
			seen.pressed = append(seen.pressed, b)
			seenMu.Unlock()
		},
	}
	go func() {
		b, err := svc.Capture(ctx, sigpad.Request{Owner: "usbvm", Document: sigpad.Document{Title: commitment.Title,
			Summary: commitment.Summary, SHA256: hex.EncodeToString(sum[:])}, Signer: commitment.Signer, Timeout: 90 * time.Second},
			listener)
		out <- result{b, err}
	}()
	var st sigpad.Started
	select {
	case st = <-started:
	case r := <-out:
		return "", fmt.Errorf("the capture ended before it started: %v", r.err)
	case <-time.After(80 * time.Second):
		return "", errors.New("the capture did not start within 80 s")
	}
	// The prompt the agent drew went over USB as image reports: the pad's
	// screen must be it.
	prompt := sigpad.RenderPrompt(fonts, 800, 480, false, commitment)
	if prompt.SHA256 != st.PromptSHA256 {
		return "", fmt.Errorf("the service showed prompt %s, rendered here %s", st.PromptSHA256, prompt.SHA256)
	}
	screen, err := padScreen()
	if err != nil {
		return "", err
	}
	if d := stusim.Differing(screen, prompt.Image, prompt.Image.Bounds()); d > 0 {
		return "", fmt.Errorf("the pad's screen differs from the prompt in %d pixels", d)
	}
	if _, err := usbvm.Call("pad", "sign %s", commitment.Signer); err != nil {
		return "", err
	}
	_, buttons, ok := svc.PadCapture()
	if !ok {
		return "", errors.New("no capture on the pad")
	}
	c := buttons[sigpad.ButtonConfirm].Min.Add(buttons[sigpad.ButtonConfirm].Size().Div(2))
	tap := func() error {
		_, err := usbvm.Call("pad", "press %d %d", c.X, c.Y)
		return err
	}
	if err := tap(); err != nil {
		return "", err
	}
	// The pad writes eight times faster than a hand, and the VM's CPUs are
	// emulated: when the machine is loaded the kernel's hidraw buffer (64
	// reports) can overflow while the agent is busy, and the tap be among
	// the reports lost (seen with one virtual CPU). The
	// pad's sequence numbers show it (Lost); then, as a person would, the
	// pen taps again. A tap the agent saw and ignored fails the check.
	var res result
	retaps := 0
	for ended := false; !ended; {
		select {
		case res = <-out:
			ended = true
		case <-time.After(8 * time.Second):
			if lost := svc.Lost() + svc.Overruns(); lost > 0 && retaps < 2 {
				retaps++
				if err := tap(); err != nil {
					return "", err
				}
				continue
			}
			stats, _ := usbvm.Call("pad", "stats")
			seenMu.Lock()
			defer seenMu.Unlock()
			return "", fmt.Errorf("the capture did not end after %d taps on 确认 at (%d, %d): the service saw %d ink samples "+
				"(%d pen down), the last %+v, buttons %q, %d reports lost, %d overruns; the pad %s",
				retaps+1, c.X, c.Y, seen.samples, seen.down, seen.last, seen.pressed, svc.Lost(), svc.Overruns(), stats)
		}
	}
	if res.err != nil {
		return "", res.err
	}
	raw, err := evidence.Marshal(res.b)
	if err != nil {
		return "", err
	}
	pub := key.Public()
	rep, err := evidence.Verify(raw, &pub)
	if err != nil {
		return "", fmt.Errorf("the bundle does not verify: %w", err)
	}
	m := rep.Manifest
	down := 0
	for _, s := range m.Ink.Samples {
		down += int(s[4])
	}
	if down < 100 || m.Device.Model != "Wacom STU-540" || m.PromptSHA256 != prompt.SHA256 || m.Signer.Name != commitment.Signer {
		return "", fmt.Errorf("bundle: %d pen-down samples, device %+v, prompt %s, signer %q", down, m.Device, m.PromptSHA256, m.Signer.Name)
	}
	again := ""
	if retaps > 0 || svc.Lost()+svc.Overruns() > 0 {
		again = fmt.Sprintf("; %d pen reports lost under load (%d in the bundle's count), the tap made %d times", svc.Lost()+svc.Overruns(), m.Ink.Dropped, retaps+1)
	}
	return fmt.Sprintf("prompt %.12s… on the pad pixel for pixel (%dx%d); %d samples (%d pen down) in a bundle that verifies (%s %s)%s",
		prompt.SHA256, screen.Bounds().Dx(), screen.Bounds().Dy(), len(m.Ink.Samples), down, m.Device.Model, m.Device.Serial, again), nil
}

func padChecks() {
	if err := waitUSB(padVID, padPID, true, 10*time.Second); err != nil {
		check("pad.enumerated", func() (string, error) { return "", err })
		return
	}
	var node string
	if !check("pad.hidraw", func() (string, error) {
		var err error
		node, err = hidrawNode(5 * time.Second)
		return node + " found by VID:PID", err
	}) {
		return
	}
	fonts, err := textimage.Find()
	if err != nil {
		check("pad.fonts", func() (string, error) { return "", err })
		return
	}
	defer fonts.Close()
	key, err := evidence.LoadOrCreateKey(os.TempDir())
	if err != nil {
		check("pad.key", func() (string, error) { return "", err })
		return
	}
	check("pad.capture-hidraw", func() (string, error) {
		usbvm.Call("pad", "mark capture through %s", node)
		return captureOn(node, fonts, key)
	})
	check("pad.capture-gousb", func() (string, error) {
		usbvm.Call("pad", "mark capture through gousb")
		return driverCapture()
	})
}

// driverCapture takes a signature through the pad driver over gousb
// (libusbhid: GET_REPORT and SET_REPORT on ep0, pen reports from the
// interrupt endpoint): a small image shown in the signing box arrives
// intact, and the hand's strokes arrive as samples. The full capture
// (prompt, buttons, evidence bundle) is pad.capture-hidraw's; uploading the
// whole 800×480 prompt twice would double the VM's run time.
func driverCapture() (string, error) {
	open, err := sigpad.OpenerFor("usb:056A:00A8")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pad, where, err := open(ctx)
	if err != nil {
		return "", err
	}
	defer pad.Close()
	box, img := boxImage()
	if err := pad.ShowImage(ctx, img); err != nil {
		return "", fmt.Errorf("show image: %w", err)
	}
	screen, err := padScreen()
	if err != nil {
		return "", err
	}
	if d := stusim.Differing(screen, img, box); d > 0 {
		return "", fmt.Errorf("the image on the pad differs in %d pixels", d)
	}
	if err := pad.Start(ctx, padDriver.Options{Area: box}); err != nil {
		return "", fmt.Errorf("start: %w", err)
	}
	signed := make(chan error, 1)
	go func() {
		_, err := usbvm.Call("pad", "sign %s", commitment.Signer)
		signed <- err
	}()
	// Read until the hand has finished and no report came for a second.
	var n, down int
	var signErr error
	finished := false
	for {
		rctx, rcancel := context.WithTimeout(ctx, time.Second)
		smp, err := pad.ReadSample(rctx)
		rcancel()
		if !finished {
			select {
			case signErr = <-signed:
				finished = true
			default:
			}
		}
		if err != nil {
			if finished && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				break
			}
			if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
				return "", fmt.Errorf("read sample: %w", err)
			}
			continue
		}
		n++
		if smp.Touching {
			down++
		}
	}
	if signErr != nil {
		return "", signErr
	}
	if err := pad.Stop(ctx); err != nil {
		return "", fmt.Errorf("stop: %w", err)
	}
	if down < 100 {
		return "", fmt.Errorf("%d samples, %d pen down: want a signature's worth", n, down)
	}
	return fmt.Sprintf("%s: a %dx%d image in the box arrived intact; %d samples (%d pen down)", where, box.Dx(), box.Dy(), n, down), nil
}

// boxImage is the image driverCapture shows in the signing box: a
// deterministic colour pattern (drivers/sigpad/wacomstu's replay test
// draws the same).
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
