package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// sendExpect sends a raw frame and checks that the one reply is an error
// with code and an id that is one of ids ("null" always allowed unless
// onlyNull).
func sendExpect(ctx context.Context, c *Conn, raw string, code int, wantID string, onlyNull bool) error {
	if err := c.Send([]byte(raw)); err != nil {
		return err
	}
	reply, err := c.NextReply(ctx, replyWait)
	if err != nil {
		return fmt.Errorf("%s: sent %s; no reply: %w", c.Name, clipS(raw), err)
	}
	r, err := parseResponse(reply)
	if err != nil {
		return fmt.Errorf("%s: sent %s; got %s, want one error response %d", c.Name, clipS(raw), clip(reply), code)
	}
	if err := wantError(r, code, ""); err != nil {
		return fmt.Errorf("%s: sent %s; %w", c.Name, clipS(raw), err)
	}
	id := string(r.ID)
	switch {
	case id == "null":
	case onlyNull || id != wantID:
		want := "null"
		if !onlyNull {
			want += " or " + wantID
		}
		return fmt.Errorf("%s: sent %s; got %s, want id %s", c.Name, clipS(raw), clip(reply), want)
	}
	return nil
}

// checkParseError: text that is not JSON is answered -32700 with id null,
// and the connection keeps serving.
func checkParseError(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	for _, raw := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"agent.hello"`,
		`{"jsonrpc":"2.0","id":2,`,
		`not json`,
		`[{"jsonrpc":"2.0","id":3,"method":"agent.hello"},`,
		``,
	} {
		if err := sendExpect(ctx, c, raw, protocol.CodeParseError, "", true); err != nil {
			return err
		}
	}
	return c.Alive(ctx)
}

// checkInvalidRequest: JSON that is not a request object is answered
// -32600, and the connection keeps serving.
func checkInvalidRequest(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	cases := []struct {
		raw, id  string
		onlyNull bool
	}{
		{`{"id":1,"method":"agent.hello"}`, "1", false},                     // no jsonrpc
		{`{"jsonrpc":"1.0","id":2,"method":"agent.hello"}`, "2", false},     // wrong version
		{`{"jsonrpc":2.0,"id":3,"method":"agent.hello"}`, "3", false},       // version a number
		{`{"jsonrpc":"2.0","id":4,"method":5}`, "4", false},                 // method not a string
		{`{"jsonrpc":"2.0","method":5}`, "", true},                          // method not a string, no id
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"agent.hello"}`, "", true}, // id an object
		{`{"jsonrpc":"2.0","id":[7],"method":"agent.hello"}`, "", true},     // id an array
		{`{"jsonrpc":"2.0","id":8}`, "8", false},                            // no method
		{`42`, "", true},
		{`"agent.hello"`, "", true},
		{`null`, "", true},
	}
	for _, tc := range cases {
		if err := sendExpect(ctx, c, tc.raw, protocol.CodeInvalidRequest, tc.id, tc.onlyNull); err != nil {
			return err
		}
	}
	return c.Alive(ctx)
}

// checkMethodNotFound: an unknown method is -32601; as a notification it
// gets no reply.
func checkMethodNotFound(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	for _, m := range []string{"no.such.method", "agent.Hello", "rpc.discover", "idcard.read.x"} {
		if _, err := c.ExpectError(ctx, m, nil, protocol.CodeMethodNotFound, ""); err != nil {
			return err
		}
	}
	raw := `{"jsonrpc":"2.0","method":"no.such.method","params":{}}`
	if err := c.Send([]byte(raw)); err != nil {
		return err
	}
	if err := c.Alive(ctx); err != nil {
		return err
	}
	return c.Quiet(ctx, quietWait, "the notification "+raw)
}

// checkInvalidParams: params of the wrong type, with an unknown field, or
// not an object are -32602 BAD_PARAMS naming the field, in words without
// Go type names.
func checkInvalidParams(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	cases := []struct {
		method string
		params any
		field  string // "" : not checked
	}{
		{protocol.MethodIDCardRead, map[string]any{"timeoutMs": "soon"}, "timeoutMs"},
		{protocol.MethodIDCardRead, map[string]any{"timeoutMs": 1.5}, "timeoutMs"},
		{protocol.MethodIDCardRead, map[string]any{"timeoutMs": -1}, "timeoutMs"},
		{protocol.MethodIDCardRead, map[string]any{"fingerprint": "yes"}, "fingerprint"},
		{protocol.MethodIDCardRead, map[string]any{"timeoutMs": 0, "colour": "red"}, "colour"},
		{protocol.MethodIDCardRead, []any{0, true}, ""},
		{protocol.MethodHello, map[string]any{"token": 5}, "token"},
		{protocol.MethodHello, map[string]any{"tokn": "x"}, "tokn"},
		{protocol.MethodDevicesList, map[string]any{"all": true}, "all"},
		{protocol.MethodHealthGet, map[string]any{"verbose": true}, "verbose"},
	}
	var errs []error
	for _, tc := range cases {
		r, err := c.ExpectError(ctx, tc.method, tc.params, protocol.CodeInvalidParams, protocol.ReasonBadParams)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if tc.field != "" && r.Error.Data.Field != tc.field {
			errs = append(errs, fmt.Errorf("%s: sent %s %s; got %s, want data.field %q", c.Name, tc.method, paramsText(tc.params), clip(r.Raw), tc.field))
		}
		if t := goTypeName(r.Error.Message); t != "" {
			errs = append(errs, fmt.Errorf("%s: sent %s %s; the message %q names Go internals (%q), want the protocol's words", c.Name, tc.method, paramsText(tc.params), r.Error.Message, t))
		}
	}
	// Params that are not structured at all: JSON-RPC calls the request
	// invalid, the protocol calls the params bad; either answer will do.
	raw := `{"jsonrpc":"2.0","id":"s","method":"idcard.read","params":"soon"}`
	c.Track("s", protocol.MethodIDCardRead)
	if err := c.Send([]byte(raw)); err != nil {
		return err
	}
	if r, err := c.awaitID(ctx, []byte(raw), `"s"`); err != nil {
		errs = append(errs, err)
	} else if wantError(r, protocol.CodeInvalidRequest, "") != nil && wantError(r, protocol.CodeInvalidParams, protocol.ReasonBadParams) != nil {
		errs = append(errs, fmt.Errorf("%s: sent %s; got %s, want error %d, or %d with data.reason %s", c.Name, raw, clip(r.Raw),
			protocol.CodeInvalidRequest, protocol.CodeInvalidParams, protocol.ReasonBadParams))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return c.Alive(ctx)
}

// checkNotifications: a notification (no id) is never answered: valid,
// with bad params, or of an unknown method.
func checkNotifications(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	sent := []string{
		`{"jsonrpc":"2.0","method":"devices.list"}`,
		`{"jsonrpc":"2.0","method":"agent.hello","params":{}}`,
		`{"jsonrpc":"2.0","method":"idcard.read","params":{"timeoutMs":"soon"}}`,
		`{"jsonrpc":"2.0","method":"no.such.method"}`,
	}
	for _, raw := range sent {
		if err := c.Send([]byte(raw)); err != nil {
			return err
		}
	}
	if err := c.Alive(ctx); err != nil {
		return err
	}
	return c.Quiet(ctx, quietWait, "the notifications "+strings.Join(sent, " "))
}

// batchReply sends a batch and returns the elements of the array that
// answers it.
func batchReply(ctx context.Context, c *Conn, raw string) ([]*Response, json.RawMessage, error) {
	if err := c.Send([]byte(raw)); err != nil {
		return nil, nil, err
	}
	reply, err := c.NextReply(ctx, replyWait)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: sent the batch %s; no reply: %w", c.Name, clipS(raw), err)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(reply, &elems); err != nil {
		return nil, reply, fmt.Errorf("%s: sent the batch %s; got %s, want an array of responses", c.Name, clipS(raw), clip(reply))
	}
	out := make([]*Response, 0, len(elems))
	for _, e := range elems {
		r, err := parseResponse(e)
		if err != nil {
			return nil, reply, fmt.Errorf("%s: sent the batch %s; reply element %w", c.Name, clipS(raw), err)
		}
		out = append(out, r)
	}
	return out, reply, nil
}

// checkBatch: a batch of 1–64 is answered by an array with one response
// per request (none for notifications); an empty batch and one of 65 are
// -32600; a batch of notifications gets no reply.
func checkBatch(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	mixed := `[{"jsonrpc":"2.0","id":"b1","method":"agent.hello"},` +
		`{"foo":"bar"},` +
		`{"jsonrpc":"2.0","id":"b3","method":"no.such.method"},` +
		`{"jsonrpc":"2.0","method":"devices.list"},` +
		`{"jsonrpc":"2.0","id":"b5","method":"idcard.read","params":{"timeoutMs":"soon"}},` +
		`7]`
	c.Track("b1", protocol.MethodHello)
	rs, reply, err := batchReply(ctx, c, mixed)
	if err != nil {
		return err
	}
	want := map[string]int{`"b1"`: 0, `"b3"`: protocol.CodeMethodNotFound, `"b5"`: protocol.CodeInvalidParams}
	nulls := 0
	for _, r := range rs {
		id := string(r.ID)
		if id == "null" {
			nulls++
			if r.Error == nil || r.Error.Code != protocol.CodeInvalidRequest {
				return fmt.Errorf("%s: sent the batch %s; got %s: an element with id null is not error %d", c.Name, mixed, clip(reply), protocol.CodeInvalidRequest)
			}
			continue
		}
		code, ok := want[id]
		if !ok {
			return fmt.Errorf("%s: sent the batch %s; got %s: id %s answered twice or never sent", c.Name, mixed, clip(reply), id)
		}
		delete(want, id)
		if (code == 0) != (r.Error == nil) || (r.Error != nil && r.Error.Code != code) {
			return fmt.Errorf("%s: sent the batch %s; got %s: the answer to %s should be %s", c.Name, mixed, clip(reply), id, codeText(code))
		}
	}
	if len(want) > 0 || nulls != 2 {
		return fmt.Errorf("%s: sent the batch %s; got %s, want 5 responses: b1 a result, b3 %d, b5 %d, two with id null %d (none for the notification)",
			c.Name, mixed, clip(reply), protocol.CodeMethodNotFound, protocol.CodeInvalidParams, protocol.CodeInvalidRequest)
	}

	one := `[{"jsonrpc":"2.0","id":"one","method":"devices.list"}]`
	c.Track("one", protocol.MethodDevicesList)
	rs, reply, err = batchReply(ctx, c, one)
	if err != nil {
		return err
	}
	if len(rs) != 1 || string(rs[0].ID) != `"one"` || rs[0].Error != nil {
		return fmt.Errorf("%s: sent the batch %s; got %s, want an array of one result", c.Name, one, clip(reply))
	}

	notes := `[{"jsonrpc":"2.0","method":"devices.list"},{"jsonrpc":"2.0","method":"no.such.method"}]`
	if err := c.Send([]byte(notes)); err != nil {
		return err
	}
	if err := c.Alive(ctx); err != nil {
		return err
	}
	if err := c.Quiet(ctx, quietWait, "the batch of notifications "+notes); err != nil {
		return err
	}

	if err := sendExpect(ctx, c, `[]`, protocol.CodeInvalidRequest, "", true); err != nil {
		return fmt.Errorf("an empty batch: %w", err)
	}

	var big strings.Builder
	big.WriteString("[")
	for i := range MaxBatch + 1 {
		if i > 0 {
			big.WriteString(",")
		}
		fmt.Fprintf(&big, `{"jsonrpc":"2.0","id":%d,"method":"agent.hello"}`, 1000+i)
	}
	big.WriteString("]")
	if err := sendExpect(ctx, c, big.String(), protocol.CodeInvalidRequest, "", true); err != nil {
		return fmt.Errorf("a batch of %d requests (the limit is %d): %w", MaxBatch+1, MaxBatch, err)
	}
	if err := c.Quiet(ctx, quietWait, "a batch over the limit and its error"); err != nil {
		return err
	}

	// MaxBatch requests are each answered, with a result or RATE_LIMITED.
	c2, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	big.Reset()
	big.WriteString("[")
	for i := range MaxBatch {
		if i > 0 {
			big.WriteString(",")
		}
		fmt.Fprintf(&big, `{"jsonrpc":"2.0","id":"m%d","method":"devices.list"}`, i)
		c2.Track(fmt.Sprintf("m%d", i), protocol.MethodDevicesList)
	}
	big.WriteString("]")
	rs, reply, err = batchReply(ctx, c2, big.String())
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, r := range rs {
		seen[string(r.ID)] = true
		if r.Error != nil && (r.Error.Data == nil || r.Error.Data.Reason != protocol.ReasonRateLimited) {
			return fmt.Errorf("%s: a batch of %d devices.list; got %s: an element is an error other than RATE_LIMITED", c2.Name, MaxBatch, clip(reply))
		}
	}
	if len(rs) != MaxBatch || len(seen) != MaxBatch {
		return fmt.Errorf("%s: a batch of %d devices.list; got %d responses with %d distinct ids, want %d: %s", c2.Name, MaxBatch, len(rs), len(seen), MaxBatch, clip(reply))
	}
	return nil
}

func codeText(code int) string {
	if code == 0 {
		return "a result"
	}
	return fmt.Sprintf("error %d", code)
}

// checkBinaryFrame: a binary frame is -32600, and the connection keeps
// serving.
func checkBinaryFrame(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	raw := `{"jsonrpc":"2.0","id":1,"method":"agent.hello"}`
	if err := c.SendBinary([]byte(raw)); err != nil {
		return err
	}
	reply, err := c.NextReply(ctx, replyWait)
	if err != nil {
		return fmt.Errorf("%s: sent %s as a binary frame; no reply: %w", c.Name, raw, err)
	}
	r, err := parseResponse(reply)
	if err != nil || wantError(r, protocol.CodeInvalidRequest, "") != nil || (string(r.ID) != "null" && string(r.ID) != "1") {
		return fmt.Errorf("%s: sent %s as a binary frame; got %s, want error %d", c.Name, raw, clip(reply), protocol.CodeInvalidRequest)
	}
	return c.Alive(ctx)
}

// checkResults: the results of agent.hello, devices.list and health.get
// match $defs.methods (as every result is checked when received), and
// health.get's is a health report.
func checkResults(ctx context.Context, env *Env) error {
	c, err := env.DialOwn(ctx)
	if err != nil {
		return err
	}
	var h protocol.Hello
	if err := c.Result(ctx, protocol.MethodHello, map[string]any{}, &h); err != nil {
		return err
	}
	if h.Protocol != protocol.Version {
		return fmt.Errorf("%s: agent.hello protocol %q, want %q", c.Name, h.Protocol, protocol.Version)
	}
	var devs []protocol.Device
	if err := c.Result(ctx, protocol.MethodDevicesList, map[string]any{}, &devs); err != nil {
		return err
	}
	r, err := c.Call(ctx, protocol.MethodHealthGet, nil)
	if err != nil {
		return err
	}
	if r.Error != nil {
		return fmt.Errorf("%s: health.get answered %s, want a health report", c.Name, clip(r.Raw))
	}
	if err := env.v.validateDef("healthReport", r.Result); err != nil {
		return fmt.Errorf("%s: health.get result %w", c.Name, err)
	}
	return nil
}
