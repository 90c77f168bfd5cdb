package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
)

const evidenceKeyUsage = `usage: kiosk-agent evidence-key [--state-dir DIR] [--config FILE]
prints the agent's signature-evidence public key as JSON ({"alg","keyId","publicKey"}),
making the key (<stateDir>/evidence-key) if there is none yet. Run it as the agent's
service user: the key file is that user's only.
`

// evidenceKeyCommand is "kiosk-agent evidence-key": the public key that
// checks the agent's signature bundles, for a verifier to keep.
func evidenceKeyCommand(args []string, stdout, stderr io.Writer) int {
	set := flag.NewFlagSet("evidence-key", flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = func() { fmt.Fprint(stderr, evidenceKeyUsage) }
	sf := bindStateOnly(set)
	if err := set.Parse(args); err != nil {
		return 2
	}
	if set.NArg() != 0 {
		set.Usage()
		return 2
	}
	cfg, err := sf.load(named(set, "config"))
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	_, existed := evidence.LoadKey(cfg.StateDir)
	k, err := evidence.LoadOrCreateKey(cfg.StateDir)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	if errors.Is(existed, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "made a new evidence key in %s\n", cfg.StateDir)
	}
	out, err := json.Marshal(k.Public())
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}

// bindStateOnly binds --config and --state-dir: where the agent's state
// (and so its key) is.
func bindStateOnly(set *flag.FlagSet) stateFlags {
	return stateFlags{
		config:   set.String("config", config.DefaultPath(), "the agent's configuration file, for its stateDir"),
		stateDir: set.String("state-dir", "", "the agent's state directory (overrides the configuration)"),
		auditDir: new(string),
	}
}

const verifySignatureUsage = `usage: kiosk-agent verify-signature FILE [--key KEY] [--document DOC] [--state-dir DIR] [--config FILE]
checks a signature bundle: its form, its signature and that its PNG and SVG are what its ink draws.
  --key KEY       the agent's public key: base64 of the raw key, or a file holding what
                  "kiosk-agent evidence-key" prints (default: this machine's key)
  --document DOC  also check that the bundle signs this file (its SHA-256)
prints "ok: …" or "FAILED: part: reason"; exit status 1 when it fails.
`

// verifySignatureCommand is "kiosk-agent verify-signature FILE": checks
// a signature bundle offline and names what is wrong with it.
func verifySignatureCommand(args []string, stdout, stderr io.Writer) int {
	set := flag.NewFlagSet("verify-signature", flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = func() { fmt.Fprint(stderr, verifySignatureUsage) }
	sf := bindStateOnly(set)
	keyArg := set.String("key", "", "the public key: base64, or a file as evidence-key prints it")
	docArg := set.String("document", "", "the signed document, to compare with the bundle's document.sha256")
	// Flags may come after FILE.
	var files []string
	for {
		if err := set.Parse(args); err != nil {
			return 2
		}
		if set.NArg() == 0 {
			break
		}
		files = append(files, set.Arg(0))
		args = set.Args()[1:]
	}
	if len(files) != 1 {
		set.Usage()
		return 2
	}
	key, err := verifyKey(*keyArg, sf, named(set, "config"))
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 2
	}
	data, err := readLimited(files[0], evidence.MaxBundleBytes)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 2
	}
	r, err := evidence.Verify(data, &key)
	if err != nil {
		fmt.Fprintf(stdout, "FAILED: %v\n", err)
		return 1
	}
	m := r.Manifest
	if *docArg != "" {
		doc, err := os.Open(*docArg)
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 2
		}
		h := sha256.New()
		_, err = io.Copy(h, doc)
		doc.Close()
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 2
		}
		if sum := hex.EncodeToString(h.Sum(nil)); sum != m.Document.SHA256 {
			fmt.Fprintf(stdout, "FAILED: manifest.document.sha256: the bundle signs another document (sha256 %s), not %s (sha256 %s)\n", m.Document.SHA256, *docArg, sum)
			return 1
		}
	}
	device := m.Device.Kind
	if m.Device.Model != "" {
		device += " " + m.Device.Model
	}
	fmt.Fprintf(stdout, "ok: signed by keyId %s (%s) at %s, document sha256 %s (%q, signer %s, on %s, %d samples)\n",
		r.KeyID, r.Alg, m.CapturedAt.Format(time.RFC3339Nano), m.Document.SHA256, m.Document.Title, m.Signer.Name, device, len(m.Ink.Samples))
	return 0
}

// verifyKey is the key to verify with: --key (base64 of the raw key, or a
// file as evidence-key prints it), else this machine's own.
func verifyKey(arg string, sf stateFlags, configNamed bool) (evidence.PublicKey, error) {
	if arg == "" {
		cfg, err := sf.load(configNamed)
		if err != nil {
			return evidence.PublicKey{}, err
		}
		k, err := evidence.LoadKey(cfg.StateDir)
		if errors.Is(err, fs.ErrNotExist) {
			return evidence.PublicKey{}, fmt.Errorf("this machine has no evidence key in %s: give the signing agent's with --key", cfg.StateDir)
		}
		if err != nil {
			return evidence.PublicKey{}, err
		}
		return k.Public(), nil
	}
	if fi, err := os.Stat(arg); err == nil && fi.Mode().IsRegular() {
		data, err := readLimited(arg, 1<<16)
		if err != nil {
			return evidence.PublicKey{}, err
		}
		text := strings.TrimSpace(string(data))
		if strings.HasPrefix(text, "{") {
			k, err := evidence.ParsePublicKey([]byte(text))
			if err != nil {
				return evidence.PublicKey{}, fmt.Errorf("%s: %w", arg, err)
			}
			return k, nil
		}
		arg = text
	}
	raw, err := base64.StdEncoding.DecodeString(arg)
	if err != nil {
		return evidence.PublicKey{}, fmt.Errorf("--key %q is neither a key file nor the base64 of a key", arg)
	}
	return evidence.NewPublicKey(evidence.AlgEd25519, raw)
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, nil
}
