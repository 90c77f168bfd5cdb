package precheck

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// The limits of what a household may hold. They keep every sum in an
// int64 (100 members × 100 incomes × 10^13 fen × 12 months < 2^63) and are
// far above any real household.
const (
	maxMembers = 100
	maxEntries = 100                // incomes of a member, vehicles, supporters
	maxFen     = 10_000_000_000_000 // 1000 亿元: any one amount
	maxHomes   = 1000
	maxAreaM2  = 10_000_000
)

// facts is a validated household, with what the items read from it.
type facts struct {
	h         *platform.Household
	day       civil
	chain     []string // region codes, most specific first
	area      string   // "urban" or "rural"
	people    []*person
	counted   []*person // members of the household (Excluded == "")
	applicant *person
	areaC     int64 // the homes' floor area in 1/100 m², rounded half up
}

// person is a member with their age on the day.
type person struct {
	m     *platform.Member
	index int
	age   int
}

// n is how many people the household counts.
func (f *facts) n() int64 { return int64(len(f.counted)) }

// receiving returns the benefits any counted member receives now, in
// benefitCodes order.
func (f *facts) receiving(codes []string) []string {
	var out []string
	for _, c := range codes {
		for _, p := range f.counted {
			if slices.Contains(p.m.Benefits, c) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// all reports whether every counted member satisfies ok.
func (f *facts) all(ok func(*person) bool) bool {
	for _, p := range f.counted {
		if !ok(p) {
			return false
		}
	}
	return true
}

// newFacts checks h against the platform contract and derives the facts.
func newFacts(h *platform.Household, day civil) (*facts, error) {
	if h == nil {
		return nil, &HouseholdError{Msg: "no household"}
	}
	bad := func(field, format string, args ...any) error {
		return &HouseholdError{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if !validRegion(h.Region.Code) {
		return nil, bad("region.code", "is not a region code of 6, 9, 12 or 15 digits")
	}
	if len(h.Members) == 0 {
		return nil, bad("members", "there are none")
	}
	if len(h.Members) > maxMembers {
		return nil, bad("members", "%d members, more than %d", len(h.Members), maxMembers)
	}
	f := &facts{h: h, day: day, chain: regionChain(h.Region.Code), area: "rural"}
	if h.Region.Urban {
		f.area = "urban"
	}
	for i := range h.Members {
		m := &h.Members[i]
		field := fmt.Sprintf("members[%d]", i)
		birth, err := time.Parse(time.DateOnly, m.BirthDate)
		if err != nil {
			return nil, bad(field+".birthDate", "is not a date written YYYY-MM-DD")
		}
		b := makeCivil(birth.Year(), int(birth.Month()), birth.Day())
		if b > day {
			return nil, bad(field+".birthDate", "is after the day of the pre-check")
		}
		p := &person{m: m, index: i, age: ageOn(b, day)}
		if p.age > 150 {
			return nil, bad(field+".birthDate", "makes the member older than 150")
		}
		if d := m.Disability; d != nil && (d.Grade < 1 || d.Grade > 4) {
			return nil, bad(field+".disability.grade", "is %d, not 1…4", d.Grade)
		}
		if len(m.Incomes) > maxEntries {
			return nil, bad(field+".incomes", "more than %d", maxEntries)
		}
		for j, in := range m.Incomes {
			if err := checkFen(fmt.Sprintf("%s.incomes[%d].monthlyFen", field, j), in.MonthlyFen); err != nil {
				return nil, err
			}
		}
		if m.ID == h.ApplicantID && f.applicant == nil {
			f.applicant = p
		}
		f.people = append(f.people, p)
		if m.Excluded == "" {
			f.counted = append(f.counted, p)
		}
	}
	if f.applicant == nil {
		return nil, bad("applicantId", "is not the id of a member")
	}
	if len(f.counted) == 0 {
		return nil, bad("members", "every member is excluded from the household")
	}
	pr := h.Property
	if err := checkFen("property.depositsFen", pr.DepositsFen); err != nil {
		return nil, err
	}
	if len(pr.Vehicles) > maxEntries {
		return nil, bad("property.vehicles", "more than %d", maxEntries)
	}
	if pr.Homes < 0 || pr.Homes > maxHomes {
		return nil, bad("property.homes", "is %d, not 0…%d", pr.Homes, maxHomes)
	}
	if math.IsNaN(pr.HomeAreaM2) || pr.HomeAreaM2 < 0 || pr.HomeAreaM2 > maxAreaM2 {
		return nil, bad("property.homeAreaM2", "is not an area of 0…%d m²", maxAreaM2)
	}
	f.areaC = int64(math.Floor(pr.HomeAreaM2*100 + 0.5)) // rounded half up to 0.01 m²
	if pr.CompanyRoles < 0 || pr.CompanyRoles > maxEntries {
		return nil, bad("property.companyRoles", "is %d, not 0…%d", pr.CompanyRoles, maxEntries)
	}
	sp := h.Spending12m
	for _, x := range []struct {
		field string
		fen   int64
	}{{"spending12m.medicalFen", sp.MedicalFen}, {"spending12m.educationFen", sp.EducationFen}, {"spending12m.rehabFen", sp.RehabFen}, {"spending12m.otherFen", sp.OtherFen}} {
		if err := checkFen(x.field, x.fen); err != nil {
			return nil, err
		}
	}
	if len(h.Supporters) > maxEntries {
		return nil, bad("supporters", "more than %d", maxEntries)
	}
	for i, s := range h.Supporters {
		if err := checkFen(fmt.Sprintf("supporters[%d].monthlyFen", i), s.MonthlyFen); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// checkFen checks that an amount is within 0…maxFen.
func checkFen(field string, fen int64) error {
	if fen < 0 || fen > maxFen {
		return &HouseholdError{Field: field, Msg: fmt.Sprintf("is %d fen, not 0…%d", fen, int64(maxFen))}
	}
	return nil
}

// ageOn returns the age in whole years (周岁) on day of someone born on
// birth; someone born on 29 February turns a year older on 1 March in
// other years.
func ageOn(birth, day civil) int {
	by, bm, bd := birth.ymd()
	y, m, d := day.ymd()
	age := y - by
	if m < bm || m == bm && d < bd {
		age--
	}
	return age
}

// spending returns the household's rigid spending over 12 months, in fen.
func (f *facts) spending() int64 {
	s := f.h.Spending12m
	return s.MedicalFen + s.EducationFen + s.RehabFen + s.OtherFen
}

// student reports whether p studies full time.
func student(p *person) bool { return p.m.School != "" || p.m.Work == "student" }
