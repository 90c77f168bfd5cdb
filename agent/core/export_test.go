package core

import "github.com/kiosk-agent/kiosk-agent/agent/sim"

// SimPad is the virtual signature pad of a simulating agent, for tests
// that drive it directly (the benchmarks stream reports from it).
func (c *Core) SimPad() *sim.Sigpad { return c.simPad }
