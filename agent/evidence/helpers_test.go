package evidence

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

// testKey is a fixed key, so that test bundles are the same every run.
func testKey(t testing.TB, seed byte) *Key {
	t.Helper()
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed + byte(i)
	}
	k, err := newKey(ed25519.NewKeyFromSeed(s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// testManifest is a small capture: a short stroke and a tap on a Wacom
// STU-540, with hover reports.
func testManifest() Manifest {
	var samples []ink.Sample
	t := int64(0)
	add := func(x, y, p, sw int64) {
		samples = append(samples, ink.Sample{t, x, y, p, sw})
		t += 5
	}
	add(1000, 3000, 0, 0)
	for i := int64(0); i < 8; i++ {
		add(1000+i*600, 3000+(i%3)*300, 300+i*60, 1)
	}
	add(6000, 3500, 0, 0)
	add(7000, 2500, 700, 1)
	add(7000, 2500, 0, 0)
	return Manifest{
		Document:     Document{Title: "诚信承诺书", SHA256: sha("the document")},
		Signer:       Signatory{Name: "张三"},
		Device:       Device{Kind: DeviceSigpad, Model: "Wacom STU-540", Serial: "5A00123"},
		CapturedAt:   time.Date(2026, 5, 1, 10, 0, 0, 123e6, time.FixedZone("CST", 8*3600)),
		Agent:        Agent{ID: "kiosk-07", Version: "0.9.0"},
		PromptSHA256: sha("the prompt"),
		Ink:          Ink{Unit: "0.01mm", Width: 10175, Height: 7631, MaxPressure: 1023, Samples: samples},
		Render:       Render{Width: 24},
	}
}

func build(t testing.TB, m Manifest, k *Key) []byte {
	t.Helper()
	b, err := Build(m, k)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
