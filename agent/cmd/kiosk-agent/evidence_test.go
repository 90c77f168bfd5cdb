package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

// runCmd runs one of the commands and returns its exit status and
// output.
func runCmd(cmd func([]string, *bytes.Buffer, *bytes.Buffer) int, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

func evidenceKeyCmd(args []string, out, errb *bytes.Buffer) int {
	return evidenceKeyCommand(args, out, errb)
}

func verifyCmd(args []string, out, errb *bytes.Buffer) int {
	return verifySignatureCommand(args, out, errb)
}

// signedBundle makes a bundle with the key in stateDir, for a document
// with the given content, and writes it to a file.
func signedBundle(t *testing.T, stateDir, document string) string {
	t.Helper()
	k, err := evidence.LoadOrCreateKey(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	var samples []ink.Sample
	for i := int64(0); i < 20; i++ {
		samples = append(samples, ink.Sample{i * 5, 1000 + i*300, 3000 + (i%4)*200, 400 + i*20, 1})
	}
	doc := sha256.Sum256([]byte(document))
	prompt := sha256.Sum256([]byte("prompt"))
	b, err := evidence.Build(evidence.Manifest{
		Document:     evidence.Document{Title: "家庭经济状况核对授权书", SHA256: hex.EncodeToString(doc[:])},
		Signer:       evidence.Signatory{Name: "王五"},
		Device:       evidence.Device{Kind: evidence.DeviceSigpad, Model: "Wacom STU-430"},
		CapturedAt:   time.Date(2026, 5, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600)),
		Agent:        evidence.Agent{ID: "counter-3", Version: "test"},
		PromptSHA256: hex.EncodeToString(prompt[:]),
		Ink:          evidence.Ink{Unit: "0.01mm", Width: 9600, Height: 6000, MaxPressure: 1023, Samples: samples},
		Render:       evidence.Render{Width: 120},
	}, k)
	if err != nil {
		t.Fatal(err)
	}
	data, err := evidence.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEvidenceKeyCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	code, out, errs := runCmd(evidenceKeyCmd, "--state-dir", dir, "--config", "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "made a new evidence key") {
		t.Errorf("stderr does not say a key was made: %q", errs)
	}
	var printed struct {
		Alg       string `json:"alg"`
		KeyID     string `json:"keyId"`
		PublicKey string `json:"publicKey"`
	}
	if err := json.Unmarshal([]byte(out), &printed); err != nil {
		t.Fatalf("not JSON: %q", out)
	}
	raw, err := base64.StdEncoding.DecodeString(printed.PublicKey)
	if err != nil || len(raw) != 32 || printed.Alg != "Ed25519" || printed.KeyID != evidence.KeyID(raw) {
		t.Fatalf("printed %+v", printed)
	}
	// Again: the same key, and nothing said about making one.
	code, out2, errs := runCmd(evidenceKeyCmd, "--state-dir", dir, "--config", "")
	if code != 0 || out2 != out || errs != "" {
		t.Errorf("second run: exit %d, %q, %q", code, out2, errs)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(filepath.Join(dir, evidence.KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file: %v %v", fi.Mode(), err)
		}
		// A key file others may read is refused, saying why.
		os.Chmod(filepath.Join(dir, evidence.KeyFile), 0o644)
		code, _, errs = runCmd(evidenceKeyCmd, "--state-dir", dir, "--config", "")
		if code != 1 || !strings.Contains(errs, "chmod 600") {
			t.Errorf("exposed key: exit %d, %q", code, errs)
		}
	}
	if code, _, _ := runCmd(evidenceKeyCmd, "--state-dir", dir, "extra"); code != 2 {
		t.Errorf("an extra argument: exit %d", code)
	}
}

func TestVerifySignatureCommand(t *testing.T) {
	dir := t.TempDir()
	bundle := signedBundle(t, dir, "the authorisation form")
	_, keyJSON, _ := runCmd(evidenceKeyCmd, "--state-dir", dir, "--config", "")
	keyFile := filepath.Join(t.TempDir(), "agent-key.json")
	os.WriteFile(keyFile, []byte(keyJSON), 0o644)
	var pk evidence.PublicKey
	json.Unmarshal([]byte(keyJSON), &pk)
	keyB64 := base64.StdEncoding.EncodeToString(pk.PublicKey)
	docFile := filepath.Join(t.TempDir(), "doc.pdf")
	os.WriteFile(docFile, []byte("the authorisation form"), 0o644)
	otherDoc := filepath.Join(t.TempDir(), "other.pdf")
	os.WriteFile(otherDoc, []byte("another form"), 0o644)

	ok := func(name string, args ...string) {
		t.Helper()
		code, out, errs := runCmd(verifyCmd, args...)
		if code != 0 || !strings.HasPrefix(out, "ok: signed by keyId "+pk.KeyID+" (Ed25519) at 2026-05-02T09:30:00+08:00, document sha256 ") ||
			!strings.Contains(out, "家庭经济状况核对授权书") || !strings.Contains(out, "王五") {
			t.Errorf("%s: exit %d\n%s%s", name, code, out, errs)
		}
	}
	ok("this machine's key", bundle, "--state-dir", dir, "--config", "")
	ok("flags first", "--state-dir", dir, "--config", "", bundle)
	ok("--key base64", bundle, "--key", keyB64)
	ok("--key file", bundle, "--key", keyFile)
	ok("--document", bundle, "--key", keyB64, "--document", docFile)

	failed := func(name, want string, args ...string) {
		t.Helper()
		code, out, errs := runCmd(verifyCmd, args...)
		if code != 1 || !strings.HasPrefix(out, "FAILED: "+want) {
			t.Errorf("%s: exit %d\n%s%s", name, code, out, errs)
		}
	}
	failed("another document", "manifest.document.sha256: the bundle signs another document", bundle, "--key", keyB64, "--document", otherDoc)
	otherDir := t.TempDir()
	runCmd(evidenceKeyCmd, "--state-dir", otherDir, "--config", "")
	failed("another machine's key", "signature.keyId: ", bundle, "--state-dir", otherDir, "--config", "")

	data, _ := os.ReadFile(bundle)
	damaged := filepath.Join(t.TempDir(), "damaged.json")
	os.WriteFile(damaged, bytes.Replace(data, []byte("王五"), []byte("王六"), 1), 0o644)
	failed("a changed signer", "manifest.signer: was changed after it was signed", damaged, "--key", keyB64)
	os.WriteFile(damaged, bytes.Replace(data, []byte(`"png":"iVBOR`), []byte(`"png":"iVB*R`), 1), 0o644)
	failed("a broken PNG", "manifest.png: is not base64", damaged, "--key", keyB64)
	os.WriteFile(damaged, data[:len(data)/2], 0o644)
	failed("a truncated bundle", "", damaged, "--key", keyB64)

	for name, args := range map[string][]string{
		"no file":         {"--key", keyB64},
		"two files":       {bundle, bundle, "--key", keyB64},
		"a missing file":  {filepath.Join(dir, "nope.json"), "--key", keyB64},
		"a bad key":       {bundle, "--key", "not base64!"},
		"a short key":     {bundle, "--key", "AAAA"},
		"no key here":     {bundle, "--state-dir", t.TempDir(), "--config", ""},
		"a missing doc":   {bundle, "--key", keyB64, "--document", filepath.Join(dir, "nope.pdf")},
		"an unknown flag": {bundle, "--nope"},
	} {
		if code, out, errs := runCmd(verifyCmd, args...); code != 2 || errs == "" {
			t.Errorf("%s: exit %d, %q, %q; want 2 and a message", name, code, out, errs)
		}
	}
}
