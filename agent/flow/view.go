package flow

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// State is what the screen shows now: the step, its data, and when its
// time runs out. It is sent to the kiosk's pages as flow.state.
type State struct {
	Step Step   `json:"step"`
	Kind string `json:"kind,omitempty"`
	Mode string `json:"mode"`
	View View   `json:"view"`
	// Deadline is when the step's time runs out and the warning appears
	// (RFC 3339); empty when the step has none or while staff are called.
	Deadline string `json:"deadline,omitempty"`
	// Warning is the "您还在吗？" panel: the session is wiped at Until
	// unless the person asks for more time.
	Warning *Warning `json:"warning,omitempty"`
}

// Warning is the timeout warning.
type Warning struct {
	Until   string `json:"until"`
	Seconds int    `json:"seconds"`
}

// View is exactly what the step's screen may show. Names of other people
// are masked (王*兰), ID numbers always (370481********1371); the photo
// and the applicant's full name appear on confirm_identity only.
type View struct {
	// Wiped: idle right after a wipe ("已经结束，信息已清除").
	Wiped  bool   `json:"wiped,omitempty"`
	Window string `json:"window,omitempty"`
	// Staff: a call for staff is going on.
	Staff *StaffView `json:"staff,omitempty"`

	Read      *ReadView      `json:"read,omitempty"`
	Card      *CardView      `json:"card,omitempty"`
	Household *HouseholdView `json:"household,omitempty"`
	Hints     []HintView     `json:"hints,omitempty"`
	Items     []ItemView     `json:"items,omitempty"`
	Chosen    int            `json:"chosen,omitempty"`
	Sign      *SignView      `json:"sign,omitempty"`
	Submit    *SubmitView    `json:"submit,omitempty"`
	Receipt   *ReceiptView   `json:"receipt,omitempty"`
	Progress  *ProgressView  `json:"progress,omitempty"`
	TakeCard  *TakeCardView  `json:"takeCard,omitempty"`

	// Field mode: Locked while nobody is unlocked (idle: 「请工作人员刷证
	// 解锁」); Worker is the unlocked worker, masked.
	Locked bool        `json:"locked,omitempty"`
	Worker string      `json:"worker,omitempty"`
	Unlock *UnlockView `json:"unlock,omitempty"`
	// ClerkNotes are the counter clerk's notes (counter mode).
	ClerkNotes string         `json:"clerkNotes,omitempty"`
	HomeVisit  *HomeVisitView `json:"homeVisit,omitempty"`
}

// StaffView is a call for staff.
type StaffView struct {
	Called bool   `json:"called"`
	Since  string `json:"since"`
	// Busy: nobody came for StaffBusyTime: "工作人员在忙，请到 N 号窗口".
	Busy bool `json:"busy,omitempty"`
}

// ReadView is read_card's state.
type ReadView struct {
	Reading  bool `json:"reading"`
	Failures int  `json:"failures"`
	// Problem is "replace" (lift it and place it again), "reader" (the
	// reader is not working), "worker_card" (field mode: the worker's own
	// card is on the reader, not the applicant's) or "".
	Problem string `json:"problem,omitempty"`
	// CallStaff: after ReadFailLimit failures, offer staff in large.
	CallStaff bool `json:"callStaff,omitempty"`
}

// CardView is the card read.
type CardView struct {
	Type     string `json:"type"`     // resident, hk_mo_tw_residence, …
	TypeName string `json:"typeName"` // 居民身份证, 港澳台居民居住证, 外国人永久居留身份证
	// Name is the full name on confirm_identity, masked elsewhere.
	Name       string `json:"name"`
	IDMasked   string `json:"idMasked"`
	Sex        string `json:"sex,omitempty"`
	BirthYear  string `json:"birthYear,omitempty"`
	ValidUntil string `json:"validUntil"` // 2031年5月12日, or 长期
	Expired    bool   `json:"expired"`
	// Problem: "expired" (§4.5) or "permit" (§4.6: a card this kiosk does
	// not take for applications).
	Problem string `json:"problem,omitempty"`
	// Photo is a data: URL of the photo (confirm_identity only, when it
	// could be decoded).
	Photo string `json:"photo,omitempty"`
	// Verified: counter and field modes, the clerk has ticked 已核对本人.
	Verified bool `json:"verified,omitempty"`
}

// HouseholdView is the household as the platform has it.
type HouseholdView struct {
	// Status is "loading", "found", "none" (no record: §4.7) or
	// "offline" (§4.4).
	Status  string       `json:"status"`
	Members []MemberView `json:"members,omitempty"`
	// Page is the page of members shown (5 a page), from 1, of Pages.
	Page  int `json:"page,omitempty"`
	Pages int `json:"pages,omitempty"`
	// MonthlyIncome is the household's monthly income in yuan, a total.
	MonthlyIncome int64 `json:"monthlyIncome,omitempty"`
	Disputed      bool  `json:"disputed,omitempty"`
}

// MemberView is one member as the household screen shows them.
type MemberView struct {
	Relation string   `json:"relation"`
	Name     string   `json:"name"` // masked
	Age      int      `json:"age"`
	Tags     []string `json:"tags,omitempty"`
}

// HintView is one pre-check hint.
type HintView struct {
	Item    string   `json:"item"`
	Name    string   `json:"name"`
	Plain   string   `json:"plain"`
	Verdict string   `json:"verdict"`
	Summary string   `json:"summary"`
	Reasons []string `json:"reasons"`
	// Rules are the tests behind the hint, with their sources (counter
	// mode only: the clerk sees them).
	Rules []platform.Test `json:"rules,omitempty"`
}

// ItemView is one item on choose_items.
type ItemView struct {
	Item     string `json:"item"`
	Name     string `json:"name"`
	Plain    string `json:"plain"`
	Selected bool   `json:"selected"`
	Hinted   bool   `json:"hinted"`
}

// SignView is a sign step.
type SignView struct {
	Document string   `json:"document"` // commitment, authorization
	Title    string   `json:"title"`
	Summary  []string `json:"summary"`
	// FullText is the whole document, a paragraph an element, with names
	// and ID numbers masked: what 查看全文 shows. Empty when the documents
	// cannot give it (the summary is all there is).
	FullText []string `json:"fullText,omitempty"`
	Items    []string `json:"items"`
	Date     string   `json:"date"`
	// Source is where the signature is taken: "pad" or "screen".
	Source string `json:"source"`
	// Capturing: the pad (or the screen) waits for the signer; Inked:
	// something is written.
	Capturing bool `json:"capturing"`
	Inked     bool `json:"inked"`
	// Problem: "empty" (签好了 with nothing written), "pad" (the pad
	// stopped working: sign on the screen), "document" (the document
	// could not be made).
	Problem string `json:"problem,omitempty"`
	// RelatedToStaff is the answer to the staff-relative question
	// (commitment), null until answered.
	RelatedToStaff *bool        `json:"relatedToStaff"`
	Signers        []SignerView `json:"signers"`
	// Current is the index in Signers of who signs now; -1 when all are
	// done.
	Current int `json:"current"`
	// Done: every signer has signed or is absent.
	Done bool `json:"done"`
}

// SignerView is one signer.
type SignerView struct {
	Relation string `json:"relation"`
	Name     string `json:"name"` // masked
	// State is "signed", "pending", "absent" or "current".
	State string `json:"state"`
}

// SubmitView is the last look before submitting.
type SubmitView struct {
	Items      []string `json:"items"`
	Signed     []string `json:"signed"` // "本人 王*英 诚信承诺书"
	Absent     []string `json:"absent,omitempty"`
	Submitting bool     `json:"submitting"`
	// Error: the outbox could not take it ("已保存" was never said).
	Error string `json:"error,omitempty"`
}

// ReceiptView is the receipt step.
type ReceiptView struct {
	CaseNumber string   `json:"caseNumber"` // spaced in groups of 4
	Items      []string `json:"items"`
	Deadline   string   `json:"deadline"` // 2024年7月15日
	// Queued: not at the platform yet (待上传; offline).
	Queued bool `json:"queued"`
	// Printing is "printing", "printed", "failed" or "none" (field mode:
	// no printer; the number is read out).
	Printing   string `json:"printing"`
	CanReprint bool   `json:"canReprint"`
	// Missing are the materials still to bring, per item (一次性告知).
	Missing []MissingView `json:"missing,omitempty"`
}

// MissingView is what an item still needs.
type MissingView struct {
	Item      string   `json:"item"`
	Name      string   `json:"name"`
	Materials []string `json:"materials"`
}

// ProgressView is the progress query.
type ProgressView struct {
	Status       string            `json:"status"` // loading, found, none, offline
	Applications []ApplicationView `json:"applications,omitempty"`
	Printing     string            `json:"printing,omitempty"`
}

// ApplicationView is one application's progress.
type ApplicationView struct {
	Items    []string    `json:"items"`
	Stages   []StageView `json:"stages"`
	Deadline string      `json:"deadline"`
	Result   string      `json:"result,omitempty"`
}

// StageView is one of 受理 → 调查 → 公示 → 审批 → 办结.
type StageView struct {
	Stage   string `json:"stage"`
	Name    string `json:"name"`
	At      string `json:"at,omitempty"` // 2024年6月3日
	Reached bool   `json:"reached"`
	Current bool   `json:"current"`
}

// TakeCardView is take_card.
type TakeCardView struct {
	CardPresent bool `json:"cardPresent"`
}

// StageNames are the stages' words.
var StageNames = map[string]string{
	platform.StageAccepted: "受理", platform.StageInvestigating: "调查", platform.StagePublicizing: "公示",
	platform.StageApproving: "审批", platform.StageDone: "办结",
}

var stageOrder = []string{platform.StageAccepted, platform.StageInvestigating, platform.StagePublicizing,
	platform.StageApproving, platform.StageDone}

// TypeNames are the card types' words (§4.6: 证件, not 身份证, for permits).
var TypeNames = map[string]string{
	string(textblock.Resident): "居民身份证", string(textblock.HKMOTWResidence): "港澳台居民居住证",
	string(textblock.ForeignPermanent2017): "外国人永久居留身份证", string(textblock.ForeignPermanent2023): "外国人永久居留身份证",
}

// WriteDate writes a date out in full: 2024年7月15日.
func WriteDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// writeDateText writes a YYYY-MM-DD date (or 长期) out in full.
func writeDateText(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return WriteDate(t)
}

// writeTime writes an RFC 3339 time's date out in full.
func writeTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return writeDateText(s)
	}
	return WriteDate(t)
}

// MaskName masks a name as the kiosk shows other people's: 王*兰, 李*,
// 欧阳**.
func MaskName(name string) string {
	rs := []rune(strings.TrimSpace(name))
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(rs[0]) + "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}

// GroupDigits spaces a case number in groups of 4 for reading aloud.
func GroupDigits(s string) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// age is the age on date now of someone born on birth (YYYY-MM-DD).
func age(birth string, now time.Time) int {
	t, err := time.Parse("2006-01-02", birth)
	if err != nil {
		return 0
	}
	a := now.Year() - t.Year()
	if now.Month() < t.Month() || now.Month() == t.Month() && now.Day() < t.Day() {
		a--
	}
	return max(a, 0)
}

// expired reports whether a card valid until s (YYYY-MM-DD or 长期) has
// expired on now.
func expired(s string, now time.Time) bool {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return false // 长期, or unreadable: not said to be expired
	}
	return now.After(t.AddDate(0, 0, 1))
}

// stateLocked builds the state.
func (e *Engine) stateLocked() State {
	st := State{Step: StepIdle, Mode: e.cfg.Mode}
	st.View.Window = e.cfg.Window
	if e.cfg.Mode == ModeField {
		st.View.Locked = e.worker == nil
		if e.worker != nil {
			st.View.Worker = MaskName(e.worker.name)
		}
	}
	s := e.s
	if s == nil {
		st.View.Wiped = e.wiped
		return st
	}
	st.Step, st.Kind = s.step, s.kind
	if e.cfg.Mode == ModeCounter {
		st.View.ClerkNotes = s.clerkNotes
	}
	if !s.deadline.IsZero() && s.staffAt.IsZero() {
		st.Deadline = s.deadline.UTC().Format(time.RFC3339)
	}
	if !s.warnUntil.IsZero() {
		st.Warning = &Warning{Until: s.warnUntil.UTC().Format(time.RFC3339), Seconds: int(WarningTime / time.Second)}
	}
	if !s.staffAt.IsZero() {
		st.View.Staff = &StaffView{Called: true, Since: s.staffAt.UTC().Format(time.RFC3339), Busy: s.staffBusy}
	}
	now := e.cfg.Clock.Now()
	v := &st.View
	switch s.step {
	case StepReadCard:
		v.Read = &ReadView{Reading: s.reading, Failures: s.readFailures, Problem: s.readProblem, CallStaff: s.readFailures >= ReadFailLimit}
		if s.problem != "" {
			v.Card = e.cardView(s, false, now)
		}
	case StepConfirmIdentity:
		v.Card = e.cardView(s, true, now)
	case StepHousehold:
		v.Household = e.householdView(s, now)
	case StepPrecheck:
		v.Hints = e.hintViews(s)
	case StepChooseItems:
		v.Items, v.Chosen = e.itemViews(s)
	case StepSignCommitment, StepSignAuthorization:
		v.Sign = e.signView(s, now)
	case StepSubmit:
		v.Submit = e.submitView(s)
	case StepReceipt:
		v.Receipt = e.receiptView(s)
	case StepProgress:
		v.Progress = e.progressView(s)
	case StepTakeCard:
		v.TakeCard = &TakeCardView{CardPresent: s.cardPresent}
	case StepUnlock:
		v.Unlock = e.unlockView(s)
	case StepHomeVisit:
		v.HomeVisit = e.homeVisitView(s, now)
	}
	return st
}

func (e *Engine) cardView(s *session, full bool, now time.Time) *CardView {
	c := s.card
	if c == nil {
		return nil
	}
	v := &CardView{Type: string(c.Type), TypeName: TypeNames[string(c.Type)], Name: MaskName(c.Name),
		IDMasked: idnumber.Mask(c.IDNumber), Sex: c.Sex, ValidUntil: writeDateText(c.ValidUntil),
		Expired: expired(c.ValidUntil, now), Problem: s.problem, Verified: s.verified}
	if v.TypeName == "" {
		v.TypeName = "证件"
	}
	if len(c.BirthDate) >= 4 {
		v.BirthYear = c.BirthDate[:4]
	}
	if full {
		v.Name = c.Name
		if len(s.photoPNG) > 0 {
			v.Photo = "data:image/png;base64," + base64.StdEncoding.EncodeToString(s.photoPNG)
		}
	}
	return v
}

// membersPerPage is how many household rows a page shows.
const membersPerPage = 5

func (e *Engine) householdView(s *session, now time.Time) *HouseholdView {
	v := &HouseholdView{Status: s.hhStatus, Disputed: s.disputed}
	h := s.household
	if h == nil {
		return v
	}
	var counted []platform.Member
	for _, m := range h.Members {
		if m.Excluded == "" {
			counted = append(counted, m)
		}
	}
	v.Pages = max(1, (len(counted)+membersPerPage-1)/membersPerPage)
	v.Page = min(max(s.hhPage, 0), v.Pages-1) + 1
	var income int64
	for _, m := range counted {
		for _, in := range m.Incomes {
			income += in.MonthlyFen
		}
	}
	v.MonthlyIncome = (income + 50) / 100
	from := (v.Page - 1) * membersPerPage
	for _, m := range counted[from:min(from+membersPerPage, len(counted))] {
		mv := MemberView{Relation: relationWord(m), Name: MaskName(m.Name), Age: age(m.BirthDate, now)}
		if m.Disability != nil {
			mv.Tags = append(mv.Tags, "有残疾证")
		}
		if m.SeriousIllness {
			mv.Tags = append(mv.Tags, "有大病")
		}
		if m.School != "" && m.School != "preschool" {
			mv.Tags = append(mv.Tags, "在上学")
		}
		for _, b := range m.Benefits {
			if w := benefitWords[b]; w != "" {
				mv.Tags = append(mv.Tags, w)
			}
		}
		v.Members = append(v.Members, mv)
	}
	return v
}

var benefitWords = map[string]string{"dibao": "已享受低保", "tekun": "已是特困供养", "bianyuan": "低保边缘"}

// relationWord is a member's relation as the screen says it (本人, 妻子,
// 丈夫, 儿子, 女儿…): the platform's 配偶/子女/父母 made specific by sex.
func relationWord(m platform.Member) string {
	male := m.Sex == "男"
	switch m.Relation {
	case "配偶":
		if male {
			return "丈夫"
		}
		return "妻子"
	case "子女":
		if male {
			return "儿子"
		}
		return "女儿"
	case "父母":
		if male {
			return "父亲"
		}
		return "母亲"
	case "孙子女":
		if male {
			return "孙子"
		}
		return "孙女"
	}
	return m.Relation
}

func (e *Engine) itemInfo(code string) ItemInfo {
	for _, it := range e.deps.Items {
		if it.Code == code {
			return it
		}
	}
	return ItemInfo{Code: code, Name: code}
}

func (e *Engine) itemNames(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, e.itemInfo(c).Name)
	}
	return out
}

func (e *Engine) hintViews(s *session) []HintView {
	var out []HintView
	for _, r := range s.hints {
		if r.Verdict == platform.VerdictUnlikely {
			continue // never shown as "不符合"
		}
		it := e.itemInfo(r.Item)
		hv := HintView{Item: r.Item, Name: it.Name, Plain: it.Plain, Verdict: r.Verdict, Summary: r.Summary}
		for _, t := range r.Tests {
			if t.Passed {
				hv.Reasons = append(hv.Reasons, t.Detail)
			}
		}
		if e.cfg.Mode == ModeCounter {
			hv.Rules = r.Tests
		}
		out = append(out, hv)
	}
	if out == nil {
		out = []HintView{}
	}
	return out
}

func (e *Engine) hinted(s *session, code string) bool {
	for _, r := range s.hints {
		if r.Item == code && r.Verdict == platform.VerdictLikely {
			return true
		}
	}
	return false
}

func (e *Engine) itemViews(s *session) ([]ItemView, int) {
	var out []ItemView
	n := 0
	for _, it := range e.deps.Items {
		sel := s.selected[it.Code]
		if sel {
			n++
		}
		out = append(out, ItemView{Item: it.Code, Name: it.Name, Plain: it.Plain, Selected: sel, Hinted: e.hinted(s, it.Code)})
	}
	return out, n
}

// Summaries of the two documents as the screen and the pad show them
// (flow-screens §3, our wording).
var (
	CommitmentSummary = []string{
		"我说的家里人口、收入、房子、车子、存款都是真的，没有隐瞒。",
		"我愿意配合工作人员上门了解情况。",
		"家里人口、收入有变化，我会及时告诉村（居）委会或镇（街道）。",
		"我知道审批通过后，会公示我的姓名、家庭人数和救助金额。",
		"如果说了假话，要退回领到的钱，还要承担法律责任。",
	}
	AuthorizationSummary = []string{
		"我们全家同意镇（街道）和民政部门查我家的收入和财产。",
		"要查的有：户口、社保、纳税、房子、车子、公积金、工商登记、存款、保险、股票基金等。",
		"有关单位可以把这些信息交给民政部门，只用来审核这次申请。",
		"信息会保密，按规定保存；您可以问怎么用的，也可以要求更正。",
		"不能签字的家人，由监护人代签。",
	}
	// DocTitles are the documents' titles.
	DocTitles = map[string]string{DocCommitment: "诚信承诺书", DocAuthorization: "家庭经济状况核对授权书", DocVisit: "入户调查记录"}
)

func (e *Engine) signView(s *session, now time.Time) *SignView {
	doc := DocCommitment
	summary := CommitmentSummary
	if s.step == StepSignAuthorization {
		doc, summary = DocAuthorization, AuthorizationSummary
	}
	full := s.commitText
	if doc == DocAuthorization {
		full = s.authText
	}
	v := &SignView{Document: doc, Title: DocTitles[doc], Summary: summary, FullText: full, Items: e.itemNames(s.items(e.deps.Items)),
		Date: WriteDate(now), Source: s.source, Problem: s.signProblem, Current: -1}
	if s.sign != nil {
		v.Capturing, v.Inked = true, s.sign.inked
	}
	if doc == DocCommitment {
		v.RelatedToStaff = s.related
		st := "current"
		if s.commitment != nil {
			st = "signed"
		} else {
			v.Current = 0
		}
		v.Signers = []SignerView{{Relation: "本人", Name: MaskName(s.applicant().Name), State: st}}
		v.Done = s.commitment != nil
		return v
	}
	v.Done = true
	for i, g := range s.signers {
		st := "pending"
		switch {
		case g.sig != nil:
			st = "signed"
		case g.absent:
			st = "absent"
		case i == s.cur:
			st = "current"
			v.Current = i
		}
		if st == "current" || st == "pending" {
			v.Done = false
		}
		v.Signers = append(v.Signers, SignerView{Relation: g.relation, Name: MaskName(g.name), State: st})
	}
	return v
}

func (e *Engine) submitView(s *session) *SubmitView {
	v := &SubmitView{Items: e.itemNames(s.items(e.deps.Items)), Submitting: s.submitting, Error: s.submitErr}
	if s.commitment != nil {
		v.Signed = append(v.Signed, "本人 "+MaskName(s.applicant().Name)+" "+DocTitles[DocCommitment])
	}
	for _, g := range s.signers {
		switch {
		case g.sig != nil:
			v.Signed = append(v.Signed, g.relation+" "+MaskName(g.name)+" "+DocTitles[DocAuthorization])
		case g.absent:
			v.Absent = append(v.Absent, g.relation+" "+MaskName(g.name))
		}
	}
	return v
}

func (e *Engine) receiptView(s *session) *ReceiptView {
	v := &ReceiptView{Items: e.itemNames(s.items(e.deps.Items)), Printing: s.printing, Deadline: WriteDate(s.deadlineOn)}
	if s.submitted != nil {
		v.CaseNumber, v.Queued = GroupDigits(s.submitted.CaseNumber), s.submitted.Queued
	}
	v.CanReprint = s.printing != "printing" && (e.cfg.Mode != ModeKiosk || s.reprints < 1)
	v.Missing = e.missing(s, false)
	return v
}

// chosenNotice is a chosen item with the pre-check's notice for it.
type chosenNotice struct {
	code, name string
	notice     platform.Notice
}

// chosenNotices are the chosen items that the pre-check gave a notice
// for, in the order chosen.
func (e *Engine) chosenNotices(s *session) []chosenNotice {
	var out []chosenNotice
	for _, code := range s.items(e.deps.Items) {
		for _, r := range s.hints {
			if r.Item == code {
				out = append(out, chosenNotice{code: code, name: e.itemInfo(code).Name, notice: r.Notice})
			}
		}
	}
	return out
}

// missing lists, per chosen item, the materials the platform does not
// hold (the 一次性告知); withNotes adds the rules' note to each (its form,
// copies, where to get it), as the receipt prints them.
func (e *Engine) missing(s *session, withNotes bool) []MissingView {
	var out []MissingView
	for _, c := range e.chosenNotices(s) {
		var m []string
		for _, mat := range c.notice.Materials {
			switch note := strings.TrimRight(mat.Note, "。．. "); {
			case mat.Have:
			case withNotes && note != "":
				m = append(m, mat.Name+"（"+note+"）")
			default:
				m = append(m, mat.Name)
			}
		}
		if len(m) > 0 {
			out = append(out, MissingView{Item: c.code, Name: c.name, Materials: m})
		}
	}
	return out
}

func (e *Engine) progressView(s *session) *ProgressView {
	v := &ProgressView{Status: s.progStatus, Printing: s.printing}
	for _, p := range s.progress {
		av := ApplicationView{Items: e.itemNames(p.Items), Deadline: writeDateText(p.Deadline), Result: p.Result}
		reached := map[string]string{}
		for _, sd := range p.Stages {
			reached[sd.Stage] = sd.At
		}
		for _, st := range stageOrder {
			at, ok := reached[st]
			av.Stages = append(av.Stages, StageView{Stage: st, Name: StageNames[st], At: writeTime(at), Reached: ok, Current: st == p.Stage})
		}
		v.Applications = append(v.Applications, av)
	}
	return v
}

// trimPNG checks b is a PNG (for the photo) and returns it.
func trimPNG(b []byte) []byte {
	if bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return b
	}
	return nil
}
