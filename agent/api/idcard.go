package api

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/region"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// MaxReadTimeout bounds idcard.read's timeoutMs.
const MaxReadTimeout = 10 * time.Minute

// maxPurpose bounds idcard.read's purpose, in bytes.
const maxPurpose = 200

func (a *API) idcardRead(ctx context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.IDCardReadParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	timeout := time.Duration(0)
	if p.TimeoutMs != nil {
		// Compare in milliseconds: multiplying first overflows for a
		// huge timeoutMs and would let it through.
		if ms := *p.TimeoutMs; ms < 0 || int64(ms) > MaxReadTimeout.Milliseconds() {
			e := protocol.Errorf(protocol.ReasonBadParams, "timeoutMs must be between 0 and %d", MaxReadTimeout.Milliseconds())
			e.Data.Field = "timeoutMs"
			return nil, e
		}
		timeout = time.Duration(*p.TimeoutMs) * time.Millisecond
	}
	if len(p.Purpose) > maxPurpose {
		e := protocol.Errorf(protocol.ReasonBadParams, "purpose must be at most %d bytes", maxPurpose)
		e.Data.Field = "purpose"
		return nil, e
	}
	if a.d.IDCard == nil {
		return nil, protocol.Errorf(protocol.ReasonDeviceNotFound, "no ID card reader is configured")
	}
	if !a.wait(c) {
		return nil, protocol.Errorf(protocol.ReasonRateLimited, "too many idcard.read calls waiting (at most %d per client)", a.d.MaxWaitingReads)
	}
	defer a.done(c)
	acc := web.AccessOf(c)
	start := time.Now()
	card, err := a.d.IDCard.Read(ctx, idcard.ReadOptions{Timeout: timeout, Fingerprint: p.Fingerprint})
	if err != nil {
		pe := protocolError(err)
		if a.d.Reads != nil {
			a.d.Reads.Read(string(pe.Data.Reason), time.Since(start))
		}
		return nil, pe
	}
	defer card.Wipe()
	if a.d.Reads != nil {
		a.d.Reads.Read("", time.Since(start))
	}
	out := a.wireCard(ctx, card)
	if p.Fingerprint {
		// A copy: card is wiped when this handler returns, before the
		// result is marshalled.
		out.Fingerprint = bytes.Clone(card.Fingerprint)
	}
	out = acc.FilterCard(out)
	a.audit(audit.Record{Event: audit.EventIDCardDisclosed, Device: a.d.IDCard.Device().Info().ID, Origin: acc.Origin, Client: acc.Client(),
		ID: idnumber.Mask(card.IDNumber), Purpose: p.Purpose, Result: "ok",
		Detail: map[string]string{"via": "idcard.read", "fields": fieldsNote(acc)}})
	return protocol.IDCardReadResult{Card: out}, nil
}

// wait counts a waiting read for c, unless it has too many.
func (a *API) wait(c *rpc.Conn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.waiting[c] >= a.d.MaxWaitingReads {
		return false
	}
	a.waiting[c]++
	return true
}

func (a *API) done(c *rpc.Conn) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.waiting[c]--; a.waiting[c] <= 0 {
		delete(a.waiting, c)
	}
}

func fieldsNote(acc web.Access) string {
	if acc.Fields == nil {
		return "all"
	}
	return acc.FieldKey()
}

func (a *API) audit(r audit.Record) {
	if a.d.Audit == nil {
		return
	}
	if err := a.d.Audit.Append(r); err != nil {
		a.d.Log.Error("audit record not written", "event", r.Event, "err", err)
	}
}

// wireCard converts a driver card into the protocol's shape, with the photo
// decoded when a decoder is configured. Fingerprints are left out;
// idcard.read adds them when asked.
func (a *API) wireCard(ctx context.Context, c *samv.Card) protocol.Card {
	out := WireCard(c)
	if out.Photo != nil {
		out.Photo.PNG = a.photos.decode(ctx, c.Photo, func(err error) {
			a.d.Log.Warn("photo not decoded; clients get the raw WLT", "err", err)
		})
	}
	return out
}

// WireCard converts a driver card into the protocol's card object (without
// fingerprints and without a decoded photo).
func WireCard(c *samv.Card) protocol.Card {
	f := c.Fields
	out := protocol.Card{
		Type: string(f.Type), Name: f.Name, NameEn: f.NameEn, Sex: f.Sex, Nation: f.Nation,
		BirthDate: f.BirthDate, Address: f.Address, IDNumber: f.IDNumber, IDNumberMasked: idnumber.Mask(f.IDNumber),
		Issuer: f.Issuer, ValidFrom: f.ValidFrom, ValidUntil: f.ValidUntil, Nationality: f.Nationality,
		PassNumber: f.PassNumber, IssueCount: f.IssueCount, CardVersion: f.CardVersion,
		IssuerCode: f.IssuerCode, AppendedAddress: c.AppendedAddress,
		Photo:      &protocol.Photo{WLT: bytes.Clone(c.Photo)},
		Incomplete: append([]string(nil), c.Incomplete...),
	}
	if f.Type != textblock.ForeignPermanent2017 {
		if r, ok := region.LookupID(f.IDNumber); ok {
			out.Birthplace = r.String()
		}
	}
	return out
}

// eventQueue is how many reader events may wait for the fan-out.
const eventQueue = 256

// ReaderEvent hands a reader event to the fan-out without blocking the
// reader's goroutine (a photo decode may take a while). It is the reader
// service's emit function.
func (a *API) ReaderEvent(e idcard.Event) {
	select {
	case a.events <- e:
	default:
		a.d.Log.Error("event queue full; event dropped", "kind", e.Kind)
		if e.Card != nil {
			e.Card.Wipe()
		}
	}
}

// Run delivers reader events to clients, in order, until ctx ends.
func (a *API) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			for {
				select {
				case e := <-a.events:
					e.Card.Wipe()
				default:
					return nil
				}
			}
		case e := <-a.events:
			a.notify(ctx, e)
		}
	}
}

func (a *API) notify(ctx context.Context, e idcard.Event) {
	device := ""
	if a.d.IDCard != nil {
		device = a.d.IDCard.Device().Info().ID
	}
	switch e.Kind {
	case idcard.CardInserted:
		c := a.wireCard(ctx, e.Card)
		masked := idnumber.Mask(e.Card.IDNumber)
		e.Card.Wipe()
		a.audit(audit.Record{Event: audit.EventIDCardRead, Device: device, ID: masked, Result: "ok",
			Detail: map[string]string{"type": c.Type, "incomplete": strings.Join(c.Incomplete, ",")}})
		var origins []string
		n := 0
		a.d.RPC.BroadcastBy(protocol.EventIDCardInserted, func(cn *rpc.Conn) string {
			acc := web.AccessOf(cn)
			n++
			if len(origins) < 8 && !contains(origins, acc.Client()) {
				origins = append(origins, acc.Client())
			}
			return acc.FieldKey()
		}, func(key string) any {
			return protocol.CardEvent{Card: accessForKey(key).FilterCard(c)}
		})
		if n > 0 {
			a.audit(audit.Record{Event: audit.EventIDCardDisclosed, Device: device, ID: masked, Result: "ok",
				Detail: map[string]string{"via": protocol.EventIDCardInserted, "clients": strconv.Itoa(n), "to": strings.Join(origins, " ")}})
		}
		clear(c.Photo.WLT)
	case idcard.CardRemoved:
		a.photos.forget()
		a.d.RPC.Broadcast(protocol.EventIDCardRemoved, protocol.Empty{})
	case idcard.CardError:
		a.d.RPC.Broadcast(protocol.EventIDCardError, protocol.CardErrorEvent{Reason: protocol.ReasonCardReplace, Message: e.Message})
	}
}

// accessForKey rebuilds the field policy from an Access.FieldKey.
func accessForKey(key string) web.Access {
	if key == "*" {
		return web.Access{}
	}
	f := map[string]bool{}
	for _, k := range strings.Split(key, ",") {
		if k != "" {
			f[k] = true
		}
	}
	return web.Access{Fields: f}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
