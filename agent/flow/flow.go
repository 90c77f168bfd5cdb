// Package flow is the "一证申请" application session as a state machine:
// the steps a person goes through at a kiosk (or a clerk at a counter, or a
// field worker on a home visit), what each step may show, its timeout, and
// the wipe of every personal datum when the session ends.
//
// The machine runs in the agent, not in the page: a page that reloads, or
// a webview that crashes and restarts, asks for the state and carries on
// where the person was. The page renders State.View, which holds exactly
// what its screen may show (ID numbers masked, the photo only where the
// step needs it), and sends actions (Act). Devices, the platform, the
// rules, the outbox and the documents are reached through the small
// interfaces in deps.go, so the machine is tested without any of them.
//
// Steps of an application: idle → read_card → confirm_identity →
// household → precheck → choose_items → sign_commitment →
// sign_authorization → submit → receipt → take_card → (wiped) idle. A
// progress query: idle → read_card → progress → take_card → idle.
package flow

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Step names a screen.
type Step string

// The steps.
const (
	StepIdle              Step = "idle"
	StepReadCard          Step = "read_card"
	StepConfirmIdentity   Step = "confirm_identity"
	StepHousehold         Step = "household"
	StepPrecheck          Step = "precheck"
	StepChooseItems       Step = "choose_items"
	StepSignCommitment    Step = "sign_commitment"
	StepSignAuthorization Step = "sign_authorization"
	StepSubmit            Step = "submit"
	StepReceipt           Step = "receipt"
	StepTakeCard          Step = "take_card"
	StepProgress          Step = "progress"
)

// Kinds of session.
const (
	KindApply    = "apply"
	KindProgress = "progress"
)

// Modes of the terminal.
const (
	ModeKiosk   = "kiosk"   // self-service
	ModeCounter = "counter" // a clerk drives the flow; the applicant signs on the pad
	ModeField   = "field"   // a field worker on a home visit, often offline
)

// Actions a page sends (flow-screens: data-action names).
const (
	ActNext       = "next"
	ActBack       = "back"
	ActExtend     = "extend"
	ActCancel     = "cancel"
	ActCallStaff  = "call-staff"
	ActCancelCall = "cancel-call"
	ActDispute    = "dispute"  // household: something is wrong; marks the case, never blocks
	ActToggle     = "toggle"   // choose_items: {"item"}
	ActAnswer     = "answer"   // sign_commitment: {"relatedToStaff": bool}
	ActClear      = "clear"    // sign steps: 重新签名
	ActAbsent     = "absent"   // sign_authorization: the current signer is not here
	ActPrint      = "print"    // progress: print it
	ActReprint    = "reprint"  // receipt: print again (once in kiosk mode)
	ActScreenSign = "screen"   // sign steps: sign on the screen instead of the pad
	ActPage       = "page"     // household: {"page"}
	ActConfirmID  = "verified" // counter/field: the clerk has compared the person with the photo
)

// Errors of Act and Start.
var (
	// ErrNoSession: an action with no session going on.
	ErrNoSession = errors.New("flow: no session is going on")
	// ErrBadAction: an action the current step does not take, or with
	// bad params.
	ErrBadAction = errors.New("flow: the step does not take this action")
	// ErrNotReady: the action cannot be taken yet (next before an item is
	// chosen, before the question is answered, while signing).
	ErrNotReady = errors.New("flow: not yet")
)

// Timeouts of the steps in kiosk mode (flow-screens §3); counter mode
// doubles them, field mode triples them.
var kioskTimeouts = map[Step]time.Duration{
	StepReadCard:          60 * time.Second,
	StepConfirmIdentity:   60 * time.Second,
	StepHousehold:         120 * time.Second,
	StepPrecheck:          120 * time.Second,
	StepChooseItems:       180 * time.Second,
	StepSignCommitment:    180 * time.Second,
	StepSignAuthorization: 180 * time.Second,
	StepSubmit:            120 * time.Second,
	StepReceipt:           60 * time.Second,
	StepTakeCard:          30 * time.Second,
	StepProgress:          120 * time.Second,
	StepUnlock:            60 * time.Second,
	StepHomeVisit:         300 * time.Second,
}

// Fixed times of the cross-cutting states.
const (
	WarningTime   = 30 * time.Second // the "您还在吗？" panel before a wipe
	WipedTime     = 5 * time.Second  // "已经结束，信息已清除" after a wipe
	StaffPause    = 5 * time.Minute  // timers pause this long while staff are called
	StaffBusyTime = 3 * time.Minute  // then "工作人员在忙，请到 N 号窗口"
	ReadFailLimit = 3                // read failures before staff are offered in large
)

// Config configures an Engine.
type Config struct {
	// Mode is kiosk, counter or field (default kiosk).
	Mode string
	// Window is the service window number people are sent to ("3").
	Window string
	// Office is the accepting office the receipt names
	// ("滕州市龙泉街道便民服务中心"); empty: none.
	Office string
	// Phone is the consultation number the receipt gives; empty: none.
	Phone string
	// Terminal names the kiosk in applications (the agent's ID).
	Terminal string
	// Timeouts override the kiosk timeouts per step (tests); the mode's
	// factor applies to them too.
	Timeouts map[Step]time.Duration
	// Clock is the engine's time (default the real one).
	Clock Clock
	Log   *slog.Logger
}

// Engine runs one session at a time: a kiosk has one screen and one
// person in front of it.
type Engine struct {
	cfg  Config
	deps Deps
	log  *slog.Logger

	mu      sync.Mutex
	s       *session // nil while idle
	gen     uint64   // bumped by every new session and every wipe
	wiped   bool     // showing "信息已清除"
	idleT   Timer    // ends the wiped notice
	onState []func(State)
	last    State

	// Field mode: the unlocked worker, wrong PINs in a row, the lockout,
	// and the idle lock's timer.
	worker       *worker
	pinFails     int
	pinLockUntil time.Time
	lockT        Timer
}

// New returns an engine in the idle step.
func New(cfg Config, deps Deps) *Engine {
	if cfg.Mode == "" {
		cfg.Mode = ModeKiosk
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{cfg: cfg, deps: deps.withDefaults(), log: cfg.Log}
	e.last = e.stateLocked()
	return e
}

// Subscribe adds f, called with every new state (under the engine's lock:
// f must not block or call the engine).
func (e *Engine) Subscribe(f func(State)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onState = append(e.onState, f)
}

// State is the current state.
func (e *Engine) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stateLocked()
}

// Mode is the engine's mode.
func (e *Engine) Mode() string { return e.cfg.Mode }

// timeout is a step's time in this mode.
func (e *Engine) timeout(st Step) time.Duration {
	d, ok := e.cfg.Timeouts[st]
	if !ok {
		d = kioskTimeouts[st]
	}
	switch e.cfg.Mode {
	case ModeCounter:
		d *= 2
	case ModeField:
		d *= 3
	}
	return d
}

// emitLocked tells the subscribers the state.
func (e *Engine) emitLocked() {
	st := e.stateLocked()
	e.last = st
	for _, f := range e.onState {
		f(st)
	}
}

// Start begins a session of kind (apply or progress), ending (and wiping)
// any session going on. It returns the new state.
func (e *Engine) Start(kind string) (State, error) {
	if kind != KindApply && kind != KindProgress {
		return State{}, errorsf(ErrBadAction, "kind must be apply or progress, not %q", kind)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.s != nil {
		e.wipeLocked("restart", false)
	}
	e.stopIdleTimer()
	if e.lockT != nil {
		e.lockT.Stop()
		e.lockT = nil
	}
	e.wiped = false
	e.gen++
	ctx, cancel := context.WithCancel(context.Background())
	e.s = &session{gen: e.gen, kind: kind, ctx: ctx, cancel: cancel, started: e.cfg.Clock.Now()}
	if e.needsUnlock() {
		e.enterLocked(StepUnlock)
	} else {
		e.enterLocked(StepReadCard)
	}
	return e.stateLocked(), nil
}

// Cancel ends the session and wipes it ("结束办理", "不是我").
func (e *Engine) Cancel() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.s != nil {
		e.wipeLocked("cancelled", true)
	}
	return e.stateLocked()
}

// Close ends any session (the agent stops): wiped, nothing shown.
func (e *Engine) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.s != nil {
		e.wipeLocked("agent stopping", false)
	}
	e.stopIdleTimer()
	if e.lockT != nil {
		e.lockT.Stop()
		e.lockT = nil
	}
	if e.worker != nil {
		*e.worker = worker{}
		e.worker = nil
	}
}

func (e *Engine) stopIdleTimer() {
	if e.idleT != nil {
		e.idleT.Stop()
		e.idleT = nil
	}
}

// wipeLocked ends the session: every async operation is cancelled, every
// personal datum overwritten and dropped, and the screen says so for
// WipedTime when notice is set.
func (e *Engine) wipeLocked(why string, notice bool) {
	s := e.s
	e.s = nil
	e.gen++
	s.stopTimers()
	s.cancel()
	s.wipe()
	e.log.Info("flow session ended and wiped", "why", why)
	e.wiped = notice
	e.stopIdleTimer()
	e.armIdleLockLocked()
	if notice {
		gen := e.gen
		e.idleT = e.cfg.Clock.AfterFunc(WipedTime, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.gen == gen && e.s == nil && e.wiped {
				e.wiped = false
				e.emitLocked()
			}
		})
	}
	e.emitLocked()
}

// errorsf wraps kind with a message.
func errorsf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: sprintf(format, args...)}
}

// Error is an Act or Start error: its Kind (ErrBadAction, ErrNotReady,
// ErrNoSession) and what was wrong.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Msg }

// Is matches the kind.
func (e *Error) Is(target error) bool { return target == e.Kind }
