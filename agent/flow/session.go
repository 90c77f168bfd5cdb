package flow

import (
	"context"
	"fmt"
	"time"

	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

var sprintf = fmt.Sprintf

// session is one person's time at the kiosk. Everything personal in it is
// overwritten by wipe.
type session struct {
	gen     uint64
	kind    string
	step    Step
	ctx     context.Context // ends at the wipe: every async operation stops
	cancel  context.CancelFunc
	started time.Time

	// Timers: the step's, the warning's; the staff call pauses them.
	deadline  time.Time
	warnUntil time.Time
	stepT     Timer
	warnT     Timer
	left      time.Duration // the step's time left while paused
	staffAt   time.Time     // when staff were called; zero: not called
	staffT    Timer
	staffBusy bool

	// read_card
	card         *samv.Card
	photoPNG     []byte
	reading      bool
	readFailures int
	readProblem  string // "replace", "failed", "reader"
	problem      string // "expired", "permit": the card cannot go on here
	verified     bool   // counter/field: the clerk has compared the person with the photo

	// household, precheck
	household  *platform.Household
	hhStatus   string // "loading", "found", "none", "offline"
	hhPage     int
	disputed   bool
	hints      []platform.PrecheckResult
	selected   map[string]bool
	hintedSeen bool // items pre-selected once

	// sign steps
	related    *bool // the staff-relative question
	commitment *signature
	commitDoc  []byte // the document signed
	authDoc    []byte
	// The documents' full texts as the screen shows them (masked), for
	// 查看全文.
	commitText, authText []string
	signers              []*signer
	cur                  int
	sign                 *capture // the capture going on
	signProblem          string   // "empty", "pad": what the screen says about signing
	source               string   // "pad" or "screen"

	// The texts' times: a signed copy is dated as the text that was
	// signed, so that it renders to the same text.
	commitAt, authAt time.Time

	// submit, receipt
	appKey     string // the idempotency key, the same on every retry of this content
	submitting bool
	submitErr  string
	submitted  *Submitted
	deadlineOn time.Time // the promised date
	printing   string    // "", "printing", "printed", "failed"
	reprints   int

	// progress
	progress   []platform.Progress
	progStatus string // "loading", "found", "none", "offline"

	// take_card
	cardPresent  bool
	cardLeftSent bool
	printAlerted bool // the counter was told this session's receipt did not print

	// counter: the clerk's notes
	clerkNotes string

	// field: unlock (the worker's card is s.card until the PIN holds),
	// home_visit
	unlockProblem string
	checking      bool
	visitNotes    string
	visitDoc      []byte
	visitSig      *signature
}

// signature is one signature taken.
type signature struct {
	bundle []byte
	sha    string
	png    []byte
	at     time.Time
}

// signer is someone who signs the authorization.
type signer struct {
	memberID, name, relation, idNumber string
	sig                                *signature
	absent                             bool
}

// capture is a signature capture the engine runs.
type capture struct {
	gen    uint64 // the session's
	seq    int    // which capture of the session
	cancel context.CancelFunc
	inked  bool
	source string
}

func (s *session) stopTimers() {
	for _, t := range []Timer{s.stepT, s.warnT, s.staffT} {
		if t != nil {
			t.Stop()
		}
	}
	s.stepT, s.warnT, s.staffT = nil, nil, nil
}

// wipe overwrites and drops every personal datum of the session.
func (s *session) wipe() {
	if s.sign != nil {
		s.sign.cancel()
	}
	s.card.Wipe()
	s.card = nil
	clear(s.photoPNG)
	s.photoPNG = nil
	if h := s.household; h != nil {
		for i := range h.Members {
			h.Members[i] = platform.Member{}
		}
		*h = platform.Household{}
	}
	s.household = nil
	s.hints = nil
	s.selected = nil
	if s.commitment != nil {
		s.commitment.wipe()
	}
	s.commitment = nil
	clear(s.commitDoc)
	clear(s.authDoc)
	s.commitDoc, s.authDoc = nil, nil
	clear(s.commitText)
	clear(s.authText)
	s.commitText, s.authText = nil, nil
	for _, g := range s.signers {
		if g.sig != nil {
			g.sig.wipe()
		}
		*g = signer{}
	}
	s.signers = nil
	s.submitted = nil
	s.progress = nil
	s.visitNotes, s.clerkNotes = "", ""
	clear(s.visitDoc)
	s.visitDoc = nil
	if s.visitSig != nil {
		s.visitSig.wipe()
	}
	s.visitSig = nil
}

func (g *signature) wipe() {
	clear(g.bundle)
	clear(g.png)
	*g = signature{}
}

// applicant is the person who applies, from the card.
func (s *session) applicant() platform.Person {
	if s.card == nil {
		return platform.Person{}
	}
	return platform.Person{Name: s.card.Name, IDNumber: s.card.IDNumber}
}

// items are the chosen items, in the kiosk's order.
func (s *session) items(all []ItemInfo) []string {
	var out []string
	for _, it := range all {
		if s.selected[it.Code] {
			out = append(out, it.Code)
		}
	}
	return out
}
