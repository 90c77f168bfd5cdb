// Package contract checks bytes against the platform's wire contract
// (platform.OpenAPI, OpenAPI 3.1, whose schemas are JSON Schema 2020-12):
// a request body against its operation, a response against its operation
// and status, a value against a named schema.
//
// Its error messages name where a value is wrong and which keyword it
// breaks, never the value: bodies hold ID numbers and names.
package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// ErrInvalid is wrapped by every error that says bytes break the contract.
var ErrInvalid = errors.New("contract: not as the contract says")

// ErrNoOperation is wrapped when a method and path are no operation of the
// contract.
var ErrNoOperation = errors.New("contract: no such operation")

// docURL is where the contract's schemas are compiled from.
const docURL = "urn:kiosk-agent:platform:openapi"

const schemaPrefix = "#/components/schemas/"

// Contract is the compiled contract. It is safe for concurrent use.
type Contract struct {
	schemas map[string]*jsonschema.Schema // by components/schemas name
	ops     []*operation
}

type operation struct {
	method   string
	path     string   // the template, /v1/evidence/{idempotencyKey}/{sha256}
	segments []string // path split at /
	params   map[string]string
	request  map[string]string            // media type → schema name
	response map[string]map[string]string // status ("200", "default") → media type → schema name
}

// openAPIDoc is the part of the document the checks use.
type openAPIDoc struct {
	// Paths map a path to its methods and "parameters" (the path-level
	// ones).
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas   map[string]json.RawMessage `json:"schemas"`
		Responses map[string]struct {
			Content map[string]mediaType `json:"content"`
		} `json:"responses"`
	} `json:"components"`
}

type operationDoc struct {
	Parameters  []parameter `json:"parameters"`
	RequestBody *struct {
		Content map[string]mediaType `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Ref     string               `json:"$ref"`
		Content map[string]mediaType `json:"content"`
	} `json:"responses"`
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type parameter struct {
	Name   string `json:"name"`
	In     string `json:"in"`
	Schema struct {
		Ref string `json:"$ref"`
	} `json:"schema"`
}

type mediaType struct {
	Schema struct {
		Ref string `json:"$ref"`
	} `json:"schema"`
}

// Load compiles platform.OpenAPI. Every schema an operation uses must be a
// $ref to components/schemas.
func Load() (*Contract, error) {
	return Compile(platform.OpenAPI)
}

// Compile compiles an OpenAPI 3.1 document in YAML (or JSON).
func Compile(yamlDoc []byte) (*Contract, error) {
	var tree any
	if err := yaml.Unmarshal(yamlDoc, &tree); err != nil {
		return nil, fmt.Errorf("contract: the document is not YAML: %w", err)
	}
	js, err := json.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("contract: the document is not JSON-like (a non-string key?): %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, fmt.Errorf("contract: the document's shape: %w", err)
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	if err := comp.AddResource(docURL, inst); err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	c := &Contract{schemas: map[string]*jsonschema.Schema{}}
	for name := range doc.Components.Schemas {
		s, err := comp.Compile(docURL + schemaPrefix + name)
		if err != nil {
			return nil, fmt.Errorf("contract: schema %s: %w", name, err)
		}
		c.schemas[name] = s
	}
	ref := func(where, r string) (string, error) {
		name, ok := strings.CutPrefix(r, schemaPrefix)
		if !ok || c.schemas[name] == nil {
			return "", fmt.Errorf("contract: %s: schema %q is not a $ref to components/schemas", where, r)
		}
		return name, nil
	}
	for path, item := range doc.Paths {
		var pathParams []parameter
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &pathParams); err != nil {
				return nil, fmt.Errorf("contract: %s parameters: %w", path, err)
			}
		}
		for _, method := range methods {
			raw, ok := item[method]
			if !ok {
				continue
			}
			var op operationDoc
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("contract: %s %s: %w", method, path, err)
			}
			o := &operation{
				method: strings.ToUpper(method), path: path, segments: strings.Split(path, "/"),
				params: map[string]string{}, request: map[string]string{}, response: map[string]map[string]string{},
			}
			where := strings.ToUpper(method) + " " + path
			for _, p := range append(pathParams, op.Parameters...) {
				if p.In != "path" {
					return nil, fmt.Errorf("contract: %s: parameter %s is in %s: only path parameters are supported", where, p.Name, p.In)
				}
				if o.params[p.Name], err = ref(where, p.Schema.Ref); err != nil {
					return nil, err
				}
			}
			if op.RequestBody != nil {
				for mt, m := range op.RequestBody.Content {
					if o.request[mt], err = ref(where+" request "+mt, m.Schema.Ref); err != nil {
						return nil, err
					}
				}
			}
			for status, r := range op.Responses {
				content := r.Content
				if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
					cr, ok := doc.Components.Responses[name]
					if !ok {
						return nil, fmt.Errorf("contract: %s: no response %s", where, r.Ref)
					}
					content = cr.Content
				}
				o.response[status] = map[string]string{}
				for mt, m := range content {
					if o.response[status][mt], err = ref(where+" "+status+" "+mt, m.Schema.Ref); err != nil {
						return nil, err
					}
				}
			}
			c.ops = append(c.ops, o)
		}
	}
	// Templates with fewer parameters first, so a literal path wins.
	sort.Slice(c.ops, func(i, j int) bool {
		return strings.Count(c.ops[i].path, "{") < strings.Count(c.ops[j].path, "{")
	})
	return c, nil
}

// Operation returns the template of the operation that serves method and
// path ("/v1/evidence/{idempotencyKey}/{sha256}"), or ErrNoOperation.
func (c *Contract) Operation(method, path string) (string, error) {
	o, _, err := c.find(method, path)
	if err != nil {
		return "", err
	}
	return o.path, nil
}

func (c *Contract) find(method, path string) (*operation, map[string]string, error) {
	segs := strings.Split(path, "/")
	pathKnown := false
next:
	for _, o := range c.ops {
		if len(o.segments) != len(segs) {
			continue
		}
		vals := map[string]string{}
		for i, s := range o.segments {
			if name, ok := strings.CutPrefix(s, "{"); ok && strings.HasSuffix(name, "}") {
				if segs[i] == "" {
					continue next
				}
				vals[strings.TrimSuffix(name, "}")] = segs[i]
			} else if s != segs[i] {
				continue next
			}
		}
		pathKnown = true
		if o.method == method {
			return o, vals, nil
		}
	}
	if pathKnown {
		return nil, nil, fmt.Errorf("%w: %s is not allowed on %s", ErrNoOperation, method, path)
	}
	return nil, nil, fmt.Errorf("%w: %s %s", ErrNoOperation, method, path)
}

// CheckRequest checks a request: that method and path are an operation,
// its path parameters, that the operation takes contentType, and a JSON
// body against its schema. A body of another media type (a PDF) is only
// checked to be listed.
func (c *Contract) CheckRequest(method, path, contentType string, body []byte) error {
	o, vals, err := c.find(method, path)
	if err != nil {
		return err
	}
	for name, v := range vals {
		if err := c.check(o.params[name], v); err != nil {
			return fmt.Errorf("%s %s: path parameter %s: %w", method, o.path, name, err)
		}
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("%w: %s %s: request content type %q: %v", ErrInvalid, method, o.path, contentType, err)
	}
	schema, ok := o.request[mt]
	if !ok {
		return fmt.Errorf("%w: %s %s takes no %s body", ErrInvalid, method, o.path, mt)
	}
	if err := c.checkBody(mt, schema, body); err != nil {
		return fmt.Errorf("%s %s request: %w", method, o.path, err)
	}
	return nil
}

// CheckResponse checks a response to method and path: that status (or
// "default") is listed with contentType, and its JSON body against the
// schema.
func (c *Contract) CheckResponse(method, path string, status int, contentType string, body []byte) error {
	o, _, err := c.find(method, path)
	if err != nil {
		return err
	}
	byType, ok := o.response[strconv.Itoa(status)]
	if !ok {
		if byType, ok = o.response["default"]; !ok || status < 400 {
			return fmt.Errorf("%w: %s %s does not answer %d", ErrInvalid, method, o.path, status)
		}
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("%w: %s %s %d: content type %q: %v", ErrInvalid, method, o.path, status, contentType, err)
	}
	schema, ok := byType[mt]
	if !ok {
		return fmt.Errorf("%w: %s %s does not answer %d with %s", ErrInvalid, method, o.path, status, mt)
	}
	if err := c.checkBody(mt, schema, body); err != nil {
		return fmt.Errorf("%s %s %d: %w", method, o.path, status, err)
	}
	return nil
}

// ResponseSchema returns the schema name of method and path's answer with
// status and contentType ("" when the contract lists none).
func (c *Contract) ResponseSchema(method, path string, status int, contentType string) string {
	o, _, err := c.find(method, path)
	if err != nil {
		return ""
	}
	byType, ok := o.response[strconv.Itoa(status)]
	if !ok && status >= 400 {
		byType = o.response["default"]
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	return byType[mt]
}

func (c *Contract) checkBody(mediaType, schema string, body []byte) error {
	if !isJSON(mediaType) {
		return nil
	}
	return c.CheckJSON(schema, body)
}

func isJSON(mediaType string) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// CheckJSON checks that body is one JSON value valid against the named
// schema of components/schemas.
func (c *Contract) CheckJSON(schema string, body []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: not one JSON value: %v", ErrInvalid, syntaxOnly(err))
	}
	return c.check(schema, inst)
}

// CheckValue checks that v, as encoding/json writes it, is valid against
// the named schema.
func (c *Contract) CheckValue(schema string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("contract: %w", err)
	}
	return c.CheckJSON(schema, b)
}

// Schemas returns the names of components/schemas.
func (c *Contract) Schemas() []string {
	names := make([]string, 0, len(c.schemas))
	for n := range c.schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (c *Contract) check(schema string, inst any) error {
	s, ok := c.schemas[schema]
	if !ok {
		return fmt.Errorf("contract: no schema %q", schema)
	}
	err := s.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%w: %s: %v", ErrInvalid, schema, err)
	}
	var leaves []string
	collect(ve, &leaves)
	sort.Strings(leaves)
	if len(leaves) > 5 {
		leaves = append(leaves[:5], fmt.Sprintf("and %d more", len(leaves)-5))
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalid, schema, strings.Join(leaves, "; "))
}

// collect appends "at /location: keyword" for each leaf of e, never the
// value that failed (it may be an ID number).
func collect(e *jsonschema.ValidationError, out *[]string) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, out)
		}
		return
	}
	loc := "/" + strings.Join(e.InstanceLocation, "/")
	what := strings.Join(e.ErrorKind.KeywordPath(), "/")
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		what += " " + strings.Join(k.Missing, ",")
	case *kind.AdditionalProperties:
		// Not their names: an unknown key may be anything, an ID
		// number too.
		what += " (" + strconv.Itoa(len(k.Properties)) + " unknown)"
	case *kind.Type:
		what += " (want " + strings.Join(k.Want, " or ") + ", have " + k.Got + ")"
	}
	*out = append(*out, "at "+loc+": "+what)
}

// syntaxOnly keeps where JSON broke and drops what encoding/json quotes of
// the input.
func syntaxOnly(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		return "type error at byte " + strconv.FormatInt(ue.Offset, 10)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated or empty"
	}
	if strings.Contains(err.Error(), "after top-level value") {
		return "data after the value"
	}
	return "not JSON"
}
