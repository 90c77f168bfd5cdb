package core_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// TestNoPersonalDataInLogsOrAudit runs every sample card, and one with
// fingerprints, through the agent at debug level — events, reads with and
// without fingerprints, removal — and then searches everything the agent
// wrote (its log and every file in its state directory, the audit log
// included) for full ID numbers, names, addresses, photos and fingerprints.
// It expects none, and expects the masked numbers in the audit log.
func TestNoPersonalDataInLogsOrAudit(t *testing.T) {
	cfg := simConfig(t)
	addr, logs := startAgent(t, cfg)
	validate := schemas(t)
	c := dial(t, addr, nil)
	cards := idcardsim.SampleCards()
	fp := *cards[0]
	fp.Name, fp.IDNumber = "赵敏", "370481199001020026"
	fp.Fingerprint = bytes.Repeat([]byte{0xF1, 0x9E, 0x77, 0x03}, 256)
	type secret struct{ what, s string }
	var secrets []secret
	wire := []protocol.Card{}
	for i := range cards {
		result(t, validate, c.call("sim.idcard.place", map[string]any{"sample": i}), "empty")
		c.event("idcard.inserted")
		var got protocol.IDCardReadResult
		json.Unmarshal(result(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 3000, "fingerprint": true, "purpose": "低保申请"}), "idcardReadResult"), &got)
		wire = append(wire, got.Card)
		result(t, validate, c.call("sim.idcard.remove", nil), "empty")
		c.event("idcard.removed")
	}
	fpWire := protocol.Card{Type: "resident", Name: fp.Name, Sex: fp.Sex, Nation: fp.Nation, BirthDate: fp.BirthDate, Address: fp.Address,
		IDNumber: fp.IDNumber, Issuer: fp.Issuer, ValidFrom: fp.ValidFrom, ValidUntil: fp.ValidUntil,
		Photo: &protocol.Photo{WLT: fp.Photo}, Fingerprint: fp.Fingerprint}
	result(t, validate, c.call("sim.idcard.place", map[string]any{"card": fpWire}), "empty")
	var got protocol.IDCardReadResult
	json.Unmarshal(result(t, validate, c.call("idcard.read", map[string]any{"timeoutMs": 3000, "fingerprint": true}), "idcardReadResult"), &got)
	if !bytes.Equal(got.Card.Fingerprint, fp.Fingerprint) {
		t.Fatal("the fingerprint card was not read with its fingerprints")
	}
	wire = append(wire, got.Card)
	result(t, validate, c.call("sim.idcard.remove", nil), "empty")
	c.event("idcard.removed")

	for _, w := range wire {
		for _, s := range []secret{{"ID number", w.IDNumber}, {"name", w.Name}, {"address", w.Address}, {"English name", w.NameEn}, {"appended address", w.AppendedAddress}, {"pass number", w.PassNumber}} {
			if len(s.s) >= 2 {
				secrets = append(secrets, s)
			}
		}
		if w.Photo != nil {
			secrets = append(secrets, secret{"photo (base64)", base64.StdEncoding.EncodeToString(w.Photo.WLT)[:64]},
				secret{"photo (hex)", hex.EncodeToString(w.Photo.WLT[100:132])}, secret{"photo (bytes)", string(w.Photo.WLT[100:132])})
		}
		if len(w.Fingerprint) > 0 {
			secrets = append(secrets, secret{"fingerprint (base64)", base64.StdEncoding.EncodeToString(w.Fingerprint)[:64]},
				secret{"fingerprint (hex)", hex.EncodeToString(w.Fingerprint[:32])}, secret{"fingerprint (bytes)", string(w.Fingerprint[:32])})
		}
	}
	written := map[string]string{"the agent's log": logs.String()}
	filepath.WalkDir(cfg.StateDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && path == filepath.Join(cfg.StateDir, core.DemoDir) {
			// The embedded demo platform stands in for the government's,
			// whose records hold these households by design (two sample
			// cards are seeded households); it is not the agent's data.
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(path); err == nil {
				written[path] = string(b)
			}
		}
		return nil
	})
	auditText := ""
	for path, text := range written {
		if strings.Contains(path, "audit") {
			auditText += text
		}
		for _, s := range secrets {
			if strings.Contains(text, s.s) {
				t.Errorf("%s holds a %s (%.20q)", path, s.what, s.s)
			}
		}
	}
	// The audit log is there, holds every read masked, and verifies.
	for _, w := range wire {
		if !strings.Contains(auditText, w.IDNumberMasked) {
			t.Errorf("the audit log lacks the read of %s", w.IDNumberMasked)
		}
	}
	if !strings.Contains(auditText, `"purpose":"低保申请"`) {
		t.Error("the audit log lacks the caller's purpose")
	}
	if _, err := audit.Verify(cfg.AuditDir()); err != nil {
		t.Errorf("audit log: %v", err)
	}
	if len(written) < 2 {
		t.Fatalf("nothing was written to search: %v", written)
	}
}
