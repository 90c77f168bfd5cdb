package evidence

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

// edit decodes a bundle, lets change alter it, and encodes it again.
func edit(t *testing.T, bundle []byte, change func(b map[string]any)) []byte {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatal(err)
	}
	change(b)
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func manifestOf(b map[string]any) map[string]any { return b["manifest"].(map[string]any) }
func sigOf(b map[string]any) map[string]any      { return b["signature"].(map[string]any) }

// sealed signs m as Build would, but with its renderings as they are.
func sealed(t *testing.T, m Manifest, k *Key) []byte {
	t.Helper()
	b, err := seal(m, k)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVerifyNames checks the part Verify names for each kind of damage.
func TestVerifyNames(t *testing.T) {
	k := testKey(t, 1)
	pub := k.Public()
	good := build(t, testManifest(), k)
	built, err := Build(testManifest(), k)
	if err != nil {
		t.Fatal(err)
	}
	other := testKey(t, 2).Public()

	// A manifest whose PNG (or SVG) is not what the ink draws, signed
	// all the same.
	wrongPNG := built.Manifest
	d, _ := ink.Draw(wrongPNG.Ink.Samples, wrongPNG.Ink.Pad(), ink.Options{Width: 24, MaxWidth: 900})
	wrongPNG.PNG = d.PNG()
	wrongSVG := built.Manifest
	wrongSVG.SVG = strings.Replace(wrongSVG.SVG, `fill="#000000"`, `fill="#000001"`, 1)

	for _, c := range []struct {
		name   string
		bundle []byte
		key    *PublicKey
		part   string
		reason string
	}{
		{"no key", good, nil, "key", "no public key"},
		{"a key of no known algorithm", good, &PublicKey{Alg: "SM2", PublicKey: pub.PublicKey}, "key", "unknown algorithm"},
		{"a key whose ID is not its own", good, &PublicKey{Alg: AlgEd25519, KeyID: "0000000000000000", PublicKey: pub.PublicKey}, "key", "not the ID"},
		{"another key", good, &other, "signature.keyId", "not the key given"},
		{"not JSON", []byte("{"), &pub, "bundle", "not valid JSON"},
		{"not an object", []byte("[]"), &pub, "bundle", "not an object"},
		{"an unknown member", edit(t, good, func(b map[string]any) { b["extra"] = 1 }), &pub, "bundle", `unknown member "extra"`},
		{"another format", edit(t, good, func(b map[string]any) { b["format"] = "x" }), &pub, "format", "is not"},
		{"version 2", edit(t, good, func(b map[string]any) { b["version"] = 2 }), &pub, "version", "version 1 only"},
		{"no manifest", edit(t, good, func(b map[string]any) { delete(b, "manifest") }), &pub, "manifest", "missing"},
		{"an unknown algorithm", edit(t, good, func(b map[string]any) { sigOf(b)["alg"] = "RSA" }), &pub, "signature.alg", "no algorithm"},
		{"a short signature", edit(t, good, func(b map[string]any) { sigOf(b)["value"] = "AAAA" }), &pub, "signature.value", "64-byte"},
		{"another signature", edit(t, good, func(b map[string]any) {
			s, _ := k.Sign([]byte("something else"))
			sigOf(b)["value"] = base64.StdEncoding.EncodeToString(s)
		}), &pub, "signature.value", "does not verify"},
		{"changed digests", edit(t, good, func(b map[string]any) {
			sigOf(b)["digests"].(map[string]any)["png"] = strings.Repeat("0", 64)
		}), &pub, "signature.digests", `at "png"`},
		{"a digest missing", edit(t, good, func(b map[string]any) { delete(sigOf(b)["digests"].(map[string]any), "svg") }), &pub, "signature.digests", `none for "svg"`},
		{"an unknown manifest member", edit(t, good, func(b map[string]any) { manifestOf(b)["note"] = "x" }), &pub, "manifest", `unknown member "note"`},
		{"another signer", edit(t, good, func(b map[string]any) { manifestOf(b)["signer"] = map[string]any{"name": "李四"} }), &pub, "manifest.signer", "changed after it was signed"},
		{"another document", edit(t, good, func(b map[string]any) {
			manifestOf(b)["document"].(map[string]any)["sha256"] = sha("another document")
		}), &pub, "manifest.document", "changed after it was signed"},
		{"a malformed document hash", edit(t, good, func(b map[string]any) {
			manifestOf(b)["document"].(map[string]any)["sha256"] = "xyz"
		}), &pub, "manifest.document.sha256", "SHA-256"},
		{"a moved sample", edit(t, good, func(b map[string]any) {
			s := manifestOf(b)["ink"].(map[string]any)["samples"].([]any)
			s[3].([]any)[1] = 1234.0
		}), &pub, "manifest.ink", "changed after it was signed"},
		{"a fractional sample", edit(t, good, func(b map[string]any) {
			s := manifestOf(b)["ink"].(map[string]any)["samples"].([]any)
			s[3].([]any)[1] = 1234.5
		}), &pub, "manifest.ink.samples[3][1]", "whole number"},
		{"a sample off the pad", edit(t, good, func(b map[string]any) {
			s := manifestOf(b)["ink"].(map[string]any)["samples"].([]any)
			s[3].([]any)[2] = 9000.0
		}), &pub, "manifest.ink.samples[3][2]", "from 0 to 7631"},
		{"a PNG that is not base64", edit(t, good, func(b map[string]any) { manifestOf(b)["png"] = "iVBOR!" }), &pub, "manifest.png", "not base64"},
		{"a PNG that is not a PNG", edit(t, good, func(b map[string]any) { manifestOf(b)["png"] = "R0lGODlh" }), &pub, "manifest.png", "not a PNG"},
		{"another PNG", edit(t, good, func(b map[string]any) {
			manifestOf(b)["png"] = base64.StdEncoding.EncodeToString(wrongPNG.PNG)
		}), &pub, "manifest.png", "changed after it was signed"},
		{"another renderer", edit(t, good, func(b map[string]any) { manifestOf(b)["renderer"] = "ink/2" }), &pub, "manifest.renderer", "does not have"},
		{"a bad ink colour", edit(t, good, func(b map[string]any) { manifestOf(b)["render"].(map[string]any)["color"] = "black" }), &pub, "manifest.render.color", "not a colour"},
		{"a PNG that does not match the ink, signed", sealed(t, wrongPNG, k), &pub, "manifest.png", "does not match the ink"},
		{"an SVG that does not match the ink, signed", sealed(t, wrongSVG, k), &pub, "manifest.svg", "does not match the ink"},
	} {
		ve := verifyErr(t, c.bundle, c.key)
		if ve.Part != c.part || !strings.Contains(ve.Reason, c.reason) {
			t.Errorf("%s: %v; want %s: …%s…", c.name, ve, c.part, c.reason)
		}
	}
}

// TestVerifyTakesTheKeyFile: a key as evidence-key prints it, read back
// with ParsePublicKey, verifies; one whose ID was edited does not parse.
func TestVerifyTakesTheKeyFile(t *testing.T) {
	k := testKey(t, 1)
	js, _ := json.Marshal(k.Public())
	p, err := ParsePublicKey(js)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(build(t, testManifest(), k), &p); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(js, []byte(p.KeyID[:4]), []byte("ffff"), 1)
	if _, err := ParsePublicKey(bad); err == nil {
		t.Error("a key file with an edited keyId parses")
	}
}
