package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// otherPort is a port that is not the agent's.
func (e *Env) otherPort() string {
	p, _ := strconv.Atoi(e.Port())
	if p == 65535 {
		return "65534"
	}
	return strconv.Itoa(p + 1)
}

// checkHostRule: every request whose Host is not a loopback IP literal or
// localhost with the agent's port is refused with 403, on every path, and
// the loopback names are served.
func checkHostRule(ctx context.Context, env *Env) error {
	port := env.Port()
	bad := []string{"evil.example:" + port, "localhost.evil.example:" + port, "127.0.0.1.evil.example:" + port,
		"localhost:" + env.otherPort()}
	var errs []error
	for _, host := range bad {
		for _, path := range []string{"/", "/ws", "/healthz"} {
			resp, body, err := env.HTTPGet(ctx, path, host, nil)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if resp.StatusCode != http.StatusForbidden {
				errs = append(errs, fmt.Errorf("GET %s with Host %s: HTTP %d %s, want 403 (DNS-rebinding guard)", path, host, resp.StatusCode, clipS(strings.TrimSpace(string(body)))))
			}
		}
	}
	host := "evil.example:" + port
	if st, err := env.DialStatus(ctx, DialOptions{Host: host}); err != nil {
		errs = append(errs, err)
	} else if st != http.StatusForbidden {
		errs = append(errs, fmt.Errorf("WebSocket upgrade at /ws with Host %s and no Origin: HTTP %d, want 403", host, st))
	}
	for _, host := range []string{env.Host(), "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port} {
		resp, body, err := env.HTTPGet(ctx, "/healthz", host, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable {
			errs = append(errs, fmt.Errorf("GET /healthz with Host %s (loopback, the agent's port): HTTP %d %s, want 200 or 503", host, resp.StatusCode, clipS(strings.TrimSpace(string(body)))))
		}
	}
	return errors.Join(errs...)
}

// checkSecurityHeaders: the agent's pages forbid framing and sniffing.
func checkSecurityHeaders(ctx context.Context, env *Env) error {
	resp, _, err := env.HTTPGet(ctx, "/", "", nil)
	if err != nil {
		return err
	}
	var errs []error
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(strings.ToLower(csp), "frame-ancestors 'none'") {
		errs = append(errs, fmt.Errorf("GET / (HTTP %d): Content-Security-Policy %q, want one with frame-ancestors 'none'", resp.StatusCode, csp))
	}
	if xc := resp.Header.Get("X-Content-Type-Options"); !strings.EqualFold(xc, "nosniff") {
		errs = append(errs, fmt.Errorf("GET / (HTTP %d): X-Content-Type-Options %q, want nosniff", resp.StatusCode, xc))
	}
	return errors.Join(errs...)
}

// checkHealthz: GET /healthz is a health report, 503 exactly when failing.
func checkHealthz(ctx context.Context, env *Env) error {
	resp, body, err := env.HTTPGet(ctx, "/healthz", "", nil)
	if err != nil {
		return err
	}
	if err := env.v.validateDef("healthReport", body); err != nil {
		return fmt.Errorf("GET /healthz (HTTP %d): body %w", resp.StatusCode, err)
	}
	var rep protocol.HealthReport
	json.Unmarshal(body, &rep)
	want := http.StatusOK
	if rep.Status == "failing" {
		want = http.StatusServiceUnavailable
	}
	if resp.StatusCode != want {
		return fmt.Errorf("GET /healthz: HTTP %d with status %q, want HTTP %d", resp.StatusCode, rep.Status, want)
	}
	return nil
}

// checkUnpairedOrigin: a page of an origin nobody paired is refused at the
// upgrade with 403.
func checkUnpairedOrigin(ctx context.Context, env *Env) error {
	port := env.Port()
	origins := []string{"https://evil.example", "null", "http://evil.example:" + port,
		"http://127.0.0.1:" + env.otherPort(), "https://" + env.Host(), "http://" + env.Host() + ".evil.example"}
	if o := env.cfg.PairedOrigin; o != "" {
		if u, err := url.Parse(o); err == nil {
			if u.Scheme == "https" {
				u.Scheme = "http"
			} else {
				u.Scheme = "https"
			}
			origins = append(origins, u.String())
		}
	}
	var errs []error
	for _, o := range origins {
		st, err := env.DialStatus(ctx, DialOptions{Origin: o})
		if err != nil {
			errs = append(errs, err)
		} else if st != http.StatusForbidden {
			errs = append(errs, fmt.Errorf("WebSocket upgrade with Origin %q (not paired): HTTP %d, want 403", o, st))
		}
	}
	return errors.Join(errs...)
}

// wantAccess checks a hello's access.
func wantAccess(who string, h *protocol.Hello, kind, origin string, authorized bool) error {
	a := h.Access
	if a.Kind != kind || a.Origin != origin || a.Authorized != authorized {
		return fmt.Errorf("%s: agent.hello answered access {kind %q, origin %q, authorized %v}, want {kind %q, origin %q, authorized %v}",
			who, a.Kind, a.Origin, a.Authorized, kind, origin, authorized)
	}
	return nil
}

// checkOwnOrigin: the agent's own pages are authorized at once with every
// card field, under each loopback name.
func checkOwnOrigin(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	if err := c.Result(ctx, protocol.MethodDevicesList, nil, nil); err != nil {
		return fmt.Errorf("before agent.hello: %w", err)
	}
	h, err := c.Hello(ctx, "")
	if err != nil {
		return err
	}
	if err := wantAccess(c.Name, h, protocol.AccessOwn, env.OwnOrigin(), true); err != nil {
		return err
	}
	got := slices.Sorted(slices.Values(h.Access.Fields))
	want := slices.Sorted(slices.Values(protocol.CardFields()))
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s: agent.hello access.fields %v, want every card field %v", c.Name, h.Access.Fields, want)
	}
	host := "localhost:" + env.Port()
	if host != env.Host() {
		c2, err := env.Dial(ctx, DialOptions{Name: "own-origin client as localhost", Host: host, Origin: "http://" + host})
		if err != nil {
			return err
		}
		h, err := c2.Hello(ctx, "")
		if err != nil {
			return err
		}
		if err := wantAccess(c2.Name, h, protocol.AccessOwn, "http://"+host, true); err != nil {
			return err
		}
	}
	return nil
}

// checkDNSRebinding: a page of evil.example whose name now resolves to
// 127.0.0.1 sends Host and Origin both evil.example:PORT; it is refused.
func checkDNSRebinding(ctx context.Context, env *Env) error {
	host := "evil.example:" + env.Port()
	var errs []error
	for _, o := range []DialOptions{
		{Host: host, Origin: "http://" + host},
		{Host: "localhost:" + env.Port(), Origin: "http://" + host},
		{Host: host, Origin: env.OwnOrigin()},
	} {
		st, err := env.DialStatus(ctx, o)
		if err != nil {
			errs = append(errs, err)
		} else if st != http.StatusForbidden {
			errs = append(errs, fmt.Errorf("WebSocket upgrade with %s: HTTP %d, want 403", o.describe(), st))
		}
	}
	return errors.Join(errs...)
}

// checkNative: a client without Origin is authorized at once only where the
// agent allows native clients; elsewhere it presents a token.
func checkNative(ctx context.Context, env *Env) error {
	c, err := env.Dial(ctx, DialOptions{Name: "native client"})
	if err != nil {
		return err
	}
	if env.cfg.NativeAllowed {
		h, err := c.Hello(ctx, "")
		if err != nil {
			return err
		}
		if err := wantAccess(c.Name, h, protocol.AccessNative, "", true); err != nil {
			return fmt.Errorf("%w (the Config says native clients are allowed)", err)
		}
		return c.Result(ctx, protocol.MethodDevicesList, nil, nil)
	}
	if err := unauthorized(ctx, c); err != nil {
		return fmt.Errorf("%w (the Config says native clients are not allowed)", err)
	}
	h, err := c.Hello(ctx, "")
	if err != nil {
		return err
	}
	if err := wantAccess(c.Name, h, protocol.AccessNone, "", false); err != nil {
		return err
	}
	if _, err := c.ExpectError(ctx, protocol.MethodHello, map[string]any{"token": "wrong-" + env.cfg.NativeToken + "x"}, protocol.ReasonUnauthorized.Code(), protocol.ReasonUnauthorized); err != nil {
		return fmt.Errorf("a wrong token: %w", err)
	}
	if env.cfg.NativeToken == "" {
		env.Logf("no native token in the Config: a native client presenting its token was not tried")
		return nil
	}
	h, err = c.Hello(ctx, env.cfg.NativeToken)
	if err != nil {
		return err
	}
	if err := wantAccess(c.Name+" with its token", h, protocol.AccessPaired, "", true); err != nil {
		return err
	}
	return c.Result(ctx, protocol.MethodDevicesList, nil, nil)
}

// unauthorized checks that c, not authorized, gets UNAUTHORIZED for every
// method but agent.hello.
func unauthorized(ctx context.Context, c *Conn) error {
	calls := []struct {
		method string
		params any
	}{
		{protocol.MethodDevicesList, nil},
		{protocol.MethodHealthGet, map[string]any{}},
		{protocol.MethodIDCardRead, map[string]any{"timeoutMs": 0}},
		{protocol.MethodSimRemoveCard, nil},
	}
	var errs []error
	for _, call := range calls {
		if _, err := c.ExpectError(ctx, call.method, call.params, protocol.ReasonUnauthorized.Code(), protocol.ReasonUnauthorized); err != nil {
			errs = append(errs, fmt.Errorf("before authorization: %w", err))
		}
	}
	return errors.Join(errs...)
}

func needPairedOrigin(env *Env) error {
	if env.cfg.PairedOrigin == "" {
		return skip("no paired origin in the Config (--paired-origin)")
	}
	return nil
}

func needToken(env *Env) error {
	if env.cfg.PairedOrigin == "" || env.cfg.Token == "" {
		return skip("no paired origin with its token in the Config (--paired-origin, --token)")
	}
	return nil
}

// checkBeforeHello: a paired page is upgraded but may call nothing but
// agent.hello, and receives no events, until it presents its token.
func checkBeforeHello(ctx context.Context, env *Env) error {
	if err := needPairedOrigin(env); err != nil {
		return err
	}
	c, _, err := env.DialPaired(ctx, false)
	if err != nil {
		return err
	}
	if err := unauthorized(ctx, c); err != nil {
		return err
	}
	h, err := c.Hello(ctx, "")
	if err != nil {
		return err
	}
	if err := wantAccess(c.Name+" (agent.hello without a token)", h, protocol.AccessNone, env.cfg.PairedOrigin, false); err != nil {
		return err
	}
	if !env.cfg.Simulated {
		env.Logf("not simulated: that an unauthorized client receives no events was not tried")
		return nil
	}
	own, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	if _, err := placeSample(ctx, own); err != nil {
		return err
	}
	defer removeCard(ctx, own)
	if err := c.Silent(ctx, quietWait*2, "a card was placed (the own-origin client got idcard.inserted)"); err != nil {
		return fmt.Errorf("an unauthorized client received an event: %w", err)
	}
	return nil
}

// checkWrongToken: a wrong token is UNAUTHORIZED and leaves the client
// unauthorized.
func checkWrongToken(ctx context.Context, env *Env) error {
	if err := needPairedOrigin(env); err != nil {
		return err
	}
	c, _, err := env.DialPaired(ctx, false)
	if err != nil {
		return err
	}
	for _, tok := range []string{"wrong-token", env.cfg.Token + "x", strings.ToUpper(env.cfg.Token) + "-"} {
		if _, err := c.ExpectError(ctx, protocol.MethodHello, map[string]any{"token": tok}, protocol.ReasonUnauthorized.Code(), protocol.ReasonUnauthorized); err != nil {
			return err
		}
	}
	return unauthorized(ctx, c)
}

// checkRightToken: the pairing token authorizes the paired page.
func checkRightToken(ctx context.Context, env *Env) error {
	if err := needToken(env); err != nil {
		return err
	}
	c, h, err := env.DialPaired(ctx, true)
	if err != nil {
		return err
	}
	if err := wantAccess(c.Name, h, protocol.AccessPaired, env.cfg.PairedOrigin, true); err != nil {
		return err
	}
	if err := c.Result(ctx, protocol.MethodDevicesList, nil, nil); err != nil {
		return fmt.Errorf("after agent.hello with the token: %w", err)
	}
	return c.Result(ctx, protocol.MethodHealthGet, nil, nil)
}

// checkTokenOtherOrigin: a token is bound to its origin.
func checkTokenOtherOrigin(ctx context.Context, env *Env) error {
	if err := needToken(env); err != nil {
		return err
	}
	tried := 0
	if o := env.cfg.OtherPairedOrigin; o != "" {
		c, err := env.Dial(ctx, DialOptions{Name: "paired client (" + o + ")", Origin: o})
		if err != nil {
			return err
		}
		if _, err := c.ExpectError(ctx, protocol.MethodHello, map[string]any{"token": env.cfg.Token}, protocol.ReasonUnauthorized.Code(), protocol.ReasonUnauthorized); err != nil {
			return fmt.Errorf("the token of %s presented from %s: %w", env.cfg.PairedOrigin, o, err)
		}
		if err := unauthorized(ctx, c); err != nil {
			return err
		}
		tried++
	}
	if !env.cfg.NativeAllowed {
		c, err := env.Dial(ctx, DialOptions{Name: "native client"})
		if err != nil {
			return err
		}
		if _, err := c.ExpectError(ctx, protocol.MethodHello, map[string]any{"token": env.cfg.Token}, protocol.ReasonUnauthorized.Code(), protocol.ReasonUnauthorized); err != nil {
			return fmt.Errorf("the token of %s presented by a native client: %w", env.cfg.PairedOrigin, err)
		}
		if err := unauthorized(ctx, c); err != nil {
			return err
		}
		tried++
	}
	if tried == 0 {
		return skip("needs a second paired origin (--other-paired-origin) or an agent that does not allow native clients")
	}
	return nil
}
