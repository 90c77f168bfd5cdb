package api

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// registerFlow adds the flow.* methods and staff.call.
func (a *API) registerFlow() {
	a.d.RPC.Handle(protocol.MethodFlowStart, a.flowStart)
	a.d.RPC.Handle(protocol.MethodFlowAct, a.flowAct)
	a.d.RPC.Handle(protocol.MethodFlowBack, a.flowSimple(flow.ActBack))
	a.d.RPC.Handle(protocol.MethodFlowExtend, a.flowSimple(flow.ActExtend))
	a.d.RPC.Handle(protocol.MethodFlowCancel, a.flowSimple(flow.ActCancel))
	a.d.RPC.Handle(protocol.MethodFlowGet, a.flowGet)
	a.d.RPC.Handle(protocol.MethodStaffCall, a.staffCall)
	if a.d.Flow != nil {
		a.d.Flow.Subscribe(func(st flow.State) {
			a.d.RPC.BroadcastBy(protocol.EventFlowState, flowAudience, func(k string) any {
				if k != "flow" {
					return nil
				}
				return st
			})
		})
	}
}

// flowAudience says which clients see the application session: the
// agent's own pages and native clients. A paired counter page of another
// origin sees only the card fields it was paired for, never the flow.
func flowAudience(c *rpc.Conn) string {
	switch web.AccessOf(c).Kind {
	case protocol.AccessOwn, protocol.AccessNative:
		return "flow"
	}
	return ""
}

// flowAllowed refuses the flow to clients outside its audience.
func (a *API) flowAllowed(c *rpc.Conn) error {
	if a.d.Flow == nil {
		return protocol.Errorf(protocol.ReasonDeviceNotFound, "the application flow is not configured")
	}
	if flowAudience(c) == "" {
		return protocol.Errorf(protocol.ReasonUnauthorized, "the application flow is for the agent's own pages and native clients")
	}
	return nil
}

func (a *API) flowStart(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.FlowStartParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if err := a.flowAllowed(c); err != nil {
		return nil, err
	}
	st, err := a.d.Flow.Start(p.Kind)
	if err != nil {
		return nil, flowError(err)
	}
	return st, nil
}

func (a *API) flowAct(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.FlowActParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if err := a.flowAllowed(c); err != nil {
		return nil, err
	}
	rest, _ := json.Marshal(struct {
		Item           string  `json:"item,omitempty"`
		RelatedToStaff *bool   `json:"relatedToStaff,omitempty"`
		Page           int     `json:"page,omitempty"`
		PIN            string  `json:"pin,omitempty"`
		Notes          *string `json:"notes,omitempty"`
	}{p.Item, p.RelatedToStaff, p.Page, p.PIN, p.Notes})
	st, err := a.d.Flow.Act(p.Action, rest)
	if err != nil {
		return nil, flowError(err)
	}
	return st, nil
}

func (a *API) flowSimple(action string) rpc.Handler {
	return func(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
		if err := noParams(params); err != nil {
			return nil, err
		}
		if err := a.flowAllowed(c); err != nil {
			return nil, err
		}
		st, err := a.d.Flow.Act(action, nil)
		if err != nil {
			return nil, flowError(err)
		}
		return st, nil
	}
}

func (a *API) flowGet(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	if err := noParams(params); err != nil {
		return nil, err
	}
	if err := a.flowAllowed(c); err != nil {
		return nil, err
	}
	return a.d.Flow.State(), nil
}

// staffCall calls staff: through the session when one is going on (its
// clock pauses), else directly.
func (a *API) staffCall(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.StaffCallParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if err := a.flowAllowed(c); err != nil {
		return nil, err
	}
	if _, err := a.d.Flow.Act(flow.ActCallStaff, nil); errors.Is(err, flow.ErrNoSession) {
		reason := p.Reason
		if reason == "" {
			reason = "call"
		}
		a.StaffCalled(reason, flow.StepIdle)
	}
	return struct{}{}, nil
}

// StaffCalled tells every client (the counter page) and the webhook that
// someone at the kiosk needs staff. It is the flow's Staff.
func (a *API) StaffCalled(reason string, step flow.Step) {
	ev := protocol.StaffCalledEvent{Reason: reason, Step: string(step), At: time.Now().UTC().Format(time.RFC3339),
		Terminal: a.d.Terminal, Window: a.d.Window}
	a.d.RPC.Broadcast(protocol.EventStaffCalled, ev)
	if a.d.StaffWebhook != nil {
		a.d.StaffWebhook(ev)
	}
}

// flowError turns an engine error into the protocol's.
func flowError(err error) error {
	var fe *flow.Error
	switch {
	case errors.Is(err, flow.ErrNoSession):
		return protocol.Errorf(protocol.ReasonNoSession, "no session is going on: flow.start first")
	case errors.Is(err, flow.ErrNotReady):
		return protocol.Errorf(protocol.ReasonNotReady, "%s", msgOf(err, fe))
	case errors.Is(err, flow.ErrBadAction):
		e := protocol.Errorf(protocol.ReasonBadParams, "%s", msgOf(err, fe))
		e.Data.Field = "action"
		return e
	}
	return protocolError(err)
}

func msgOf(err error, fe *flow.Error) string {
	if errors.As(err, &fe) {
		return fe.Msg
	}
	return err.Error()
}

// FlowInk forwards the engine's signature capture to the flow's pages:
// sigpad.started, sigpad.sample and sigpad.pressed go to every client in
// the flow's audience, so the kiosk screen (and, at a counter, the clerk's)
// mirrors the ink. It is the engine's Watch listener.
func (a *API) FlowInk() sigpad.Listener {
	send := func(method string, params any) {
		a.d.RPC.BroadcastBy(method, flowAudience, func(k string) any {
			if k != "flow" {
				return nil
			}
			return params
		})
	}
	return sigpad.Listener{
		Started: func(s sigpad.Started) {
			send(protocol.EventSigpadStarted, protocol.StartedEvent{Source: s.Source, Model: s.Model, Width: s.Width,
				Height: s.Height, MaxPressure: s.MaxPressure, PromptSHA256: s.PromptSHA256})
		},
		Sample: func(p sigpad.Point) {
			send(protocol.EventSigpadSample, protocol.SampleEvent{Samples: []protocol.SigpadSample{{T: p.T, X: p.X, Y: p.Y,
				P: p.P, SW: p.SW, NX: p.NX, NY: p.NY, NP: p.NP}}})
		},
		Pressed: func(b string) { send(protocol.EventSigpadPressed, protocol.PressedEvent{Button: b}) },
	}
}
