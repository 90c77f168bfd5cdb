package precheck

import (
	"fmt"
	"slices"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Notice returns the 一次性告知 of an item (domain.md §3.5): its name and
// legal basis, conditions, steps, materials, time limit, whom to ask and
// how to object. region is the region code the contacts are looked up
// for (with the same fallback as the standards). h is the household the
// platform returned, or nil when none was found: with a household, the
// materials the platform holds are marked Have (not asked for again,
// domain.md §3.6) and materials needed only in some cases (a disability
// certificate) are listed only when the case applies; without one, every
// material is listed and only what the kiosk itself does is Have.
//
// Evaluate includes the notice of each item in its results; Notice is for
// an item chosen without a pre-check, or without a household record. The
// error is ErrUnknownItem when the rules do not describe the item.
func (r *Rules) Notice(code, region string, h *platform.Household) (platform.Notice, error) {
	it := r.items[code]
	if it == nil {
		return platform.Notice{}, fmt.Errorf("%w: %q", ErrUnknownItem, code)
	}
	f := &facts{chain: regionChain(region)}
	if h != nil {
		f.h = h
		for i := range h.Members {
			p := &person{m: &h.Members[i], index: i, age: -1}
			if h.Members[i].Excluded == "" {
				f.counted = append(f.counted, p)
			}
		}
	}
	return r.notice(it, f), nil
}

// notice builds the notice of it for the household of f (f.h nil: none).
func (r *Rules) notice(it *item, f *facts) platform.Notice {
	n := platform.Notice{
		Item: it.code, Name: it.name, Basis: it.basis,
		Conditions: slices.Clone(it.conditions), Steps: slices.Clone(it.steps),
		Materials: []platform.Material{}, Contacts: []platform.Contact{},
		TimeLimit: it.timeLimit, TimeLimitDays: it.timeLimitDays, Appeal: it.appeal,
	}
	if it.timeLimitSample {
		n.TimeLimit += "（示例，以工作人员告知为准）"
	}
	for _, m := range it.materials {
		mat := platform.Material{Name: m.name, Note: m.note}
		if m.when != "" {
			if f.h == nil {
				mat.Note = "如果有这种情况才需要。" + mat.Note
			} else if !f.applies(m.when) {
				continue
			}
		}
		switch m.have {
		case haveKiosk:
			mat.Have = true
			if mat.Note == "" {
				mat.Note = "在自助机上办好。"
			}
		case havePlatform:
			mat.Have = f.h != nil
			if mat.Note == "" && mat.Have {
				mat.Note = "政府数据里已能查到，不用再交。"
			}
			if !mat.Have {
				mat.Note = "政府数据里暂时没找到，工作人员会帮您查。" + mat.Note
			}
		}
		n.Materials = append(n.Materials, mat)
	}
	n.Contacts = r.contactsFor(it.code, f.chain)
	return n
}

// applies reports whether a material's condition holds for the household.
func (f *facts) applies(when string) bool {
	for _, p := range f.counted {
		m := p.m
		switch when {
		case "disability":
			if m.Disability != nil {
				return true
			}
		case "serious_illness":
			if m.SeriousIllness {
				return true
			}
		case "student":
			if student(p) {
				return true
			}
		case "unemployed":
			if m.Work == "unemployed" {
				return true
			}
		case "child_disability":
			if m.Disability != nil && (m.Work == "child" || m.School == "preschool" || p.age >= 0 && p.age < 18) {
				return true
			}
		case "medical":
			if m.SeriousIllness {
				return true
			}
		}
	}
	switch when {
	case "medical":
		return f.h.Spending12m.MedicalFen > 0
	case "supporters":
		return len(f.h.Supporters) > 0
	}
	return false
}

// contactsFor returns the contacts of an item: those of the most specific
// region in chain that has any (the item's own first), then the default
// ones (national hotlines), without repeating a number. A sample number
// says so in its name.
func (r *Rules) contactsFor(code string, chain []string) []platform.Contact {
	out := []platform.Contact{}
	add := func(region string) {
		for _, item := range []string{code, ""} {
			for _, c := range r.contacts {
				if c.region != region || c.item != item {
					continue
				}
				if slices.ContainsFunc(out, func(o platform.Contact) bool { return o.Phone == c.phone }) {
					continue
				}
				name := c.name
				if c.sample {
					name += "（示例号码，上线前替换）"
				}
				out = append(out, platform.Contact{Name: name, Phone: c.phone})
			}
		}
	}
	for _, region := range chain {
		if region == "default" {
			break
		}
		if slices.ContainsFunc(r.contacts, func(c *contact) bool { return c.region == region }) {
			add(region)
			break
		}
	}
	add("default")
	return out
}
