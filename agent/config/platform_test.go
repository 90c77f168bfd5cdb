package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/precheck"
)

// writeCert writes a self-signed certificate and its key as PEM files in
// dir, named name.pem and name.key.
func writeCert(t *testing.T, dir, name string) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

// The platform's TLS files are read when the configuration is checked, so
// that "config check" finds a wrong path, a file that is no certificate
// and a key of another certificate, each naming its key.
func TestPlatformTLSFiles(t *testing.T) {
	dir := t.TempDir()
	ca, _ := writeCert(t, dir, "ca")
	cert, key := writeCert(t, dir, "client")
	_, otherKey := writeCert(t, dir, "other")
	notPEM := filepath.Join(dir, "notes.txt")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	const url = "https://platform.example.gov.cn/kiosk"
	for _, tc := range []struct {
		name          string
		ca, cert, key string
		wantKey, want string
		url           string
	}{
		{name: "good", ca: ca, cert: cert, key: key},
		{name: "ca only", ca: ca},
		{name: "ca not PEM", ca: notPEM, wantKey: "platform.ca", want: "holds no PEM block"},
		{name: "ca is a key", ca: key, wantKey: "platform.ca", want: "holds no CERTIFICATE block"},
		{name: "key only", key: key, wantKey: "platform.cert", want: "is empty but platform.key is set"},
		{name: "other key", cert: cert, key: otherKey, wantKey: "platform.key", want: "is not the key of the certificate"},
		{name: "cert is no cert", cert: notPEM, key: key, wantKey: "platform.cert", want: "holds no PEM block"},
		{name: "key missing", cert: cert, key: filepath.Join(dir, "gone.key"), wantKey: "platform.key", want: "does not exist"},
		{name: "http loopback", url: "http://127.0.0.1:8080", ca: ca, wantKey: "platform.ca", want: "only to an https://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.StateDir = dir
			c.Platform.URL, c.Platform.CA, c.Platform.Cert, c.Platform.Key = url, tc.ca, tc.cert, tc.key
			if tc.url != "" {
				c.Platform.URL = tc.url
			}
			errs := c.Validate()
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("Validate: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Key != tc.wantKey || !strings.Contains(errs[0].Msg, tc.want) {
				t.Fatalf("Validate: %v; want one problem with %s: …%s…", errs, tc.wantKey, tc.want)
			}
			if strings.Contains(errs[0].Msg, "PRIVATE KEY") || strings.Contains(errs[0].Msg, "MII") {
				t.Errorf("the message shows a key's text: %s", errs[0].Msg)
			}
		})
	}
}

func TestPlatformURL(t *testing.T) {
	for url, want := range map[string]string{
		"":                                 "",
		"https://platform.example.gov.cn":  "",
		"https://10.1.2.3:8443/kiosk/v":    "",
		"http://127.0.0.1:17400":           "",
		"http://localhost:17400/":          "",
		"http://[::1]:17400":               "",
		"http://10.1.2.3:8080":             "loopback address only",
		"ftp://platform.example.gov.cn":    "want https://",
		"platform.example.gov.cn":          "is not a URL",
		"https://u:p@platform.example":     "no user, query or fragment",
		"https://platform.example/?a=b":    "no user, query or fragment",
		"https://platform.example:99999/x": "is not a port",
	} {
		c := Default()
		c.StateDir = t.TempDir()
		c.Platform.URL = url
		errs := c.Validate()
		switch {
		case want == "" && len(errs) > 0:
			t.Errorf("%q: %v", url, errs)
		case want != "" && (len(errs) != 1 || errs[0].Key != "platform.url" || !strings.Contains(errs[0].Msg, want)):
			t.Errorf("%q: %v, want platform.url: …%s…", url, errs, want)
		}
	}
}

// A rules file is read when the configuration is checked: its problems
// come with the rules file's own line and key.
func TestPrecheckRulesChecked(t *testing.T) {
	c := Default()
	c.StateDir = t.TempDir()
	c.Precheck.Rules = filepath.Join("testdata", "rules-broken.toml")
	errs := c.Validate()
	if len(errs) != 1 || errs[0].Key != "precheck.rules" || !strings.Contains(errs[0].Msg, "rules-broken.toml:3: standard[0].value: must be a number") {
		t.Fatalf("Validate: %v", errs)
	}
	good := filepath.Join(c.StateDir, "rules.toml")
	os.WriteFile(good, precheck.DefaultFile(), 0o600)
	c.Precheck.Rules = good
	if errs := c.Validate(); len(errs) != 0 {
		t.Fatalf("Validate(the default rules as a file): %v", errs)
	}
	c.Precheck.Rules = filepath.Join(c.StateDir, "none.toml")
	if errs := c.Validate(); len(errs) != 1 || !strings.Contains(errs[0].Msg, "does not exist") {
		t.Fatalf("Validate: %v", errs)
	}
}
