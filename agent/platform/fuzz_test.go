package platform

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// fuzzOps are the operations whose answers FuzzDecodeResponse decodes, by
// its op byte.
var fuzzOps = []struct {
	op, method, path string
	out              func() any
}{
	{OpHousehold, http.MethodPost, wire.PathLookup, func() any { return new(wire.Household) }},
	{OpPrecheck, http.MethodPost, wire.PathPrecheck, func() any { return new([]wire.PrecheckResult) }},
	{OpSubmit, http.MethodPost, wire.PathApplications, func() any { return new(wire.Submitted) }},
	{OpEvidence, http.MethodPut, wire.PathEvidence + "abcdefghijklmnop/" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", func() any { return new(wire.EvidenceReceipt) }},
	{OpProgress, http.MethodPost, wire.PathProgress, func() any { return new([]wire.Progress) }},
}

// FuzzDecodeResponse feeds the client's decoding of answers (a 2xx body
// into its type, anything else into a problem) with arbitrary bytes. It
// must never panic; what it accepts must be valid against the contract
// when written again; a problem's kind must follow from its code, and its
// detail must hold no ID-like run of digits.
func FuzzDecodeResponse(f *testing.F) {
	household := `{"id":"TZH-0001","region":{"code":"370481001","name":"滕州市荆河街道善国北路社区","urban":true},"applicantId":"P0001-1","members":[{"id":"P0001-1","name":"王秀英","idNumber":"370481195603144828","relation":"本人","sex":"女","birthDate":"1956-03-14","work":"retired","incomes":[{"kind":"pension","monthlyFen":21000,"source":"社保"}],"insurance":{"medical":"resident","pension":"resident"}}],"property":{"depositsFen":600000,"homes":1,"homeAreaM2":58.5},"spending12m":{"medicalFen":4200000,"educationFen":0,"rehabFen":0,"otherFen":0},"supporters":[{"name":"张明","relation":"子女","able":true,"monthlyFen":260000}],"dataAsOf":"2026-11-30T09:30:00+08:00"}`
	precheck := `[{"item":"dibao","name":"最低生活保障（低保）","verdict":"likely","summary":"您可能可以申请低保。","tests":[{"name":"家庭人均收入","passed":true,"detail":"家庭人均收入 210 元","sample":true}],"notice":{"item":"dibao","name":"低保","basis":"","conditions":[],"steps":[],"materials":[{"name":"身份证","have":true}],"timeLimit":"30 个工作日","timeLimitDays":30,"contacts":[{"name":"民政所","phone":"0632-0000000"}],"appeal":""}}]`
	submitted := `{"applicationId":"TZSJ20261130000001","acceptedAt":"2026-11-30T09:30:00+08:00","deadline":"2027-01-11","duplicate":true}`
	receipt := `{"idempotencyKey":"abcdefghijklmnop","sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","contentType":"application/pdf","size":10,"receivedAt":"2026-11-30T09:30:00+08:00"}`
	progress := `[{"applicationId":"TZSJ20261130000001","items":["dibao","yiliao"],"stage":"done","stages":[{"stage":"accepted","at":"2026-11-30T09:30:00+08:00"},{"stage":"done","at":"2027-01-07T09:30:00+08:00"}],"deadline":"2027-01-11","result":"rejected","reason":"原因"}]`
	prob := `{"title":"Not Found","status":404,"code":"household_not_found","detail":"no record for 370481195603144828"}`
	f.Add(uint8(0), 200, "application/json", []byte(household))
	f.Add(uint8(1), 200, "application/json", []byte(precheck))
	f.Add(uint8(2), 201, "application/json; charset=utf-8", []byte(submitted))
	f.Add(uint8(2), 200, "application/json", []byte(submitted))
	f.Add(uint8(3), 201, "application/json", []byte(receipt))
	f.Add(uint8(4), 200, "application/json", []byte(progress))
	f.Add(uint8(4), 200, "application/json", []byte(`[]`))
	f.Add(uint8(0), 404, "application/problem+json", []byte(prob))
	f.Add(uint8(2), 409, "application/problem+json", []byte(`{"title":"Conflict","status":409,"code":"idempotency_conflict"}`))
	f.Add(uint8(0), 502, "text/html", []byte(`<html>bad gateway</html>`))
	f.Add(uint8(0), 200, "application/json", []byte(household+" {}"))
	f.Add(uint8(0), 200, "application/json", []byte(`{"id":"H","extra":1}`))
	f.Add(uint8(2), 200, "application/json", []byte(`{"applicationId":"A","acceptedAt":"2026-11-30T09:30:00+08:00","deadline":"2027-01-11","370481195603144828":1}`))
	c, err := contract.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, status int, contentType string, body []byte) {
		o := fuzzOps[int(opIndex)%len(fuzzOps)]
		if status >= 200 && status < 300 {
			out := o.out()
			if err := decodeAnswer(c, o.op, o.method, o.path, status, contentType, body, out); err != nil {
				if !errors.Is(err, ErrBadResponse) || !Transient(err) || hasLongDigitRun(err.Error()) {
					t.Fatalf("a bad answer gives %v", err)
				}
				return
			}
			switch v := out.(type) {
			case *wire.Household:
				if checkHousehold(v) != nil {
					return
				}
			case *wire.Submitted:
				if checkSubmitted(v) != nil {
					return
				}
			}
			again, err := json.Marshal(out)
			if err != nil {
				t.Fatalf("accepted, but cannot be written again: %v", err)
			}
			if err := c.CheckResponse(o.method, o.path, status, "application/json", again); err != nil {
				t.Fatalf("accepted %q, but written again it breaks the contract: %v", body, err)
			}
			return
		}
		e := decodeProblem(c, o.op, status, contentType, body)
		if e.Code != "" && e.Kind != KindOf(e.Code) {
			t.Fatalf("code %s with kind %v", e.Code, e.Kind)
		}
		if e.Code == "" && e.Kind != ErrUnavailable {
			t.Fatalf("no code, kind %v", e.Kind)
		}
		if hasLongDigitRun(e.Error()) {
			t.Fatalf("the error shows a long run of digits: %q", e.Error())
		}
	})
}

func hasLongDigitRun(s string) bool {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r == 'X' || r == 'x' {
			n++
			if n >= 15 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"no record for 370481195603144828":   "no record for **************4828",
		"id 37048119421003202X.":             "id **************202X.",
		"short 12345 and line\nbreak":        "short 12345 and line break",
		"\u202eevil":                         " evil",
		"application TZSJ20261130000001 ok":  "application TZSJ20261130000001 ok",
		"digits 123456789012345678901234567": "digits ***********************4567",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
