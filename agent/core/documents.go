package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/documents"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// flowDocuments makes the flow's documents with agent/documents: the 诚信
// 承诺书 and the 家庭经济状况核对授权书, as the text the signers sign and, at
// submission, as the signed record with their signatures.
//
// A signed record re-renders the signed text and agent/documents checks
// that it is what each signature signed (its document.sha256). The text
// carries its date and the PDF its creation time, so the flow dates a
// signed record with the time of the text that was signed (DocData.Date).
type flowDocuments struct {
	r      *documents.Renderer
	key    evidence.PublicKey
	mode   string
	window string
	cfg    config.Office
}

func newFlowDocuments(r *documents.Renderer, key evidence.PublicKey, mode, window string, office config.Office) *flowDocuments {
	return &flowDocuments{r: r, key: key, mode: mode, window: window, cfg: office}
}

// PDF implements flow.Documents.
func (d *flowDocuments) PDF(_ context.Context, dd flow.DocData) ([]byte, error) {
	var sigs []*documents.Signature
	for _, s := range dd.Signed {
		sig, err := documents.SignatureFromBundle(s.Bundle, &d.key)
		if err != nil {
			return nil, fmt.Errorf("documents: the signature of %s: %w", s.Relation, err)
		}
		sigs = append(sigs, sig)
	}
	res, err := d.render(dd, dd.Date.Truncate(time.Second), sigs)
	if err != nil {
		return nil, err
	}
	return res.PDF, nil
}

// Text implements flow.DocumentText: the text version's paragraphs.
func (d *flowDocuments) Text(_ context.Context, dd flow.DocData) ([]string, error) {
	res, err := d.render(dd, dd.Date.Truncate(time.Second), nil)
	if err != nil {
		return nil, err
	}
	return res.Text, nil
}

// office is the office as the documents name it, from the [office]
// configuration; what is not configured prints the general wording (the
// county bureau as 县（市、区）民政局, the accepting office as —).
func (d *flowDocuments) office() documents.Office {
	o := documents.Office{Name: d.cfg.Name, CivilAffairs: d.cfg.CivilAffairs, CheckAgency: d.cfg.CheckAgency,
		Address: d.cfg.Address, Phone: d.cfg.Phone,
		Supervision: []wire.Contact{{Name: "政务服务便民热线", Phone: "12345"}, {Name: "民政服务热线", Phone: "12349"}}}
	if o.CivilAffairs == "" {
		o.CivilAffairs = "县（市、区）民政局"
	}
	if d.window != "" {
		o.Window = d.window + " 号窗口"
		if d.cfg.Name != "" {
			o.Window = d.cfg.Name + " " + o.Window
		}
	}
	return o
}

// render renders kind's document at the time at, signed by sigs (in the
// order of dd.Signed) or, without them, as the text.
func (d *flowDocuments) render(dd flow.DocData, at time.Time, sigs []*documents.Signature) (*documents.Result, error) {
	app := wire.Application{Applicant: dd.Applicant, Items: dd.Items, RelatedToStaff: dd.RelatedToStaff,
		Channel: d.mode, Terminal: dd.Terminal, Signatures: []wire.SignatureRef{}}
	if dd.Household != nil {
		app.HouseholdID = dd.Household.ID
	}
	signers := d.signers(dd, at)
	for i, s := range dd.Signed {
		for j := range signers {
			g := &signers[j]
			if g.Signature == nil && ((s.MemberID != "" && g.MemberID == s.MemberID) || (g.Name == s.Name && (s.MemberID == "" || g.MemberID == ""))) {
				g.Signature = sigs[i]
				break
			}
		}
	}
	switch dd.Kind {
	case flow.DocCommitment:
		return d.r.Commitment(documents.Commitment{Application: app, Household: dd.Household, Signers: signers, Office: d.office(), At: at})
	case flow.DocAuthorization:
		county := "370481"
		if dd.Household != nil && len(dd.Household.Region.Code) >= 6 {
			county = dd.Household.Region.Code[:6]
		}
		ref := sha256.Sum256([]byte(dd.Applicant.IDNumber + "\x00" + at.UTC().Format(time.RFC3339)))
		return d.r.Authorization(documents.Authorization{Application: app, Household: dd.Household,
			Number:    documents.AuthorizationNumber(county, at, hex.EncodeToString(ref[:])),
			ValidFrom: at, ValidUntil: at.AddDate(1, 0, 0), Signers: signers, Office: d.office(), At: at})
	}
	return nil, fmt.Errorf("documents: no document of kind %q", dd.Kind)
}

// signers are who signs dd's document: the applicant the commitment; the
// applicant and every adult member counted in the household the
// authorization (those absent marked so), as the flow asks them to.
func (d *flowDocuments) signers(dd flow.DocData, at time.Time) []documents.Signer {
	app := documents.Signer{Name: dd.Applicant.Name, IDNumber: dd.Applicant.IDNumber, Relation: "本人", Role: documents.RoleApplicant}
	if h := dd.Household; h != nil {
		for _, m := range h.Members {
			if m.IDNumber == dd.Applicant.IDNumber {
				app.MemberID = m.ID
			}
		}
	}
	out := []documents.Signer{app}
	if dd.Kind != flow.DocAuthorization || dd.Household == nil {
		return out
	}
	absent := map[string]bool{}
	for _, m := range dd.Absent {
		absent[m.ID] = true
	}
	for _, m := range dd.Household.Members {
		if m.IDNumber == dd.Applicant.IDNumber || m.Excluded != "" || ageOn(m.BirthDate, at) < 18 {
			continue
		}
		out = append(out, documents.Signer{MemberID: m.ID, Name: m.Name, IDNumber: m.IDNumber, Relation: m.Relation,
			Role: documents.RoleMember, Absent: absent[m.ID]})
	}
	return out
}

// ageOn is the age on the day of at of someone born on birth
// (YYYY-MM-DD); 0 when birth is not a date.
func ageOn(birth string, at time.Time) int {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return 0
	}
	y, m, day := at.Date()
	a := y - b.Year()
	if m < b.Month() || (m == b.Month() && day < b.Day()) {
		a--
	}
	return a
}
