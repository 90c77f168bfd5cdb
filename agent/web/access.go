package web

import (
	"slices"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Access is what one client may do and see.
type Access struct {
	Kind   string // protocol.AccessOwn, AccessPaired, AccessNative or AccessNone
	Origin string // normalised origin; "" for native clients
	Name   string // the pairing's name (native pairings), for logs and the audit
	// Fields are the card fields the client receives; nil means all.
	Fields map[string]bool
	// TokenHash identifies the pairing the client presented, so that a
	// removed or replaced pairing can be told apart.
	TokenHash string
}

// Authorized reports whether the client may call methods.
func (a Access) Authorized() bool { return a.Kind != protocol.AccessNone && a.Kind != "" }

// Client names the client for logs and the audit: its origin, or its
// pairing name, or "native".
func (a Access) Client() string {
	switch {
	case a.Origin != "":
		return a.Origin
	case a.Name != "":
		return "native:" + a.Name
	}
	return "native"
}

// FieldKey is a string that is equal for clients that see the same
// fields, to shape an event once per group of clients.
func (a Access) FieldKey() string {
	if a.Fields == nil {
		return "*"
	}
	keys := make([]string, 0, len(a.Fields))
	for k := range a.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}

// FieldList returns the fields the client receives, in the protocol's
// order.
func (a Access) FieldList() []string {
	out := []string{}
	for _, f := range protocol.CardFields() {
		if a.Fields == nil || a.Fields[f] || f == "type" || f == "incomplete" {
			out = append(out, f)
		}
	}
	return out
}

// Wire returns the protocol's view of the access.
func (a Access) Wire() protocol.Access {
	return protocol.Access{Kind: a.Kind, Origin: a.Origin, Authorized: a.Authorized(), Fields: a.FieldList()}
}

// fieldSet turns a pairing's field list into a set; "all" (or an empty
// list) means every field.
func fieldSet(fields []string) map[string]bool {
	if len(fields) == 0 || slices.Contains(fields, "all") {
		return nil
	}
	m := make(map[string]bool, len(fields))
	for _, f := range fields {
		m[f] = true
	}
	return m
}

// FilterCard returns c with only the fields a may see. "type" and
// "incomplete" describe the card, not the person, and always stay.
func (a Access) FilterCard(c protocol.Card) protocol.Card {
	if a.Fields == nil {
		return c
	}
	f := a.Fields
	out := protocol.Card{Type: c.Type, Incomplete: c.Incomplete}
	keep := func(name string, dst *string, v string) {
		if f[name] {
			*dst = v
		}
	}
	keep("name", &out.Name, c.Name)
	keep("nameEn", &out.NameEn, c.NameEn)
	keep("sex", &out.Sex, c.Sex)
	keep("nation", &out.Nation, c.Nation)
	keep("birthDate", &out.BirthDate, c.BirthDate)
	keep("address", &out.Address, c.Address)
	keep("idNumber", &out.IDNumber, c.IDNumber)
	keep("idNumberMasked", &out.IDNumberMasked, c.IDNumberMasked)
	keep("issuer", &out.Issuer, c.Issuer)
	keep("validFrom", &out.ValidFrom, c.ValidFrom)
	keep("validUntil", &out.ValidUntil, c.ValidUntil)
	keep("nationality", &out.Nationality, c.Nationality)
	keep("passNumber", &out.PassNumber, c.PassNumber)
	keep("issueCount", &out.IssueCount, c.IssueCount)
	keep("cardVersion", &out.CardVersion, c.CardVersion)
	keep("issuerCode", &out.IssuerCode, c.IssuerCode)
	keep("appendedAddress", &out.AppendedAddress, c.AppendedAddress)
	keep("birthplace", &out.Birthplace, c.Birthplace)
	if f["photo"] {
		out.Photo = c.Photo
	}
	if f["fingerprint"] {
		out.Fingerprint = c.Fingerprint
	}
	return out
}
