package pairing

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// NormalizeOrigin returns a web origin in the form browsers send it in the
// Origin header: lower-case scheme "http" or "https", "://", the lower-case
// host (an IPv6 address in brackets, in its shortest form) and ":port" only
// when it is not the scheme's default. It refuses "", "*", "null", other
// schemes, a path (also a lone "/"), a query, a fragment, user info, a
// host that is not ASCII (give the xn-- form) and a bad port. Plain http is
// allowed (government intranets use it); see IsSecure.
func NormalizeOrigin(s string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("pairing: origin %q: %s", s, why)
	}
	switch {
	case s == "":
		return bad("empty: want scheme://host[:port]")
	case s == "*" || s == "null":
		return bad("want one origin, scheme://host[:port]")
	}
	for _, r := range s {
		switch {
		case r <= ' ' || r == 0x7f:
			return bad("has a space or a control character")
		case r > 0x7e:
			return bad("has a character that is not ASCII: give the host in its xn-- form")
		}
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return bad("want scheme://host[:port]")
	}
	scheme := strings.ToLower(s[:i])
	if scheme != "http" && scheme != "https" {
		return bad("scheme " + strconv.Quote(s[:i]) + ": want http or https")
	}
	rest := s[i+3:]
	switch {
	case strings.ContainsAny(rest, "/\\"):
		return bad("has a path: an origin is scheme://host[:port], without even a trailing /")
	case strings.Contains(rest, "?"):
		return bad("has a query")
	case strings.Contains(rest, "#"):
		return bad("has a fragment")
	case strings.Contains(rest, "@"):
		return bad("has user info")
	}
	host, port, err := splitHostPort(rest)
	if err != nil {
		return bad(err.Error())
	}
	if host, err = normalizeHost(host); err != nil {
		return bad(err.Error())
	}
	if port, err = normalizePort(scheme, port); err != nil {
		return bad(err.Error())
	}
	return scheme + "://" + host + port, nil
}

// splitHostPort splits host[:port] or [v6][:port]; port keeps no colon
// and is "" when there is none.
func splitHostPort(s string) (host, port string, err error) {
	if strings.HasPrefix(s, "[") {
		j := strings.IndexByte(s, ']')
		if j < 0 {
			return "", "", fmt.Errorf("unclosed [")
		}
		host, after := s[:j+1], s[j+1:]
		if after == "" {
			return host, "", nil
		}
		if after[0] != ':' {
			return "", "", fmt.Errorf("want a port after ]")
		}
		return host, after[1:], nil
	}
	if k := strings.LastIndexByte(s, ':'); k >= 0 {
		return s[:k], s[k+1:], nil
	}
	return s, "", nil
}

// normalizeHost checks a host name, IPv4 address or bracketed IPv6
// address and returns it in lower case, shortest form.
func normalizeHost(h string) (string, error) {
	if h == "" {
		return "", fmt.Errorf("no host")
	}
	if strings.HasPrefix(h, "[") {
		a, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", fmt.Errorf("bad IPv6 address %s", h)
		}
		return "[" + a.String() + "]", nil
	}
	h = strings.ToLower(h)
	if len(h) > 253 {
		return "", fmt.Errorf("host longer than 253 characters")
	}
	labels := strings.Split(h, ".")
	if last := labels[len(labels)-1]; last != "" && last[0] >= '0' && last[0] <= '9' {
		// Browsers read a host ending in a number as an IPv4 address.
		a, err := netip.ParseAddr(h)
		if err != nil || !a.Is4() {
			return "", fmt.Errorf("bad IPv4 address %s", h)
		}
		return a.String(), nil
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "", fmt.Errorf("bad host name %s: an empty or too long label", h)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				if c == '*' {
					return "", fmt.Errorf("wildcards are not allowed: pair each origin")
				}
				return "", fmt.Errorf("bad host name %s: character %q", h, c)
			}
		}
	}
	return h, nil
}

// normalizePort returns ":port", or "" for no port or the scheme's default.
func normalizePort(scheme, p string) (string, error) {
	if p == "" {
		return "", nil
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' || n > 65535 {
			return "", fmt.Errorf("bad port %q", p)
		}
		n = n*10 + int(p[i]-'0')
	}
	if n < 1 || n > 65535 {
		return "", fmt.Errorf("bad port %q: want 1 to 65535", p)
	}
	if scheme == "https" && n == 443 || scheme == "http" && n == 80 {
		return "", nil
	}
	return ":" + strconv.Itoa(n), nil
}

// IsSecure reports whether pages of origin reach the agent in a secure
// context: https, or http to this machine itself (localhost, 127.0.0.0/8,
// [::1]), whose traffic never leaves it. The CLI warns when pairing any
// other http origin: anyone on the network path can read or change what
// such a page shows and sends. An invalid origin is not secure.
func IsSecure(origin string) bool {
	o, err := NormalizeOrigin(origin)
	if err != nil {
		return false
	}
	if strings.HasPrefix(o, "https://") {
		return true
	}
	host, _, _ := splitHostPort(strings.TrimPrefix(o, "http://"))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "[::1]" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}
