package stusim

import (
	"context"
	"fmt"
	"math"
	"time"
)

// MaxStreamRate is the highest rate Stream emits at, in reports a second.
const MaxStreamRate = 2000

// Stream emits n synthetic pen reports at rate a second (1 to
// MaxStreamRate), paced by the wall clock whatever Config.Speed is: the pen
// touches throughout and circles inside the handwriting area with varying
// pressure. The time count follows the rate (1000/rate ms a report, in
// whole milliseconds) and the sequence goes up by one a report, so latency
// and loss can be measured at the reader. It returns ctx's error if ctx
// ends first.
func (p *Pad) Stream(ctx context.Context, n, rate int) error {
	if rate < 1 || rate > MaxStreamRate {
		return fmt.Errorf("stusim: stream rate %d/s is outside 1…%d", rate, MaxStreamRate)
	}
	if n <= 0 {
		return nil
	}
	if err := p.takePen(ctx); err != nil {
		return err
	}
	defer p.releasePen()
	c := p.model.capability
	p.mu.Lock()
	a := p.st.area.rect()
	start := time.Now()
	t0 := p.clk.now(start)
	p.mu.Unlock()
	sx := float64(c.TabletMaxX) / float64(c.ScreenWidth)
	sy := float64(c.TabletMaxY) / float64(c.ScreenHeight)
	cx, cy := (float64(a.Min.X)+float64(a.Dx())/2)*sx, (float64(a.Min.Y)+float64(a.Dy())/2)*sy
	rx, ry := float64(a.Dx())*0.35*sx, float64(a.Dy())*0.35*sy
	period := time.Second / time.Duration(rate)
	tc := func(i int) uint64 { return t0 + uint64(i)*1000/uint64(rate) }
	for i := range n {
		if err := sleepUntil(ctx, start.Add(time.Duration(i)*period)); err != nil {
			p.mu.Lock()
			p.clk = clock{ms: tc(i), at: time.Now()}
			p.mu.Unlock()
			return err
		}
		ang := float64(i) * 2 * math.Pi / 400
		s := sample{
			x:        uint16(math.Round(cx + rx*math.Cos(ang))),
			y:        uint16(math.Round(cy + ry*math.Sin(2*ang))),
			pressure: uint16(450 + 250*math.Sin(ang*3)),
			rdy:      true,
			touch:    true,
		}
		p.mu.Lock()
		if !p.plugged {
			p.mu.Unlock()
			return errDisconnected
		}
		p.penLocked(s, tc(i))
		p.mu.Unlock()
	}
	p.mu.Lock()
	p.clk = clock{ms: tc(n), at: time.Now()}
	p.mu.Unlock()
	return nil
}
