package flow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Owner is the owner name of the engine's signature captures: a page's
// sigpad.input, sigpad.button and sigpad.clear reach them under it.
const Owner = "flow"

// Time limits of the engine's own waits.
const (
	platformTimeout = 10 * time.Second
	submitTimeout   = 30 * time.Second
	printTimeout    = 2 * time.Minute
	readRetry       = 2 * time.Second
	captureRetry    = 300 * time.Millisecond
)

// enterLocked moves the session to st, starts what st needs and tells the
// pages.
func (e *Engine) enterLocked(st Step) {
	s := e.s
	s.step = st
	s.warnUntil = time.Time{}
	e.armLocked()
	switch st {
	case StepReadCard:
		s.readProblem, s.problem = "", ""
		e.startReadLocked()
	case StepUnlock:
		s.unlockProblem = ""
		e.startReadLocked()
	case StepHomeVisit:
		e.defaultSourceLocked()
		if s.visitNotes != "" && s.visitSig == nil {
			e.startVisitCaptureLocked()
		}
	case StepHousehold:
		if s.hhStatus == "" || s.hhStatus == "offline" {
			e.startHouseholdLocked()
		}
	case StepPrecheck:
		if s.household == nil {
			e.enterLocked(StepChooseItems) // nothing to pre-check against (§4.4, §4.7)
			return
		}
		s.hints = e.deps.Precheck(s.household, e.cfg.Clock.Now())
	case StepChooseItems:
		if s.selected == nil {
			s.selected = map[string]bool{}
		}
		if !s.hintedSeen {
			s.hintedSeen = true
			for _, it := range e.deps.Items {
				if e.hinted(s, it.Code) {
					s.selected[it.Code] = true
				}
			}
		}
	case StepSignCommitment:
		e.defaultSourceLocked()
		if s.related != nil && s.commitment == nil {
			e.startCommitmentLocked()
		}
	case StepSignAuthorization:
		if s.signers == nil {
			s.signers = e.signersOf(s)
			s.cur = 0
		}
		e.startAuthorizationLocked()
	case StepReceipt:
		if e.cfg.Mode == ModeField {
			s.printing = "none" // no printer on a home visit: the number is read out (§4.10)
			break
		}
		e.startPrintLocked(e.receiptFor(s))
	case StepTakeCard:
		e.checkCardLocked()
	case StepProgress:
		e.startProgressLocked()
	}
	e.emitLocked()
}

// defaultSourceLocked picks where signatures are taken: the pad when
// there is one, else the screen.
func (e *Engine) defaultSourceLocked() {
	s := e.s
	if s.source == "" {
		s.source = "screen"
		if e.deps.Signer != nil && e.deps.Signer.HasPad() {
			s.source = "pad"
		}
	}
}

// afterAuthorization is the step after everyone has signed the
// authorization: the visit record in field mode, else submit.
func (e *Engine) afterAuthorization() Step {
	if e.cfg.Mode == ModeField {
		return StepHomeVisit
	}
	return StepSubmit
}

// armLocked starts the step's timer afresh.
func (e *Engine) armLocked() {
	s := e.s
	if s.stepT != nil {
		s.stepT.Stop()
		s.stepT = nil
	}
	if s.warnT != nil {
		s.warnT.Stop()
		s.warnT = nil
	}
	s.warnUntil = time.Time{}
	d := e.timeout(s.step)
	if d <= 0 {
		s.deadline = time.Time{}
		return
	}
	if !s.staffAt.IsZero() {
		s.deadline, s.left = time.Time{}, d // paused while staff are called
		return
	}
	s.deadline = e.cfg.Clock.Now().Add(d)
	gen, step := s.gen, s.step
	s.stepT = e.cfg.Clock.AfterFunc(d, func() { e.stepTimedOut(gen, step) })
}

// stepTimedOut: the step's time ran out.
func (e *Engine) stepTimedOut(gen uint64, step Step) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.s
	if s == nil || s.gen != gen || s.step != step || !s.staffAt.IsZero() {
		return
	}
	s.stepT, s.deadline = nil, time.Time{}
	switch step {
	case StepReceipt:
		e.enterLocked(StepTakeCard) // the application is safe: no warning
		return
	case StepTakeCard:
		if s.cardPresent && !s.cardLeftSent {
			s.cardLeftSent = true
			e.deps.Staff.Call("card_left", step)
		}
		e.wipeLocked("finished", true)
		return
	}
	s.warnUntil = e.cfg.Clock.Now().Add(WarningTime)
	s.warnT = e.cfg.Clock.AfterFunc(WarningTime, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.s != nil && e.s.gen == gen && e.s.step == step && !e.s.warnUntil.IsZero() && e.s.staffAt.IsZero() {
			e.wipeLocked("timed out", true)
		}
	})
	e.emitLocked()
}

// async runs work outside the lock; what it returns is applied under the
// lock if the session (and, when given, the step) is still the same.
func (e *Engine) async(step Step, work func(ctx context.Context) func(s *session)) {
	s := e.s
	gen, ctx := s.gen, s.ctx
	go func() {
		apply := work(ctx)
		if apply == nil {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.s == nil || e.s.gen != gen || (step != "" && e.s.step != step) {
			return
		}
		apply(e.s)
		e.emitLocked()
	}()
}

// ---- read_card -----------------------------------------------------------

func (e *Engine) startReadLocked() {
	s := e.s
	if s.reading {
		return
	}
	s.reading = true
	step := s.step
	wait := e.timeout(step) + WarningTime
	e.async(step, func(ctx context.Context) func(*session) {
		card, err := e.deps.Reader.Read(ctx, wait)
		var photo []byte
		if err == nil && step == StepReadCard && e.deps.Photo != nil && len(card.Photo) > 0 {
			pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			photo, _ = e.deps.Photo(pctx, card.Photo)
			cancel()
		}
		return func(s *session) {
			s.reading = false
			switch {
			case err == nil && step == StepUnlock:
				s.card = card
				e.workerCardReadLocked()
			case err == nil && e.worker != nil && card.IDNumber == e.worker.idNumber:
				// The worker's own card, still on the reader: wait for
				// the applicant's.
				card.Wipe()
				s.readProblem = "worker_card"
				e.retryReadLocked()
			case err == nil:
				s.card, s.photoPNG = card, trimPNG(photo)
				e.cardReadLocked()
			case errors.Is(err, ErrReplace):
				s.readFailures++
				s.readProblem = "replace"
				e.startReadLocked()
			case errors.Is(err, ErrNoDevice):
				s.readProblem = "reader"
				e.retryReadLocked()
			case ctx.Err() != nil:
			default: // the wait ran out, or the reader hiccupped: wait again
				e.retryReadLocked()
			}
		}
	})
}

// retryReadLocked reads again after a pause.
func (e *Engine) retryReadLocked() {
	s := e.s
	gen, step := s.gen, s.step
	e.cfg.Clock.AfterFunc(readRetry, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.s != nil && e.s.gen == gen && e.s.step == step && e.s.problem == "" && e.s.card == nil {
			e.startReadLocked()
			e.emitLocked()
		}
	})
}

// cardReadLocked takes the card just read to the next step, or to its
// problem screen.
func (e *Engine) cardReadLocked() {
	s := e.s
	now := e.cfg.Clock.Now()
	if s.kind == KindProgress {
		e.enterLocked(StepProgress) // allowed with any card, expired too (§4.5)
		return
	}
	switch {
	case s.card.Type != textblock.Resident:
		s.problem = "permit"
	case expired(s.card.ValidUntil, now) && e.cfg.Mode == ModeKiosk:
		s.problem = "expired"
	}
	if s.problem != "" {
		return // the screen says what to do; cancel or call-staff end it
	}
	e.enterLocked(StepConfirmIdentity)
}

// ---- household -----------------------------------------------------------

func (e *Engine) startHouseholdLocked() {
	s := e.s
	s.hhStatus = "loading"
	id := s.card.IDNumber
	e.async("", func(ctx context.Context) func(*session) {
		ctx, cancel := context.WithTimeout(ctx, platformTimeout)
		defer cancel()
		h, err := e.deps.Platform.Household(ctx, id)
		return func(s *session) {
			switch {
			case err == nil && h != nil:
				s.household, s.hhStatus = h, "found"
			case errors.Is(err, ErrNoHousehold):
				s.hhStatus = "none"
			default:
				s.hhStatus = "offline"
				e.log.Warn("flow: household look-up failed", "err", err)
			}
		}
	})
}

// ---- signatures ----------------------------------------------------------

// docData is the document of kind for this session, signed by signed.
func (e *Engine) docData(s *session, kind string, signed []SignedBy) DocData {
	d := DocData{Kind: kind, Applicant: s.applicant(), Household: s.household, Items: s.items(e.deps.Items),
		Date: e.cfg.Clock.Now(), Terminal: e.cfg.Terminal, Signed: signed}
	if s.related != nil {
		d.RelatedToStaff = *s.related
	}
	if kind == DocAuthorization && s.household != nil {
		for _, g := range s.signers {
			if g.absent {
				for _, m := range s.household.Members {
					if m.ID == g.memberID {
						d.Absent = append(d.Absent, m)
					}
				}
			}
		}
	}
	return d
}

// signersOf lists who signs the authorization: the applicant, then every
// adult member counted in the household.
func (e *Engine) signersOf(s *session) []*signer {
	app := s.applicant()
	out := []*signer{{name: app.Name, relation: "本人", idNumber: app.IDNumber}}
	if h := s.household; h != nil {
		now := e.cfg.Clock.Now()
		for _, m := range h.Members {
			if m.IDNumber == app.IDNumber {
				out[0].memberID = m.ID
				continue
			}
			if m.Excluded != "" || age(m.BirthDate, now) < 18 {
				continue
			}
			out = append(out, &signer{memberID: m.ID, name: m.Name, relation: relationWord(m), idNumber: m.IDNumber})
		}
	}
	return out
}

func (e *Engine) startCommitmentLocked() {
	s := e.s
	d := e.docData(s, DocCommitment, nil)
	doc, err := e.deps.Documents.PDF(s.ctx, d)
	if err != nil {
		s.signProblem = "document"
		e.log.Error("flow: the commitment could not be made", "err", err)
		return
	}
	clear(s.commitDoc)
	s.commitDoc, s.commitAt = doc, d.Date
	s.commitText = e.screenText(s.ctx, d)
	e.startCaptureLocked(DocCommitment, doc, s.applicant().Name)
}

func (e *Engine) startAuthorizationLocked() {
	s := e.s
	for s.cur < len(s.signers) && (s.signers[s.cur].sig != nil || s.signers[s.cur].absent) {
		s.cur++
	}
	if s.cur >= len(s.signers) {
		return // everyone has signed or is absent
	}
	if s.authDoc == nil {
		d := e.docData(s, DocAuthorization, nil)
		doc, err := e.deps.Documents.PDF(s.ctx, d)
		if err != nil {
			s.signProblem = "document"
			e.log.Error("flow: the authorization could not be made", "err", err)
			return
		}
		s.authDoc, s.authAt = doc, d.Date
		s.authText = e.screenText(s.ctx, d)
	}
	e.startCaptureLocked(DocAuthorization, s.authDoc, s.signers[s.cur].name)
}

// screenText is the full text of the document d for the screen: rendered
// from a copy of d whose names and ID numbers are masked as the screen
// shows them, so the text shown is the text signed but for those. Nil
// when the documents cannot give it (the summary is then all there is).
func (e *Engine) screenText(ctx context.Context, d DocData) []string {
	dt, ok := e.deps.Documents.(DocumentText)
	if !ok {
		return nil
	}
	text, err := dt.Text(ctx, maskDocData(d))
	if err != nil {
		e.log.Warn("flow: the document's text for the screen could not be made", "doc", d.Kind, "err", err)
		return nil
	}
	return text
}

// maskDocData copies d with every name and ID number masked (and phone
// numbers left out): what may be on the screen.
func maskDocData(d DocData) DocData {
	d.Applicant = platform.Person{Name: MaskName(d.Applicant.Name), IDNumber: idnumber.Mask(d.Applicant.IDNumber)}
	if d.Household != nil {
		h := *d.Household
		h.Members = make([]platform.Member, len(d.Household.Members))
		for i, m := range d.Household.Members {
			m.Name, m.IDNumber = MaskName(m.Name), idnumber.Mask(m.IDNumber)
			h.Members[i] = m
		}
		h.Supporters = make([]platform.Supporter, len(d.Household.Supporters))
		for i, sp := range d.Household.Supporters {
			sp.Name = MaskName(sp.Name)
			h.Supporters[i] = sp
		}
		d.Household = &h
	}
	d.Absent = append([]platform.Member(nil), d.Absent...)
	for i := range d.Absent {
		d.Absent[i].Name, d.Absent[i].IDNumber = MaskName(d.Absent[i].Name), idnumber.Mask(d.Absent[i].IDNumber)
	}
	d.Signed = nil
	return d
}

// startCaptureLocked starts a signature capture of doc by name, on the
// session's source.
func (e *Engine) startCaptureLocked(kind string, doc []byte, name string) {
	s := e.s
	if e.deps.Signer == nil {
		s.signProblem = "pad"
		return
	}
	if s.sign != nil {
		s.sign.cancel()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	c := &capture{gen: s.gen, cancel: cancel, source: s.source}
	s.sign = c
	sum := sha256.Sum256(doc)
	summary := CommitmentSummary
	switch kind {
	case DocAuthorization:
		summary = AuthorizationSummary
	case DocVisit:
		summary = strings.Split(s.visitNotes, "\n")
	}
	req := sigpad.Request{Owner: Owner, Document: sigpad.Document{Title: DocTitles[kind], SHA256: hex.EncodeToString(sum[:]),
		Summary: numbered(summary)}, Signer: name, Timeout: sigpad.MaxTimeout, Source: s.source}
	step := s.step
	gen := s.gen
	w := e.deps.Watch
	l := sigpad.Listener{Started: w.Started, Sample: func(p sigpad.Point) {
		if w.Sample != nil {
			w.Sample(p)
		}
		if p.SW == 0 {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.s != nil && e.s.gen == gen && e.s.sign == c && !c.inked {
			c.inked = true
			e.emitLocked()
		}
	}, Pressed: func(b string) {
		if w.Pressed != nil {
			w.Pressed(b)
		}
		if b != sigpad.ButtonRetry {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.s != nil && e.s.gen == gen && e.s.sign == c {
			c.inked = false
			e.emitLocked()
		}
	}}
	e.async(step, func(context.Context) func(*session) {
		b, err := e.deps.Signer.Capture(ctx, req, l)
		var raw []byte
		if err == nil {
			raw, err = evidence.Marshal(b)
		}
		return func(s *session) {
			if s.sign != c {
				return // replaced (a new capture, a retry on the screen)
			}
			s.sign = nil
			cancel()
			e.captureEndedLocked(kind, b, raw, err)
		}
	})
}

// numbered numbers the summary's lines for the pad.
func numbered(lines []string) string {
	var b bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + l)
	}
	return b.String()
}

// captureEndedLocked takes a capture's result.
func (e *Engine) captureEndedLocked(kind string, b evidence.Bundle, raw []byte, err error) {
	s := e.s
	switch {
	case err == nil:
		sum := sha256.Sum256(raw)
		sig := &signature{bundle: raw, sha: hex.EncodeToString(sum[:]), png: b.Manifest.PNG, at: b.Manifest.CapturedAt}
		s.signProblem = ""
		switch kind {
		case DocCommitment:
			s.commitment = sig
			e.enterLocked(StepSignAuthorization)
			return
		case DocVisit:
			s.visitSig = sig
			e.enterLocked(StepSubmit)
			return
		}
		s.signers[s.cur].sig = sig
		s.cur++
		e.startAuthorizationLocked()
		if s.cur >= len(s.signers) {
			e.enterLocked(e.afterAuthorization())
		}
		return
	case errors.Is(err, sigpad.ErrEmptySignature):
		s.signProblem = "empty"
	case errors.Is(err, sigpad.ErrCancelled):
		s.signProblem = ""
	case errors.Is(err, context.Canceled):
		return
	case s.source == "pad":
		// The pad is gone or failing (flow-screens §4.3): sign on the
		// screen.
		e.log.Warn("flow: the signature pad failed; signing on the screen", "err", err)
		s.source, s.signProblem = "screen", "pad"
	default:
		e.log.Warn("flow: signature capture ended", "err", err)
		// Another capture may still hold the pad or the screen (the one
		// just replaced, ending): start again after a pause, not at once
		// and over and over.
		s := e.s
		gen, step := s.gen, s.step
		e.cfg.Clock.AfterFunc(captureRetry, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.s != nil && e.s.gen == gen && e.s.step == step && e.s.sign == nil {
				e.restartCaptureLocked()
				e.emitLocked()
			}
		})
		return
	}
	e.restartCaptureLocked()
}

// restartCaptureLocked starts the current step's capture again.
func (e *Engine) restartCaptureLocked() {
	s := e.s
	switch s.step {
	case StepSignCommitment:
		if s.related != nil && s.commitment == nil {
			e.startCommitmentLocked()
		}
	case StepSignAuthorization:
		e.startAuthorizationLocked()
	case StepHomeVisit:
		if s.visitNotes != "" && s.visitSig == nil {
			e.startVisitCaptureLocked()
		}
	}
}

// ---- receipt, progress, take_card --------------------------------------

func (e *Engine) startPrintLocked(r receiptDoc) {
	s := e.s
	s.printing = "printing"
	step := s.step
	e.async(step, func(ctx context.Context) func(*session) {
		ctx, cancel := context.WithTimeout(ctx, printTimeout)
		defer cancel()
		err := e.deps.Printer.Print(ctx, r.Receipt)
		return func(s *session) {
			if err != nil {
				s.printing = "failed"
				e.log.Warn("flow: receipt not printed", "err", err)
				// flow-screens §4.3: at a self-service kiosk nobody is
				// there to load paper; the counter is told (a clerk at a
				// counter sees it on their own screen).
				if e.cfg.Mode == ModeKiosk && !s.printAlerted {
					s.printAlerted = true
					e.deps.Staff.Call("printer", step)
				}
				return
			}
			s.printing = "printed"
		}
	})
}

func (e *Engine) startProgressLocked() {
	s := e.s
	s.progStatus = "loading"
	id := s.card.IDNumber
	e.async(StepProgress, func(ctx context.Context) func(*session) {
		ctx, cancel := context.WithTimeout(ctx, platformTimeout)
		defer cancel()
		ps, err := e.deps.Platform.Progress(ctx, id)
		return func(s *session) {
			switch {
			case err != nil:
				s.progStatus = "offline"
			case len(ps) == 0:
				s.progStatus = "none"
			default:
				s.progress, s.progStatus = ps, "found"
			}
		}
	})
}

// checkCardLocked asks the reader whether the card is still there.
func (e *Engine) checkCardLocked() {
	e.async(StepTakeCard, func(ctx context.Context) func(*session) {
		card, err := e.deps.Reader.Read(ctx, 0)
		present := err == nil
		card.Wipe()
		return func(s *session) { s.cardPresent = present }
	})
}

// CardRemoved is told that the card left the reader: at take_card the
// session ends.
func (e *Engine) CardRemoved() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.s != nil && e.s.step == StepTakeCard {
		e.wipeLocked("card taken", true)
	}
}

// ---- submit --------------------------------------------------------------

func (e *Engine) submitLocked() {
	s := e.s
	if s.submitting {
		return
	}
	s.submitting, s.submitErr = true, ""
	if s.appKey == "" {
		// One key for this content: a retry after a timeout that had in
		// fact saved the application is the same application.
		s.appKey = newKey()
	}
	app := platform.Application{IdempotencyKey: s.appKey, Applicant: s.applicant(), Items: s.items(e.deps.Items),
		Channel: e.cfg.Mode, Terminal: e.cfg.Terminal, CreatedAt: e.cfg.Clock.Now().UTC().Format(time.RFC3339)}
	if s.related != nil {
		app.RelatedToStaff = *s.related
	}
	if s.household != nil {
		app.HouseholdID = s.household.ID
	}
	if s.disputed {
		app.Notes = "申请人认为平台登记的家庭信息有不对的地方，请核实。"
	}
	if s.clerkNotes != "" {
		app.Notes = strings.TrimSpace(app.Notes + "\n窗口备注：" + s.clerkNotes)
	}
	var visitEv []Evidence
	if g := s.visitSig; g != nil && e.worker != nil {
		app.Notes = strings.TrimSpace("入户记录：" + s.visitNotes + "\n" + app.Notes)
		app.Signatures = append(app.Signatures, platform.SignatureRef{Document: DocVisit, Name: e.worker.name, BundleSHA256: g.sha})
		visitEv = []Evidence{{ContentType: "application/json", Body: bytes.Clone(g.bundle)}, {ContentType: "application/json", Body: bytes.Clone(s.visitDoc)}}
	}
	var commitSigned []SignedBy
	var authSigned []SignedBy
	var ev []Evidence
	if g := s.commitment; g != nil {
		app.Signatures = append(app.Signatures, platform.SignatureRef{Document: DocCommitment, MemberID: s.signersMemberID(), Name: app.Applicant.Name, BundleSHA256: g.sha})
		commitSigned = append(commitSigned, SignedBy{MemberID: s.signersMemberID(), Name: app.Applicant.Name, Relation: "本人", Bundle: g.bundle, SHA256: g.sha, PNG: g.png, At: g.at})
		ev = append(ev, Evidence{ContentType: "application/json", Body: bytes.Clone(g.bundle)})
	}
	for _, g := range s.signers {
		switch {
		case g.sig != nil:
			app.Signatures = append(app.Signatures, platform.SignatureRef{Document: DocAuthorization, MemberID: g.memberID, Name: g.name, BundleSHA256: g.sig.sha})
			authSigned = append(authSigned, SignedBy{MemberID: g.memberID, Name: g.name, Relation: g.relation, Bundle: g.sig.bundle, SHA256: g.sig.sha, PNG: g.sig.png, At: g.sig.at})
			ev = append(ev, Evidence{ContentType: "application/json", Body: bytes.Clone(g.sig.bundle)})
		case g.absent && g.memberID != "":
			app.Absent = append(app.Absent, g.memberID)
		}
	}
	ev = append(ev, visitEv...)
	commitDoc := e.docData(s, DocCommitment, commitSigned)
	commitDoc.Date = s.commitAt
	authDoc := e.docData(s, DocAuthorization, authSigned)
	authDoc.Date = s.authAt
	e.async(StepSubmit, func(ctx context.Context) func(*session) {
		ctx, cancel := context.WithTimeout(ctx, submitTimeout)
		defer cancel()
		var err error
		for _, d := range []DocData{commitDoc, authDoc} {
			var pdf []byte
			if pdf, err = e.deps.Documents.PDF(ctx, d); err != nil {
				break
			}
			ev = append(ev, Evidence{ContentType: "application/pdf", Body: pdf})
		}
		var res Submitted
		if err == nil {
			if e.deps.Outbox == nil {
				err = errors.New("no outbox")
			} else {
				res, err = e.deps.Outbox.Submit(ctx, Submission{Application: app, Evidence: ev})
			}
		}
		return func(s *session) {
			s.submitting = false
			if err != nil {
				s.submitErr = "not_saved"
				e.log.Error("flow: the application could not be saved", "err", err)
				return
			}
			s.submitted = &res
			s.deadlineOn = addWorkingDays(e.cfg.Clock.Now(), e.timeLimit(s))
			e.enterLocked(StepReceipt)
		}
	})
}

func (s *session) signersMemberID() string {
	if len(s.signers) > 0 {
		return s.signers[0].memberID
	}
	return ""
}

// timeLimit is the longest time limit, in working days, of the chosen
// items (30 when the rules say nothing).
func (e *Engine) timeLimit(s *session) int {
	days := 0
	for _, code := range s.items(e.deps.Items) {
		for _, r := range s.hints {
			if r.Item == code {
				days = max(days, r.Notice.TimeLimitDays)
			}
		}
	}
	if days == 0 {
		days = 30
	}
	return days
}

// addWorkingDays adds n working days (Monday to Friday) to t. Public
// holidays are not known here: the platform's own deadline replaces this
// one once the application reaches it.
func addWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// ---- actions ---------------------------------------------------------------

// Act takes an action of the page on the current step: next, back,
// extend, cancel, call-staff, cancel-call, and the step's own (toggle,
// answer, clear, absent, screen, dispute, page, print, reprint,
// verified). params are the action's (JSON object, may be empty).
func (e *Engine) Act(action string, params json.RawMessage) (State, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.s
	if action == ActLock && e.cfg.Mode == ModeField {
		e.lockLocked("locked")
		return e.stateLocked(), nil
	}
	if s == nil {
		return e.stateLocked(), &Error{Kind: ErrNoSession, Msg: "start a session with flow.start"}
	}
	var p struct {
		Item           string  `json:"item"`
		RelatedToStaff *bool   `json:"relatedToStaff"`
		Page           int     `json:"page"`
		PIN            string  `json:"pin"`
		Notes          *string `json:"notes"`
	}
	if len(params) > 0 && string(params) != "null" {
		dec := json.NewDecoder(bytes.NewReader(params))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return e.stateLocked(), errorsf(ErrBadAction, "params: %v", err)
		}
	}
	var err error
	switch action {
	case ActExtend:
		e.armLocked()
	case ActCancel:
		e.wipeLocked("cancelled", true)
		return e.stateLocked(), nil
	case ActCallStaff:
		e.callStaffLocked("call")
	case ActCancelCall:
		e.cancelCallLocked()
	case ActNext:
		err = e.nextLocked()
	case ActBack:
		err = e.backLocked()
	case ActPIN:
		err = e.pinLocked(p.PIN)
	case ActNotes:
		if p.Notes == nil {
			err = errorsf(ErrBadAction, "notes: missing")
			break
		}
		err = e.notesLocked(*p.Notes)
	default:
		err = e.stepActionLocked(action, p.Item, p.RelatedToStaff, p.Page)
	}
	if err != nil {
		return e.stateLocked(), err
	}
	if e.s != nil && action != ActNext && action != ActBack {
		// Any touch is activity: the warning goes away and the step's
		// time starts again.
		if !e.s.warnUntil.IsZero() {
			e.armLocked()
		}
	}
	e.emitLocked()
	return e.stateLocked(), nil
}

func (e *Engine) nextLocked() error {
	s := e.s
	switch s.step {
	case StepReadCard:
		return errorsf(ErrNotReady, "waiting for the card")
	case StepConfirmIdentity:
		if e.cfg.Mode != ModeKiosk && !s.verified {
			return errorsf(ErrNotReady, "tick 已核对本人 first")
		}
		e.enterLocked(StepHousehold)
	case StepHousehold:
		if s.hhStatus == "loading" {
			return errorsf(ErrNotReady, "the household is still being looked up")
		}
		if s.household != nil {
			e.enterLocked(StepPrecheck)
		} else {
			e.enterLocked(StepChooseItems)
		}
	case StepPrecheck:
		e.enterLocked(StepChooseItems)
	case StepChooseItems:
		if len(s.items(e.deps.Items)) == 0 {
			return errorsf(ErrNotReady, "choose at least one item")
		}
		e.enterLocked(StepSignCommitment)
	case StepSignCommitment:
		if s.related == nil {
			return errorsf(ErrNotReady, "answer the question first")
		}
		if s.commitment != nil {
			e.enterLocked(StepSignAuthorization)
			return nil
		}
		return e.confirmLocked()
	case StepSignAuthorization:
		if s.cur >= len(s.signers) {
			e.enterLocked(e.afterAuthorization())
			return nil
		}
		return e.confirmLocked()
	case StepUnlock:
		return errorsf(ErrNotReady, "the worker's card and PIN first")
	case StepHomeVisit:
		if s.visitNotes == "" {
			return errorsf(ErrNotReady, "write the visit notes first")
		}
		if s.visitSig != nil {
			e.enterLocked(StepSubmit)
			return nil
		}
		return e.confirmLocked()
	case StepSubmit:
		e.submitLocked()
	case StepReceipt, StepProgress:
		e.enterLocked(StepTakeCard)
	case StepTakeCard:
		e.wipeLocked("finished", true)
	}
	return nil
}

// confirmLocked is 签好了 on the screen: the capture is confirmed (its
// result arrives by itself).
func (e *Engine) confirmLocked() error {
	s := e.s
	if s.sign == nil {
		return errorsf(ErrNotReady, "no signature is being taken")
	}
	if !s.sign.inked {
		s.signProblem = "empty"
		return errorsf(ErrNotReady, "nothing is written yet")
	}
	return e.deps.Signer.Press(Owner, sigpad.ButtonConfirm)
}

func (e *Engine) backLocked() error {
	s := e.s
	switch s.step {
	case StepReadCard, StepConfirmIdentity, StepProgress, StepUnlock:
		e.wipeLocked("back", true) // 「不是我」 wipes
	case StepHomeVisit:
		if s.sign != nil {
			s.sign.cancel()
			s.sign = nil
		}
		e.enterLocked(StepSignAuthorization)
	case StepHousehold:
		e.enterLocked(StepConfirmIdentity)
	case StepPrecheck:
		e.enterLocked(StepHousehold)
	case StepChooseItems:
		if s.household != nil {
			e.enterLocked(StepPrecheck)
		} else {
			e.enterLocked(StepHousehold)
		}
	case StepSignCommitment:
		e.dropSignaturesLocked()
		e.enterLocked(StepChooseItems)
	case StepSignAuthorization:
		e.dropSignaturesLocked() // what was signed changes with what comes before
		e.enterLocked(StepSignCommitment)
	case StepSubmit:
		if s.submitting {
			return errorsf(ErrNotReady, "submitting")
		}
		if e.cfg.Mode == ModeField {
			e.enterLocked(StepHomeVisit)
			break
		}
		e.enterLocked(StepSignAuthorization)
	case StepReceipt, StepTakeCard:
		return errorsf(ErrBadAction, "the application is submitted")
	}
	return nil
}

// dropSignaturesLocked forgets the signatures and documents: going back
// changes what would be signed.
func (e *Engine) dropSignaturesLocked() {
	s := e.s
	if s.sign != nil {
		s.sign.cancel()
		s.sign = nil
	}
	if s.commitment != nil {
		s.commitment.wipe()
		s.commitment = nil
	}
	for _, g := range s.signers {
		if g.sig != nil {
			g.sig.wipe()
		}
	}
	s.signers = nil
	clear(s.commitDoc)
	clear(s.authDoc)
	s.commitDoc, s.authDoc = nil, nil
	clear(s.commitText)
	clear(s.authText)
	s.commitText, s.authText = nil, nil
	s.signProblem = ""
	s.appKey = ""          // what is submitted changes
	if s.visitSig != nil { // the record names the items and household
		s.visitSig.wipe()
		s.visitSig = nil
	}
	clear(s.visitDoc)
	s.visitDoc = nil
}

func (e *Engine) stepActionLocked(action, item string, related *bool, page int) error {
	s := e.s
	bad := func() error {
		return errorsf(ErrBadAction, "%s does not take %q", s.step, action)
	}
	switch action {
	case ActConfirmID:
		if s.step != StepConfirmIdentity || e.cfg.Mode == ModeKiosk {
			return bad()
		}
		s.verified = true
	case ActDispute:
		if s.step != StepHousehold {
			return bad()
		}
		s.disputed = true
		return e.nextLocked() // marks the case and goes on; never blocks
	case ActPage:
		if s.step != StepHousehold {
			return bad()
		}
		s.hhPage = max(page-1, 0)
	case ActToggle:
		if s.step != StepChooseItems {
			return bad()
		}
		known := false
		for _, it := range e.deps.Items {
			known = known || it.Code == item
		}
		if !known {
			return errorsf(ErrBadAction, "no item %q", item)
		}
		s.selected[item] = !s.selected[item]
	case ActAnswer:
		if s.step != StepSignCommitment || related == nil {
			return bad()
		}
		if s.related != nil && *s.related == *related && (s.sign != nil || s.commitment != nil) {
			return nil
		}
		s.related = related
		if s.commitment != nil { // the answer is in the document: sign again
			s.commitment.wipe()
			s.commitment = nil
		}
		e.startCommitmentLocked()
	case ActClear:
		if s.sign == nil {
			return bad()
		}
		s.sign.inked = false
		return e.deps.Signer.Press(Owner, sigpad.ButtonRetry)
	case ActScreenSign:
		if s.step != StepSignCommitment && s.step != StepSignAuthorization && s.step != StepHomeVisit {
			return bad()
		}
		s.source = "screen"
		e.restartCaptureLocked()
	case ActAbsent:
		if s.step != StepSignAuthorization || s.cur == 0 || s.cur >= len(s.signers) {
			return errorsf(ErrBadAction, "only a family member other than the applicant can be absent")
		}
		if s.sign != nil {
			s.sign.cancel()
			s.sign = nil
		}
		s.signers[s.cur].absent = true
		s.cur++
		e.startAuthorizationLocked()
		if s.cur >= len(s.signers) {
			e.enterLocked(e.afterAuthorization())
		}
	case ActPrint:
		if s.step != StepProgress || s.printing == "printing" {
			return bad()
		}
		e.startPrintLocked(e.progressReceipt(s))
	case ActReprint:
		if s.step != StepReceipt || s.printing == "printing" || (e.cfg.Mode == ModeKiosk && s.reprints >= 1) {
			return bad()
		}
		s.reprints++
		e.startPrintLocked(e.receiptFor(s))
	default:
		return errorsf(ErrBadAction, "no action %q", action)
	}
	return nil
}

// ---- staff ---------------------------------------------------------------

func (e *Engine) callStaffLocked(reason string) {
	s := e.s
	if !s.staffAt.IsZero() {
		return
	}
	now := e.cfg.Clock.Now()
	s.staffAt, s.staffBusy = now, false
	// Pause: the step's time left is kept; the warning goes away.
	if !s.deadline.IsZero() {
		s.left = max(s.deadline.Sub(now), 0)
	} else {
		s.left = e.timeout(s.step)
	}
	if !s.warnUntil.IsZero() {
		s.left = e.timeout(s.step)
	}
	for _, t := range []Timer{s.stepT, s.warnT} {
		if t != nil {
			t.Stop()
		}
	}
	s.stepT, s.warnT, s.deadline, s.warnUntil = nil, nil, time.Time{}, time.Time{}
	gen := s.gen
	s.staffT = e.cfg.Clock.AfterFunc(StaffBusyTime, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.s == nil || e.s.gen != gen || e.s.staffAt.IsZero() {
			return
		}
		e.s.staffBusy = true
		e.emitLocked()
		e.s.staffT = e.cfg.Clock.AfterFunc(StaffPause-StaffBusyTime, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.s != nil && e.s.gen == gen && !e.s.staffAt.IsZero() {
				e.cancelCallLocked()
				e.emitLocked()
			}
		})
	})
	e.deps.Staff.Call(reason, s.step)
}

func (e *Engine) cancelCallLocked() {
	s := e.s
	if s.staffAt.IsZero() {
		return
	}
	if s.staffT != nil {
		s.staffT.Stop()
		s.staffT = nil
	}
	s.staffAt, s.staffBusy = time.Time{}, false
	left := s.left
	if left <= 0 {
		e.armLocked()
		return
	}
	s.deadline = e.cfg.Clock.Now().Add(left)
	gen, step := s.gen, s.step
	s.stepT = e.cfg.Clock.AfterFunc(left, func() { e.stepTimedOut(gen, step) })
}
