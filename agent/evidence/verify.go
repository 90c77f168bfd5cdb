package evidence

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence/jcs"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

// MaxBundleBytes is the largest bundle Verify reads.
const MaxBundleBytes = 64 << 20

// Report is what a verified bundle says.
type Report struct {
	Alg, KeyID string
	Manifest   Manifest
}

// Verify checks a bundle against the key that should have signed it
// (the bundle does not carry a key: take the agent's, as agent.hello's
// evidenceKey or "kiosk-agent evidence-key" prints it). It checks, in this
// order, and stops at the first problem, returning a *VerifyError whose
// Part says where:
//
//   - "key": no key, or a malformed one, was given;
//   - the JSON itself: Part is the path of the value being read where it
//     stops being JSON (or "bundle" at the top), e.g.
//     "manifest.signer.name" for a string with a broken escape;
//   - "bundle", "format", "version", "manifest", "signature": the top
//     level (an unknown member is "bundle"; a missing one its own name);
//   - "signature.alg", "signature.keyId" (malformed, or not the given
//     key's), "signature.value" (malformed), "signature.digests"
//     (malformed);
//   - every manifest member's form, in order, named down to the value:
//     "manifest.document.sha256", "manifest.ink.samples[12][3]",
//     "manifest.png" (not base64 or not a PNG), "manifest.render"…; an
//     unknown member is "manifest";
//   - the signature over the manifest's canonical bytes. When it fails,
//     the digests recorded at signing name the member whose bytes
//     changed ("manifest.signer": changed after it was signed); when
//     every member still matches them, "signature.value";
//   - "signature.digests" again: the signature holds, but the unsigned
//     digests do not match the manifest;
//   - "manifest.png" and "manifest.svg": the renderer named in the
//     manifest, run on manifest.ink.samples with manifest.render, does
//     not draw these bytes ("does not match the ink").
//
// With a single damaged spot, Part therefore names the member it is in —
// see the damage test for every byte of a bundle.
func Verify(bundleJSON []byte, trusted *PublicKey) (Report, error) {
	if trusted == nil {
		return Report{}, bad("key", "no public key to verify against: give the agent's (kiosk-agent evidence-key prints it)")
	}
	tk, err := NewPublicKey(trusted.Alg, trusted.PublicKey)
	if err != nil {
		return Report{}, bad("key", "%v", err)
	}
	if trusted.KeyID != "" && trusted.KeyID != tk.KeyID {
		return Report{}, bad("key", "the key's ID %q is not the ID of its key (%s)", trusted.KeyID, tk.KeyID)
	}
	if len(bundleJSON) > MaxBundleBytes {
		return Report{}, bad("bundle", "is %d bytes, more than %d", len(bundleJSON), MaxBundleBytes)
	}
	root, err := jcs.Parse(bundleJSON)
	if err != nil {
		var se *jcs.SyntaxError
		if errors.As(err, &se) {
			part := se.Path
			if part == "" {
				part = "bundle"
			}
			return Report{}, bad(part, "is not valid JSON: %s (at byte %d)", se.Msg, se.Offset)
		}
		return Report{}, bad("bundle", "%v", err)
	}
	top, verr := object("", root, []string{"format", "version", "manifest", "signature"}, nil)
	if verr != nil {
		return Report{}, verr
	}
	if f := top["format"]; f.Kind() != jcs.String || f.Str() != Format {
		return Report{}, bad("format", "is not %q", Format)
	}
	if _, verr := integer("version", top["version"], Version, Version); verr != nil {
		return Report{}, bad("version", "is not %d: this verifier reads version %d only", Version, Version)
	}
	sig, digests, verr := checkSignature(top["signature"], tk)
	if verr != nil {
		return Report{}, verr
	}
	mv := top["manifest"]
	m, verr := checkManifest(mv)
	if verr != nil {
		return Report{}, verr
	}

	canonical, err := jcs.Append(nil, mv)
	if err != nil {
		return Report{}, bad("manifest", "%v", err)
	}
	v, _ := LookupVerifier(tk.Alg)
	if !v.Verify(tk.PublicKey, canonical, sig) {
		for _, mem := range mv.Members() {
			if d, _ := digest(mem.Value); digests[mem.Name] != d {
				return Report{}, bad("manifest."+mem.Name, "was changed after it was signed: the signature does not verify, and this member's digest differs from the one recorded at signing")
			}
		}
		return Report{}, bad("signature.value", "does not verify: the manifest still matches the digests recorded at signing, so the signature value was changed (or another key with the same ID signed)")
	}
	for _, name := range manifestMembers() {
		got, _ := mv.Get(name)
		if d, _ := digest(got); digests[name] != d {
			return Report{}, bad("signature.digests", "do not match the signed manifest (at %q); they are not signed, but were changed", name)
		}
	}

	d, err := ink.Draw(m.Ink.Samples, m.Ink.Pad(), mustOptions(m.Render))
	if err != nil {
		return Report{}, bad("manifest.ink", "cannot be drawn: %v", err)
	}
	if !bytes.Equal(d.PNG(), m.PNG) {
		return Report{}, bad("manifest.png", "does not match the ink: %s draws other bytes from manifest.ink.samples with manifest.render", ink.Renderer)
	}
	if string(d.SVG()) != m.SVG {
		return Report{}, bad("manifest.svg", "does not match the ink: %s draws another SVG from manifest.ink.samples with manifest.render", ink.Renderer)
	}
	return Report{Alg: tk.Alg, KeyID: tk.KeyID, Manifest: m}, nil
}

// mustOptions is the renderer's options of a Render checkRender passed.
func mustOptions(r Render) ink.Options {
	o, _ := r.options()
	return o
}

// checkSignature checks the signature object's form and that it names
// the given key; it returns the signature value and the digests.
func checkSignature(v jcs.Value, key PublicKey) ([]byte, map[string]string, *VerifyError) {
	g, verr := object("signature", v, []string{"alg", "keyId", "value", "digests"}, nil)
	if verr != nil {
		return nil, nil, verr
	}
	alg := g["alg"]
	a, ok := LookupVerifier(alg.Str())
	if alg.Kind() != jcs.String || !ok {
		return nil, nil, bad("signature.alg", "names no algorithm this verifier has (it has %s)", AlgEd25519)
	}
	if alg.Str() != key.Alg {
		return nil, nil, bad("signature.alg", "is %s, but the key given is an %s key", alg.Str(), key.Alg)
	}
	id := g["keyId"]
	if id.Kind() != jcs.String || !isHex(id.Str(), 16) {
		return nil, nil, bad("signature.keyId", "is not a key ID (16 digits 0-9a-f)")
	}
	if id.Str() != key.KeyID {
		return nil, nil, bad("signature.keyId", "says key %s signed, not the key given (%s)", id.Str(), key.KeyID)
	}
	val := g["value"]
	sig, err := base64.StdEncoding.Strict().DecodeString(val.Str())
	if val.Kind() != jcs.String || err != nil || len(sig) != a.SignatureSize() {
		return nil, nil, bad("signature.value", "is not the base64 of a %d-byte %s signature", a.SignatureSize(), a.Name())
	}
	dv := g["digests"]
	if dv.Kind() != jcs.Object {
		return nil, nil, bad("signature.digests", "is %s, not an object", dv.Kind())
	}
	digests := make(map[string]string, dv.Len())
	for _, mem := range dv.Members() {
		if !slices.Contains(manifestMembers(), mem.Name) {
			return nil, nil, bad("signature.digests", "names %q, which is no manifest member", mem.Name)
		}
		d, verr := hexSHA256(fmt.Sprintf("signature.digests.%s", mem.Name), mem.Value)
		if verr != nil {
			return nil, nil, bad("signature.digests", "%s %s", mem.Name, verr.Reason)
		}
		digests[mem.Name] = d
	}
	for _, name := range manifestMembers() {
		if _, ok := digests[name]; !ok {
			return nil, nil, bad("signature.digests", "has none for %q", name)
		}
	}
	return sig, digests, nil
}
