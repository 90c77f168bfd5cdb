package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// CheckTimeout bounds one check.
const CheckTimeout = 20 * time.Second

// Check is one conformance check. Run returns nil when the agent behaves,
// an error saying what was sent, what came back and what was expected when
// it does not, or a *SkipError when the Config says a prerequisite is
// absent. The Run of a check from Checks closes the connections it opened
// and adds every schema violation seen on them to its error.
type Check struct {
	Name string
	Run  func(ctx context.Context, env *Env) error
}

// SkipError is returned by a check that was not run, saying why.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// skip returns a *SkipError.
func skip(format string, args ...any) error { return &SkipError{Reason: fmt.Sprintf(format, args...)} }

// IsSkip reports whether err says a check was skipped, and why.
func IsSkip(err error) (reason string, ok bool) {
	var s *SkipError
	if errors.As(err, &s) {
		return s.Reason, true
	}
	return "", false
}

// Checks returns every check, in the order they are best run (the ones
// that load the agent last).
func Checks() []Check {
	list := []Check{
		{"http/host-rule", checkHostRule},
		{"http/security-headers", checkSecurityHeaders},
		{"http/healthz", checkHealthz},
		{"origin/unpaired-refused", checkUnpairedOrigin},
		{"origin/own-authorized", checkOwnOrigin},
		{"origin/dns-rebinding", checkDNSRebinding},
		{"native/admission", checkNative},
		{"token/unauthorized-before-hello", checkBeforeHello},
		{"token/wrong-token", checkWrongToken},
		{"token/right-token", checkRightToken},
		{"token/other-origin", checkTokenOtherOrigin},
		{"jsonrpc/parse-error", checkParseError},
		{"jsonrpc/invalid-request", checkInvalidRequest},
		{"jsonrpc/method-not-found", checkMethodNotFound},
		{"jsonrpc/invalid-params", checkInvalidParams},
		{"jsonrpc/notifications", checkNotifications},
		{"jsonrpc/batch", checkBatch},
		{"jsonrpc/binary-frame", checkBinaryFrame},
		{"methods/results", checkResults},
		{"sim/methods", checkSimMethods},
		{"card/own-full", checkOwnCard},
		{"card/paired-fields", checkPairedFields},
		{"conn/reconnect", checkReconnect},
		{"limits/oversized-message", checkOversized},
		{"limits/rate", checkRate},
		{"limits/max-clients", checkMaxClients},
		{"limits/slow-reader", checkSlowReader},
	}
	for i := range list {
		list[i].Run = scoped(list[i].Run)
	}
	return list
}

// scoped runs f with its own connections and adds their schema violations
// to its result.
func scoped(f func(context.Context, *Env) error) func(context.Context, *Env) error {
	return func(ctx context.Context, env *Env) error {
		s := env.scope()
		err := f(ctx, s)
		verr := s.closeAll()
		if verr == nil {
			return err
		}
		if _, ok := IsSkip(err); ok {
			err = nil
		}
		if err == nil {
			return fmt.Errorf("messages that do not match the protocol:\n%w", verr)
		}
		return fmt.Errorf("%w\nand messages that do not match the protocol:\n%w", err, verr)
	}
}

// Run runs every check against the agent cfg describes, each as a subtest
// of t; a check skipped for a missing prerequisite says why in its log.
func Run(t *testing.T, cfg Config) {
	t.Helper()
	env, err := NewEnv(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Checks() {
		t.Run(c.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), CheckTimeout)
			defer cancel()
			err := c.Run(ctx, env.WithLog(t.Logf))
			if reason, ok := IsSkip(err); ok {
				t.Skip("not run: " + reason)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
}
