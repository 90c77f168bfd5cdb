// Package api holds the agent's JSON-RPC methods, one file per namespace,
// and the one table that turns service errors into protocol reasons
// (errors.go). Handlers decode params strictly, call a service, and shape
// the answer for the client: a paired page receives only the card fields
// it was paired for, in replies and in events alike. Every card read and
// every disclosure of card data to a client is written to the audit log.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/wlt"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Auditor is where audit records go.
type Auditor interface {
	Append(audit.Record) error
}

// Reads counts idcard.read outcomes and times, for metrics.
type Reads interface {
	Read(reason string, d time.Duration) // reason "" for a card
}

// Deps are what the methods use.
type Deps struct {
	Version string
	RPC     *rpc.Server
	Web     *web.Server
	Devices *device.Registry
	Health  *health.Registry
	// IDCard is the reader, or nil when none is configured.
	IDCard *idcard.Service
	// Printer is the receipt printer, or nil when none is configured.
	Printer *printer.Service
	// Sigpad takes signatures (on a pad or on the client's screen).
	Sigpad *sigpad.Service
	// EvidenceKey is the public key of the signature bundles, for
	// agent.hello.
	EvidenceKey *protocol.EvidenceKey
	// Flow is the application session; nil: no flow.
	Flow *flow.Engine
	// Outbox takes applications (application.submit) and reports the
	// backlog (outbox.status, outbox.changed); nil: none.
	Outbox Outbox
	// Terminal and Window name the kiosk and its service window in
	// staff.called.
	Terminal, Window string
	// StaffWebhook is told every staff call (the configured webhook);
	// may be nil.
	StaffWebhook func(protocol.StaffCalledEvent)
	// Fonts draw receipt previews and what printers cannot print.
	Fonts textimage.Chain
	// OnPrinted is told each job that printed (the virtual printer saves
	// its pages then); may be nil.
	OnPrinted func(jobID string)
	Photo     wlt.Decoder
	Audit     Auditor
	Reads     Reads
	Log       *slog.Logger
	// MaxWaitingReads bounds one client's idcard.read calls waiting at
	// once (default 4): more is RATE_LIMITED, so that one client cannot
	// queue thousands of reads in front of everybody else.
	MaxWaitingReads int
}

// API is the registered methods and the event fan-out.
type API struct {
	d      Deps
	photos *photos
	events chan idcard.Event

	mu      sync.Mutex
	waiting map[*rpc.Conn]int // idcard.read calls waiting, per client
}

// Register adds every method to d.RPC and subscribes to device and health
// changes. Run delivers the reader's events.
func Register(d Deps) *API {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.MaxWaitingReads <= 0 {
		d.MaxWaitingReads = 4
	}
	if d.Photo == nil {
		d.Photo = noPhotos{}
	}
	a := &API{d: d, photos: &photos{dec: d.Photo}, events: make(chan idcard.Event, eventQueue), waiting: map[*rpc.Conn]int{}}
	d.RPC.HandlePublic(protocol.MethodHello, a.hello)
	d.RPC.Handle(protocol.MethodDevicesList, a.devicesList)
	d.RPC.Handle(protocol.MethodHealthGet, a.healthGet)
	d.RPC.Handle(protocol.MethodIDCardRead, a.idcardRead)
	a.registerPrinter()
	a.registerSigpad()
	a.registerFlow()
	a.registerOutbox()
	d.Devices.Subscribe(func(st device.Status) {
		d.RPC.Broadcast(protocol.EventDeviceChanged, protocol.DeviceEvent{Device: WireDevice(st)})
	})
	d.Health.Subscribe(func(c health.Check) {
		d.RPC.Broadcast(protocol.EventHealthChanged, protocol.HealthEvent{Check: WireCheck(c)})
	})
	return a
}

type noPhotos struct{}

func (noPhotos) Decode(context.Context, []byte) ([]byte, error) { return nil, wlt.ErrNoDecoder }

func noParams(params json.RawMessage) *protocol.Error {
	var p struct{}
	return protocol.DecodeParams(params, &p)
}

// hello introduces the agent; with a token it authorizes a paired page or
// native client. Its params are decoded strictly like every method's: a
// misspelt "tokn" must not pass for "no token".
func (a *API) hello(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.HelloParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	acc, err := a.d.Web.Hello(c, p.Token)
	if errors.Is(err, web.ErrUnauthorized) {
		return nil, protocol.Errorf(protocol.ReasonUnauthorized, "the token is not valid for this origin: pair it with kiosk-agent pair add")
	}
	if p.Client != nil {
		a.d.Log.Info("client introduced itself", "conn", c.ID, "client", acc.Client(), "name", p.Client.Name, "version", p.Client.Version)
	}
	return protocol.Hello{Protocol: protocol.Version, Version: a.d.Version, Devices: a.devices(), Access: acc.Wire(), EvidenceKey: a.d.EvidenceKey}, nil
}

func (a *API) devicesList(_ context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	if err := noParams(params); err != nil {
		return nil, err
	}
	return a.devices(), nil
}

func (a *API) devices() []protocol.Device {
	out := []protocol.Device{}
	for _, st := range a.d.Devices.Statuses() {
		out = append(out, WireDevice(st))
	}
	return out
}

func (a *API) healthGet(_ context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	if err := noParams(params); err != nil {
		return nil, err
	}
	return WireReport(a.d.Health.Report()), nil
}

// WireDevice is a device's status as the protocol shows it.
func WireDevice(st device.Status) protocol.Device {
	d := protocol.Device{Kind: st.Kind, ID: st.ID, Model: st.Model, Port: st.Port, State: protocol.DeviceState(st.State), Health: WireCheck(st.Health)}
	if st.Health.Severity != health.OK {
		d.Error = st.Health.Message
	}
	return d
}

// WireCheck is a health check as the protocol shows it.
func WireCheck(c health.Check) protocol.HealthCheck {
	return protocol.HealthCheck{Component: c.Component, Code: c.Code, Severity: string(c.Severity), Since: c.Since.UTC().Format(time.RFC3339), Message: c.Message}
}

// WireReport is the health report as the protocol shows it.
func WireReport(r health.Report) protocol.HealthReport {
	out := protocol.HealthReport{Status: r.Status, Checks: []protocol.HealthCheck{}}
	for _, c := range r.Checks {
		out.Checks = append(out.Checks, WireCheck(c))
	}
	return out
}
