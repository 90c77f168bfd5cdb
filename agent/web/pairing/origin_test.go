package pairing

import "testing"

func TestNormalizeOrigin(t *testing.T) {
	ok := map[string]string{
		"https://zwfw.example.gov.cn":      "https://zwfw.example.gov.cn",
		"HTTPS://ZWFW.Example.GOV.CN":      "https://zwfw.example.gov.cn",
		"https://zwfw.example.gov.cn:443":  "https://zwfw.example.gov.cn",
		"https://zwfw.example.gov.cn:8443": "https://zwfw.example.gov.cn:8443",
		"http://10.1.2.3":                  "http://10.1.2.3",
		"http://10.1.2.3:80":               "http://10.1.2.3",
		"http://10.1.2.3:0080":             "http://10.1.2.3",
		"http://10.1.2.3:443":              "http://10.1.2.3:443",
		"https://[::1]:8080":               "https://[::1]:8080",
		"https://[2001:DB8:0:0::1]":        "https://[2001:db8::1]",
		"http://localhost:17321":           "http://localhost:17321",
		"http://xn--fiqs8s.example":        "http://xn--fiqs8s.example",
		"http://intranet_host":             "http://intranet_host",
		"https://example.com:":             "https://example.com",
	}
	for in, want := range ok {
		got, err := NormalizeOrigin(in)
		if err != nil || got != want {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "*", "null", "https://*.example.gov.cn", "ftp://example.com", "file:///etc/passwd",
		"example.com", "//example.com", "https://", "https://example.com/", "https://example.com/path",
		"https://example.com?q", "https://example.com#f", "https://user@example.com", "https://user:pw@example.com",
		"https://example.com:0", "https://example.com:65536", "https://example.com:x", "https://example.com:99999999999999999999",
		"https://政务.example", "https://exa mple.com", " https://example.com", "https://example.com\n",
		"https://[::1", "https://[fe80::1%25eth0]", "https://[10.0.0.1]", "https://[::1]x", "https://1.2.3",
		"https://example..com", "https://example.com.", "https://a:b:c", "https://example.com\\x",
	} {
		if got, err := NormalizeOrigin(in); err == nil {
			t.Errorf("NormalizeOrigin(%q) = %q, want an error", in, got)
		}
	}
}

func TestIsSecure(t *testing.T) {
	for in, want := range map[string]bool{
		"https://zwfw.example.gov.cn": true,
		"HTTPS://x.example:8443":      true,
		"http://zwfw.example.gov.cn":  false,
		"http://10.1.2.3":             false,
		"http://localhost:8080":       true,
		"http://app.localhost":        true,
		"http://127.0.0.2":            true,
		"http://[::1]:9000":           true,
		"http://localhost.example":    false,
		"ftp://localhost":             false,
		"":                            false,
	} {
		if got := IsSecure(in); got != want {
			t.Errorf("IsSecure(%q) = %v, want %v", in, got, want)
		}
	}
}
