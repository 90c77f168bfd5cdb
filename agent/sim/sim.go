// Package sim wires the simulated devices of --simulate and serves the
// sim.* methods that drive them (place and remove a card). The simulators
// speak the devices' real bytes (drivers/sim); the agent drives them
// through its real transports (a pseudo-terminal opened by go.bug.st/serial,
// an in-memory pipe where the OS has no pseudo-terminals).
package sim

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/simlink"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Reader is a simulated ID card reader on the other end of a link.
type Reader struct {
	Sim  *idcardsim.Simulator
	link *simlink.Link
}

// NewReader makes a simulated reader with realistic delays at 115200 baud.
func NewReader() (*Reader, error) {
	link, err := simlink.New()
	if err != nil {
		return nil, fmt.Errorf("simulated reader: %w", err)
	}
	return &Reader{Sim: idcardsim.New(idcardsim.Config{Delays: idcardsim.DefaultDelays, Baud: 115200}), link: link}, nil
}

// Serve answers the agent until ctx ends.
func (r *Reader) Serve(ctx context.Context) error { return r.Sim.Serve(ctx, r.link.Device) }

// Port names the host end: a pseudo-terminal path, or "in-memory".
func (r *Reader) Port() string {
	if r.link.Path == "" {
		return "in-memory"
	}
	return r.link.Path
}

// Opener opens the host end through the real serial code.
func (r *Reader) Opener() idcard.Opener {
	if r.link.Path == "" {
		return func(context.Context) (transport.Port, string, error) { return r.link.Host, "in-memory", nil }
	}
	return idcard.Serial(r.link.Path)
}

// Close unplugs the simulated reader.
func (r *Reader) Close() error { return r.link.Device.Close() }

// Register adds the sim.* methods. Without a simulated reader (r nil) they
// answer NOT_SIMULATED.
func Register(s *rpc.Server, r *Reader) {
	s.Handle(protocol.MethodSimPlaceCard, func(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		if err := allowed(c, r); err != nil {
			return nil, err
		}
		return place(r.Sim, params)
	})
	s.Handle(protocol.MethodSimRemoveCard, func(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		if err := allowed(c, r); err != nil {
			return nil, err
		}
		var p struct{}
		if err := protocol.DecodeParams(params, &p); err != nil {
			return nil, err
		}
		r.Sim.Remove()
		return protocol.Empty{}, nil
	})
}

// allowed: the simulator is there, and the caller is the agent's own page
// or a native client — a paired page may read cards, not play with the
// reader.
func allowed(c *rpc.Conn, r *Reader) error {
	if r == nil {
		return protocol.Errorf(protocol.ReasonNotSimulated, "sim.* methods need the agent started with --simulate")
	}
	if k := web.AccessOf(c).Kind; k != protocol.AccessOwn && k != protocol.AccessNative {
		return protocol.Errorf(protocol.ReasonUnauthorized, "sim.* methods are for the agent's own pages and native clients")
	}
	return nil
}

func place(sim *idcardsim.Simulator, params json.RawMessage) (any, error) {
	var p protocol.SimPlaceParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	samples := idcardsim.SampleCards()
	var card *samv.Card
	switch {
	case p.Card != nil && p.Sample != nil:
		return nil, protocol.Errorf(protocol.ReasonBadParams, "give card or sample, not both")
	case p.Card != nil:
		card = fromWire(p.Card)
		if card.Photo == nil {
			card.Photo = idcardsim.SamplePhoto(0)
		}
	case p.Sample != nil:
		if *p.Sample < 0 || *p.Sample >= len(samples) {
			e := protocol.Errorf(protocol.ReasonBadParams, "sample must be 0 to %d", len(samples)-1)
			e.Data.Field = "sample"
			return nil, e
		}
		card = samples[*p.Sample]
	default:
		card = samples[0]
	}
	if err := sim.Place(card); err != nil {
		e := protocol.Errorf(protocol.ReasonBadParams, "%v", err)
		e.Data.Field = "card"
		return nil, e
	}
	return protocol.Empty{}, nil
}

// fromWire converts a protocol card into a driver card.
func fromWire(c *protocol.Card) *samv.Card {
	out := &samv.Card{
		Fields: textblock.Fields{
			Type: textblock.CardType(c.Type), Name: c.Name, NameEn: c.NameEn, Sex: c.Sex, Nation: c.Nation,
			BirthDate: c.BirthDate, Address: c.Address, IDNumber: c.IDNumber, Issuer: c.Issuer,
			ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, Nationality: c.Nationality,
			PassNumber: c.PassNumber, IssueCount: c.IssueCount, CardVersion: c.CardVersion, IssuerCode: c.IssuerCode,
		},
		AppendedAddress: c.AppendedAddress,
		Fingerprint:     c.Fingerprint,
	}
	if c.Photo != nil {
		out.Photo = c.Photo.WLT
	}
	return out
}
