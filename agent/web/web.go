package web

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web/pairing"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Pairings is what the web layer needs of the pairing store.
type Pairings interface {
	// Check returns the pairing whose token is token, if it belongs to
	// origin ("" for native clients).
	Check(origin, token string) (pairing.Pairing, bool)
	// List returns every pairing.
	List() ([]pairing.Pairing, error)
}

// Config configures a Server.
type Config struct {
	// AllowRemote admits Host headers naming any IP address of this
	// machine, not only loopback ones (server.allowRemote).
	AllowRemote bool
	// AllowNative authorizes native clients (no Origin) without a token.
	AllowNative bool
	// Simulate serves the simulator's page (/sim.html).
	Simulate bool
	Pairings Pairings
	RPC      *rpc.Server
	// Routes are served beside /ws: the UI at "/", /healthz, /metrics ...
	Routes map[string]http.Handler
	// Rejected is told each refusal by rule ("host", "origin"); may be nil.
	Rejected func(rule string)
	Log      *slog.Logger
}

// Server serves the agent's HTTP routes under its rules.
type Server struct {
	cfg  Config
	port string // the port the agent listens on; set by Handler
	mux  *http.ServeMux
}

// New returns a server. Call Handler once the listening port is known.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(string) {}
	}
	return &Server{cfg: cfg}
}

// Handler returns the agent's HTTP handler for a listener on port.
func (s *Server) Handler(port string) http.Handler {
	s.port = port
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", s.serveWS)
	for pattern, h := range s.cfg.Routes {
		mux.Handle(pattern, h)
	}
	s.mux = mux
	return http.HandlerFunc(s.serve)
}

// simFiles are the simulator page's files, served only with --simulate.
var simFiles = map[string]bool{"/sim.html": true, "/sim.js": true, "/sim.css": true}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	// Pages set their own policy (package ui); everything else may do
	// nothing at all in a browser.
	if !strings.HasPrefix(r.URL.Path, "/protocol/") {
		// The client module and the schema are files for other pages
		// to load (nosniff keeps them from being taken for HTML); a
		// policy on them would bind only a tab that opens one as a
		// document.
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	}
	if !s.hostAllowed(r.Host) {
		s.cfg.Rejected("host")
		s.cfg.Log.Warn("request refused: Host does not name this agent (DNS rebinding?)", "host", r.Host, "origin", r.Header.Get("Origin"), "remote", r.RemoteAddr)
		http.Error(w, "forbidden: the Host header must name this agent (localhost or an IP address, port "+s.port+")", http.StatusForbidden)
		return
	}
	if simFiles[r.URL.Path] && !s.cfg.Simulate {
		http.NotFound(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// hostAllowed reports whether a Host header names this agent: localhost
// or an IP address (a DNS name could be rebound to us), with our port.
// Without AllowRemote the address must be a loopback one.
func (s *Server) hostAllowed(host string) bool {
	name, port, err := net.SplitHostPort(host)
	if err != nil || port != s.port {
		return false
	}
	if strings.EqualFold(name, "localhost") {
		return true
	}
	ip := net.ParseIP(name)
	if ip == nil {
		return false
	}
	return ip.IsLoopback() || s.cfg.AllowRemote && !ip.IsUnspecified() && !ip.IsMulticast()
}

// ErrUnauthorized is returned by Hello for a token that is not valid for
// the client's origin.
var ErrUnauthorized = errors.New("the token is not valid for this origin")

// serveWS admits a WebSocket client by its Origin, then hands it to the
// RPC server.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	var acc Access
	switch {
	case origin == "":
		acc = Access{Kind: protocol.AccessNone}
		if s.cfg.AllowNative {
			acc.Kind = protocol.AccessNative
		}
	case s.ownOrigin(origin, r.Host):
		acc = Access{Kind: protocol.AccessOwn, Origin: strings.ToLower(origin)}
	default:
		norm, err := pairing.NormalizeOrigin(origin)
		if err != nil || !s.paired(norm) {
			s.cfg.Rejected("origin")
			s.cfg.Log.Warn("WebSocket refused: origin not paired", "origin", origin, "remote", r.RemoteAddr)
			http.Error(w, "forbidden: this origin is not paired with the agent (an administrator runs: kiosk-agent pair add --origin "+origin+")", http.StatusForbidden)
			return
		}
		acc = Access{Kind: protocol.AccessNone, Origin: norm}
	}
	r = r.WithContext(withAccess(r.Context(), acc))
	s.cfg.RPC.ServeHTTP(w, r)
}

// ownOrigin reports whether origin is the agent's own page: http on the
// very host the request names (which hostAllowed has checked).
func (s *Server) ownOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Scheme == "http" && strings.EqualFold(u.Host, host) && u.Path == "" && u.User == nil
}

func (s *Server) paired(origin string) bool {
	ps, err := s.cfg.Pairings.List()
	if err != nil {
		s.cfg.Log.Error("pairings cannot be read; refusing paired origins", "err", err)
		return false
	}
	for _, p := range ps {
		if p.Origin == origin {
			return true
		}
	}
	return false
}

// OnConnect sets a new connection's access (it is the rpc server's
// OnConnect hook).
func OnConnect(c *rpc.Conn, r *http.Request) {
	acc, ok := accessFrom(r.Context())
	if !ok {
		// Not through serveWS: nothing is allowed.
		acc = Access{Kind: protocol.AccessNone}
	}
	if acc.Authorized() {
		c.Authorize(acc)
	} else {
		c.SetState(acc)
	}
}

// AccessOf returns the access of a connection.
func AccessOf(c *rpc.Conn) Access {
	if a, ok := c.State().(Access); ok {
		return a
	}
	return Access{Kind: protocol.AccessNone}
}

// Hello handles the token of agent.hello: with a token valid for the
// client's origin, the connection is authorized with the pairing's
// fields. Without a token the access stays as it is. A wrong token is
// ErrUnauthorized.
func (s *Server) Hello(c *rpc.Conn, token string) (Access, error) {
	acc := AccessOf(c)
	if token == "" {
		return acc, nil
	}
	if acc.Kind == protocol.AccessOwn {
		return acc, nil // the agent's own pages need none
	}
	p, ok := s.cfg.Pairings.Check(acc.Origin, token)
	if !ok {
		s.cfg.Rejected("token")
		s.cfg.Log.Warn("agent.hello with a token not valid for this origin", "origin", acc.Origin, "remote", c.Remote)
		return acc, ErrUnauthorized
	}
	acc = Access{Kind: protocol.AccessPaired, Origin: acc.Origin, Name: p.Name, Fields: fieldSet(p.Fields), TokenHash: p.TokenHash}
	c.Authorize(acc)
	return acc, nil
}

// Revalidate closes the connections whose pairing has been removed or
// replaced since they presented its token. Call it when the pairings
// change, or now and then.
func (s *Server) Revalidate() {
	ps, err := s.cfg.Pairings.List()
	if err != nil {
		return
	}
	live := map[string]bool{}
	for _, p := range ps {
		live[p.TokenHash] = true
	}
	for _, c := range s.cfg.RPC.Conns() {
		acc := AccessOf(c)
		if acc.Kind == protocol.AccessPaired && !live[acc.TokenHash] {
			s.cfg.Log.Warn("pairing removed; closing its connection", "client", acc.Client())
			c.Close(protocol.ClosePolicy, "pairing removed")
		}
	}
}
