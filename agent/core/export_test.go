package core

import (
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/agent/sim"
)

// SimPad is the virtual signature pad of a simulating agent, for tests
// that drive it directly (the benchmarks stream reports from it).
func (c *Core) SimPad() *sim.Sigpad { return c.simPad }

// CheckKeys checks the outbox keys the agent makes for a flow's
// application with key flowKey and for a piece of its evidence.
func CheckKeys(flowKey string, body []byte) error {
	k := flowAppKey(flowKey)
	if err := outbox.ValidateKey(k); err != nil {
		return err
	}
	return outbox.ValidateKey(evidenceKey(k, body))
}
