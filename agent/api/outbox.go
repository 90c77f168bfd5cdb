package api

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Outbox is the agent's outbox of submissions as the API uses it
// (agent/core builds it over agent/outbox and the platform).
type Outbox interface {
	// Submit puts app in the outbox under the caller's idempotency key
	// and returns once it is on disk. The same key with the same
	// application returns the same result and queues nothing. Errors
	// wrap ErrBadApplication, ErrNotSaved or the outbox's own kinds
	// (outbox.ErrKeyConflict, outbox.ErrBadIdempotencyKey).
	Submit(ctx context.Context, key string, app protocol.Application) (protocol.ApplicationSubmitResult, error)
	// Status is the backlog now.
	Status() protocol.OutboxStatus
	// Subscribe calls fn when the backlog changes, until cancel.
	Subscribe(fn func(protocol.OutboxStatus)) (cancel func())
}

// Errors an Outbox wraps, for the reason table.
var (
	// ErrBadApplication: the application is not one the platform would
	// take (a field missing or out of its rule, a wrong check character
	// in the ID number). The message names the field, never its value.
	ErrBadApplication = errors.New("bad application")
	// ErrNotSaved: the application could not be put in the outbox (the
	// disk, the agent stopping). It may or may not be there: the same
	// submission again, with the same key, settles it.
	ErrNotSaved = errors.New("the application was not saved")
)

// EventApplicationQueued is the audit log's record of an application put
// in the outbox through application.submit (masked ID number, key, items).
const EventApplicationQueued = "application.queued"

// outboxChangedEvery bounds how often outbox.changed is sent: changes in
// between are coalesced, and the last one is always sent.
const outboxChangedEvery = 250 * time.Millisecond

// registerOutbox adds application.submit and outbox.status, and sends
// outbox.changed, coalesced, to every authorized client.
func (a *API) registerOutbox() {
	a.d.RPC.Handle(protocol.MethodApplicationSubmit, a.applicationSubmit)
	a.d.RPC.Handle(protocol.MethodOutboxStatus, a.outboxStatus)
	if a.d.Outbox != nil {
		c := &coalescer{every: outboxChangedEvery, send: func(s protocol.OutboxStatus) {
			a.d.RPC.Broadcast(protocol.EventOutboxChanged, s)
		}}
		a.d.Outbox.Subscribe(c.push)
	}
}

// applicationSubmit puts a client's application in the outbox. Only the
// agent's own pages and native clients may: an application carries the
// applicant's data, which a paired page of another origin is not given.
func (a *API) applicationSubmit(ctx context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.ApplicationSubmitParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if flowAudience(c) == "" {
		return nil, protocol.Errorf(protocol.ReasonUnauthorized, "applications are submitted by the agent's own pages and native clients")
	}
	if p.Application == nil {
		e := protocol.Errorf(protocol.ReasonBadParams, "invalid params: application is missing")
		e.Data.Field = "application"
		return nil, e
	}
	if err := outbox.ValidateKey(p.IdempotencyKey); err != nil {
		e := protocol.Errorf(protocol.ReasonBadParams, "invalid params: idempotencyKey: %s", strings.TrimPrefix(err.Error(), "outbox: "))
		e.Data.Field = "idempotencyKey"
		return nil, e
	}
	if a.d.Outbox == nil {
		return nil, protocol.Errorf(protocol.ReasonNotSaved, "this agent has no outbox")
	}
	res, err := a.d.Outbox.Submit(ctx, p.IdempotencyKey, *p.Application)
	acc := web.AccessOf(c)
	rec := audit.Record{Event: EventApplicationQueued, Origin: c.Origin, Client: acc.Client(),
		ID: idnumber.Mask(p.Application.Applicant.IDNumber), Result: "ok",
		Detail: map[string]string{"key": p.IdempotencyKey, "items": strings.Join(p.Application.Items, ",")}}
	if err != nil {
		pe := protocolError(err)
		rec.Result, rec.Reason = "refused", string(pe.Data.Reason)
		a.audit(rec)
		a.d.Log.Warn("application not queued", "conn", c.ID, "reason", pe.Data.Reason, "err", pe.Message)
		return nil, pe
	}
	rec.Detail["application"] = res.ApplicationID
	a.audit(rec)
	return res, nil
}

func (a *API) outboxStatus(_ context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	if err := noParams(params); err != nil {
		return nil, err
	}
	if a.d.Outbox == nil {
		return protocol.OutboxStatus{}, nil
	}
	return a.d.Outbox.Status(), nil
}

// coalescer sends at most one status per every: the first change at
// once, the changes that follow within every as one, the latest.
type coalescer struct {
	every time.Duration
	send  func(protocol.OutboxStatus)

	mu      sync.Mutex
	last    time.Time
	pending *protocol.OutboxStatus
	timer   *time.Timer
}

func (c *coalescer) push(s protocol.OutboxStatus) {
	c.mu.Lock()
	if c.timer != nil {
		c.pending = &s
		c.mu.Unlock()
		return
	}
	if wait := c.every - time.Since(c.last); wait > 0 {
		c.pending = &s
		c.timer = time.AfterFunc(wait, c.flush)
		c.mu.Unlock()
		return
	}
	c.last = time.Now()
	c.mu.Unlock()
	c.send(s)
}

func (c *coalescer) flush() {
	c.mu.Lock()
	s := c.pending
	c.pending, c.timer, c.last = nil, nil, time.Now()
	c.mu.Unlock()
	if s != nil {
		c.send(*s)
	}
}
