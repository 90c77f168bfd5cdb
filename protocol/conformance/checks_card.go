package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

func needSimulated(env *Env) error {
	if !env.cfg.Simulated {
		return skip("the Config says the agent is not simulated (--simulated): no sample card can be placed")
	}
	return nil
}

// cardOf returns the card of an idcard.inserted params or idcard.read
// result, as a map of its fields.
func cardOf(raw json.RawMessage) (map[string]any, error) {
	var v struct {
		Card map[string]any `json:"card"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Card == nil {
		return nil, fmt.Errorf("no card object in %s", clip(raw))
	}
	return v.Card, nil
}

// placeSample lifts any card from the simulated reader, puts sample card 0
// on it, and returns the card of own's idcard.inserted event.
func placeSample(ctx context.Context, own *Conn) (map[string]any, error) {
	if err := ensureEmpty(ctx, own); err != nil {
		return nil, err
	}
	if err := own.Result(ctx, protocol.MethodSimPlaceCard, map[string]any{"sample": 0}, nil); err != nil {
		return nil, err
	}
	p, err := own.WaitEvent(ctx, protocol.EventIDCardInserted, eventWait)
	if err != nil {
		return nil, fmt.Errorf("after sim.idcard.place {\"sample\":0}: %w", err)
	}
	return cardOf(p)
}

// ensureEmpty lifts a card left on the simulated reader.
func ensureEmpty(ctx context.Context, own *Conn) error {
	r, err := own.Call(ctx, protocol.MethodIDCardRead, map[string]any{"timeoutMs": 0})
	if err != nil {
		return err
	}
	if r.Error == nil {
		if err := removeCard(ctx, own); err != nil {
			return fmt.Errorf("lifting the card that was on the reader: %w", err)
		}
	}
	own.DropEvents()
	return nil
}

// removeCard lifts the card from the simulated reader and waits for own's
// idcard.removed.
func removeCard(ctx context.Context, own *Conn) error {
	if err := own.Result(ctx, protocol.MethodSimRemoveCard, nil, nil); err != nil {
		return err
	}
	if _, err := own.WaitEvent(ctx, protocol.EventIDCardRemoved, eventWait); err != nil {
		return fmt.Errorf("after sim.idcard.remove: %w", err)
	}
	return nil
}

// checkSimMethods: sim.* answer NOT_SIMULATED without --simulate; with it
// they place and lift cards, and idcard.read sees them.
func checkSimMethods(ctx context.Context, env *Env) error {
	own, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	if !env.cfg.Simulated {
		for _, m := range []string{protocol.MethodSimPlaceCard, protocol.MethodSimRemoveCard} {
			if _, err := own.ExpectError(ctx, m, map[string]any{}, protocol.ReasonNotSimulated.Code(), protocol.ReasonNotSimulated); err != nil {
				return fmt.Errorf("%w (the Config says the agent is not simulated)", err)
			}
		}
		return nil
	}
	r, err := own.ExpectError(ctx, protocol.MethodSimPlaceCard, map[string]any{"sample": "x"}, protocol.CodeInvalidParams, protocol.ReasonBadParams)
	if err != nil {
		return err
	}
	if r.Error.Data.Field != "sample" {
		return fmt.Errorf("%s: sim.idcard.place {\"sample\":\"x\"} answered %s, want data.field \"sample\"", own.Name, clip(r.Raw))
	}
	card, err := placeSample(ctx, own)
	if err != nil {
		return err
	}
	var read struct {
		Card map[string]any `json:"card"`
	}
	if err := own.Result(ctx, protocol.MethodIDCardRead, map[string]any{"timeoutMs": 0}, &read); err != nil {
		return fmt.Errorf("with the sample card on the reader: %w", err)
	}
	if !reflect.DeepEqual(read.Card, card) {
		return fmt.Errorf("%s: idcard.read answered a card other than the idcard.inserted one:\nread  %v\nevent %v", own.Name, read.Card, card)
	}
	if err := removeCard(ctx, own); err != nil {
		return err
	}
	if _, err := own.ExpectError(ctx, protocol.MethodIDCardRead, map[string]any{"timeoutMs": 0}, protocol.ReasonNoCard.Code(), protocol.ReasonNoCard); err != nil {
		return fmt.Errorf("after the card was lifted: %w", err)
	}
	return nil
}

// checkOwnCard: the agent's own pages receive the whole card, the full ID
// number included.
func checkOwnCard(ctx context.Context, env *Env) error {
	if err := needSimulated(env); err != nil {
		return err
	}
	own, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	card, err := placeSample(ctx, own)
	if err != nil {
		return err
	}
	defer removeCard(ctx, own)
	var errs []error
	for _, f := range []string{"type", "name", "idNumber", "birthDate", "photo"} {
		if _, ok := card[f]; !ok {
			errs = append(errs, fmt.Errorf("%s: idcard.inserted card of sample 0 has no %q: %v", own.Name, f, card))
		}
	}
	if id, _ := card["idNumber"].(string); strings.Contains(id, "*") || len(id) < 15 {
		errs = append(errs, fmt.Errorf("%s: idcard.inserted idNumber %q, want the whole number (own origin)", own.Name, id))
	}
	if m, ok := card["idNumberMasked"].(string); ok && !strings.Contains(m, "*") {
		errs = append(errs, fmt.Errorf("%s: idNumberMasked %q is not masked", own.Name, m))
	}
	return errors.Join(errs...)
}

// checkPairedFields: a paired page receives only the fields of its pairing
// (plus type and incomplete), in events and in idcard.read.
func checkPairedFields(ctx context.Context, env *Env) error {
	if err := needSimulated(env); err != nil {
		return err
	}
	if err := needToken(env); err != nil {
		return err
	}
	own, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	p, h, err := env.DialPaired(ctx, true)
	if err != nil {
		return err
	}
	allowed := map[string]bool{"type": true, "incomplete": true}
	for _, f := range h.Access.Fields {
		allowed[f] = true
	}
	if len(allowed) >= len(protocol.CardFields()) {
		env.Logf("the pairing of %s has every card field: no field is held back, so the filter is hardly exercised", env.cfg.PairedOrigin)
	}
	full, err := placeSample(ctx, own)
	if err != nil {
		return err
	}
	defer removeCard(ctx, own)
	ev, err := p.WaitEvent(ctx, protocol.EventIDCardInserted, eventWait)
	if err != nil {
		return err
	}
	var errs []error
	check := func(what string, raw json.RawMessage) {
		card, err := cardOf(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", p.Name, what, err))
			return
		}
		var extra []string
		for _, f := range sortedKeys(card) {
			if !allowed[f] {
				extra = append(extra, f)
			}
		}
		if len(extra) > 0 {
			errs = append(errs, fmt.Errorf("%s (fields %v): %s carries %v, which its pairing does not allow: %s", p.Name, h.Access.Fields, what, extra, clip(raw)))
		}
		for _, f := range sortedKeys(allowed) {
			fv, fok := full[f]
			pv, pok := card[f]
			if fok != pok || !reflect.DeepEqual(fv, pv) {
				errs = append(errs, fmt.Errorf("%s (fields %v): %s field %q is %v, the own-origin client's is %v", p.Name, h.Access.Fields, what, f, pv, fv))
			}
		}
		if id, _ := full["idNumber"].(string); id != "" && !allowed["idNumber"] && strings.Contains(string(raw), id) {
			errs = append(errs, fmt.Errorf("%s (fields %v): %s contains the whole ID number: %s", p.Name, h.Access.Fields, what, clip(raw)))
		}
	}
	check("idcard.inserted", ev)
	r, err := p.Call(ctx, protocol.MethodIDCardRead, map[string]any{"timeoutMs": 0})
	if err != nil {
		return err
	}
	if r.Error != nil {
		errs = append(errs, fmt.Errorf("%s: idcard.read {\"timeoutMs\":0} with a card on the reader answered %s, want the card", p.Name, clip(r.Raw)))
	} else {
		check("idcard.read", r.Result)
	}
	if slices.Contains(h.Access.Fields, "fingerprint") {
		return errors.Join(errs...)
	}
	r, err = p.Call(ctx, protocol.MethodIDCardRead, map[string]any{"timeoutMs": 0, "fingerprint": true})
	if err != nil {
		return err
	}
	if r.Error == nil {
		if card, err := cardOf(r.Result); err == nil {
			if _, ok := card["fingerprint"]; ok {
				errs = append(errs, fmt.Errorf("%s (fields %v): idcard.read {\"fingerprint\":true} sent the fingerprints", p.Name, h.Access.Fields))
			}
		}
	}
	return errors.Join(errs...)
}

// checkReconnect: a client that closes (cleanly or not) can connect again
// at once and is served as before.
func checkReconnect(ctx context.Context, env *Env) error {
	for i := range 3 {
		c, err := env.DialOwn(ctx)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		if err := c.Alive(ctx); err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		if i == 1 {
			c.ws.NetConn().Close() // no close frame
		} else {
			c.Close()
		}
	}
	if env.cfg.Token == "" {
		env.Logf("no pairing token in the Config: a paired page's reconnect was not tried")
		return nil
	}
	for i := range 2 {
		c, _, err := env.DialPaired(ctx, true)
		if err != nil {
			return fmt.Errorf("paired connection %d: %w", i+1, err)
		}
		if err := c.Result(ctx, protocol.MethodDevicesList, nil, nil); err != nil {
			return fmt.Errorf("paired connection %d: %w", i+1, err)
		}
		c.Close()
	}
	return nil
}
