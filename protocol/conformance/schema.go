package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// schemaID is protocol.Schema's $id.
const schemaID = "urn:kiosk-agent:protocol:1"

// validator checks messages against protocol.Schema: every message against
// $defs/response or $defs/notification, a response's result
// against its method's result in $defs.methods, and an error's code
// against its reason.
type validator struct {
	defs    map[string]*jsonschema.Schema // by $defs name
	results map[string]*jsonschema.Schema // by method
	resultD map[string]string             // method → result def name
}

// newValidator compiles protocol.Schema, asserting formats (date-time) and
// content encodings (base64).
func newValidator() (*validator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(protocol.Schema))
	if err != nil {
		return nil, fmt.Errorf("conformance: protocol.Schema is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.AssertContent()
	if err := c.AddResource(schemaID, doc); err != nil {
		return nil, fmt.Errorf("conformance: protocol.Schema: %w", err)
	}
	v := &validator{defs: map[string]*jsonschema.Schema{}, results: map[string]*jsonschema.Schema{}, resultD: map[string]string{}}
	if _, err = c.Compile(schemaID); err != nil {
		return nil, fmt.Errorf("conformance: protocol.Schema: %w", err)
	}
	table, err := MethodTable()
	if err != nil {
		return nil, err
	}
	for _, m := range protocol.Methods() {
		e, ok := table[m]
		if !ok {
			return nil, fmt.Errorf("conformance: protocol.Schema's $defs.methods has no entry for %s", m)
		}
		name, ok := strings.CutPrefix(e.Result, "#/$defs/")
		if !ok {
			return nil, fmt.Errorf("conformance: $defs.methods[%s].result %q is not #/$defs/NAME", m, e.Result)
		}
		s, err := c.Compile(schemaID + e.Result)
		if err != nil {
			return nil, fmt.Errorf("conformance: $defs.methods[%s].result: %w", m, err)
		}
		v.results[m], v.resultD[m] = s, name
	}
	for _, d := range []string{"healthReport", "hello", "card", "access", "response", "notification"} {
		s, err := c.Compile(schemaID + "#/$defs/" + d)
		if err != nil {
			return nil, fmt.Errorf("conformance: $defs.%s: %w", d, err)
		}
		v.defs[d] = s
	}
	return v, nil
}

// MethodEntry is one row of protocol.Schema's $defs.methods: JSON pointers
// (#/$defs/NAME) to a method's params and result.
type MethodEntry struct {
	Params string `json:"params"`
	Result string `json:"result"`
}

// MethodTable returns protocol.Schema's $defs.methods table, by method.
func MethodTable() (map[string]MethodEntry, error) {
	var s struct {
		Defs struct {
			Methods struct {
				Const map[string]MethodEntry `json:"const"`
			} `json:"methods"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(protocol.Schema, &s); err != nil {
		return nil, fmt.Errorf("conformance: protocol.Schema: %w", err)
	}
	if len(s.Defs.Methods.Const) == 0 {
		return nil, errors.New("conformance: protocol.Schema has no $defs.methods.const table")
	}
	return s.Defs.Methods.Const, nil
}

// validateDef checks raw against $defs[def] (one of those compiled).
func (v *validator) validateDef(def string, raw []byte) error {
	s, ok := v.defs[def]
	if !ok {
		return fmt.Errorf("conformance: $defs.%s not compiled", def)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not JSON: %v: %s", err, clip(raw))
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("does not match $defs/%s: %s\n%v", def, clip(raw), err)
	}
	return nil
}

// message validates one text message the agent sent. methodOf returns the
// method of the request whose id (raw JSON) is given, or "".
func (v *validator) message(raw []byte, methodOf func(id string) string) []error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return []error{fmt.Errorf("the agent sent a text frame that is not JSON (%v): %s", err, clip(raw))}
	}
	if arr, ok := inst.([]any); ok {
		if len(arr) == 0 {
			return []error{errors.New("the agent sent an empty array")}
		}
		var errs []error
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return []error{fmt.Errorf("batch reply: %v", err)}
		}
		for i, e := range elems {
			for _, err := range v.one(e, arr[i], methodOf) {
				errs = append(errs, fmt.Errorf("batch reply element %d: %w", i, err))
			}
		}
		return errs
	}
	return v.one(raw, inst, methodOf)
}

// one validates a single message of the agent: a notification against
// $defs/notification, anything else against $defs/response. (Not against
// the schema's root: its oneOf of request, response and notification
// cannot hold for a notification, which is also a request by the schema's
// request definition.)
func (v *validator) one(raw []byte, inst any, methodOf func(string) string) []error {
	def := "response"
	if obj, ok := inst.(map[string]any); ok {
		if _, ok := obj["method"]; ok {
			def = "notification"
		}
	}
	if err := v.defs[def].Validate(inst); err != nil {
		return []error{fmt.Errorf("message does not match protocol.Schema's $defs/%s: %s\n%v", def, clip(raw), err)}
	}
	var m struct {
		ID     json.RawMessage  `json:"id"`
		Method *string          `json:"method"`
		Result json.RawMessage  `json:"result"`
		Error  *json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return []error{fmt.Errorf("message %s: %v", clip(raw), err)}
	}
	var errs []error
	if m.Method != nil && len(m.ID) > 0 {
		errs = append(errs, fmt.Errorf("the agent sent a request (method and id), not a response or notification: %s", clip(raw)))
	}
	if m.Error != nil {
		errs = append(errs, checkErrorObject(*m.Error)...)
	}
	if m.Result != nil && methodOf != nil {
		if meth := methodOf(string(m.ID)); meth != "" {
			if s := v.results[meth]; s != nil {
				ri, _ := jsonschema.UnmarshalJSON(bytes.NewReader(m.Result))
				if err := s.Validate(ri); err != nil {
					errs = append(errs, fmt.Errorf("result of %s does not match $defs/%s: %s\n%v", meth, v.resultD[meth], clip(raw), err))
				}
			}
		}
	}
	return errs
}

// checkErrorObject checks what the schema cannot: an error's code is its
// reason's, and its message names no Go types.
func checkErrorObject(raw json.RawMessage) []error {
	var e protocol.Error
	if err := json.Unmarshal(raw, &e); err != nil {
		return []error{fmt.Errorf("error object %s: %v", clip(raw), err)}
	}
	var errs []error
	if e.Data != nil && e.Data.Reason != "" {
		if want := e.Data.Reason.Code(); e.Code != want {
			errs = append(errs, fmt.Errorf("error %s: reason %s has code %d, not %d", clip(raw), e.Data.Reason, want, e.Code))
		}
	}
	if e.Data == nil && e.Code > -32100 && e.Code < -32000 {
		errs = append(errs, fmt.Errorf("error %s: application error code %d without data.reason", clip(raw), e.Code))
	}
	if e.Code == protocol.CodeInvalidParams && (e.Data == nil || e.Data.Reason != protocol.ReasonBadParams) {
		errs = append(errs, fmt.Errorf("error %s: invalid params (%d) without data.reason %s", clip(raw), e.Code, protocol.ReasonBadParams))
	}
	if t := goTypeName(e.Message); t != "" {
		errs = append(errs, fmt.Errorf("error message %q names a Go type or Go internals (%q)", e.Message, t))
	}
	return errs
}

// goTypeRE matches what a Go decoder's error text has and the protocol's
// words never have: Go type and kind names, struct tags, package-qualified
// names.
var goTypeRE = regexp.MustCompile(`\bGo (struct|value|type)\b|\bstruct\b|\bu?int(8|16|32|64)?\b|\bfloat(32|64)\b|` +
	`\bcomplex(64|128)\b|\buintptr\b|\bjson:|\bjson\.|\bmap\[|\[\][a-z*]|\binterface ?\{|\breflect\b|\*?\bprotocol\.[A-Z]|\bunmarshal\b|\bUnmarshal`)

// goTypeName returns the first Go-ism in s, or "".
func goTypeName(s string) string { return goTypeRE.FindString(s) }

// clip shortens a message for an error text.
func clip(b []byte) string {
	const max = 600
	if len(b) <= max {
		return string(b)
	}
	return string(b[:max]) + fmt.Sprintf("… (%d bytes)", len(b))
}

// clipS is clip for strings.
func clipS(s string) string { return clip([]byte(s)) }

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
