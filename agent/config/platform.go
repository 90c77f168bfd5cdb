package config

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/agent/precheck"
)

// checkPlatformURL checks platform.url: empty (the embedded demo
// platform), an https:// URL, or http:// to a loopback address.
func checkPlatformURL(_ *Config, v reflect.Value) string {
	s := v.String()
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return fmt.Sprintf("%q is not a URL such as https://platform.example.gov.cn/kiosk", s)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return fmt.Sprintf("%q: http:// is allowed to a loopback address only (a platform-demo on this machine); the platform needs https://", s)
		}
	default:
		return fmt.Sprintf("%q: want https://HOST[:PORT][/PREFIX]", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return fmt.Sprintf("%q: no user, query or fragment: the URL is the platform's base address", s)
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return fmt.Sprintf("%q: %q is not a port", s, p)
		}
	}
	return ""
}

// needsHTTPS is the problem with a TLS file setting on a configuration
// that does not talk https to a platform, or "".
func needsHTTPS(c *Config) string {
	if c.Platform.URL == "" {
		return "applies only to a platform named by platform.url (the embedded demo platform uses no TLS)"
	}
	if u, err := url.Parse(c.Platform.URL); err == nil && u.Scheme == "http" {
		return "applies only to an https:// platform.url"
	}
	return ""
}

// readPEM reads a PEM file and returns its blocks, or the problem.
func readPEM(path string) ([]*pem.Block, string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileProblem(path, err)
	}
	var blocks []*pem.Block
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 {
		return nil, fmt.Sprintf("%q holds no PEM block (-----BEGIN …-----)", path)
	}
	return blocks, ""
}

// fileProblem says why a file cannot be read, without Go's words.
func fileProblem(path string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("%q does not exist", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("%q cannot be read: permission denied", path)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%q cannot be read: %v", path, pe.Err)
	}
	return fmt.Sprintf("%q cannot be read: %v", path, err)
}

// checkPlatformCA checks platform.ca: a PEM file of certificates.
func checkPlatformCA(c *Config, v reflect.Value) string {
	path := v.String()
	if path == "" {
		return ""
	}
	if p := needsHTTPS(c); p != "" {
		return p
	}
	blocks, p := readPEM(path)
	if p != "" {
		return p
	}
	n := 0
	for _, b := range blocks {
		if b.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return fmt.Sprintf("%q: certificate %d cannot be read: %v", path, n+1, err)
		}
		n++
	}
	if n == 0 {
		return fmt.Sprintf("%q holds no CERTIFICATE block", path)
	}
	return ""
}

// checkPlatformCert checks platform.cert: with platform.key, a
// certificate.
func checkPlatformCert(c *Config, v reflect.Value) string {
	path := v.String()
	if path == "" {
		if c.Platform.Key != "" {
			return "is empty but platform.key is set: give both the client certificate and its key, or neither"
		}
		return ""
	}
	if p := needsHTTPS(c); p != "" {
		return p
	}
	if c.Platform.Key == "" {
		return "platform.key is empty: give both the client certificate and its key, or neither"
	}
	blocks, p := readPEM(path)
	if p != "" {
		return p
	}
	for _, b := range blocks {
		if b.Type == "CERTIFICATE" {
			return ""
		}
	}
	return fmt.Sprintf("%q holds no CERTIFICATE block", path)
}

// checkPlatformKey checks platform.key: the private key of
// platform.cert. The key's text never appears in a message.
func checkPlatformKey(c *Config, v reflect.Value) string {
	path := v.String()
	if path == "" || c.Platform.Cert == "" {
		return "" // platform.cert's check names the missing half
	}
	if p := needsHTTPS(c); p != "" {
		return p
	}
	if _, err := os.Stat(path); err != nil {
		return fileProblem(path, err)
	}
	if _, err := tls.LoadX509KeyPair(c.Platform.Cert, path); err != nil {
		if _, p := readPEM(c.Platform.Cert); p != "" {
			return "" // platform.cert's check says it
		}
		msg := err.Error()
		if strings.Contains(msg, "does not match") {
			return fmt.Sprintf("%q is not the key of the certificate in platform.cert", path)
		}
		return fmt.Sprintf("%q is not a usable private key (PEM, PKCS #1, #8 or EC) for platform.cert", path)
	}
	return ""
}

// checkPrecheckRules checks precheck.rules: empty, or a rules file that
// the pre-check reads without a problem.
func checkPrecheckRules(_ *Config, v reflect.Value) string {
	path := v.String()
	if path == "" {
		return ""
	}
	if _, err := os.Stat(path); err != nil {
		return fileProblem(path, err)
	}
	_, err := precheck.Load(path)
	if err == nil {
		return ""
	}
	var errs precheck.Errors
	if errors.As(err, &errs) && len(errs) > 0 {
		var msgs []string
		for _, e := range errs[:min(len(errs), 3)] {
			msgs = append(msgs, e.Error())
		}
		msg := strings.Join(msgs, "; ")
		if len(errs) > 3 {
			msg += fmt.Sprintf("; and %d more problems", len(errs)-3)
		}
		return "the rules file is not valid: " + msg
	}
	return "the rules file is not valid: " + err.Error()
}
