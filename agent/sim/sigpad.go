package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	drv "github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/stusim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Sigpad is a virtual Wacom STU-540 on an in-memory HID link, driven by
// the agent's real Wacom driver.
type Sigpad struct {
	Sim *stusim.Pad
}

// NewSigpad makes the virtual pad. It writes in real time: 200 reports a
// second, as the real pad.
func NewSigpad() *Sigpad {
	return &Sigpad{Sim: stusim.New(stusim.Config{Seed: 1})}
}

// Port names the virtual pad.
func (p *Sigpad) Port() string { return p.Sim.Info().Path }

// Opener opens the virtual pad as the agent opens a real one: a new HID
// handle and the Wacom driver on it.
func (p *Sigpad) Opener() sigpad.Opener {
	return func(ctx context.Context) (drv.Pad, string, error) {
		in := p.Sim.Info()
		pad, err := sigpad.Drive(ctx, p.Sim.Device(), in.Vendor, in.Product)
		return pad, in.Path, err
	}
}

// maxSimText bounds what sim.sigpad.sign writes, in characters.
const maxSimText = 20

// RegisterSigpad adds sim.sigpad.sign and sim.sigpad.button; without a
// virtual pad they answer NOT_SIMULATED.
func RegisterSigpad(s *rpc.Server, p *Sigpad, svc *sigpad.Service) {
	s.Handle(protocol.MethodSimSigpadSign, func(ctx context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		if err := allowedSigpad(c, p); err != nil {
			return nil, err
		}
		var q protocol.SimSignParams
		if err := protocol.DecodeParams(params, &q); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(q.Text) > maxSimText {
			e := protocol.Errorf(protocol.ReasonBadParams, "text must be at most %d characters", maxSimText)
			e.Data.Field = "text"
			return nil, e
		}
		signer, _, ok := svc.PadCapture()
		if !ok {
			return nil, protocol.Errorf(protocol.ReasonNoCapture, "no capture is going on on the pad: call sigpad.capture first")
		}
		text := q.Text
		if text == "" {
			text = signer
		}
		if err := p.Sim.Sign(ctx, text); err != nil {
			return nil, simError(err)
		}
		return protocol.Empty{}, nil
	})
	s.Handle(protocol.MethodSimSigpadBtn, func(ctx context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		if err := allowedSigpad(c, p); err != nil {
			return nil, err
		}
		var q protocol.ButtonParams
		if err := protocol.DecodeParams(params, &q); err != nil {
			return nil, err
		}
		_, buttons, ok := svc.PadCapture()
		if !ok {
			return nil, protocol.Errorf(protocol.ReasonNoCapture, "no capture is going on on the pad: call sigpad.capture first")
		}
		r, ok := buttons[q.Button]
		if !ok {
			e := protocol.Errorf(protocol.ReasonBadParams, `button must be "confirm", "retry" or "cancel"`)
			e.Data.Field = "button"
			return nil, e
		}
		at := r.Min.Add(r.Size().Div(2))
		if err := p.Sim.Press(ctx, at.X, at.Y); err != nil {
			return nil, simError(err)
		}
		return protocol.Empty{}, nil
	})
}

func allowedSigpad(c *rpc.Conn, p *Sigpad) error {
	if p == nil {
		return protocol.Errorf(protocol.ReasonNotSimulated, "sim.* methods need the agent started with --simulate")
	}
	return allowed(c, &Reader{})
}

func simError(err error) error {
	if errors.Is(err, transport.ErrDisconnected) {
		return protocol.Errorf(protocol.ReasonDeviceDisconnected, "the virtual pad is unplugged")
	}
	return fmt.Errorf("virtual pad: %w", err)
}
