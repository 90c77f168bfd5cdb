package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Clock is the engine's time, replaced in tests.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	Stop() bool
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Reader reads ID cards: the card placed within timeout (0: the one on
// the reader now), owned by the caller (who wipes it).
type Reader interface {
	Read(ctx context.Context, timeout time.Duration) (*samv.Card, error)
}

// Errors the adapters return, for the engine to tell apart.
var (
	// ErrNoCard: no card on the reader (Reader with timeout 0).
	ErrNoCard = errors.New("no card")
	// ErrReplace: the card must be placed again.
	ErrReplace = errors.New("place the card again")
	// ErrNoHousehold: the platform has no household for this person.
	ErrNoHousehold = errors.New("no household record")
	// ErrOffline: the platform cannot be reached.
	ErrOffline = errors.New("the platform cannot be reached")
	// ErrNoDevice: the device is not there (the pad, the printer).
	ErrNoDevice = errors.New("the device is not there")
)

// Platform is what the flow asks of the data platform.
type Platform interface {
	// Household returns the household of the person with this ID number,
	// ErrNoHousehold, or ErrOffline.
	Household(ctx context.Context, idNumber string) (*platform.Household, error)
	// Progress returns the person's applications, or ErrOffline.
	Progress(ctx context.Context, idNumber string) ([]platform.Progress, error)
}

// Prechecker pre-checks a household on a date.
type Prechecker func(h *platform.Household, on time.Time) []platform.PrecheckResult

// Signer takes signatures (agent/device/sigpad.Service).
type Signer interface {
	Capture(ctx context.Context, req sigpad.Request, l sigpad.Listener) (evidence.Bundle, error)
	Press(owner, button string) error
	HasPad() bool
}

// Document kinds.
const (
	DocCommitment    = "commitment"    // 诚信承诺书
	DocAuthorization = "authorization" // 家庭经济状况核对授权书
)

// DocData is what a document is made of.
type DocData struct {
	Kind      string // DocCommitment, DocAuthorization
	Applicant platform.Person
	Household *platform.Household // nil when none was found
	Items     []string
	// RelatedToStaff is the answer to the staff-relative question.
	RelatedToStaff bool
	Date           time.Time
	Terminal       string
	// Signed are the signatures (for the signed version); empty for the
	// version shown before signing.
	Signed []SignedBy
	// Absent are the members who were not there to sign.
	Absent []platform.Member
}

// SignedBy is one signature on a document.
type SignedBy struct {
	MemberID string
	Name     string
	Relation string
	Bundle   []byte // the evidence bundle, canonical JSON
	SHA256   string // of Bundle
	PNG      []byte // the signature's rendering
	At       time.Time
}

// Documents makes the documents: the PDF shown and signed (its SHA-256 is
// what the signature signs) and the signed PDF with the signatures in it.
type Documents interface {
	PDF(ctx context.Context, d DocData) ([]byte, error)
}

// DocumentText is what a Documents may also do: give a document's text as
// paragraphs in reading order, for 查看全文 on the sign screens. The flow
// asks with the names and ID numbers in d masked, as the screen may show
// them.
type DocumentText interface {
	Text(ctx context.Context, d DocData) ([]string, error)
}

// Submission is an application with everything that goes with it.
type Submission struct {
	Application platform.Application
	// Evidence are the bundles (application/json) and signed documents
	// (application/pdf).
	Evidence []Evidence
}

// Evidence is one piece of evidence.
type Evidence struct {
	ContentType string
	Body        []byte
}

// Submitted is what the outbox answers: the local case number, and
// whether it is queued (not yet at the platform).
type Submitted struct {
	CaseNumber string
	Queued     bool
}

// Outbox takes a submission durably: when Submit returns nil, the
// application is safe on disk and will be delivered.
type Outbox interface {
	Submit(ctx context.Context, s Submission) (Submitted, error)
}

// Printer prints a receipt and returns when it is printed (or failed).
type Printer interface {
	Print(ctx context.Context, r escpos.Receipt) error
}

// Staff is told when a person calls for staff (the staff.called event,
// the webhook), with the reason ("call", "card_left", "read_failed",
// "printer": a kiosk's receipt did not print).
type Staff interface {
	Call(reason string, step Step)
}

// Deps are what the engine uses; nil ones behave as absent devices.
type Deps struct {
	Reader    Reader
	Platform  Platform
	Precheck  Prechecker
	Signer    Signer
	Documents Documents
	Outbox    Outbox
	Printer   Printer
	Staff     Staff
	// Workers checks field workers' card and PIN (field mode); nil: no
	// worker can unlock.
	Workers Workers
	// Watch hears the engine's signature captures (the pages mirror the
	// ink); its nil functions are skipped.
	Watch sigpad.Listener
	// Photo decodes a card's WLT photo to PNG; nil: no photo is shown.
	Photo func(ctx context.Context, wlt []byte) ([]byte, error)
	// Items describes the items the kiosk offers, in order.
	Items []ItemInfo
}

// ItemInfo is an item as the kiosk lists it (flow-screens §2).
type ItemInfo struct {
	Code, Name, Plain string
}

// DefaultItems are the items and plain explanations of flow-screens §2.
var DefaultItems = []ItemInfo{
	{platform.ItemDibao, "低保", "家里收入太低，每月发生活费"},
	{platform.ItemTekun, "特困供养", "老人、孩子或重残，没人能照顾，由政府养着"},
	{platform.ItemBianyuan, "低保边缘", "收入比低保标准高一点，也能得到一些帮助"},
	{platform.ItemGangxing, "大额支出困难", "看病、上学花钱太多，家里撑不住"},
	{platform.ItemLinshi, "临时救助", "突然遇到急事、难事，给一次性帮助"},
	{platform.ItemYiliao, "医疗救助", "看病自己花的钱，帮您再报一部分"},
	{platform.ItemJiaoyu, "教育救助", "孩子上学有困难，帮助学费生活费"},
	{platform.ItemZhufang, "住房救助", "没房住或房子危险，帮租房修房"},
	{platform.ItemJiuye, "就业救助", "能干活但没工作，帮您找工作"},
}

func (d Deps) withDefaults() Deps {
	if d.Reader == nil {
		d.Reader = noReader{}
	}
	if d.Platform == nil {
		d.Platform = offlinePlatform{}
	}
	if d.Precheck == nil {
		d.Precheck = func(*platform.Household, time.Time) []platform.PrecheckResult { return nil }
	}
	if d.Documents == nil {
		d.Documents = textDocuments{}
	}
	if d.Printer == nil {
		d.Printer = noPrinter{}
	}
	if d.Staff == nil {
		d.Staff = noStaff{}
	}
	if d.Items == nil {
		d.Items = DefaultItems
	}
	return d
}

type noReader struct{}

func (noReader) Read(context.Context, time.Duration) (*samv.Card, error) {
	return nil, fmt.Errorf("no ID card reader: %w", ErrNoDevice)
}

type offlinePlatform struct{}

func (offlinePlatform) Household(context.Context, string) (*platform.Household, error) {
	return nil, ErrOffline
}

func (offlinePlatform) Progress(context.Context, string) ([]platform.Progress, error) {
	return nil, ErrOffline
}

type noPrinter struct{}

func (noPrinter) Print(context.Context, escpos.Receipt) error {
	return fmt.Errorf("no receipt printer: %w", ErrNoDevice)
}

type noStaff struct{}

func (noStaff) Call(string, Step) {}

// textDocuments stands in for the PDF maker: the document as plain text,
// enough for its SHA-256 to bind the signature to what was shown.
type textDocuments struct{}

func (textDocuments) PDF(_ context.Context, d DocData) ([]byte, error) {
	return []byte(fmt.Sprintf("%s\n%s\n%v\n%v\n%s", d.Kind, d.Applicant.IDNumber, d.Items, d.RelatedToStaff, d.Date.Format("2006-01-02"))), nil
}
