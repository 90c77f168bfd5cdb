package demo

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// MaxJSONRequest is the largest JSON request body the demo reads.
const MaxJSONRequest = 1 << 20

// Paths the demo serves beside the contract's.
const (
	// PathStored: GET, a JSON array of Stored, everything the demo holds
	// by idempotency key.
	PathStored = "/demo/applications"
	// PathOpenAPI: GET, the contract (openapi.yaml).
	PathOpenAPI = "/v1/openapi.yaml"
)

// Handler serves the platform's HTTP API (protocol/platform/openapi.yaml)
// from p, plus GET PathStored and GET PathOpenAPI. Every request body is
// checked against the contract before it is used; every failure is a
// problem object. It logs one line per request (method, path, status):
// no ID number is ever in a path.
func (p *Platform) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wire.PathLookup, func(w http.ResponseWriter, r *http.Request) {
		var req wire.IDNumberRequest
		if err := p.readJSON(r, platform.OpHousehold, &req); err != nil {
			writeProblem(w, err)
			return
		}
		h, err := p.Household(r.Context(), req.IDNumber)
		respond(w, http.StatusOK, h, err)
	})
	mux.HandleFunc("POST "+wire.PathPrecheck, func(w http.ResponseWriter, r *http.Request) {
		var req wire.PrecheckRequest
		if err := p.readJSON(r, platform.OpPrecheck, &req); err != nil {
			writeProblem(w, err)
			return
		}
		rs, err := p.Precheck(r.Context(), req.HouseholdID)
		respond(w, http.StatusOK, rs, err)
	})
	mux.HandleFunc("POST "+wire.PathApplications, func(w http.ResponseWriter, r *http.Request) {
		var app wire.Application
		if err := p.readJSON(r, platform.OpSubmit, &app); err != nil {
			writeProblem(w, err)
			return
		}
		s, err := p.submit(r.Context(), app)
		status := http.StatusCreated
		if s.Duplicate {
			status = http.StatusOK
		}
		respond(w, status, s, err)
	})
	mux.HandleFunc("PUT "+wire.PathEvidence+"{key}/{sha256}", func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r, platform.OpEvidence, MaxEvidence)
		if err != nil {
			writeProblem(w, err)
			return
		}
		rec, err := p.storeEvidence(r.Context(), r.PathValue("key"), r.PathValue("sha256"), r.Header.Get("Content-Type"), body)
		status := http.StatusCreated
		if rec.Duplicate {
			status = http.StatusOK
		}
		respond(w, status, rec, err)
	})
	mux.HandleFunc("POST "+wire.PathProgress, func(w http.ResponseWriter, r *http.Request) {
		var req wire.IDNumberRequest
		if err := p.readJSON(r, platform.OpProgress, &req); err != nil {
			writeProblem(w, err)
			return
		}
		ps, err := p.Progress(r.Context(), req.IDNumber)
		respond(w, http.StatusOK, ps, err)
	})
	mux.HandleFunc("GET "+PathStored, func(w http.ResponseWriter, r *http.Request) {
		s, err := p.Stored(r.Context())
		if err != nil {
			err = internal("stored", err)
		}
		respond(w, http.StatusOK, s, err)
	})
	mux.HandleFunc("GET "+PathOpenAPI, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(wire.OpenAPI)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, platform.NewError("route", wire.CodeNoRoute, "no such operation: "+r.Method+" "+r.URL.Path))
	})
	return p.logRequests(mux)
}

// readJSON reads a JSON request body for op and decodes it into out with
// decodeRequest.
func (p *Platform) readJSON(r *http.Request, op string, out any) error {
	body, err := readBody(r, op, MaxJSONRequest)
	if err != nil {
		return err
	}
	return decodeRequest(p.contract, op, r.Method, r.URL.Path, r.Header.Get("Content-Type"), body, out)
}

// readBody reads at most limit bytes of the request body.
func readBody(r *http.Request, op string, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, platform.NewError(op, wire.CodeInvalidRequest, "reading the body failed")
	}
	if int64(len(body)) > limit {
		return nil, platform.NewError(op, wire.CodeTooLarge, "the body is too large")
	}
	return body, nil
}

// decodeRequest decodes a JSON request strictly: the content type is
// application/json, the bytes are valid against the contract's request
// schema for method and path, and they decode into out with no unknown
// field. Its errors are *platform.Error with a problem code and a detail
// that names places, never values.
func decodeRequest(c *contract.Contract, op, method, path, contentType string, body []byte, out any) error {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != wire.MediaJSON {
		return platform.NewError(op, wire.CodeUnsupportedMedia, "the body must be application/json")
	}
	if err := c.CheckRequest(method, path, contentType, body); err != nil {
		if errors.Is(err, contract.ErrNoOperation) {
			return platform.NewError(op, wire.CodeNoRoute, err.Error())
		}
		return invalid(op, err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil || dec.More() {
		return platform.NewError(op, wire.CodeInvalidRequest, "the body does not decode")
	}
	return nil
}

// respond writes v as JSON with status, or err as a problem.
func respond(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		writeProblem(w, err)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, err)
		return
	}
	w.Header().Set("Content-Type", wire.MediaJSON)
	w.WriteHeader(status)
	w.Write(b)
}

func writeProblem(w http.ResponseWriter, err error) {
	p := platform.ProblemFor(err)
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", wire.MediaProblem)
	if p.Status == http.StatusServiceUnavailable || p.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(p.Status)
	w.Write(b)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (p *Platform) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		level := slog.LevelDebug
		if sw.status >= 500 {
			level = slog.LevelWarn
		}
		p.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "took", time.Since(start))
	})
}
