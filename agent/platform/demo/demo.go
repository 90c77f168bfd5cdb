package demo

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// PrecheckFunc pre-checks a household (package agent/precheck provides
// one). The household is the demo's record, looked up by its ID.
type PrecheckFunc func(ctx context.Context, h *wire.Household) ([]wire.PrecheckResult, error)

// Options configure Open.
type Options struct {
	// Path is the SQLite database file; it is made and seeded when it
	// does not exist.
	Path string
	// Speed is how many times faster than real time the demo's clock
	// runs (0 or 1: real time; 86400: a day a second; at most MaxSpeed).
	// Applications move through their stages on this clock.
	Speed float64
	// Precheck pre-checks households; nil: Precheck is ErrNotImplemented
	// (501 precheck_unavailable over HTTP).
	Precheck PrecheckFunc
	// Now is the real clock (tests); nil: time.Now.
	Now func() time.Time
	// Logger gets a line per stored application and evidence (key and
	// application ID, never a person); nil: none.
	Logger *slog.Logger
}

// Platform is the demo platform. It implements platform.Platform
// in-process, and Handler serves the same over HTTP. It is safe for
// concurrent use.
type Platform struct {
	db       *sql.DB
	clock    *clock
	contract *contract.Contract
	precheck PrecheckFunc
	log      *slog.Logger
}

var _ platform.Platform = (*Platform)(nil)

// Open opens the demo platform's database, making and seeding it first
// when it is new.
func Open(ctx context.Context, opts Options) (*Platform, error) {
	if opts.Speed < 0 || opts.Speed > MaxSpeed {
		return nil, fmt.Errorf("demo: speed %g: want 0 to %g", opts.Speed, float64(MaxSpeed))
	}
	if opts.Speed == 0 {
		opts.Speed = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c, err := contract.Load()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	db, err := openDB(ctx, opts.Path)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, db, opts.Now().In(chinaTime)); err != nil {
		db.Close()
		return nil, err
	}
	clk, err := loadClock(ctx, db, opts.Now, opts.Speed)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Platform{db: db, clock: clk, contract: c, precheck: opts.Precheck, log: opts.Logger}, nil
}

// Close closes the database.
func (p *Platform) Close() error { return p.db.Close() }

// Now is the demo's current time (China Standard Time).
func (p *Platform) Now() time.Time { return p.clock.now() }

// Household implements platform.Platform.
func (p *Platform) Household(ctx context.Context, idNumber string) (*wire.Household, error) {
	if err := checkIDNumber(platform.OpHousehold, idNumber); err != nil {
		return nil, err
	}
	var hid, mid string
	err := p.db.QueryRowContext(ctx, "SELECT household_id, member_id FROM members WHERE id_number = ?", idNumber).Scan(&hid, &mid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NewError(platform.OpHousehold, wire.CodeHouseholdNotFound, "no household record for this ID number")
	}
	if err != nil {
		return nil, internal(platform.OpHousehold, err)
	}
	h, _, err := p.household(ctx, platform.OpHousehold, hid)
	if err != nil {
		return nil, err
	}
	relateTo(h, mid)
	return h, nil
}

// household reads a household record (relations to its first member) and
// the demo's decisions on it.
func (p *Platform) household(ctx context.Context, op, id string) (*wire.Household, map[string]string, error) {
	var rec, rej []byte
	err := p.db.QueryRowContext(ctx, "SELECT record, reject FROM households WHERE id = ?", id).Scan(&rec, &rej)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, platform.NewError(op, wire.CodeHouseholdNotFound, "no household with this ID")
	}
	if err != nil {
		return nil, nil, internal(op, err)
	}
	var h wire.Household
	var reject map[string]string
	if err := json.Unmarshal(rec, &h); err != nil {
		return nil, nil, internal(op, err)
	}
	if err := json.Unmarshal(rej, &reject); err != nil {
		return nil, nil, internal(op, err)
	}
	return &h, reject, nil
}

// Precheck implements platform.Platform with Options.Precheck. What it
// returns is checked against the contract, so a pre-check that breaks it
// fails here and not in a client.
func (p *Platform) Precheck(ctx context.Context, householdID string) ([]wire.PrecheckResult, error) {
	if householdID == "" || len(householdID) > 200 {
		return nil, platform.NewError(platform.OpPrecheck, wire.CodeInvalidRequest, "householdId: 1 to 200 characters")
	}
	if p.precheck == nil {
		return nil, platform.NewError(platform.OpPrecheck, wire.CodePrecheckUnavailable, "this demo platform was started without a pre-check")
	}
	h, _, err := p.household(ctx, platform.OpPrecheck, householdID)
	if err != nil {
		return nil, err
	}
	rs, err := p.precheck(ctx, h)
	if err != nil {
		return nil, &platform.Error{Op: platform.OpPrecheck, Kind: platform.ErrUnavailable, Code: wire.CodeInternal, Err: err}
	}
	if rs == nil {
		rs = []wire.PrecheckResult{}
	}
	if err := p.contract.CheckValue("PrecheckResults", rs); err != nil {
		return nil, &platform.Error{Op: platform.OpPrecheck, Kind: platform.ErrUnavailable, Code: wire.CodeInternal,
			Err: fmt.Errorf("the pre-check's results break the contract: %w", err)}
	}
	return rs, nil
}

// Submit implements platform.Platform: exactly one application is stored
// per idempotency key, also when the same submission arrives many times
// at once (a unique key, checked and inserted in one write transaction).
func (p *Platform) Submit(ctx context.Context, app wire.Application) (wire.Submitted, error) {
	if err := p.contract.CheckValue("Application", app); err != nil {
		return wire.Submitted{}, invalid(platform.OpSubmit, err)
	}
	return p.submit(ctx, app)
}

// submit stores an application that passed the contract's check.
func (p *Platform) submit(ctx context.Context, app wire.Application) (wire.Submitted, error) {
	const op = platform.OpSubmit
	if err := checkIDNumber(op, app.Applicant.IDNumber); err != nil {
		return wire.Submitted{}, err
	}
	if app.HouseholdID != "" {
		h, _, err := p.household(ctx, op, app.HouseholdID)
		if err != nil {
			return wire.Submitted{}, err
		}
		if err := checkMembers(h, app); err != nil {
			return wire.Submitted{}, err
		}
	}
	body, err := json.Marshal(app)
	if err != nil {
		return wire.Submitted{}, internal(op, err)
	}
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	s, err := p.insertApplication(ctx, app, body, digest)
	if isUniqueViolation(err) {
		// Another writer stored this key between our read and insert
		// (cannot happen with BEGIN IMMEDIATE; the unique key is the
		// guarantee): answer from its row.
		s, err = p.insertApplication(ctx, app, body, digest)
	}
	if isUniqueViolation(err) {
		err = internal(op, err)
	}
	return s, err
}

func (p *Platform) insertApplication(ctx context.Context, app wire.Application, body []byte, digest string) (wire.Submitted, error) {
	const op = platform.OpSubmit
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return wire.Submitted{}, internal(op, err)
	}
	defer tx.Rollback()
	var s wire.Submitted
	var storedDigest string
	err = tx.QueryRowContext(ctx, "SELECT content_sha256, application_id, accepted_at, deadline FROM applications WHERE idempotency_key = ?",
		app.IdempotencyKey).Scan(&storedDigest, &s.ApplicationID, &s.AcceptedAt, &s.Deadline)
	switch {
	case err == nil && storedDigest == digest:
		s.Duplicate = true
		return s, nil
	case err == nil:
		return wire.Submitted{}, platform.NewError(op, wire.CodeIdempotencyConflict, "this idempotency key was used for another application")
	case !errors.Is(err, sql.ErrNoRows):
		return wire.Submitted{}, internal(op, err)
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM applications").Scan(&seq); err != nil {
		return wire.Submitted{}, internal(op, err)
	}
	now := p.clock.now()
	days := limitDays(app.Items)
	s = wire.Submitted{
		ApplicationID: fmt.Sprintf("TZSJ%s%06d", now.Format("20060102"), seq),
		AcceptedAt:    now.Format(time.RFC3339),
		Deadline:      addWorkingDays(now, days).Format(time.DateOnly),
	}
	var hid any
	if app.HouseholdID != "" {
		hid = app.HouseholdID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO applications
		(seq, idempotency_key, content_sha256, application_id, applicant_id_number, household_id, body, accepted_at, deadline, limit_days)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, app.IdempotencyKey, digest, s.ApplicationID, app.Applicant.IDNumber, hid, string(body), s.AcceptedAt, s.Deadline, days); err != nil {
		if isUniqueViolation(err) {
			return wire.Submitted{}, err
		}
		return wire.Submitted{}, internal(op, err)
	}
	if err := tx.Commit(); err != nil {
		return wire.Submitted{}, internal(op, err)
	}
	p.log.Info("application stored", "key", app.IdempotencyKey, "application", s.ApplicationID, "items", strings.Join(app.Items, ","))
	return s, nil
}

// UploadEvidence implements platform.Platform.
func (p *Platform) UploadEvidence(ctx context.Context, idempotencyKey, contentType string, body []byte) error {
	sum := sha256.Sum256(body)
	_, err := p.storeEvidence(ctx, idempotencyKey, hex.EncodeToString(sum[:]), contentType, body)
	return err
}

// storeEvidence stores evidence under (key, digest) once; digest must be
// the body's SHA-256.
func (p *Platform) storeEvidence(ctx context.Context, key, digest, contentType string, body []byte) (wire.EvidenceReceipt, error) {
	const op = platform.OpEvidence
	mt, err := checkEvidence(key, digest, contentType, body)
	if err != nil {
		return wire.EvidenceReceipt{}, err
	}
	now := p.clock.now().Format(time.RFC3339)
	r := wire.EvidenceReceipt{IdempotencyKey: key, SHA256: digest, ContentType: mt, Size: int64(len(body)), ReceivedAt: now}
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return wire.EvidenceReceipt{}, internal(op, err)
	}
	defer tx.Rollback()
	// The same bytes have the same content type: checkEvidence allows
	// no body that is both a JSON object and a PDF.
	var at string
	err = tx.QueryRowContext(ctx, "SELECT received_at FROM evidence WHERE idempotency_key = ? AND sha256 = ?", key, digest).Scan(&at)
	switch {
	case err == nil:
		r.ReceivedAt, r.Duplicate = at, true
		return r, nil
	case !errors.Is(err, sql.ErrNoRows):
		return wire.EvidenceReceipt{}, internal(op, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO evidence (idempotency_key, sha256, content_type, size, body, received_at, seq)
		VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM evidence))`, key, digest, mt, len(body), body, now); err != nil {
		return wire.EvidenceReceipt{}, internal(op, err)
	}
	if err := tx.Commit(); err != nil {
		return wire.EvidenceReceipt{}, internal(op, err)
	}
	p.log.Info("evidence stored", "key", key, "sha256", digest[:12], "type", mt, "bytes", len(body))
	return r, nil
}

// Progress implements platform.Platform: the applications whose applicant
// has this ID number or whose household has a member with it, newest
// first.
func (p *Platform) Progress(ctx context.Context, idNumber string) ([]wire.Progress, error) {
	const op = platform.OpProgress
	if err := checkIDNumber(op, idNumber); err != nil {
		return nil, err
	}
	rows, err := p.db.QueryContext(ctx, `SELECT a.application_id, a.body, a.accepted_at, a.deadline, a.limit_days, COALESCE(h.reject, '{}')
		FROM applications a LEFT JOIN households h ON h.id = a.household_id
		WHERE a.applicant_id_number = ?1
		   OR a.household_id IN (SELECT household_id FROM members WHERE id_number = ?1)
		ORDER BY a.seq DESC`, idNumber)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	now := p.clock.now()
	out := []wire.Progress{}
	for rows.Next() {
		var r progressRow
		if err := rows.Scan(&r.id, &r.body, &r.acceptedAt, &r.deadline, &r.days, &r.reject); err != nil {
			return nil, internal(op, err)
		}
		pr, err := r.progress(now)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, pr)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}

type progressRow struct {
	id, acceptedAt, deadline string
	body, reject             []byte
	days                     int
}

// progress is where the application stands at demo time now.
func (r progressRow) progress(now time.Time) (wire.Progress, error) {
	var app wire.Application
	var reject map[string]string
	if err := json.Unmarshal(r.body, &app); err != nil {
		return wire.Progress{}, err
	}
	if err := json.Unmarshal(r.reject, &reject); err != nil {
		return wire.Progress{}, err
	}
	accepted, err := time.Parse(time.RFC3339, r.acceptedAt)
	if err != nil {
		return wire.Progress{}, err
	}
	p := wire.Progress{ApplicationID: r.id, Items: app.Items, Deadline: r.deadline,
		Stage: wire.StageAccepted, Stages: []wire.StageDate{{Stage: wire.StageAccepted, At: r.acceptedAt}}}
	later := []string{wire.StageInvestigating, wire.StagePublicizing, wire.StageApproving, wire.StageDone}
	for i, off := range stageOffsets(r.days) {
		at := addWorkingDays(accepted, off)
		if at.After(now) {
			break
		}
		p.Stage = later[i]
		p.Stages = append(p.Stages, wire.StageDate{Stage: later[i], At: at.Format(time.RFC3339)})
	}
	if p.Stage == wire.StageDone {
		p.Result, p.Reason = decide(app.Items, reject)
	}
	return p, nil
}

// decide is the demo's decision: rejected when the household's record
// turns down every item applied for, else approved, naming any item
// turned down.
func decide(items []string, reject map[string]string) (result, reason string) {
	var reasons []string
	for _, it := range items {
		if r, ok := reject[it]; ok {
			reasons = append(reasons, itemNames[it]+"："+r)
		}
	}
	if len(reasons) == len(items) {
		return "rejected", strings.Join(reasons, "；")
	}
	if len(reasons) > 0 {
		return "approved", strings.Join(reasons, "；") + "；其余事项已批准"
	}
	return "approved", ""
}

// itemNames are the items' names on screen (flow-screens §2).
var itemNames = map[string]string{
	"dibao": "低保", "tekun": "特困供养", "bianyuan": "低保边缘", "gangxing": "大额支出困难", "linshi": "临时救助",
	"yiliao": "医疗救助", "jiaoyu": "教育救助", "zhufang": "住房救助", "jiuye": "就业救助", "kangfu": "残疾儿童康复救助",
}

// Stored is what the demo holds under one idempotency key: the
// application (when it has arrived), where it stands, and its evidence
// (which may have come first).
type Stored struct {
	IdempotencyKey string            `json:"idempotencyKey"`
	Application    *wire.Application `json:"application,omitempty"`
	Submitted      *wire.Submitted   `json:"submitted,omitempty"`
	Progress       *wire.Progress    `json:"progress,omitempty"`
	Evidence       []StoredEvidence  `json:"evidence"`
	// MissingEvidence are the bundle digests the application's
	// signatures name that have not arrived.
	MissingEvidence []string `json:"missingEvidence,omitempty"`
}

// StoredEvidence is one piece of evidence, without its bytes.
type StoredEvidence struct {
	SHA256      string `json:"sha256"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	ReceivedAt  string `json:"receivedAt"`
}

// Stored lists everything stored, by idempotency key: applications in the
// order they arrived, then keys with evidence only.
func (p *Platform) Stored(ctx context.Context) ([]Stored, error) {
	byKey := map[string]*Stored{}
	var order []string
	get := func(k string) *Stored {
		s, ok := byKey[k]
		if !ok {
			s = &Stored{IdempotencyKey: k, Evidence: []StoredEvidence{}}
			byKey[k] = s
			order = append(order, k)
		}
		return s
	}
	rows, err := p.db.QueryContext(ctx, `SELECT a.idempotency_key, a.application_id, a.body, a.accepted_at, a.deadline, a.limit_days, COALESCE(h.reject, '{}')
		FROM applications a LEFT JOIN households h ON h.id = a.household_id ORDER BY a.seq`)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	now := p.clock.now()
	for rows.Next() {
		var key string
		var r progressRow
		if err := rows.Scan(&key, &r.id, &r.body, &r.acceptedAt, &r.deadline, &r.days, &r.reject); err != nil {
			rows.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
		s := get(key)
		s.Application = new(wire.Application)
		if err := json.Unmarshal(r.body, s.Application); err != nil {
			rows.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
		s.Submitted = &wire.Submitted{ApplicationID: r.id, AcceptedAt: r.acceptedAt, Deadline: r.deadline}
		pr, err := r.progress(now)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
		s.Progress = &pr
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	rows, err = p.db.QueryContext(ctx, "SELECT idempotency_key, sha256, content_type, size, received_at FROM evidence ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var e StoredEvidence
		if err := rows.Scan(&key, &e.SHA256, &e.ContentType, &e.Size, &e.ReceivedAt); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		s := get(key)
		s.Evidence = append(s.Evidence, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	out := make([]Stored, 0, len(order))
	for _, k := range order {
		s := byKey[k]
		if s.Application != nil {
			have := map[string]bool{}
			for _, e := range s.Evidence {
				have[e.SHA256] = true
			}
			for _, sig := range s.Application.Signatures {
				if !have[sig.BundleSHA256] && !contains(s.MissingEvidence, sig.BundleSHA256) {
					s.MissingEvidence = append(s.MissingEvidence, sig.BundleSHA256)
				}
			}
			sort.Strings(s.MissingEvidence)
		}
		out = append(out, *s)
	}
	return out, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// EvidenceBytes returns the stored bytes of one piece of evidence and its
// content type; ok is false when there is none.
func (p *Platform) EvidenceBytes(ctx context.Context, key, digest string) (body []byte, contentType string, ok bool, err error) {
	err = p.db.QueryRowContext(ctx, "SELECT body, content_type FROM evidence WHERE idempotency_key = ? AND sha256 = ?", key, digest).Scan(&body, &contentType)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("demo: %w", err)
	}
	return body, contentType, true, nil
}

func internal(op string, err error) error {
	return &platform.Error{Op: op, Kind: platform.ErrUnavailable, Code: wire.CodeInternal, Err: err}
}

func invalid(op string, err error) error {
	return platform.NewError(op, wire.CodeInvalidRequest, err.Error())
}

// checkIDNumber: 18 characters with a valid check character (upper-case
// X), as the contract and GB 11643 say. The error does not repeat it.
func checkIDNumber(op, id string) error {
	if err := idnumber.Validate(id); err != nil || strings.HasSuffix(id, "x") {
		return platform.NewError(op, wire.CodeInvalidRequest, "idNumber is not a valid 18-character ID number (upper-case X)")
	}
	return nil
}

// checkMembers checks an application against its household: the
// applicant is a counted member, and so are the absent and the signing
// members it names.
func checkMembers(h *wire.Household, app wire.Application) error {
	byID := map[string]bool{}
	applicant := false
	for _, m := range h.Members {
		if m.Excluded != "" {
			continue
		}
		byID[m.ID] = true
		if m.IDNumber == app.Applicant.IDNumber {
			applicant = true
		}
	}
	if !applicant {
		return platform.NewError(platform.OpSubmit, wire.CodeInvalidRequest, "the applicant is not a counted member of householdId")
	}
	for _, id := range app.Absent {
		if !byID[id] {
			return platform.NewError(platform.OpSubmit, wire.CodeInvalidRequest, "absent names a person who is not a counted member")
		}
	}
	for _, s := range app.Signatures {
		if s.MemberID != "" && !byID[s.MemberID] {
			return platform.NewError(platform.OpSubmit, wire.CodeInvalidRequest, "a signature's memberId is not a counted member")
		}
	}
	return nil
}
