package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence/jcs"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

// Bundle is a signed manifest.
type Bundle struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Manifest  Manifest  `json:"manifest"`
	Signature Signature `json:"signature"`
}

// Signature is a bundle's signature: the algorithm, the signing key's
// ID, the signature of the manifest's canonical bytes, and the unsigned
// digests of the manifest's members that let Verify name a changed one.
type Signature struct {
	Alg     string            `json:"alg"`
	KeyID   string            `json:"keyId"`
	Value   []byte            `json:"value"`
	Digests map[string]string `json:"digests"`
}

// Build draws the ink (filling in m.Renderer, m.Render's defaults, m.PNG
// and m.SVG), checks the manifest as Verify would and signs it with s.
// Changing the bundle's Manifest afterwards breaks its signature.
func Build(m Manifest, s Signer) (Bundle, error) {
	if m.CapturedAt.IsZero() {
		return Bundle{}, &VerifyError{Part: "manifest.capturedAt", Reason: "missing"}
	}
	for part, v := range map[string]string{
		"manifest.document.title": m.Document.Title, "manifest.signer.name": m.Signer.Name,
		"manifest.device.kind": m.Device.Kind, "manifest.device.model": m.Device.Model, "manifest.device.serial": m.Device.Serial,
		"manifest.agent.id": m.Agent.ID, "manifest.agent.version": m.Agent.Version, "manifest.ink.unit": m.Ink.Unit,
	} {
		if !utf8.ValidString(v) {
			return Bundle{}, &VerifyError{Part: part, Reason: "is not valid UTF-8"}
		}
	}
	opt, err := m.Render.options()
	if err != nil {
		return Bundle{}, &VerifyError{Part: "manifest.render", Reason: err.Error()}
	}
	d, err := ink.Draw(m.Ink.Samples, m.Ink.Pad(), opt)
	if err != nil {
		part := "manifest.ink"
		switch {
		case errors.Is(err, ink.ErrOptions):
			part = "manifest.render"
		case errors.Is(err, ink.ErrSamples):
			part = "manifest.ink.samples"
		}
		return Bundle{}, &VerifyError{Part: part, Reason: err.Error()}
	}
	m.Renderer = ink.Renderer
	m.Render = renderOf(d.Options())
	m.PNG = d.PNG()
	m.SVG = string(d.SVG())
	return seal(m, s)
}

// seal checks a manifest whose renderings are made and signs it.
func seal(m Manifest, s Signer) (Bundle, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return Bundle{}, fmt.Errorf("evidence: %w", err)
	}
	tree, err := jcs.Parse(raw)
	if err != nil {
		return Bundle{}, fmt.Errorf("evidence: %w", err)
	}
	if _, verr := checkManifest(tree); verr != nil {
		return Bundle{}, verr
	}
	canonical, err := jcs.Append(nil, tree)
	if err != nil {
		return Bundle{}, fmt.Errorf("evidence: %w", err)
	}
	pub := s.Public()
	v, ok := LookupVerifier(pub.Alg)
	if !ok {
		return Bundle{}, fmt.Errorf("evidence: the signer's algorithm %q is unknown", pub.Alg)
	}
	sig, err := s.Sign(canonical)
	if err != nil {
		return Bundle{}, fmt.Errorf("evidence: signing: %w", err)
	}
	if !v.Verify(pub.PublicKey, canonical, sig) {
		return Bundle{}, errors.New("evidence: the signer's signature does not verify with its own public key")
	}
	digests, err := memberDigests(tree)
	if err != nil {
		return Bundle{}, fmt.Errorf("evidence: %w", err)
	}
	return Bundle{
		Format:    Format,
		Version:   Version,
		Manifest:  m,
		Signature: Signature{Alg: pub.Alg, KeyID: pub.KeyID, Value: sig, Digests: digests},
	}, nil
}

// Marshal writes a bundle as canonical JSON (RFC 8785): compact, members
// sorted, no newline at the end.
func Marshal(b Bundle) ([]byte, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return jcs.Canonicalize(raw)
}

// memberDigests is the hex SHA-256 of each manifest member's canonical
// bytes.
func memberDigests(manifest jcs.Value) (map[string]string, error) {
	out := make(map[string]string, manifest.Len())
	for _, m := range manifest.Members() {
		d, err := digest(m.Value)
		if err != nil {
			return nil, err
		}
		out[m.Name] = d
	}
	return out, nil
}

func digest(v jcs.Value) (string, error) {
	b, err := jcs.Append(nil, v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
