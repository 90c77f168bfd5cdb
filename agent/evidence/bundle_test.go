package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence/jcs"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

func verifyErr(t *testing.T, bundle []byte, key *PublicKey) *VerifyError {
	t.Helper()
	_, err := Verify(bundle, key)
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("Verify: %v, want a *VerifyError", err)
	}
	return ve
}

func TestBuildAndVerify(t *testing.T) {
	k := testKey(t, 1)
	pub := k.Public()
	m := testManifest()
	out := build(t, m, k)
	r, err := Verify(out, &pub)
	if err != nil {
		t.Fatalf("Verify: %v\n%s", err, out)
	}
	if r.KeyID != pub.KeyID || r.Alg != AlgEd25519 {
		t.Errorf("report %s %s", r.Alg, r.KeyID)
	}
	got := r.Manifest
	if got.Document != m.Document || got.Signer != m.Signer || got.Device != m.Device || got.Agent != m.Agent ||
		!got.CapturedAt.Equal(m.CapturedAt) || got.PromptSHA256 != m.PromptSHA256 || len(got.Ink.Samples) != len(m.Ink.Samples) {
		t.Errorf("report's manifest %+v", got)
	}
	if got.Renderer != ink.Renderer || got.Render.Height == 0 || got.Render.Color != "#000000" || got.Render.Background != "transparent" {
		t.Errorf("renderer %q, render %+v", got.Renderer, got.Render)
	}
	// The bundle is canonical JSON with exactly the documented members.
	if c, _ := jcs.Canonicalize(out); !bytes.Equal(c, out) {
		t.Error("Marshal's output is not canonical")
	}
	var shape struct {
		Format    string                     `json:"format"`
		Version   int                        `json:"version"`
		Manifest  map[string]json.RawMessage `json:"manifest"`
		Signature map[string]json.RawMessage `json:"signature"`
	}
	if err := json.Unmarshal(out, &shape); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range shape.Manifest {
		names = append(names, n)
	}
	if len(names) != 11 || shape.Format != "kiosk-agent.signature" || shape.Version != 1 {
		t.Errorf("format %q version %d manifest members %v", shape.Format, shape.Version, names)
	}
	for _, n := range []string{"alg", "keyId", "value", "digests"} {
		if _, ok := shape.Signature[n]; !ok {
			t.Errorf("signature.%s missing", n)
		}
	}
	if !strings.Contains(string(out), `"samples":[[0,1000,3000,0,0],[5,1000,3000,300,1]`) {
		t.Errorf("samples are not [t,x,y,p,sw] integers: %.300s", out)
	}
	// Re-indented and reordered, it still verifies: the signature covers
	// the canonical form.
	var anyv any
	json.Unmarshal(out, &anyv)
	pretty, _ := json.MarshalIndent(anyv, "", "   ")
	if _, err := Verify(pretty, &pub); err != nil {
		t.Errorf("the re-indented bundle: %v", err)
	}
	// Building the same manifest again gives the same bytes.
	if again := build(t, m, k); !bytes.Equal(again, out) {
		t.Error("two builds of one manifest differ")
	}
}

func TestKeyID(t *testing.T) {
	k := testKey(t, 1)
	p := k.Public()
	if len(p.KeyID) != 16 || p.KeyID != KeyID(p.PublicKey) || p.KeyID != sha(string(p.PublicKey))[:16] {
		t.Errorf("keyId %q", p.KeyID)
	}
}

func TestBuildRefuses(t *testing.T) {
	k := testKey(t, 1)
	for _, c := range []struct {
		part   string
		change func(*Manifest)
	}{
		{"manifest.capturedAt", func(m *Manifest) { m.CapturedAt = time.Time{} }},
		{"manifest.signer.name", func(m *Manifest) { m.Signer.Name = "" }},
		{"manifest.signer.name", func(m *Manifest) { m.Signer.Name = "\xff" }},
		{"manifest.document.sha256", func(m *Manifest) { m.Document.SHA256 = "ABC" }},
		{"manifest.device.model", func(m *Manifest) { m.Device.Model = "" }},
		{"manifest.ink.samples", func(m *Manifest) { m.Ink.Samples = m.Ink.Samples[:1] }},
		{"manifest.ink.samples[0]", func(m *Manifest) { m.Ink.Samples[0][0] = 7 }},
		{"manifest.ink.samples", func(m *Manifest) { m.Ink.Samples[3][0] = 1 }},
		{"manifest.ink.samples[2][1]", func(m *Manifest) { m.Ink.Samples[2][1] = 20000 }},
		{"manifest.render", func(m *Manifest) { m.Render.Color = "red" }},
		{"manifest.render", func(m *Manifest) { m.Render.MinWidth = 5 }},
		{"manifest.ink", func(m *Manifest) { m.Ink.Width = 0 }},
		{"manifest.agent.id", func(m *Manifest) { m.Agent.ID = "a\x00b" }},
		{"manifest.promptSha256", func(m *Manifest) { m.PromptSHA256 = "" }},
	} {
		m := testManifest()
		c.change(&m)
		_, err := Build(m, k)
		var ve *VerifyError
		if !errors.As(err, &ve) || ve.Part != c.part {
			t.Errorf("%s: %v", c.part, err)
		}
	}
	// A screen needs no model.
	m := testManifest()
	m.Device = Device{Kind: DeviceScreen}
	m.Ink = Ink{Unit: "px", Width: 600, Height: 300, Samples: m.Ink.Samples}
	for i := range m.Ink.Samples {
		m.Ink.Samples[i][1] /= 20
		m.Ink.Samples[i][2] /= 30
		m.Ink.Samples[i][3] = 0
	}
	pub := k.Public()
	if _, err := Verify(build(t, m, k), &pub); err != nil {
		t.Errorf("a screen capture: %v", err)
	}
}
