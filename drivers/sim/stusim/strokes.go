package stusim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Sign makes the virtual pen write text into the handwriting area, the way
// a person signs: cursive, slanted Latin letters that join, Han characters
// stroke by stroke in stroke order (now and then running one stroke into
// the next), with pen-up hover between strokes. Samples go out at 200
// reports/s in real time (Config.Speed times faster), 5 ms apart in the
// time count, each with the next sequence number, as 01 or 34 input
// reports as the option mode asks. Before the first stroke and after the
// last the pen hovers (rdy=1, sw=0); a final report says it left (rdy=0).
//
// The handwriting is the same for the same Config.Seed and the same calls
// in the same order. Sign returns when the pen has left, or with ctx's error
// (the pen leaving at once), or with an error matching
// transport.ErrDisconnected once the pad is unplugged.
func (p *Pad) Sign(ctx context.Context, text string) error {
	if err := p.takePen(ctx); err != nil {
		return err
	}
	defer p.releasePen()
	p.mu.Lock()
	if !p.plugged {
		p.mu.Unlock()
		return errDisconnected
	}
	area := p.st.area.rect()
	p.mu.Unlock()
	samples := write(text, p.writer, p.hand, area, p.model.capability)
	if len(samples) == 0 {
		return errors.New("stusim: nothing to write")
	}
	return p.play(ctx, samples)
}

// Press taps the pen on LCD pixel (x, y), as a person taps an on-screen
// button: the pen comes in hovering, touches for about a tenth of a second
// with a little wobble, lifts and leaves.
func (p *Pad) Press(ctx context.Context, x, y int) error {
	c := p.model.capability
	if x < 0 || y < 0 || x >= int(c.ScreenWidth) || y >= int(c.ScreenHeight) {
		return fmt.Errorf("stusim: (%d, %d) is off the %d×%d screen", x, y, c.ScreenWidth, c.ScreenHeight)
	}
	if err := p.takePen(ctx); err != nil {
		return err
	}
	defer p.releasePen()
	r := p.hand
	tx := (float64(x) + 0.5) * float64(c.TabletMaxX) / float64(c.ScreenWidth)
	ty := (float64(y) + 0.5) * float64(c.TabletMaxY) / float64(c.ScreenHeight)
	peak := p.writer.peak * float64(c.TabletMaxPressure) * 0.8
	at := func(x, y float64, pressure float64, touch bool) sample {
		x = math.Round(math.Max(0, math.Min(float64(c.TabletMaxX), x)))
		y = math.Round(math.Max(0, math.Min(float64(c.TabletMaxY), y)))
		s := sample{x: uint16(x), y: uint16(y), rdy: true, touch: touch}
		if touch {
			s.pressure = uint16(math.Max(1, math.Min(float64(c.TabletMaxPressure), pressure)))
		}
		return s
	}
	var ss []sample
	fx, fy := tx+250+r.Float64()*200, ty+400
	for k := 1; k <= 14; k++ {
		u := minJerk(float64(k) / 14)
		ss = append(ss, at(fx+(tx-fx)*u, fy+(ty-fy)*u, 0, false))
	}
	n := 18 + r.IntN(8)
	for k := range n {
		t := float64(k) / float64(n-1)
		pr := peak*(0.3+0.7*smoothstep(t*5))*(0.35+0.65*smoothstep((1-t)*5))*(1+0.05*math.Sin(t*7)) + r.NormFloat64()*6
		ss = append(ss, at(tx+r.NormFloat64()*4, ty+r.NormFloat64()*4, pr, true))
	}
	for k := 1; k <= 10; k++ {
		ss = append(ss, at(tx+float64(k)*20, ty+float64(k)*35, 0, false))
	}
	ss = append(ss, sample{})
	return p.play(ctx, ss)
}

// play sends samples 5 ms apart in the time count, paced in real time at
// Config.Speed.
func (p *Pad) play(ctx context.Context, samples []sample) error {
	start := time.Now()
	p.mu.Lock()
	t0 := p.clk.now(start)
	p.mu.Unlock()
	step := time.Duration(float64(5*time.Millisecond) / p.cfg.Speed)
	sent := 0
	finish := func() {
		p.clk = clock{ms: t0 + 5*uint64(sent), at: time.Now()}
	}
	for i, s := range samples {
		if err := sleepUntil(ctx, start.Add(time.Duration(i)*step)); err != nil {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.plugged && s.rdy && i > 0 {
				p.penLocked(sample{}, t0+5*uint64(sent)) // the pen leaves
				sent++
			}
			finish()
			return err
		}
		p.mu.Lock()
		if !p.plugged {
			finish()
			p.mu.Unlock()
			return errDisconnected
		}
		p.penLocked(s, t0+5*uint64(i))
		sent++
		p.mu.Unlock()
	}
	p.mu.Lock()
	finish()
	p.mu.Unlock()
	return nil
}

// takePen waits until no other Sign, Press or Stream holds the pen.
func (p *Pad) takePen(ctx context.Context) error {
	select {
	case p.pen <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Pad) releasePen() { <-p.pen }

// sleepUntil waits until t or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
