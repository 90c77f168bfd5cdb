package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/idcardsvc"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/region"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// maxReadTimeout bounds idcard.read's timeoutMs.
const maxReadTimeout = 10 * time.Minute

func (a *Agent) register() {
	a.rpc.Handle(protocol.MethodHello, a.hello)
	a.rpc.Handle(protocol.MethodDevicesList, a.devicesList)
	a.rpc.Handle(protocol.MethodIDCardRead, a.idcardRead)
	a.rpc.Handle(protocol.MethodSimPlaceCard, a.simPlace)
	a.rpc.Handle(protocol.MethodSimRemoveCard, a.simRemove)
}

func noParams(params json.RawMessage) *protocol.Error {
	var p struct{}
	return protocol.DecodeParams(params, &p)
}

// hello ignores its params, so that later clients may introduce themselves
// (name, version) without breaking older agents.
func (a *Agent) hello(_ context.Context, _ *rpc.Conn, _ json.RawMessage) (any, error) {
	return protocol.Hello{Protocol: protocol.Version, Version: Version, Devices: a.devices()}, nil
}

func (a *Agent) devicesList(_ context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	if err := noParams(params); err != nil {
		return nil, err
	}
	return a.devices(), nil
}

func (a *Agent) devices() []protocol.Device {
	out := []protocol.Device{}
	if a.idcard != nil {
		out = append(out, a.idcardDevice(a.idcard.Status()))
	}
	return out
}

func (a *Agent) idcardDevice(st idcardsvc.Status) protocol.Device {
	return protocol.Device{Kind: "idcard", ID: a.idcard.ID(), Model: a.idcard.Model(), Port: st.Port, State: protocol.DeviceState(st.State), Error: st.Err}
}

func (a *Agent) idcardRead(ctx context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.IDCardReadParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	timeout := time.Duration(0)
	if p.TimeoutMs != nil {
		if *p.TimeoutMs < 0 || time.Duration(*p.TimeoutMs)*time.Millisecond > maxReadTimeout {
			e := protocol.Errorf(protocol.ReasonBadParams, "timeoutMs must be between 0 and %d", maxReadTimeout.Milliseconds())
			e.Data.Field = "timeoutMs"
			return nil, e
		}
		timeout = time.Duration(*p.TimeoutMs) * time.Millisecond
	}
	if a.idcard == nil {
		return nil, protocol.Errorf(protocol.ReasonDeviceNotFound, "no ID card reader is configured")
	}
	card, err := a.idcard.Read(ctx, timeout, p.Fingerprint)
	if err != nil {
		return nil, readError(err)
	}
	defer card.Wipe()
	out := a.wireCard(ctx, card)
	if p.Fingerprint {
		// A copy: card is wiped when this handler returns, before the
		// result is marshalled.
		out.Fingerprint = bytes.Clone(card.Fingerprint)
	}
	return protocol.IDCardReadResult{Card: out}, nil
}

// readError maps the reader service's errors to protocol reasons.
func readError(err error) *protocol.Error {
	for _, m := range []struct {
		err    error
		reason protocol.Reason
	}{
		{idcardsvc.ErrNoCard, protocol.ReasonNoCard},
		{idcardsvc.ErrTimeout, protocol.ReasonTimeout},
		{idcardsvc.ErrNotFound, protocol.ReasonDeviceNotFound},
		{idcardsvc.ErrDisconnected, protocol.ReasonDeviceDisconnected},
		{idcardsvc.ErrBusy, protocol.ReasonDeviceBusy},
		{idcardsvc.ErrReplace, protocol.ReasonCardReplace},
		{idcardsvc.ErrReadFailed, protocol.ReasonCardReadFailed},
	} {
		if errors.Is(err, m.err) {
			return protocol.Errorf(m.reason, "%v", err)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return protocol.Errorf(protocol.ReasonTimeout, "the request was cancelled")
	}
	return protocol.Errorf(protocol.ReasonCardReadFailed, "%v", err)
}

// wireCard converts a driver card into the protocol's shape, with the photo
// decoded when a decoder is configured. Fingerprints are left out;
// idcard.read adds them when asked.
func (a *Agent) wireCard(ctx context.Context, c *idcard.Card) protocol.Card {
	out := WireCard(c)
	out.Photo.PNG = a.photos.decode(ctx, c.Photo, func(err error) {
		a.log.Warn("photo not decoded; clients get the raw WLT", "err", err)
	})
	return out
}

// WireCard converts a driver card into the protocol's card object (without
// fingerprints and without a decoded photo).
func WireCard(c *idcard.Card) protocol.Card {
	f := c.Fields
	out := protocol.Card{
		Type: string(f.Type), Name: f.Name, NameEn: f.NameEn, Sex: f.Sex, Nation: f.Nation,
		BirthDate: f.BirthDate, Address: f.Address, IDNumber: f.IDNumber, Issuer: f.Issuer,
		ValidFrom: f.ValidFrom, ValidUntil: f.ValidUntil, Nationality: f.Nationality,
		PassNumber: f.PassNumber, IssueCount: f.IssueCount, CardVersion: f.CardVersion,
		IssuerCode: f.IssuerCode, AppendedAddress: c.AppendedAddress,
		Photo: protocol.Photo{WLT: append([]byte(nil), c.Photo...)},
	}
	if f.Type != textblock.ForeignPermanent2017 {
		if r, ok := region.LookupID(f.IDNumber); ok {
			out.Birthplace = r.String()
		}
	}
	return out
}

// fromWire converts a protocol card into a driver card (for the simulator).
func fromWire(c *protocol.Card) *idcard.Card {
	return &idcard.Card{
		Fields: textblock.Fields{
			Type: textblock.CardType(c.Type), Name: c.Name, NameEn: c.NameEn, Sex: c.Sex, Nation: c.Nation,
			BirthDate: c.BirthDate, Address: c.Address, IDNumber: c.IDNumber, Issuer: c.Issuer,
			ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, Nationality: c.Nationality,
			PassNumber: c.PassNumber, IssueCount: c.IssueCount, CardVersion: c.CardVersion, IssuerCode: c.IssuerCode,
		},
		AppendedAddress: c.AppendedAddress,
		Photo:           c.Photo.WLT,
		Fingerprint:     c.Fingerprint,
	}
}

func (a *Agent) simPlace(_ context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	if a.sim == nil {
		return nil, protocol.Errorf(protocol.ReasonNotSimulated, "sim.* methods need the agent started with --simulate")
	}
	var p protocol.SimPlaceParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	samples := idcardsim.SampleCards()
	var card *idcard.Card
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
	if err := a.sim.Place(card); err != nil {
		e := protocol.Errorf(protocol.ReasonBadParams, "%v", err)
		e.Data.Field = "card"
		return nil, e
	}
	return protocol.Empty{}, nil
}

func (a *Agent) simRemove(_ context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	if a.sim == nil {
		return nil, protocol.Errorf(protocol.ReasonNotSimulated, "sim.* methods need the agent started with --simulate")
	}
	if err := noParams(params); err != nil {
		return nil, err
	}
	a.sim.Remove()
	return protocol.Empty{}, nil
}

// eventQueue is how many reader events may wait for the dispatcher.
const eventQueue = 256

// queueEvent hands a reader event to the dispatcher without blocking the
// reader's goroutine (a photo decode may take a while).
func (a *Agent) queueEvent(e idcardsvc.Event) {
	select {
	case a.events <- e:
	default:
		a.log.Error("event queue full; event dropped", "kind", e.Kind)
		if e.Card != nil {
			e.Card.Wipe()
		}
	}
}

// dispatch turns reader events into notifications, in order, until ctx
// ends.
func (a *Agent) dispatch(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-a.events:
			a.notify(ctx, e)
		}
	}
}

func (a *Agent) notify(ctx context.Context, e idcardsvc.Event) {
	switch e.Kind {
	case idcardsvc.CardInserted:
		c := a.wireCard(ctx, e.Card)
		e.Card.Wipe()
		a.rpc.Broadcast(protocol.EventIDCardInserted, protocol.CardEvent{Card: c})
	case idcardsvc.CardRemoved:
		a.photos.forget()
		a.rpc.Broadcast(protocol.EventIDCardRemoved, protocol.Empty{})
	case idcardsvc.CardError:
		a.rpc.Broadcast(protocol.EventIDCardError, protocol.CardErrorEvent{Reason: protocol.ReasonCardReplace, Message: e.Message})
	case idcardsvc.StatusChanged:
		if a.idcard != nil {
			a.rpc.Broadcast(protocol.EventDeviceChanged, protocol.DeviceEvent{Device: a.idcardDevice(e.Status)})
		}
	}
}
