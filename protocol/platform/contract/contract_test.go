package contract

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// goTypes are the Go types of the contract's object schemas.
var goTypes = map[string]reflect.Type{
	"IDNumberRequest": reflect.TypeFor[platform.IDNumberRequest](),
	"PrecheckRequest": reflect.TypeFor[platform.PrecheckRequest](),
	"Household":       reflect.TypeFor[platform.Household](),
	"Region":          reflect.TypeFor[platform.Region](),
	"Member":          reflect.TypeFor[platform.Member](),
	"Disability":      reflect.TypeFor[platform.Disability](),
	"Income":          reflect.TypeFor[platform.Income](),
	"Insurance":       reflect.TypeFor[platform.Insurance](),
	"Property":        reflect.TypeFor[platform.Property](),
	"Vehicle":         reflect.TypeFor[platform.Vehicle](),
	"Spending":        reflect.TypeFor[platform.Spending](),
	"Supporter":       reflect.TypeFor[platform.Supporter](),
	"Application":     reflect.TypeFor[platform.Application](),
	"Person":          reflect.TypeFor[platform.Person](),
	"SignatureRef":    reflect.TypeFor[platform.SignatureRef](),
	"Submitted":       reflect.TypeFor[platform.Submitted](),
	"Progress":        reflect.TypeFor[platform.Progress](),
	"StageDate":       reflect.TypeFor[platform.StageDate](),
	"PrecheckResult":  reflect.TypeFor[platform.PrecheckResult](),
	"Test":            reflect.TypeFor[platform.Test](),
	"Notice":          reflect.TypeFor[platform.Notice](),
	"Material":        reflect.TypeFor[platform.Material](),
	"Contact":         reflect.TypeFor[platform.Contact](),
	"EvidenceReceipt": reflect.TypeFor[platform.EvidenceReceipt](),
	"Problem":         reflect.TypeFor[platform.Problem](),
}

type rawSchema struct {
	Ref                  string                `yaml:"$ref"`
	Type                 string                `yaml:"type"`
	Required             []string              `yaml:"required"`
	Properties           map[string]*rawSchema `yaml:"properties"`
	Items                *rawSchema            `yaml:"items"`
	AdditionalProperties *bool                 `yaml:"additionalProperties"`
}

func rawSchemas(t *testing.T) map[string]*rawSchema {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]*rawSchema `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(platform.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

// TestSchemasMatchGoTypes: every object schema has exactly the JSON fields
// of its Go type, required exactly when the field is not omitempty, with
// the JSON type encoding/json writes, and no other properties allowed.
func TestSchemasMatchGoTypes(t *testing.T) {
	all := rawSchemas(t)
	for name, typ := range goTypes {
		s := all[name]
		if s == nil {
			t.Errorf("no schema %s for %v", name, typ)
			continue
		}
		if s.Type != "object" || s.AdditionalProperties == nil || *s.AdditionalProperties {
			t.Errorf("%s: want type object with additionalProperties false", name)
		}
		var fields, required []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("json")
			jname, opts, _ := strings.Cut(tag, ",")
			if jname == "-" || !f.IsExported() {
				continue
			}
			fields = append(fields, jname)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, jname)
			}
			p := s.Properties[jname]
			if p == nil {
				t.Errorf("%s: the schema has no property %s (Go %s)", name, jname, f.Name)
				continue
			}
			if err := sameType(all, p, f.Type); err != nil {
				t.Errorf("%s.%s: %v", name, jname, err)
			}
		}
		var props []string
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(fields)
		sort.Strings(props)
		sort.Strings(required)
		req := slices.Clone(s.Required)
		sort.Strings(req)
		if !slices.Equal(fields, props) {
			t.Errorf("%s: properties %v, Go fields %v", name, props, fields)
		}
		if !slices.Equal(required, req) {
			t.Errorf("%s: required %v, Go's non-omitempty fields %v", name, req, required)
		}
	}
}

func sameType(all map[string]*rawSchema, s *rawSchema, t reflect.Type) error {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		if t.Kind() == reflect.Struct {
			if goTypes[name] != t {
				return errors.New("$ref " + name + " is not the schema of Go type " + t.String())
			}
			return nil
		}
		s = all[name]
		if s == nil {
			return errors.New("dangling $ref " + name)
		}
	}
	want := map[reflect.Kind]string{
		reflect.String: "string", reflect.Bool: "boolean", reflect.Int: "integer", reflect.Int64: "integer",
		reflect.Float64: "number", reflect.Slice: "array", reflect.Struct: "object",
	}[t.Kind()]
	if s.Type != want {
		return errors.New("schema type " + s.Type + ", Go " + t.String() + " is written as " + want)
	}
	if t.Kind() == reflect.Slice {
		if s.Items == nil {
			return errors.New("array without items")
		}
		return sameType(all, s.Items, t.Elem())
	}
	return nil
}

func TestEveryOperationCompiles(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ method, path, op string }{
		{"POST", platform.PathLookup, platform.PathLookup},
		{"POST", platform.PathPrecheck, platform.PathPrecheck},
		{"POST", platform.PathApplications, platform.PathApplications},
		{"POST", platform.PathProgress, platform.PathProgress},
		{"PUT", platform.PathEvidence + "k/abc", "/v1/evidence/{idempotencyKey}/{sha256}"},
	} {
		got, err := c.Operation(want.method, want.path)
		if err != nil || got != want.op {
			t.Errorf("Operation(%s %s) = %q, %v; want %q", want.method, want.path, got, err, want.op)
		}
	}
	if _, err := c.Operation("GET", platform.PathLookup); !errors.Is(err, ErrNoOperation) {
		t.Errorf("GET lookup: %v, want ErrNoOperation", err)
	}
	if _, err := c.Operation("PUT", platform.PathEvidence+"k/"); !errors.Is(err, ErrNoOperation) {
		t.Errorf("evidence without a digest: %v, want ErrNoOperation", err)
	}
}

// TestNilSlicesAreArrays: what Go writes for zero values with nil slices
// is [] where the contract has arrays.
func TestNilSlicesAreArrays(t *testing.T) {
	for _, v := range []any{platform.Household{}, platform.Application{}, platform.Progress{}, platform.PrecheckResult{}, &platform.Notice{}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "null") {
			t.Errorf("%T: %s", v, b)
		}
	}
}

const someID = "370481195603144828"

func validApplication() platform.Application {
	return platform.Application{
		IdempotencyKey: "0123456789abcdef0123", HouseholdID: "H1",
		Applicant: platform.Person{Name: "王秀英", IDNumber: someID},
		Items:     []string{platform.ItemDibao},
		Signatures: []platform.SignatureRef{{Document: "commitment", Name: "王秀英",
			BundleSHA256: strings.Repeat("ab", 32)}},
		Channel: "kiosk", Terminal: "kiosk-1", CreatedAt: "2026-12-01T09:30:00+08:00",
	}
}

// TestCheckRequest: a valid application passes; broken ones fail, and the
// error says where without repeating the value.
func TestCheckRequest(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(validApplication())
	if err := c.CheckRequest("POST", platform.PathApplications, "application/json; charset=utf-8", good); err != nil {
		t.Fatalf("valid application: %v", err)
	}
	bad := map[string]func(m map[string]any){
		"unknown field":  func(m map[string]any) { m["extra"] = 1 },
		"missing items":  func(m map[string]any) { delete(m, "items") },
		"unknown item":   func(m map[string]any) { m["items"] = []string{"bogus"} },
		"lower-case x":   func(m map[string]any) { m["applicant"].(map[string]any)["idNumber"] = "37048119560314482x" },
		"short key":      func(m map[string]any) { m["idempotencyKey"] = "k" },
		"bad created at": func(m map[string]any) { m["createdAt"] = "yesterday" },
		"long id":        func(m map[string]any) { m["applicant"].(map[string]any)["idNumber"] = someID + "1" },
	}
	for name, mutate := range bad {
		var m map[string]any
		_ = json.Unmarshal(good, &m)
		mutate(m)
		b, _ := json.Marshal(m)
		err := c.CheckRequest("POST", platform.PathApplications, "application/json", b)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
			continue
		}
		if strings.Contains(err.Error(), "37048119") || strings.Contains(err.Error(), "王秀英") {
			t.Errorf("%s: the error repeats personal data: %v", name, err)
		}
	}
	for _, b := range []string{``, `{`, `{"idempotencyKey":"x"} {}`, `[]`} {
		if err := c.CheckRequest("POST", platform.PathApplications, "application/json", []byte(b)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: %v, want ErrInvalid", b, err)
		}
	}
	if err := c.CheckRequest("POST", platform.PathApplications, "text/plain", good); !errors.Is(err, ErrInvalid) {
		t.Errorf("text/plain: %v", err)
	}
	pdf := []byte("%PDF-1.7\n")
	digest := strings.Repeat("0", 64)
	if err := c.CheckRequest("PUT", platform.PathEvidence+"0123456789abcdef/"+digest, "application/pdf", pdf); err != nil {
		t.Errorf("evidence PDF: %v", err)
	}
	if err := c.CheckRequest("PUT", platform.PathEvidence+"0123456789abcdef/XYZ", "application/pdf", pdf); !errors.Is(err, ErrInvalid) {
		t.Errorf("evidence with a bad digest in the path: %v", err)
	}
}

func TestCheckResponse(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	sub := `{"applicationId":"A1","acceptedAt":"2026-12-01T09:30:00+08:00","deadline":"2027-01-13"}`
	for _, status := range []int{200, 201} {
		if err := c.CheckResponse("POST", platform.PathApplications, status, "application/json", []byte(sub)); err != nil {
			t.Errorf("%d: %v", status, err)
		}
	}
	if err := c.CheckResponse("POST", platform.PathApplications, 202, "application/json", []byte(sub)); !errors.Is(err, ErrInvalid) {
		t.Errorf("202: %v", err)
	}
	prob := `{"title":"busy","status":503,"code":"unavailable"}`
	if err := c.CheckResponse("POST", platform.PathApplications, 503, platform.MediaProblem, []byte(prob)); err != nil {
		t.Errorf("503 problem: %v", err)
	}
	if err := c.CheckResponse("POST", platform.PathApplications, 503, "text/html", []byte("<html>")); !errors.Is(err, ErrInvalid) {
		t.Errorf("503 html: %v", err)
	}
	if err := c.CheckResponse("POST", platform.PathProgress, 200, "application/json", []byte(`[]`)); err != nil {
		t.Errorf("empty progress: %v", err)
	}
	if got := c.ResponseSchema("POST", platform.PathPrecheck, 200, "application/json"); got != "PrecheckResults" {
		t.Errorf("ResponseSchema(precheck) = %q", got)
	}
}
