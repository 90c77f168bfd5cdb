package core_test

import (
	"path/filepath"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/agent/web/pairing"
	"github.com/kiosk-agent/kiosk-agent/protocol"
	"github.com/kiosk-agent/kiosk-agent/protocol/conformance"
)

// pair adds a pairing to the agent's state directory and returns its token.
func pair(t *testing.T, cfg config.Config, req pairing.AddRequest) string {
	t.Helper()
	req.Known = protocol.CardFields()
	tok, _, err := pairing.Open(filepath.Join(cfg.StateDir, core.PairingsFile)).Add(req)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// The agent passes the protocol's conformance suite, simulated (native
// clients admitted) and real-device style (native clients need a token).
func TestConformance(t *testing.T) {
	t.Run("simulated", func(t *testing.T) {
		cfg := simConfig(t)
		token := pair(t, cfg, pairing.AddRequest{Origin: "https://counter.example.gov.cn", Fields: []string{"name", "idNumberMasked", "sex"}})
		pair(t, cfg, pairing.AddRequest{Origin: "https://other.example.gov.cn", Fields: []string{"all"}})
		addr, _ := startAgent(t, cfg)
		conformance.Run(t, conformance.Config{BaseURL: "http://" + addr, PairedOrigin: "https://counter.example.gov.cn", Token: token,
			OtherPairedOrigin: "https://other.example.gov.cn", Simulated: true, NativeAllowed: true})
	})
	t.Run("native clients need a token", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.Security.AllowNative = false
		native := pair(t, cfg, pairing.AddRequest{Native: true, Name: "counter-app", Fields: []string{"all"}})
		token := pair(t, cfg, pairing.AddRequest{Origin: "https://counter.example.gov.cn", Fields: []string{"name"}})
		addr, _ := startAgent(t, cfg)
		conformance.Run(t, conformance.Config{BaseURL: "http://" + addr, PairedOrigin: "https://counter.example.gov.cn", Token: token, NativeToken: native})
	})
}

// The suite's idea of the default limits is the agent's.
func TestConformanceDefaultsAreTheAgents(t *testing.T) {
	d, s := conformance.DefaultLimits(), config.Default().Server
	if d.MaxMessageBytes != s.MaxMessageBytes || d.CallsPerSecond != s.CallsPerSecond || d.Burst != s.CallBurst || d.MaxClients != s.MaxClients {
		t.Fatalf("conformance defaults %+v differ from the agent's %+v", d, s)
	}
}
