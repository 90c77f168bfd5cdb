package platform_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/agent/platform/demo"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// flaky fails the first n requests in the given way, then passes them to
// next, recording when each request came.
type flaky struct {
	n    int64
	fail func(w http.ResponseWriter, r *http.Request)
	next http.Handler

	seen  atomic.Int64
	mu    sync.Mutex
	times []time.Time
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.times = append(f.times, time.Now())
	f.mu.Unlock()
	if f.seen.Add(1) <= f.n {
		f.fail(w, r)
		return
	}
	f.next.ServeHTTP(w, r)
}

func problem(status int, code string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", wire.MediaProblem)
		w.WriteHeader(status)
		w.Write([]byte(`{"title":"x","status":` + strconv.Itoa(status) + `,"code":"` + code + `"}`))
	}
}

// TestRetries: transient failures are retried with growing waits until an
// attempt succeeds or the attempts are used up; permanent ones are not
// retried.
func TestRetries(t *testing.T) {
	logs := &syncBuffer{}
	p := openDemo(t, demo.Options{Logger: logger(logs)})
	ctx := context.Background()
	hangup := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	html := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>bad gateway</html>"))
	}
	for i, c := range []struct {
		name      string
		fails     int64
		fail      func(http.ResponseWriter, *http.Request)
		attempts  int
		wantSeen  int64
		wantKind  error // nil: success
		transient bool
	}{
		{"503 twice, then fine", 2, problem(503, wire.CodeUnavailable), 4, 3, nil, false},
		{"429 once", 1, problem(429, wire.CodeRateLimited), 4, 2, nil, false},
		{"a proxy's 502 page", 2, html, 4, 3, nil, false},
		{"hung up twice", 2, hangup, 4, 3, nil, false},
		{"500 more often than the attempts", 5, problem(500, wire.CodeInternal), 3, 3, platform.ErrUnavailable, true},
		{"400 is not retried", 5, problem(400, wire.CodeInvalidRequest), 4, 1, platform.ErrRejected, false},
		{"409 is not retried", 5, problem(409, wire.CodeIdempotencyConflict), 4, 1, platform.ErrConflict, false},
		{"404 without a code is retried", 1, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, 4, 2, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &flaky{n: c.fails, fail: c.fail, next: p.Handler()}
			srv := httptest.NewServer(f)
			defer srv.Close()
			cl := newClient(t, platform.HTTPOptions{BaseURL: srv.URL, Attempts: c.attempts, MinBackoff: 2 * time.Millisecond,
				MaxBackoff: 20 * time.Millisecond, Logger: logger(logs)})
			_, err := cl.Submit(ctx, application(fmt.Sprintf("key-retry-%08d", i), wire.ItemDibao))
			if c.wantKind == nil && err != nil || c.wantKind != nil && !errors.Is(err, c.wantKind) {
				t.Errorf("err %v, want %v", err, c.wantKind)
			}
			if err != nil && platform.Transient(err) != c.transient {
				t.Errorf("Transient = %v", platform.Transient(err))
			}
			var pe interface{ Permanent() bool }
			if err != nil && (!errors.As(err, &pe) || pe.Permanent() == c.transient) {
				t.Errorf("Permanent() disagrees with Transient for %v", err)
			}
			if got := f.seen.Load(); got != c.wantSeen {
				t.Errorf("%d attempts, want %d", got, c.wantSeen)
			}
		})
	}
	assertNoPersonalData(t, logs.String())
}

// TestBackoffGrows: the waits between attempts double (with jitter no
// shorter than half), and a Retry-After is followed but capped.
func TestBackoffGrows(t *testing.T) {
	p := openDemo(t, demo.Options{})
	f := &flaky{n: 3, fail: problem(503, wire.CodeUnavailable), next: p.Handler()}
	srv := httptest.NewServer(f)
	defer srv.Close()
	min := 40 * time.Millisecond
	cl := newClient(t, platform.HTTPOptions{BaseURL: srv.URL, MinBackoff: min, MaxBackoff: time.Second})
	if _, err := cl.Household(context.Background(), "370481195603144828"); err != nil {
		t.Fatal(err)
	}
	if len(f.times) != 4 {
		t.Fatalf("%d attempts", len(f.times))
	}
	for i := 1; i < 4; i++ {
		gap := f.times[i].Sub(f.times[i-1])
		if lower := min << (i - 1) / 2; gap < lower {
			t.Errorf("wait %d was %v, want at least %v", i, gap, lower)
		}
	}

	// Retry-After: 30 is capped at MaxBackoff.
	f = &flaky{n: 1, fail: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		problem(503, wire.CodeUnavailable)(w, r)
	}, next: p.Handler()}
	srv2 := httptest.NewServer(f)
	defer srv2.Close()
	cl = newClient(t, platform.HTTPOptions{BaseURL: srv2.URL, MinBackoff: time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	start := time.Now()
	if _, err := cl.Household(context.Background(), "370481195603144828"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 10*time.Second || took < 40*time.Millisecond {
		t.Errorf("with Retry-After 30 and MaxBackoff 50ms the call took %v", took)
	}
}

// TestTimeoutsAndCancel: an attempt that hangs is cut at Timeout and
// retried; a cancelled context ends the call during its back-off.
func TestTimeoutsAndCancel(t *testing.T) {
	p := openDemo(t, demo.Options{})
	release := make(chan struct{})
	f := &flaky{n: 1, fail: func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, next: p.Handler()}
	srv := httptest.NewServer(f)
	defer srv.Close()
	defer close(release)
	cl := newClient(t, platform.HTTPOptions{BaseURL: srv.URL, Timeout: 200 * time.Millisecond, MinBackoff: time.Millisecond})
	start := time.Now()
	if _, err := cl.Household(context.Background(), "370481195603144828"); err != nil {
		t.Fatalf("after a hung attempt: %v", err)
	}
	if took := time.Since(start); took < 200*time.Millisecond || f.seen.Load() != 2 {
		t.Errorf("took %v in %d attempts", took, f.seen.Load())
	}

	down := httptest.NewServer(http.HandlerFunc(problem(503, wire.CodeUnavailable)))
	defer down.Close()
	cl = newClient(t, platform.HTTPOptions{BaseURL: down.URL, MinBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second, Attempts: 5})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := cl.Household(ctx, "370481195603144828")
	if !platform.Transient(err) || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled during back-off: %v after %v", err, time.Since(start))
	}
}

// TestBadResponses: answers that break the contract are ErrBadResponse,
// which is transient, and are not decoded.
func TestBadResponses(t *testing.T) {
	household := `{"id":"H","region":{"code":"370481","name":"x","urban":true},"applicantId":"P1","members":[{"id":"P1","name":"王秀英","idNumber":"370481195603144828","relation":"本人","sex":"女","birthDate":"1956-03-14","work":"retired","insurance":{}}],"property":{"depositsFen":0,"homes":0,"homeAreaM2":0},"spending12m":{"medicalFen":0,"educationFen":0,"rehabFen":0,"otherFen":0},"dataAsOf":"2026-11-30T09:30:00+08:00"}`
	for _, c := range []struct {
		name, ct, body string
		ok             bool
	}{
		{"the good one", "application/json", household, true},
		{"unknown field", "application/json", strings.Replace(household, `"id":"H"`, `"id":"H","extra":1`, 1), false},
		{"missing field", "application/json", strings.Replace(household, `"dataAsOf":"2026-11-30T09:30:00+08:00"`, `"homes2":1`, 1), false},
		{"applicant not a member", "application/json", strings.Replace(household, `"applicantId":"P1"`, `"applicantId":"P2"`, 1), false},
		{"trailing data", "application/json", household + `{}`, false},
		{"html", "text/html", "<html></html>", false},
		{"too large", "application/json", household[:len(household)-1] + `,"x":"` + strings.Repeat("a", platform.MaxHouseholdResponse) + `"}`, false},
		{"null", "application/json", "null", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.ct)
				w.Write([]byte(c.body))
			}))
			defer srv.Close()
			cl := newClient(t, platform.HTTPOptions{BaseURL: srv.URL, Attempts: 1})
			h, err := cl.Household(context.Background(), "370481195603144828")
			if c.ok {
				if err != nil || h.Members[0].Name != "王秀英" {
					t.Errorf("%+v, %v", h, err)
				}
				return
			}
			if !errors.Is(err, platform.ErrBadResponse) || !platform.Transient(err) || h != nil {
				t.Errorf("%v (household %v)", err, h)
			}
			if err != nil && strings.Contains(err.Error(), "370481195603144828") {
				t.Errorf("the error repeats the ID number: %v", err)
			}
		})
	}
}

// TestTLS: the client trusts only its CA file and shows its client
// certificate; a server that wants one gets it, and the wrong CA or no
// certificate fail (transiently: the outbox keeps the application).
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := newCA(t, "test CA")
	otherCA, _ := newCA(t, "other CA")
	serverCert := issue(t, ca, caKey, "platform", x509.ExtKeyUsageServerAuth)
	clientCert := issue(t, ca, caKey, "kiosk-01", x509.ExtKeyUsageClientAuth)
	write := func(name string, blocks ...*pem.Block) string {
		path := filepath.Join(dir, name)
		var b []byte
		for _, bl := range blocks {
			b = append(b, pem.EncodeToMemory(bl)...)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	caFile := write("ca.pem", &pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	otherCAFile := write("other-ca.pem", &pem.Block{Type: "CERTIFICATE", Bytes: otherCA.Raw})
	certFile := write("client.pem", &pem.Block{Type: "CERTIFICATE", Bytes: clientCert.Certificate[0]})
	keyDER, err := x509.MarshalPKCS8PrivateKey(clientCert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := write("client-key.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	notPEM := write("junk.pem")

	p := openDemo(t, demo.Options{})
	var clientName atomic.Value
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			clientName.Store(r.TLS.PeerCertificates[0].Subject.CommonName)
		}
		p.Handler().ServeHTTP(w, r)
	}))
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes below
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()
	url := "https://" + srv.Listener.Addr().String()
	ctx := context.Background()

	cl := newClient(t, platform.HTTPOptions{BaseURL: url, CAFile: caFile, CertFile: certFile, KeyFile: keyFile})
	if _, err := cl.Household(ctx, "370481195603144828"); err != nil {
		t.Fatalf("with the right CA and a client certificate: %v", err)
	}
	if got, _ := clientName.Load().(string); got != "kiosk-01" {
		t.Errorf("the server saw client %q", got)
	}
	for name, o := range map[string]platform.HTTPOptions{
		"no client certificate": {BaseURL: url, CAFile: caFile},
		"the wrong CA":          {BaseURL: url, CAFile: otherCAFile, CertFile: certFile, KeyFile: keyFile},
		"the system's roots":    {BaseURL: url, CertFile: certFile, KeyFile: keyFile},
	} {
		o.Attempts, o.MinBackoff = 2, time.Millisecond
		cl := newClient(t, o)
		if _, err := cl.Household(ctx, "370481195603144828"); !platform.Transient(err) {
			t.Errorf("%s: %v, want a transient error", name, err)
		}
	}
	for name, o := range map[string]platform.HTTPOptions{
		"a CA file without PEM":         {BaseURL: url, CAFile: notPEM},
		"a key without its certificate": {BaseURL: url, KeyFile: keyFile},
		"a certificate that is not one": {BaseURL: url, CertFile: notPEM, KeyFile: keyFile},
	} {
		if _, err := platform.NewHTTP(o); err == nil {
			t.Errorf("%s was taken", name)
		}
	}
}

func newCA(t *testing.T, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
