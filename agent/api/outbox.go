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
	// List is every undelivered item, oldest first, without content.
	List(ctx context.Context) ([]protocol.OutboxItem, error)
	// Retry tries the item with key again now (a refused one goes back
	// in line), or, with key "", every pending item now. An unknown key
	// is an error wrapping outbox.ErrNotFound.
	Retry(ctx context.Context, key string) error
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

// EventOutboxRetry is the audit log's record of an operator's
// outbox.retry (the key, or "all").
const EventOutboxRetry = "outbox.retry"

// outboxChangedEvery bounds how often outbox.changed is sent: changes in
// between are coalesced, and the last one is always sent.
const outboxChangedEvery = 250 * time.Millisecond

// registerOutbox adds application.submit and outbox.status, and sends
// outbox.changed, coalesced, to every authorized client.
func (a *API) registerOutbox() {
	a.d.RPC.Handle(protocol.MethodApplicationSubmit, a.applicationSubmit)
	a.d.RPC.Handle(protocol.MethodOutboxStatus, a.outboxStatus)
	a.d.RPC.Handle(protocol.MethodOutboxList, a.outboxList)
	a.d.RPC.Handle(protocol.MethodOutboxRetry, a.outboxRetry)
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

// outboxList lists the undelivered items for an operator: the agent's own
// pages and native clients only (an item's error may quote the platform
// about the applicant).
func (a *API) outboxList(ctx context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	if err := noParams(params); err != nil {
		return nil, err
	}
	if flowAudience(c) == "" {
		return nil, protocol.Errorf(protocol.ReasonUnauthorized, "the outbox is listed to the agent's own pages and native clients")
	}
	if a.d.Outbox == nil {
		return protocol.OutboxList{Items: []protocol.OutboxItem{}}, nil
	}
	items, err := a.d.Outbox.List(ctx)
	if err != nil {
		return nil, protocolError(err)
	}
	if items == nil {
		items = []protocol.OutboxItem{}
	}
	return protocol.OutboxList{Items: items}, nil
}

// outboxRetry tries an item (or every pending one) again now, for an
// operator; audited.
func (a *API) outboxRetry(ctx context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.OutboxRetryParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if p.Key != "" {
		if err := outbox.ValidateKey(p.Key); err != nil {
			e := protocol.Errorf(protocol.ReasonBadParams, "invalid params: key: %s", strings.TrimPrefix(err.Error(), "outbox: "))
			e.Data.Field = "key"
			return nil, e
		}
	}
	if flowAudience(c) == "" {
		return nil, protocol.Errorf(protocol.ReasonUnauthorized, "the outbox is retried by the agent's own pages and native clients")
	}
	if a.d.Outbox == nil {
		return nil, protocol.Errorf(protocol.ReasonNotSaved, "this agent has no outbox")
	}
	what := p.Key
	if what == "" {
		what = "all"
	}
	rec := audit.Record{Event: EventOutboxRetry, Origin: c.Origin, Client: web.AccessOf(c).Client(), Result: "ok",
		Detail: map[string]string{"key": what}}
	if err := a.d.Outbox.Retry(ctx, p.Key); err != nil {
		var pe *protocol.Error
		if errors.Is(err, outbox.ErrNotFound) {
			pe = protocol.Errorf(protocol.ReasonBadParams, "invalid params: key: no item of the outbox has this key")
			pe.Data.Field = "key"
		} else {
			pe = protocolError(err)
		}
		rec.Result, rec.Reason = "refused", string(pe.Data.Reason)
		a.audit(rec)
		return nil, pe
	}
	a.audit(rec)
	a.d.Log.Info("outbox retried by an operator", "conn", c.ID, "key", what)
	return struct{}{}, nil
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
