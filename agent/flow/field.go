package flow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
)

// Field mode (flow-screens §1): a grid worker unlocks the device with
// their own ID card and a PIN; then each home visit reads the applicant's
// card, goes through the application, records the visit (入户记录: notes
// the worker writes and signs as investigator) and queues it all in the
// outbox. The worker stays unlocked across visits until they lock the
// device, or FieldIdleLock passes with no visit going on; each visit's
// data is wiped when the visit ends, the worker's at the lock.

// Field mode's fixed figures.
const (
	// FieldIdleLock locks an unlocked device no visit has used this long.
	FieldIdleLock = 15 * time.Minute
	// PINAttempts wrong PINs in a row lock unlocking for PINLockout.
	PINAttempts = 5
	PINLockout  = 5 * time.Minute
	// MaxNotes is the longest 入户记录, in characters.
	MaxNotes = 2000
)

// Field steps and actions.
const (
	// StepUnlock: 「工作人员解锁」, the worker's card, then their PIN.
	StepUnlock Step = "unlock"
	// StepHomeVisit: 「入户记录」, the worker's notes and signature.
	StepHomeVisit Step = "home_visit"

	ActPIN   = "pin"   // unlock: {"pin": "123456"}
	ActLock  = "lock"  // field: lock the device (any step, or idle)
	ActNotes = "notes" // home_visit: {"notes": "…"}

	// DocVisit is the 入户调查记录 the worker signs.
	DocVisit = "visit"
)

// Workers checks field workers' credentials (agent/fieldauth).
type Workers interface {
	// Verify: nil when the card with idNumber is a registered worker's
	// and pin is their PIN; ErrNotWorker or ErrWrongPIN otherwise.
	Verify(ctx context.Context, idNumber, pin string) error
}

// Errors of Workers.Verify the engine tells apart.
var (
	ErrNotWorker = errors.New("not a registered field worker")
	ErrWrongPIN  = errors.New("wrong PIN")
)

// worker is the unlocked field worker.
type worker struct {
	name, idNumber string
	at             time.Time
}

// UnlockView is the unlock step.
type UnlockView struct {
	// Card: the worker's card is read; the PIN is asked for.
	Card     bool   `json:"card"`
	Name     string `json:"name,omitempty"` // masked
	Checking bool   `json:"checking,omitempty"`
	// Problem: "not_worker" (the card is not registered here),
	// "wrong_pin", "locked_out" (too many wrong PINs: wait until
	// LockedUntil), "permit" (a worker unlocks with a 居民身份证), or
	// "no_workers" (none are configured).
	Problem      string `json:"problem,omitempty"`
	AttemptsLeft int    `json:"attemptsLeft,omitempty"`
	LockedUntil  string `json:"lockedUntil,omitempty"`
}

// HomeVisitView is the home_visit step.
type HomeVisitView struct {
	Notes  string `json:"notes"`
	Worker string `json:"worker"` // masked
	Date   string `json:"date"`
	// Source, Capturing, Inked and Problem are the worker's signature's,
	// as on the sign steps; Signed once it is taken.
	Source    string `json:"source"`
	Capturing bool   `json:"capturing"`
	Inked     bool   `json:"inked"`
	Problem   string `json:"problem,omitempty"`
	Signed    bool   `json:"signed"`
}

// needsUnlock: field mode with nobody unlocked.
func (e *Engine) needsUnlock() bool { return e.cfg.Mode == ModeField && e.worker == nil }

// lockLocked locks the device: the visit going on and the worker wiped.
func (e *Engine) lockLocked(why string) {
	if e.lockT != nil {
		e.lockT.Stop()
		e.lockT = nil
	}
	if e.worker != nil {
		*e.worker = worker{}
		e.worker = nil
		e.log.Info("flow: field device locked", "why", why)
	}
	if e.s != nil {
		e.wipeLocked(why, true)
		return
	}
	e.emitLocked()
}

// armIdleLockLocked starts FieldIdleLock after a visit ends.
func (e *Engine) armIdleLockLocked() {
	if e.cfg.Mode != ModeField || e.worker == nil {
		return
	}
	if e.lockT != nil {
		e.lockT.Stop()
	}
	gen := e.gen
	e.lockT = e.cfg.Clock.AfterFunc(FieldIdleLock, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.gen == gen && e.s == nil && e.worker != nil {
			e.lockLocked("idle")
		}
	})
}

// workerCardReadLocked takes the card read on the unlock step.
func (e *Engine) workerCardReadLocked() {
	s := e.s
	if s.card.Type != textblock.Resident {
		s.unlockProblem = "permit"
		s.card.Wipe()
		s.card = nil
		e.retryReadLocked()
		return
	}
	s.unlockProblem = ""
	e.emitLocked()
}

// pinLocked checks the PIN typed on the unlock step.
func (e *Engine) pinLocked(pin string) error {
	s := e.s
	if s.step != StepUnlock || s.card == nil || s.checking {
		return errorsf(ErrNotReady, "place the worker's card first")
	}
	if !pinForm(pin) {
		return errorsf(ErrBadAction, "pin: 6 to 12 digits") // a slip of the keypad, not a wrong guess
	}
	now := e.cfg.Clock.Now()
	if now.Before(e.pinLockUntil) {
		s.unlockProblem = "locked_out"
		return errorsf(ErrNotReady, "too many wrong PINs")
	}
	if e.deps.Workers == nil {
		s.unlockProblem = "no_workers"
		return nil
	}
	s.checking = true
	id := s.card.IDNumber
	e.async(StepUnlock, func(ctx context.Context) func(*session) {
		err := e.deps.Workers.Verify(ctx, id, pin)
		return func(s *session) {
			s.checking = false
			switch {
			case err == nil:
				e.pinFails = 0
				e.worker = &worker{name: s.card.Name, idNumber: s.card.IDNumber, at: e.cfg.Clock.Now()}
				e.log.Info("flow: field device unlocked", "worker", idnumber.Mask(s.card.IDNumber))
				s.card.Wipe()
				s.card, s.unlockProblem = nil, ""
				e.enterLocked(StepReadCard)
			case errors.Is(err, ErrNotWorker):
				s.unlockProblem = "not_worker"
				s.card.Wipe()
				s.card = nil
				e.retryReadLocked()
			case errors.Is(err, ErrWrongPIN):
				e.pinFails++
				s.unlockProblem = "wrong_pin"
				if e.pinFails >= PINAttempts {
					e.pinFails = 0
					e.pinLockUntil = e.cfg.Clock.Now().Add(PINLockout)
					s.unlockProblem = "locked_out"
				}
			case ctx.Err() != nil:
			default:
				s.unlockProblem = "wrong_pin" // a malformed PIN
				e.log.Warn("flow: PIN not checked", "err", err)
			}
		}
	})
	return nil
}

func (e *Engine) unlockView(s *session) *UnlockView {
	v := &UnlockView{Card: s.card != nil, Checking: s.checking, Problem: s.unlockProblem}
	if s.card != nil {
		v.Name = MaskName(s.card.Name)
	}
	if e.deps.Workers == nil {
		v.Problem = "no_workers"
	}
	switch v.Problem {
	case "wrong_pin":
		v.AttemptsLeft = PINAttempts - e.pinFails
	case "locked_out":
		v.LockedUntil = e.pinLockUntil.UTC().Format(time.RFC3339)
	}
	return v
}

// notesLocked keeps the worker's notes; a signature over other notes is
// dropped and the worker signs these.
func (e *Engine) notesLocked(notes string) error {
	s := e.s
	notes = strings.TrimSpace(strings.ToValidUTF8(notes, "\uFFFD"))
	if utf8.RuneCountInString(notes) > MaxNotes {
		return errorsf(ErrBadAction, "notes are at most %d characters", MaxNotes)
	}
	if e.cfg.Mode == ModeCounter {
		return e.clerkNotesLocked(notes)
	}
	if s.step != StepHomeVisit {
		return errorsf(ErrBadAction, "%s does not take %q", s.step, ActNotes)
	}
	if notes == s.visitNotes && (s.visitSig != nil || s.sign != nil) {
		return nil
	}
	s.visitNotes = notes
	s.appKey = "" // the application's notes change
	if s.visitSig != nil {
		s.visitSig.wipe()
		s.visitSig = nil
	}
	clear(s.visitDoc)
	s.visitDoc = nil
	if notes == "" {
		if s.sign != nil {
			s.sign.cancel()
			s.sign = nil
		}
		return nil
	}
	e.startVisitCaptureLocked()
	return nil
}

// clerkNotesLocked keeps the counter clerk's notes (窗口备注): what they
// saw, and corrections to the platform's household data, which the kiosk
// never edits — the notes go with the application, and a correction
// marks the household for verification as 有不对的 does.
func (e *Engine) clerkNotesLocked(notes string) error {
	s := e.s
	switch s.step {
	case StepConfirmIdentity, StepHousehold, StepPrecheck, StepChooseItems, StepSignCommitment, StepSignAuthorization, StepSubmit:
	default:
		return errorsf(ErrBadAction, "%s does not take notes", s.step)
	}
	if s.submitting {
		return errorsf(ErrNotReady, "submitting")
	}
	if notes != s.clerkNotes {
		s.clerkNotes = notes
		s.appKey = "" // the application's notes change
	}
	return nil
}

// visitRecord is the 入户调查记录 the worker signs: canonical JSON (its
// bytes are what the signature's document hash covers, and what is
// uploaded as evidence beside it).
type visitRecord struct {
	Document       string   `json:"document"`
	Applicant      string   `json:"applicant"` // masked ID number
	HouseholdID    string   `json:"householdId,omitempty"`
	Items          []string `json:"items"`
	Notes          string   `json:"notes"`
	Investigator   string   `json:"investigator"`
	InvestigatorID string   `json:"investigatorId"` // masked
	Terminal       string   `json:"terminal"`
	Date           string   `json:"date"`
}

func (e *Engine) visitRecordLocked(s *session) []byte {
	r := visitRecord{Document: "入户调查记录", Applicant: idnumber.Mask(s.applicant().IDNumber), Items: s.items(e.deps.Items),
		Notes: s.visitNotes, Terminal: e.cfg.Terminal, Date: e.cfg.Clock.Now().Format("2006-01-02")}
	if s.household != nil {
		r.HouseholdID = s.household.ID
	}
	if e.worker != nil {
		r.Investigator, r.InvestigatorID = e.worker.name, idnumber.Mask(e.worker.idNumber)
	}
	b, _ := json.Marshal(r)
	return b
}

func (e *Engine) startVisitCaptureLocked() {
	s := e.s
	if s.visitDoc == nil {
		s.visitDoc = e.visitRecordLocked(s)
	}
	name := ""
	if e.worker != nil {
		name = e.worker.name
	}
	e.startCaptureLocked(DocVisit, s.visitDoc, name)
}

func (e *Engine) homeVisitView(s *session, now time.Time) *HomeVisitView {
	v := &HomeVisitView{Notes: s.visitNotes, Date: WriteDate(now), Source: s.source, Problem: s.signProblem, Signed: s.visitSig != nil}
	if e.worker != nil {
		v.Worker = MaskName(e.worker.name)
	}
	if s.sign != nil {
		v.Capturing, v.Inked = true, s.sign.inked
	}
	return v
}

// pinForm says whether pin has a PIN's form: 6 to 12 digits.
func pinForm(pin string) bool {
	if len(pin) < 6 || len(pin) > 12 {
		return false
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// visitSHA is the hex SHA-256 of b.
func visitSHA(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
